// Package markers reads the end-of-line test markers of the testdata files, so
// that the analysis tests and the server tests (which drive the real server over
// a pipe) share one syntax and one set of files. It is used by tests only.
//
// A marker sits in an HTML comment at the end of a Markdown line:
//
//	<!-- @diag(code) -->                 a diagnostic with this code starts on this line
//	<!-- @diag(code, "text") -->         ... and its span is exactly the first "text" on the line
//	<!-- @diag(code, "text", "msg") -->  ... and its message contains msg
//	<!-- @complete("prefix", "a", "b") --> completion right after the first "prefix" on
//	                                       the line offers exactly the inserts a, b ("-": none)
//
// Action markers (see Actions) are stripped from the plan before it is used:
//
//	<!-- @codeaction("Title") -->                     run the action Title with the cursor at the line start
//	<!-- @codeaction("Title", sel="text") -->         ... with the first "text" on this line selected
//	<!-- @codeaction("Title", sel="text", lines=3) --> ... selected from "text" to the end of the third line
//	<!-- @codeaction("Title", id="name") -->          ... golden section want/name instead of want/Title
//	<!-- @noaction("Title") -->                       no action titled Title is offered at this line
//	<!-- @fixall -->                                  fix-all (golden want/fixall), checked for idempotence
//
// Several markers may share one comment. A comment alone on its line claims for
// the line above it (for lines that a trailing comment would change, such as
// link reference definitions).
package markers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Diag is one @diag marker.
type Diag struct {
	// Line is the 0-based line the marker claims diagnostics on.
	Line int
	// Code is the diagnostic code.
	Code string
	// Text, if not "", is the exact text the diagnostic's span must cover: the
	// first occurrence on the line.
	Text string
	// Msg, if not "", must be part of the diagnostic's message.
	Msg string
	// Used is set by Claim.
	Used bool
}

// Complete is one @complete marker.
type Complete struct {
	// Line is the 0-based line of the marker.
	Line int
	// Prefix is the text the cursor follows (its first occurrence on the line).
	Prefix string
	// Col is the byte column of the cursor on the line.
	Col int
	// Want are the expected insert texts, in order; nil means no items.
	Want []string
}

