// Command planls is the planls language server and command-line tool for Markdown
// plan files. With no arguments (or "serve", "--stdio") it serves LSP on stdio;
// the subcommands check, fix, move, done, reopen, stats, version and help work on
// files directly. This file defines main and the subcommand table; each
// subcommand lives in a file of its own name.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is the planls version, set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// command is one subcommand: its one-line summary, usage and entry point.
type command struct {
	summary string
	usage   string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands is the table of subcommands, filled by each subcommand's file in init.
var commands = map[string]*command{}

// order is the order in which help lists the subcommands.
var order = []string{"serve", "check", "fix", "move", "done", "reopen", "stats", "version", "help"}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "--stdio" || args[0] == "--log" || (len(args[0]) > 6 && args[0][:6] == "--log=") {
		return commands["serve"].run(args, stdout, stderr)
	}
	name := args[0]
	switch name {
	case "-h", "--help":
		name = "help"
	case "-v", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "planls: unknown command %q\nRun 'planls help' for usage.\n", args[0])
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}
