// This file defines the markers of the navigation tests (testdata/symbols,
// folding, hover, links, references, rename, codelens) and the text forms of
// their results that the golden sections hold. The analysis runners and the
// server runners convert their results into the plain types here and render
// them the same way, so that one golden checks both.
//
// Navigation markers sit in HTML comments like the others (a comment alone on
// its line claims for the line above); a "text" argument places the cursor at
// the start of the first "text" on the claimed line, before the comment:
//
//	<!-- @symbols -->                 the outline of this file: golden symbols/PATH
//	<!-- @wsymbols("query") -->       workspace symbols for query: golden wsymbols/QUERY
//	<!-- @fold -->                    the folding ranges of this file: golden fold/PATH
//	<!-- @links -->                   the document links of this file: golden links/PATH
//	<!-- @lens -->                    the code lenses of this file: golden lens/PATH
//	<!-- @hover("text") -->           the hover at text: golden hover/ID
//	<!-- @def("text", "path:line") --> definition at text leads to path, 1-based line ("-": nowhere)
//	<!-- @refs("text") -->            references at text, declaration included: golden refs/ID
//	<!-- @prepare("text", "name") --> prepareRename at text offers exactly "name" ("-": refused)
//	<!-- @rename("text", "new") -->   rename at text to new: golden rename/ID/PATH for every
//	                                  file the edit touches, and no other file
//	<!-- @rename("text", "new", error="part") --> the rename is refused with a message containing part
//
// ID is the id="…" option when given, else the first argument (the query, or
// for rename the new name). The files of an archive whose first path element is
// a golden kind (symbols/, wsymbols/, fold/, links/, lens/, hover/, refs/,
// rename/) are goldens, not workspace files. Ranges are written as
// LINE:COL-LINE:COL, 1-based lines and 1-based byte columns.

package markers

import (
	"fmt"
	"strconv"
	"strings"
)

// Nav is one navigation marker.
type Nav struct {
	// Name is the marker's name: "symbols", "hover", "rename", ….
	Name string
	// Line is the 0-based line the marker claims.
	Line int
	// Args are the quoted arguments, unquoted.
	Args []string
	// Opts are the key=value arguments.
	Opts map[string]string
	// Col is the byte column of the cursor on the claimed line: where the
	// first argument of a cursor marker (hover, def, refs, prepare, rename)
	// starts; 0 for the others.
	Col int
}

// ID returns the id option, else the first argument, else "".
func (n *Nav) ID() string {
	if id, ok := n.Opts["id"]; ok {
		return id
	}
	if len(n.Args) > 0 {
		return n.Args[0]
	}
	return ""
}

// Arg returns the i-th argument, or "".
func (n *Nav) Arg(i int) string {
	if i < len(n.Args) {
		return n.Args[i]
	}
	return ""
}

// navNames are the marker names Navs reads.
var navNames = map[string]bool{"symbols": true, "wsymbols": true, "fold": true, "links": true, "lens": true,
	"hover": true, "def": true, "refs": true, "prepare": true, "rename": true}

// cursorNames are the markers whose first argument places the cursor.
var cursorNames = map[string]bool{"hover": true, "def": true, "refs": true, "prepare": true, "rename": true}

// goldenKinds are the first path elements of golden sections.
var goldenKinds = map[string]bool{"symbols": true, "wsymbols": true, "fold": true, "links": true, "lens": true,
	"hover": true, "refs": true, "rename": true}

// IsGolden reports whether an archive file is a golden section of the
// navigation tests rather than a workspace file.
func IsGolden(name string) bool {
	first, _, ok := strings.Cut(name, "/")
	return ok && goldenKinds[first]
}

