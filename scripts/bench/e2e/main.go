// Command e2e is the end-to-end benchmark of planls: it drives a language
// server binary over stdio like an editor does and measures start →
// initialize, open → diagnostics, rapid keystrokes → final diagnostics, single
// keystrokes → their diagnostics, completion / codeAction / documentSymbol /
// hover latency, peak RSS and CPU time, on generated plans of several sizes,
// plus the indexing of a 1,000-file workspace. Any LSP server can be driven,
// so the same workload runs against VS Code's Markdown language server
// (scripts/bench/run does both and prints them side by side).
//
// Usage:
//
//	go run ./scripts/bench/e2e run [flags] -- server-command [args...]
//	go run ./scripts/bench/e2e compare planls.json vscode.json [more.json...]
//	go run ./scripts/bench/e2e update BENCHMARKS.md comparison.md [go-bench.txt]
//
// run writes a JSON results file (-out) and prints a summary; compare prints
// the Markdown tables of BENCHMARKS.md from results files, the first one being
// the subject that the others are compared with; update replaces the
// generated parts of BENCHMARKS.md (between its bench markers) with a
// comparison and the output of the Go benchmarks. The driver talks to the
// server over its stdin and stdout only: no network. Every wait has a
// timeout, and each server runs in its own process group, killed at the end
// of its run.
package main

// This file defines the command line: the run, compare and update subcommands.

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCommand(os.Args[2:])
	case "compare":
		err = compareCommand(os.Args[2:])
	case "update":
		err = updateCommand(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
}

