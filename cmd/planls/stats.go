// This file defines the stats subcommand: per-section open and done counts.

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/planls/planls/analysis"
)

func init() {
	commands["stats"] = &command{summary: "print per-section open/done task counts", usage: "planls stats [--format text|json] PATH…", run: runStats}
}

// runStats implements planls stats.
func runStats(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || (*format != "text" && *format != "json") {
		fmt.Fprintln(stderr, "usage: planls stats [--format text|json] PATH…")
		return 2
	}
	c := &collector{stderr: stderr}
	type fileStats struct {
		File     string                  `json:"file"`
		Sections []analysis.SectionStats `json:"sections"`
		Total    analysis.SectionStats   `json:"total"`
	}
	var all []fileStats
	for _, in := range c.collect(fs.Args()) {
		src, err := os.ReadFile(in.abs)
		if err != nil {
			c.errorf("%v", err)
			continue
		}
		secs, total := analysis.Stats(analysis.ParseWith(src, in.ws.settings))
		all = append(all, fileStats{File: in.display, Sections: secs, Total: total})
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []fileStats{}
		}
		if err := enc.Encode(all); err != nil {
			c.errorf("%v", err)
		}
	} else {
		for _, f := range all {
			fmt.Fprintln(stdout, f.File)
			width := 5
			for _, s := range f.Sections {
				width = max(width, displayWidth(s.Indent)+displayWidth(s.Name))
			}
			row := func(name string, s analysis.SectionStats) {
				fmt.Fprintf(stdout, "  %s%*s %5d open %5d done\n", name, width-displayWidth(name), "", s.Open, s.Done)
			}
			for _, s := range f.Sections {
				row(s.Indent+s.Name, s)
			}
			row("total", f.Total)
		}
	}
	if c.failed {
		return 2
	}
	return 0
}

// displayWidth approximates the terminal width of s: East Asian wide characters
// count two columns.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
			r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 ||
			r >= 0xffe0 && r <= 0xffe6 || r >= 0x1f300 && r <= 0x1faff || r >= 0x20000 && r <= 0x3fffd):
			w += 2
		default:
			w++
		}
	}
	return w
}