// Navs returns the navigation markers of a file, in order.
func Navs(src []byte) ([]*Nav, error) {
	lines := strings.Split(string(src), "\n")
	var out []*Nav
	for i := range lines {
		c, target, ok := comment(lines, i)
		if !ok {
			continue
		}
		ms, err := parseNavs(c)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		for _, m := range ms {
			m.Line = target
			if cursorNames[m.Name] && len(m.Args) > 0 && target >= 0 {
				text := lines[target]
				if target == i {
					text = text[:strings.LastIndex(text, "<!--")]
				}
				at := strings.Index(text, m.Args[0])
				if at < 0 {
					return nil, fmt.Errorf("line %d: %q is not on line %d", i+1, m.Args[0], target+1)
				}
				m.Col = at
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// parseNavs reads the navigation markers of one comment.
func parseNavs(c string) ([]*Nav, error) {
	var out []*Nav
	for {
		i := strings.IndexByte(c, '@')
		if i < 0 {
			return out, nil
		}
		c = c[i+1:]
		j := 0
		for j < len(c) && (c[j] >= 'a' && c[j] <= 'z') {
			j++
		}
		name := c[:j]
		c = c[j:]
		if !navNames[name] {
			continue
		}
		m := &Nav{Name: name, Opts: map[string]string{}}
		if strings.HasPrefix(c, "(") {
			rest, err := parseArgs(c[1:], m)
			if err != nil {
				return nil, fmt.Errorf("@%s: %v", name, err)
			}
			c = rest
		}
		out = append(out, m)
	}
}

// parseArgs reads "a", key="v", key=word up to ")" and returns what follows.
func parseArgs(s string, m *Nav) (string, error) {
	for {
		s = strings.TrimLeft(s, " \t,")
		switch {
		case s == "":
			return "", fmt.Errorf("missing )")
		case s[0] == ')':
			return s[1:], nil
		case s[0] == '"':
			v, rest, err := quoted(s)
			if err != nil {
				return "", err
			}
			m.Args = append(m.Args, v)
			s = rest
		default:
			eq := strings.IndexByte(s, '=')
			if eq <= 0 {
				return "", fmt.Errorf("bad argument %q", s)
			}
			key := strings.TrimSpace(s[:eq])
			s = strings.TrimLeft(s[eq+1:], " \t")
			if strings.HasPrefix(s, `"`) {
				v, rest, err := quoted(s)
				if err != nil {
					return "", err
				}
				m.Opts[key], s = v, rest
			} else {
				end := strings.IndexAny(s, ",) \t")
				if end < 0 {
					return "", fmt.Errorf("missing )")
				}
				m.Opts[key], s = s[:end], s[end:]
			}
		}
	}
}

// quoted reads a Go-quoted string at the start of s.
func quoted(s string) (string, string, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, err := strconv.Unquote(s[:i+1])
			return v, s[i+1:], err
		}
	}
	return "", "", fmt.Errorf("unterminated string")
}

// Range renders the byte span [start, end) of src as LINE:COL-LINE:COL.
func Range(src []byte, start, end int) string {
	return pos(src, start) + "-" + pos(src, end)
}

// pos renders a byte offset of src as LINE:COL, both 1-based.
func pos(src []byte, off int) string {
	off = max(0, min(off, len(src)))
	line, ls := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			ls = i + 1
		}
	}
	return fmt.Sprintf("%d:%d", line, off-ls+1)
}

// Text returns src[start:end] (clamped) with line breaks shown as ⏎.
func Text(src []byte, start, end int) string {
	start = max(0, min(start, len(src)))
	end = max(start, min(end, len(src)))
	return strings.ReplaceAll(strings.ReplaceAll(string(src[start:end]), "\r\n", "⏎"), "\n", "⏎")
}

// Symbol is a document symbol in byte offsets.
type Symbol struct {
	// Kind is "section" or "task".
	Kind string
	// Name and Detail are shown.
	Name, Detail string
	// Closed is true for a done or cancelled task.
	Closed bool
	// Start, End cover the symbol; SelStart, SelEnd its name.
	Start, End, SelStart, SelEnd int
	// Children are nested symbols.
	Children []Symbol
}