// usage prints how to call the command and exits.
func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  e2e run [flags] -- server-command [args...]
  e2e compare subject.json other.json [more.json...]
  e2e update BENCHMARKS.md comparison.md [go-bench.txt]`)
	os.Exit(2)
}

// runCommand runs the benchmark against one server.
func runCommand(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	name := fs.String("name", "", "the server's name in the tables (default: the command's base name)")
	sizes := fs.String("sizes", "100,2000,10000", "plan sizes in tasks, comma-separated")
	runs := fs.Int("runs", 5, "runs per size (a fresh server process each)")
	keystrokes := fs.Int("keystrokes", 100, "rapid keystrokes per run")
	typing := fs.Int("typing", 20, "single keystrokes per run, each waiting for its diagnostics")
	requests := fs.Int("requests", 50, "requests of each kind per run")
	pull := fs.Bool("pull", false, "announce pull diagnostics and pull like VS Code's client (else wait for publishDiagnostics)")
	settings := fs.String("settings", "", "JSON file mapping configuration sections to values, sent with didChangeConfiguration and returned for workspace/configuration")
	index := fs.Int("index", 0, "also measure the indexing of a workspace of this many files (0: skip)")
	indexRuns := fs.Int("index-runs", 0, "runs of the index benchmark (default: -runs)")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest wait for one step")
	out := fs.String("out", "", "write the results as JSON to this file")
	verbose := fs.Bool("v", false, "print every run")
	keep := fs.String("keep", "", "keep the server logs (and traces, with -trace) in this folder")
	trace := fs.Bool("trace", false, "trace every message (with -keep)")
	_ = fs.Parse(args)
	argv := fs.Args()
	if len(argv) == 0 {
		return fmt.Errorf("run: no server command (give it after --)")
	}
	var sizeList []int
	for f := range strings.SplitSeq(*sizes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return fmt.Errorf("run: bad size %q", f)
		}
		sizeList = append(sizeList, n)
	}
	if *runs < 1 || *requests < 1 || *keystrokes < 1 || *typing < 0 {
		return fmt.Errorf("run: -runs, -requests and -keystrokes must be positive")
	}
	if *name == "" {
		*name = filepath.Base(argv[0])
	}
	// The server runs in the generated workspace: relative paths to existing
	// files in its command line are made absolute.
	for i, a := range argv {
		if strings.ContainsRune(a, filepath.Separator) && !filepath.IsAbs(a) {
			if _, err := os.Stat(a); err == nil {
				argv[i], _ = filepath.Abs(a)
			}
		}
	}
	tmp := *keep
	if tmp == "" {
		var err error
		if tmp, err = os.MkdirTemp("", "planls-e2e-"); err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
	} else if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	// Workspace paths become file URIs: they must be absolute.
	if abs, err := filepath.Abs(tmp); err == nil {
		tmp = abs
	}
	cfg := &config{argv: argv, pull: *pull, keystrokes: *keystrokes, typing: *typing, requests: *requests, timeout: *timeout, tmp: tmp, trace: *trace && *keep != ""}
	if *settings != "" {
		data, err := os.ReadFile(*settings)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &cfg.settings); err != nil {
			return fmt.Errorf("%s: %v", *settings, err)
		}
	}
	mode := "push"
	if *pull {
		mode = "pull"
	}
	res := &result{Name: *name, Command: argv, Mode: mode, Runs: *runs, Keystrokes: *keystrokes, Typing: *typing,
		Requests: *requests, Machine: thisMachine(), Date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), LoadBefore: loadAverage()}
	for _, n := range sizeList {
		sz := sizeResult{Tasks: n}
		for i := range *runs {
			r, err := runSize(cfg, n, i)
			if err != nil {
				return fmt.Errorf("%s, %d tasks, run %d: %v", *name, n, i+1, err)
			}
			if *verbose {
				fmt.Fprintf(os.Stderr, "%s %d tasks run %d: init %s open %s keys %s typing %s rss %.0f MB\n", *name, n, i+1,
					fmtMS(r.Initialize), fmtMS(r.Open), fmtMS(r.Keys), fmtMS(r.Typing), r.PeakRSS)
			}
			sz.Runs = append(sz.Runs, r)
		}
		sz.Bytes = len(generatedPlan(n))
		sz.Median = medianRun(sz.Runs)
		res.Sizes = append(res.Sizes, sz)
		m := sz.Median
		fmt.Fprintf(os.Stderr, "%s (%s), %d tasks: initialize %s, open → diagnostics %s (cpu %s), %d keystrokes → final %s (cpu %s), keystroke → diagnostics %s (cpu %s/key), peak RSS %.0f MB\n",
			*name, mode, n, fmtMS(m.Initialize), fmtMS(m.Open), fmtMS(m.OpenCPU), *keystrokes, fmtMS(m.Keys), fmtMS(m.KeysCPU),
			fmtMS(m.Typing), fmtMS(m.TypingCPU), m.PeakRSS)
	}
	if *index > 0 {
		nr := *indexRuns
		if nr <= 0 {
			nr = *runs
		}
		files, total := indexWorkspace(*index)
		ix := &indexSummary{Files: *index, Bytes: total}
		for i := range nr {
			r, err := runIndex(cfg, files, i)
			if err != nil {
				return fmt.Errorf("%s, index run %d: %v", *name, i+1, err)
			}
			ix.Runs = append(ix.Runs, r)
		}
		ix.Median = medianIndex(ix.Runs)
		res.Index = ix
		fmt.Fprintf(os.Stderr, "%s: index of %d files (%s): %s (%s), cpu %s\n", *name, *index, fmtSize(total),
			fmtMS(ix.Median.Time), ix.Median.Method, fmtMS(ix.Median.CPU))
	}
	res.LoadAfter = loadAverage()
	if *out != "" {
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// compareCommand prints the comparison tables of results files.
func compareCommand(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("compare: no results files")
	}
	var results []*result
	for _, path := range args {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		r := &result{}
		if err := json.Unmarshal(data, r); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		results = append(results, r)
	}
	writeComparison(os.Stdout, results)
	return nil
}

// updateCommand replaces the generated sections of a BENCHMARKS.md file.
func updateCommand(args []string) error {
	if len(args) < 2 || len(args) > 3 {
		return fmt.Errorf("update: want BENCHMARKS.md comparison.md [go-bench.txt]")
	}
	doc, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	comparison, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	text, err := replaceSection(string(doc), "results", strings.TrimSpace(string(comparison)))
	if err != nil {
		return err
	}
	if len(args) == 3 {
		bench, err := os.ReadFile(args[2])
		if err != nil {
			return err
		}
		if text, err = replaceSection(text, "go", "```\n"+strings.TrimSpace(string(bench))+"\n```"); err != nil {
			return err
		}
	}
	return os.WriteFile(args[0], []byte(text), 0o644)
}

// replaceSection replaces the text between the lines "<!-- bench:NAME:begin -->"
// and "<!-- bench:NAME:end -->" of doc with body.
func replaceSection(doc, name, body string) (string, error) {
	begin, end := "<!-- bench:"+name+":begin -->", "<!-- bench:"+name+":end -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("update: no %s ... %s markers", begin, end)
	}
	return doc[:i+len(begin)] + "\n" + body + "\n" + doc[j:], nil
}
