// This file defines Symbols, the outline of a plan (sections, their
// subsections and tasks, subtasks under their tasks), and WorkspaceSymbols, the
// fuzzy search over the sections and tasks of every file of a workspace.

package analysis

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SymbolKind says what a symbol is.
type SymbolKind string

// The symbol kinds.
const (
	// SymbolSection is a section, named by its heading.
	SymbolSection SymbolKind = "section"
	// SymbolTask is a task, named by its text.
	SymbolTask SymbolKind = "task"
)

// Symbol is one entry of a plan's outline.
type Symbol struct {
	// Name is the heading's plain text or the task's text; never empty.
	Name string
	// Detail is "3/10 done" for a section with tasks (its subsections' included),
	// the status ("open", "done", "in progress", …) for a task.
	Detail string
	// Kind says what the symbol is.
	Kind SymbolKind
	// Closed is true for a done or cancelled task.
	Closed bool
	// Span covers the whole element without trailing white space: a section up
	// to its last non-blank line, a task's block.
	Span Span
	// NameSpan is the part to select and reveal: the heading text, the task text.
	// Span covers it.
	NameSpan Span
	// Children are the subsections and tasks of a section, the subtasks of a task.
	Children []Symbol
}

// Symbols returns the outline of p: its top-level sections with their
// subsections and tasks nested inside, and the tasks before the first heading.
// Every task sits under its innermost section, every subtask under its task.
// Tasks of done sections are left out (the section's detail counts them).
func Symbols(p *Plan) []Symbol {
	counts := sectionProgress(p)
	bySection := make(map[*Section][]Symbol)
	var top []Symbol
	var withChildren func(t *Task) Symbol
	withChildren = func(t *Task) Symbol {
		sym := taskSymbol(t)
		for _, c := range t.Children {
			sym.Children = append(sym.Children, withChildren(c))
		}
		return sym
	}
	for _, t := range p.Tasks {
		if t.Parent != nil {
			continue
		}
		// Done sections are the archive: their detail counts the tasks, and
		// listing thousands of closed tasks would drown the outline.
		if t.Section != nil && t.Section.Role == RoleDone {
			continue
		}
		if t.Section == nil {
			top = append(top, withChildren(t))
		} else {
			bySection[t.Section] = append(bySection[t.Section], withChildren(t))
		}
	}
	var nest func(s *Section) Symbol
	nest = func(s *Section) Symbol {
		sym := sectionSymbol(p, s, counts)
		// Tasks and subsections in document order.
		tasks := bySection[s]
		i := 0
		for _, sub := range s.Children {
			for i < len(tasks) && tasks[i].Span.Start < sub.Span.Start {
				sym.Children = append(sym.Children, tasks[i])
				i++
			}
			sym.Children = append(sym.Children, nest(sub))
		}
		sym.Children = append(sym.Children, tasks[i:]...)
		return sym
	}
	for _, s := range p.Sections {
		if s.Parent == nil {
			top = append(top, nest(s))
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Span.Start < top[j].Span.Start })
	return top
}

// taskSymbol returns the symbol of a task, without its subtasks.
func taskSymbol(t *Task) Symbol {
	sym := Symbol{Name: taskLabel(t), Detail: StatusName(t.Status), Kind: SymbolTask, Closed: t.Closed(),
		Span: Span{t.Span.Start, max(t.Span.End, t.Span.Start)}, NameSpan: t.TextSpan}
	if sym.NameSpan.Len() == 0 || !sym.Span.Covers(sym.NameSpan) {
		sym.NameSpan = t.Checkbox
	}
	if !sym.Span.Covers(sym.NameSpan) {
		sym.NameSpan = Span{sym.Span.Start, sym.Span.Start}
	}
	return sym
}

