// This file defines Diagnostic and Diagnose, which runs every check of the check
// table over a plan and returns the findings sorted by position.

package analysis

import (
	"fmt"
	"io/fs"
	"sort"
)

// Diagnostic is one finding about a plan file.
type Diagnostic struct {
	// Span is where the problem is.
	Span Span
	// Severity is the configured severity of Code (never SeverityOff here).
	Severity Severity
	// Code is the stable kebab-case code, such as "duplicate-task".
	Code string
	// Message says what is wrong and what to do.
	Message string
	// Related points at other places that matter (the other copies of a duplicate).
	Related []Related
	// Fix carries what a quick fix needs, or nil.
	Fix *FixHint
}

// Related is another place that matters for a diagnostic.
type Related struct {
	// Path is the file, relative to the directory of the diagnosed file's fs.FS
	// root, or "" for the same file.
	Path string
	// Span is the place in that file.
	Span Span
	// Line is the 0-based line of Span.Start in that file.
	Line int
	// Message describes the place.
	Message string
}

// FixHint carries the data a quick fix for a diagnostic needs.
type FixHint struct {
	// Replace is the text that should replace the diagnostic's span: the closest
	// existing anchor for missing-anchor, the checkbox for malformed-checkbox.
	Replace string
	// Keep is the span of the copy a duplicate should be merged into.
	Keep Span
	// Identical is true when a duplicate task's block is byte-identical to Keep's.
	Identical bool
	// Path is the path a missing-file fix would create, relative to the fs.FS root.
	Path string
}

// Env is what the checks may look at besides the plan itself.
type Env struct {
	// Settings are the effective settings.
	Settings Settings
	// FS gives access to the workspace, or is nil when there is none (untitled
	// documents): file checks are then skipped.
	FS fs.FS
	// Path is the diagnosed file's path inside FS (slash-separated, no leading
	// slash), or "" when it is not in FS.
	Path string
	// Root is the workspace root inside FS that root-relative links (/x.md) start
	// from; "." for the FS root.
	Root string
	// Cache shares file lookups between the diagnoses of one run; nil means a
	// fresh cache for this call.
	Cache *FileCache
	// Workspace holds the other parsed files of the workspace, or nil: link
	// checks read targets from it before the FS, and duplicate-task-workspace
	// compares with it.
	Workspace *Workspace
	// src is the diagnosed plan's source, set by Diagnose.
	src []byte
}

// check is one row of the check table.
type check struct {
	// codes are the diagnostic codes the check can report.
	codes []string
	// run appends the check's findings.
	run func(p *Plan, env *Env, out *[]Diagnostic)
}

// checks is the check table: adding a diagnostic means adding a file with its
// check and a row here.
var checks []check

// register adds a row to the check table; each check's file calls it in init.
func register(run func(p *Plan, env *Env, out *[]Diagnostic), codes ...string) {
	checks = append(checks, check{codes: codes, run: run})
}

// Diagnose runs every enabled check over p and returns the findings sorted by
// position, with the configured severities. It never panics.
func Diagnose(p *Plan, env Env) (out []Diagnostic) {
	env.src = p.Src
	if p.TooLarge {
		if sev := env.Settings.SeverityOf("file-too-large"); sev != SeverityOff {
			out = append(out, Diagnostic{Span: Span{0, 0}, Severity: sev, Code: "file-too-large",
				Message: fmt.Sprintf("File too large for full analysis: %d MiB, above the limit of %d MiB. planls checks nothing else in it; split the file to get its features back.",
					len(p.Src)>>20, MaxFileSize>>20)})
		}
		return out
	}
	for _, c := range checks {
		enabled := false
		for _, code := range c.codes {
			if env.Settings.SeverityOf(code) != SeverityOff {
				enabled = true
			}
		}
		if !enabled {
			continue
		}
		found := runCheck(c, p, &env)
		for _, d := range found {
			if d.Severity = env.Settings.SeverityOf(d.Code); d.Severity != SeverityOff {
				out = append(out, d)
			}
		}
	}
	SortDiagnostics(out)
	return out
}

// SortDiagnostics sorts diagnostics by position, then code.
func SortDiagnostics(out []Diagnostic) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Span.Start != out[j].Span.Start {
			return out[i].Span.Start < out[j].Span.Start
		}
		return out[i].Code < out[j].Code
	})
}

// runCheck runs one check, turning a panic into an internal-error diagnostic so
// that one bug never hides the other checks' findings.
func runCheck(c check, p *Plan, env *Env) (found []Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			found = []Diagnostic{{Code: "internal-error", Severity: SeverityError,
				Message: fmt.Sprintf("planls hit an internal error in the %s check: %v. Please report it.", c.codes[0], r)}}
		}
	}()
	c.run(p, env, &found)
	return found
}
