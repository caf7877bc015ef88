// This file defines the serve subcommand: the language server on stdio.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/planls/planls/server"
)

func init() {
	commands["serve"] = &command{summary: "serve LSP on stdio (the default; for editors)", usage: "planls [serve] [--stdio] [--log FILE] [--cpuprofile FILE]", run: runServe}
}

// runServe starts the language server on stdin/stdout.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("stdio", true, "communicate over stdin/stdout (the only transport)")
	logFile := fs.String("log", "", "append logs to `FILE` instead of stderr")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the session to `FILE` (for go tool pprof)")
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var logw io.Writer = stderr
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "planls: %v\n", err)
			return 2
		}
		defer f.Close()
		logw = f
	}
	if os.Getenv("GOGC") == "" {
		// A burst of edits in a large plan allocates a new text per change and
		// a new model per diagnostics run; collecting at twice the default heap
		// growth halves the collections that slow applying the edits, for some
		// 10 MB more at 10,000 tasks (see BENCHMARKS.md). GOGC overrides it.
		debug.SetGCPercent(200)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "planls: %v\n", err)
			return 2
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprintln(stderr, "planls: serving LSP on stdin/stdout; start it from your editor (see README), or run 'planls help' for the command line.")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Serve(ctx, os.Stdin, os.Stdout, server.Options{Log: logw, Version: version})
}