// sectionSymbol returns the symbol of a section, without its children; counts
// are the sections' progress (see sectionProgress).
func sectionSymbol(p *Plan, s *Section, counts []progress) Symbol {
	h := s.Heading
	sym := Symbol{Name: headingLabel(p, h), Kind: SymbolSection,
		Span: Span{s.Span.Start, max(trimmedEnd(p, s.Span), h.Span.End)}, NameSpan: h.TextSpan}
	if sym.NameSpan.Len() == 0 || !sym.Span.Covers(sym.NameSpan) {
		sym.NameSpan = h.Span
	}
	if c := counts[s.Index]; c.open+c.done > 0 {
		sym.Detail = fmt.Sprintf("%d/%d done", c.done, c.open+c.done)
	}
	return sym
}

// WorkspaceSymbol is a section or task of a workspace file that matches a query.
type WorkspaceSymbol struct {
	// Symbol is the section or task, without children.
	Symbol
	// Path is the file.
	Path string
	// Src is the file's text, which the spans refer to.
	Src []byte
	// Container names where the symbol is: the file and the enclosing section,
	// as "notes/plan.md › 1. doing".
	Container string
	// Score ranks the match: higher is better.
	Score int
}

// WorkspaceSymbols returns the sections and tasks of every file of ws whose
// name matches query (see FuzzyScore), best first, at most limit of them (all
// when limit <= 0). An empty query matches everything.
func WorkspaceSymbols(ws *Workspace, query string, limit int) []WorkspaceSymbol {
	q := fuzzyQuery(query)
	var out []WorkspaceSymbol
	for _, path := range ws.Paths() {
		p := ws.Plan(path)
		if p == nil {
			continue
		}
		var counts []progress
		for _, s := range p.Sections {
			name := headingLabel(p, s.Heading)
			score, ok := fuzzyMatch(q, name)
			if !ok {
				continue
			}
			if counts == nil {
				counts = sectionProgress(p)
			}
			container := path
			if s.Parent != nil {
				container = path + " › " + headingLabel(p, s.Parent.Heading)
			}
			out = append(out, WorkspaceSymbol{Symbol: sectionSymbol(p, s, counts), Path: path, Src: p.Src, Container: container, Score: score})
		}
		for _, t := range p.Tasks {
			score, ok := fuzzyMatch(q, taskLabel(t))
			if !ok {
				continue
			}
			container := path
			if t.Section != nil {
				container = path + " › " + headingLabel(p, t.Section.Heading)
			}
			out = append(out, WorkspaceSymbol{Symbol: taskSymbol(t), Path: path, Src: p.Src, Container: container, Score: score})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Span.Start < b.Span.Start
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// FuzzyScore matches query against name: every rune of the query must appear
// in name in order (case-insensitively, white space in the query ignored). It
// returns a score that is higher for better matches — the whole query as a
// prefix or a substring, matches at word starts, consecutive runs, short names —
// and whether name matches at all. An empty query matches every name with
// score 0.
func FuzzyScore(query, name string) (int, bool) {
	return fuzzyMatch(fuzzyQuery(query), name)
}

// fuzzyQuery prepares a query for fuzzyMatch: white space removed, case folded.
func fuzzyQuery(query string) []rune {
	return []rune(Fold(strings.Join(strings.Fields(query), "")))
}

// fuzzyMatch is FuzzyScore with a prepared query. It does not allocate unless
// name matches.
func fuzzyMatch(q []rune, name string) (int, bool) {
	if len(q) == 0 {
		return 0, true
	}
	score, qi, prev, i := 0, 0, -2, 0
	var last rune
	for _, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf:
			r = foldRune(r)
		}
		if qi < len(q) && r == q[qi] {
			switch {
			case i == prev+1:
				score += 8
			case i == 0 || !isWordRune(last):
				score += 6
			default:
				score++
			}
			prev = i
			qi++
		}
		last = r
		i++
	}
	if qi < len(q) {
		return 0, false
	}
	switch idx := strings.Index(Fold(name), string(q)); {
	case idx == 0:
		score += 40
	case idx > 0:
		score += 20
	}
	return score - i/8, true
}

// isWordRune reports whether r belongs to a word (a letter or a digit).
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
