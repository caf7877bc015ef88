// This file defines Symbols, the outline of a plan (sections, their
// subsections and tasks, subtasks under their tasks), and WorkspaceSymbols, the
// fuzzy search over the sections and tasks of every file of a workspace.

package analysis

import (
	"fmt"
	"slices"
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
//
// The outline of a large plan has thousands of entries, and editors ask for it
// after every change, so Symbols counts them first and fills one array: every
// Children slice is a part of it.
func Symbols(p *Plan) []Symbol {
	counts := sectionProgress(p)
	// listed are the top-level tasks of the outline, grouped by innermost
	// section: those of section i are listed[first[i]:first[i+1]], those
	// before the first heading listed[first[len(p.Sections)]:].
	nsec := len(p.Sections)
	first := make([]int, nsec+2)
	total := 0
	for _, t := range p.Tasks {
		if t.Parent != nil {
			continue
		}
		// Done sections are the archive: their detail counts the tasks, and
		// listing thousands of closed tasks would drown the outline.
		if t.Section != nil && t.Section.Role == RoleDone {
			continue
		}
		first[sectionSlot(t, nsec)+1]++
		total += taskCount(t)
	}
	for i := 1; i < len(first); i++ {
		first[i] += first[i-1]
	}
	listed := make([]*Task, first[nsec+1])
	next := slices.Clone(first[:nsec+1])
	for _, t := range p.Tasks {
		if t.Parent != nil || (t.Section != nil && t.Section.Role == RoleDone) {
			continue
		}
		i := sectionSlot(t, nsec)
		listed[next[i]] = t
		next[i]++
	}

	b := symbolBuilder{p: p, counts: counts, listed: listed, first: first,
		buf: make([]Symbol, 0, total+nsec)}
	// The top level: the tasks before the first heading and the top-level
	// sections, in document order.
	tasks := listed[first[nsec]:first[nsec+1]]
	var sections []*Section
	for _, s := range p.Sections {
		if s.Parent == nil {
			sections = append(sections, s)
		}
	}
	return b.fill(tasks, sections)
}

// sectionSlot returns the group of a top-level task in Symbols: the index of
// its section, or nsec before the first heading.
func sectionSlot(t *Task, nsec int) int {
	if t.Section == nil {
		return nsec
	}
	return t.Section.Index
}

// taskCount returns the number of tasks in t's block: t and its subtasks.
func taskCount(t *Task) int {
	n := 1
	for _, c := range t.Children {
		n += taskCount(c)
	}
	return n
}

// symbolBuilder fills the outline of Symbols into one array.
type symbolBuilder struct {
	p      *Plan
	counts []progress
	listed []*Task
	first  []int
	// buf holds every symbol; its capacity is their number.
	buf []Symbol
}

// alloc returns the next n symbols of the array, or nil when n is 0.
func (b *symbolBuilder) alloc(n int) []Symbol {
	if n == 0 {
		return nil
	}
	at := len(b.buf)
	b.buf = append(b.buf, make([]Symbol, n)...)
	return b.buf[at : at+n : at+n]
}

// fill returns the symbols of tasks and sections, merged in document order,
// with their children.
func (b *symbolBuilder) fill(tasks []*Task, sections []*Section) []Symbol {
	out := b.alloc(len(tasks) + len(sections))
	i, j := 0, 0
	for k := range out {
		if j == len(sections) || (i < len(tasks) && tasks[i].Span.Start < sections[j].Span.Start) {
			b.task(&out[k], tasks[i])
			i++
			continue
		}
		s := sections[j]
		j++
		out[k] = sectionSymbol(b.p, s, b.counts)
		out[k].Children = b.fill(b.listed[b.first[s.Index]:b.first[s.Index+1]], s.Children)
	}
	return out
}

// task fills sym with the symbol of t and its subtasks.
func (b *symbolBuilder) task(sym *Symbol, t *Task) {
	*sym = taskSymbol(t)
	sym.Children = b.alloc(len(t.Children))
	for i, c := range t.Children {
		b.task(&sym.Children[i], c)
	}
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