// RenderSymbols renders an outline, one symbol a line, children indented.
func RenderSymbols(src []byte, syms []Symbol) string {
	var b strings.Builder
	var walk func(syms []Symbol, depth int)
	walk = func(syms []Symbol, depth int) {
		for _, s := range syms {
			fmt.Fprintf(&b, "%s%s %q", strings.Repeat("  ", depth), s.Kind, s.Name)
			if s.Detail != "" {
				fmt.Fprintf(&b, " (%s)", s.Detail)
			}
			if s.Closed {
				b.WriteString(" closed")
			}
			fmt.Fprintf(&b, " %s sel %q\n", Range(src, s.Start, s.End), Text(src, s.SelStart, s.SelEnd))
			walk(s.Children, depth+1)
		}
	}
	walk(syms, 0)
	return b.String()
}

// WorkspaceSymbol is a workspace symbol in byte offsets of its file.
type WorkspaceSymbol struct {
	// Kind is "section" or "task".
	Kind string
	// Name and Container are shown.
	Name, Container string
	// Path is the file.
	Path string
	// Src is the file's text.
	Src []byte
	// Start, End cover the symbol.
	Start, End int
}

// RenderWorkspaceSymbols renders workspace symbols, one a line, in order.
func RenderWorkspaceSymbols(syms []WorkspaceSymbol) string {
	var b strings.Builder
	for _, s := range syms {
		fmt.Fprintf(&b, "%s %q in %q at %s:%s\n", s.Kind, s.Name, s.Container, s.Path, Range(s.Src, s.Start, s.End))
	}
	return b.String()
}

// RenderFolds renders folding ranges (0-based lines) as "START-END | first line".
func RenderFolds(src []byte, ranges [][2]int) string {
	lines := strings.Split(string(src), "\n")
	var b strings.Builder
	for _, r := range ranges {
		first := ""
		if r[0] >= 0 && r[0] < len(lines) {
			first = strings.TrimRight(lines[r[0]], "\r")
		}
		fmt.Fprintf(&b, "%d-%d | %s\n", r[0]+1, r[1]+1, first)
	}
	return b.String()
}

// Link is a document link in byte offsets.
type Link struct {
	// Start, End cover the link.
	Start, End int
	// Target is the target file's workspace path, with "#Ln" (1-based) for a line.
	Target string
}

// RenderLinks renders document links, one a line.
func RenderLinks(src []byte, links []Link) string {
	var b strings.Builder
	for _, l := range links {
		fmt.Fprintf(&b, "%s %q → %s\n", Range(src, l.Start, l.End), Text(src, l.Start, l.End), l.Target)
	}
	return b.String()
}

// Location is a place in a workspace file.
type Location struct {
	// Path is the file.
	Path string
	// Src is its text.
	Src []byte
	// Start, End cover the place.
	Start, End int
}

// RenderLocations renders locations, one a line, in the given order.
func RenderLocations(locs []Location) string {
	var b strings.Builder
	for _, l := range locs {
		fmt.Fprintf(&b, "%s:%s %q\n", l.Path, Range(l.Src, l.Start, l.End), Text(l.Src, l.Start, l.End))
	}
	return b.String()
}

// LocationLine renders where a definition leads as "path:line" (1-based), the
// form of @def's second argument.
func LocationLine(l Location) string {
	line := 1 + strings.Count(string(l.Src[:max(0, min(l.Start, len(l.Src)))]), "\n")
	return fmt.Sprintf("%s:%d", l.Path, line)
}

// RenderHover renders a hover: its range, then its Markdown.
func RenderHover(src []byte, start, end int, markdown string) string {
	return fmt.Sprintf("range %s %q\n%s\n", Range(src, start, end), Text(src, start, end), markdown)
}

// Lens is a code lens in byte offsets.
type Lens struct {
	// Start, End cover the lens's range.
	Start, End int
	// Title is its text.
	Title string
}

// RenderLenses renders code lenses, one a line.
func RenderLenses(src []byte, lenses []Lens) string {
	var b strings.Builder
	for _, l := range lenses {
		fmt.Fprintf(&b, "%s %q: %s\n", Range(src, l.Start, l.End), Text(src, l.Start, l.End), l.Title)
	}
	return b.String()
}
