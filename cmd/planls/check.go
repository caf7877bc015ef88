// This file defines the check subcommand: diagnostics for files and folders, as
// text, JSON or SARIF, with an exit code for CI.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/planls/planls/analysis"
	"github.com/planls/planls/server"
)

func init() {
	commands["check"] = &command{
		summary: "report problems in plan files (text, json or sarif)",
		usage:   "planls check [--format text|json|sarif] [--fail-on LEVEL] [--external] PATH…",
		run:     runCheck,
	}
}

// finding is one diagnostic with its file and 1-based positions (columns in
// Unicode code points). It is also the JSON form of a diagnostic.
type finding struct {
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Column    int       `json:"column"`
	EndLine   int       `json:"endLine"`
	EndColumn int       `json:"endColumn"`
	Severity  string    `json:"severity"`
	Code      string    `json:"code"`
	Message   string    `json:"message"`
	Related   []related `json:"related,omitempty"`

	sev analysis.Severity
}

// related is another place a finding points at.
type related struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// runCheck implements planls check.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text, json or sarif")
	failOn := fs.String("fail-on", "warning", "exit 1 when a finding is at or above `LEVEL`: error, warning, information or hint")
	external := fs.Bool("external", false, "also check http and https links over the network (dead-url; see SECURITY.md)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	threshold, ok := analysis.ParseSeverity(*failOn)
	if !ok || threshold == analysis.SeverityOff {
		fmt.Fprintf(stderr, "planls check: --fail-on must be error, warning, information or hint, not %q\n", *failOn)
		return 2
	}
	if *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "planls check: --format must be text, json or sarif, not %q\n", *format)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: planls check [--format text|json|sarif] [--fail-on LEVEL] [--external] PATH…")
		return 2
	}
	c := &collector{stderr: stderr}
	inputs := c.collect(fs.Args())
	var all []finding
	var read []checkedFile // kept for --external
	for _, in := range inputs {
		src, err := os.ReadFile(in.abs)
		if err != nil {
			c.errorf("%v", err)
			continue
		}
		all = append(all, checkFile(in, src)...)
		if *external {
			read = append(read, checkedFile{in, src})
		}
	}
	if *external {
		all = append(all, checkExternal(read, stderr)...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	var err error
	switch *format {
	case "json":
		err = writeJSON(stdout, len(inputs), all)
	case "sarif":
		err = writeSARIF(stdout, all)
	default:
		for _, f := range all {
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s [%s]\n", f.File, f.Line, f.Column, f.Severity, f.Message, f.Code)
		}
		if len(all) == 0 && len(inputs) > 0 {
			fmt.Fprintf(stderr, "planls: %d file(s) checked, no problems found\n", len(inputs))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "planls: %v\n", err)
		return 2
	}
	if c.failed {
		return 2
	}
	for _, f := range all {
		if f.sev != analysis.SeverityOff && f.sev <= threshold {
			return 1
		}
	}
	return 0
}

// checkFile diagnoses one file.
func checkFile(in input, src []byte) []finding {
	p := analysis.ParseWith(src, in.ws.settings)
	diags := analysis.Diagnose(p, analysis.Env{Settings: in.ws.settings, FS: in.ws.fsys, Path: in.rel, Root: ".", Cache: in.ws.cache})
	return toFindings(in, src, diags)
}

// toFindings converts the diagnostics of one file into findings.
func toFindings(in input, src []byte, diags []analysis.Diagnostic) []finding {
	m := server.NewMapper(src)
	pos := func(off int) (int, int) {
		l, c := m.OffsetPosition(off, server.UTF32)
		return l + 1, c + 1
	}
	var out []finding
	for _, d := range diags {
		f := finding{File: in.display, Severity: d.Severity.String(), Code: d.Code, Message: d.Message, sev: d.Severity}
		f.Line, f.Column = pos(d.Span.Start)
		f.EndLine, f.EndColumn = pos(d.Span.End)
		for _, r := range d.Related {
			rf := related{File: in.display, Message: r.Message}
			if r.Path == "" {
				rf.Line, rf.Column = pos(r.Span.Start)
			} else {
				rf.File, rf.Line, rf.Column = r.Path, r.Line+1, 1
			}
			f.Related = append(f.Related, rf)
		}
		out = append(out, f)
	}
	return out
}

// writeJSON writes the findings in the documented JSON schema (see README):
// {"version": 1, "files": N, "diagnostics": [finding…]}.
func writeJSON(w io.Writer, files int, all []finding) error {
	if all == nil {
		all = []finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Version     int       `json:"version"`
		Files       int       `json:"files"`
		Diagnostics []finding `json:"diagnostics"`
	}{1, files, all})
}