var (
	diagRE     = regexp.MustCompile(`@diag\(([a-z-]+)((?:\s*,\s*"(?:[^"\\]|\\.)*")*)\)`)
	completeRE = regexp.MustCompile(`@complete\(((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\)`)
	argRE      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// comment returns the marker comment of a line and the line it claims for.
func comment(lines []string, i int) (string, int, bool) {
	line := lines[i]
	c := strings.LastIndex(line, "<!--")
	if c < 0 {
		return "", 0, false
	}
	target := i
	if strings.TrimSpace(line[:c]) == "" {
		target = i - 1
	}
	return line[c:], target, true
}

// args unquotes the quoted arguments of a marker.
func args(s string) ([]string, error) {
	var out []string
	for _, a := range argRE.FindAllString(s, -1) {
		u, err := strconv.Unquote(a)
		if err != nil {
			return nil, fmt.Errorf("bad marker argument %s", a)
		}
		out = append(out, u)
	}
	return out, nil
}

// Diags returns the @diag markers of a file.
func Diags(src []byte) ([]*Diag, error) {
	lines := strings.Split(string(src), "\n")
	var out []*Diag
	for i := range lines {
		c, target, ok := comment(lines, i)
		if !ok {
			continue
		}
		for _, m := range diagRE.FindAllStringSubmatch(c, -1) {
			as, err := args(m[2])
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
			d := &Diag{Line: target, Code: m[1]}
			if len(as) > 0 {
				d.Text = as[0]
			}
			if len(as) > 1 {
				d.Msg = as[1]
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Claim marks the first unused marker that matches a diagnostic, reporting
// whether there was one. line is the diagnostic's 0-based start line, lineText
// that line's text, and [col, endCol) its span as byte columns on that line
// (endCol may exceed the line for multi-line spans).
func Claim(ms []*Diag, line int, lineText string, col, endCol int, code, message string) bool {
	for _, m := range ms {
		if m.Used || m.Line != line || m.Code != code {
			continue
		}
		if m.Text != "" {
			i := strings.Index(lineText, m.Text)
			if i < 0 || col != i || endCol != i+len(m.Text) {
				continue
			}
		}
		if m.Msg != "" && !strings.Contains(message, m.Msg) {
			continue
		}
		m.Used = true
		return true
	}
	return false
}

// Completes returns the @complete markers of a file.
func Completes(src []byte) ([]*Complete, error) {
	lines := strings.Split(string(src), "\n")
	var out []*Complete
	for i, line := range lines {
		c := strings.LastIndex(line, "<!--")
		if c < 0 {
			continue
		}
		for _, m := range completeRE.FindAllStringSubmatch(line[c:], -1) {
			as, err := args(m[1])
			if err != nil || len(as) == 0 {
				return nil, fmt.Errorf("line %d: bad @complete marker", i+1)
			}
			at := strings.Index(line, as[0])
			if at < 0 {
				return nil, fmt.Errorf("line %d: prefix %q is not on the line", i+1, as[0])
			}
			want := as[1:]
			if len(want) == 1 && want[0] == "-" {
				want = nil
			}
			out = append(out, &Complete{Line: i, Prefix: as[0], Col: at + len(as[0]), Want: want})
		}
	}
	return out, nil
}

// Action is one action marker.
type Action struct {
	// Kind is "codeaction", "noaction" or "fixall".
	Kind string
	// Title is the action's title.
	Title string
	// Sel is the text to select on the line, or "" for a cursor at the line start.
	Sel string
	// Lines is the number of lines the selection spans (1 by default).
	Lines int
	// ID names the golden section want/ID.
	ID string
	// Line is the 0-based line in the stripped plan.
	Line int
}

var (
	actionCommentRE = regexp.MustCompile(`[ \t]*<!--\s*(@(?:codeaction|noaction|fixall)[^>]*?)\s*-->[ \t]*$`)
	actionMarkerRE  = regexp.MustCompile(`@(codeaction|noaction)\(("(?:[^"\\]|\\.)*")((?:\s*,\s*[a-z]+=(?:"(?:[^"\\]|\\.)*"|\d+))*)\)|@fixall`)
	markerArgRE     = regexp.MustCompile(`([a-z]+)=("(?:[^"\\]|\\.)*"|\d+)`)
)

// Actions removes the action markers (with the space before them) from a plan
// and returns the plan and the markers.
func Actions(plan string) (string, []*Action, error) {
	lines := strings.Split(plan, "\n")
	var out []*Action
	for i, line := range lines {
		m := actionCommentRE.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		body := line[m[2]:m[3]]
		lines[i] = line[:m[0]]
		for _, mm := range actionMarkerRE.FindAllStringSubmatch(body, -1) {
			if mm[0] == "@fixall" {
				out = append(out, &Action{Kind: "fixall", ID: "fixall", Line: i})
				continue
			}
			title, err := strconv.Unquote(mm[2])
			if err != nil {
				return "", nil, fmt.Errorf("line %d: bad title %s", i+1, mm[2])
			}
			am := &Action{Kind: mm[1], Title: title, ID: title, Line: i, Lines: 1}
			for _, a := range markerArgRE.FindAllStringSubmatch(mm[3], -1) {
				val := a[2]
				if strings.HasPrefix(val, `"`) {
					if val, err = strconv.Unquote(val); err != nil {
						return "", nil, fmt.Errorf("line %d: bad argument %s", i+1, a[0])
					}
				}
				switch a[1] {
				case "sel":
					am.Sel = val
				case "id":
					am.ID = val
				case "lines":
					am.Lines, _ = strconv.Atoi(val)
				default:
					return "", nil, fmt.Errorf("line %d: unknown marker argument %s", i+1, a[1])
				}
			}
			out = append(out, am)
		}
	}
	return strings.Join(lines, "\n"), out, nil
}

// Selection returns the byte range a marker selects, given the line's start
// offset and text (and, for multi-line selections, a function giving the end of
// the content of line n).
func (a *Action) Selection(lineStart int, lineText string, lineEnd func(n int) int) (int, int, error) {
	if a.Sel == "" {
		return lineStart, lineStart, nil
	}
	i := strings.Index(lineText, a.Sel)
	if i < 0 {
		return 0, 0, fmt.Errorf("line %d: %q not found", a.Line+1, a.Sel)
	}
	if a.Lines > 1 {
		return lineStart + i, lineEnd(a.Line + a.Lines - 1), nil
	}
	return lineStart + i, lineStart + i + len(a.Sel), nil
}
