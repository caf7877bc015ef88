// This file defines lookups on the plan model that the task actions need: the task
// at an offset or on a line, the tasks a selection covers, sections by name, the
// done, cancelled and reopen sections for a task, and the structural tests
// (container sections, lists nested in plain items, movable tasks) behind them.

package analysis

import (
	"sort"
	"strings"
)

// TaskAt returns the innermost task whose block holds offset off (its end
// included, so that a cursor at the end of a line still counts), or nil.
//
// Tasks are sorted by start and nest: the innermost task holding off is the
// last task that starts at or before off, or the nearest of its ancestors
// whose block reaches off (any task starting between an ancestor and off
// holds that start, so it is an ancestor too). Finding it costs a binary
// search and a walk up the nesting.
func (p *Plan) TaskAt(off int) *Task {
	i := sort.Search(len(p.Tasks), func(i int) bool { return p.Tasks[i].Span.Start > off }) - 1
	if i < 0 {
		return nil
	}
	for t := p.Tasks[i]; t != nil; t = t.Parent {
		if off <= t.Span.End {
			return t
		}
	}
	return nil
}

// TaskOnLine returns the task whose first line is the 0-based line, or nil.
func (p *Plan) TaskOnLine(line int) *Task {
	if line < 0 || line >= len(p.Lines) {
		return nil
	}
	start := p.Lines[line]
	i := sort.Search(len(p.Tasks), func(i int) bool { return p.Tasks[i].Span.Start >= start })
	if i < len(p.Tasks) && p.Tasks[i].Span.Start == start {
		return p.Tasks[i]
	}
	return nil
}

// TasksIn returns the tasks a selection covers, in document order. An empty
// selection is a cursor: it covers the innermost task at that offset. Otherwise
// every task whose first line intersects the selection is covered; a selection
// that ends at the very start of a line does not cover that line.
func (p *Plan) TasksIn(sel Span) []*Task {
	if sel.End <= sel.Start {
		if t := p.TaskAt(sel.Start); t != nil {
			return []*Task{t}
		}
		return nil
	}
	// The tasks are sorted by their first lines, so those that intersect the
	// selection are a run, found by binary search.
	first := func(i int) int { return p.LineOf(p.Tasks[i].Span.Start) }
	lo := sort.Search(len(p.Tasks), func(i int) bool { return sel.Start <= p.LineEnd(first(i)) })
	hi := sort.Search(len(p.Tasks), func(i int) bool { return p.LineStart(first(i)) >= sel.End })
	if lo >= hi {
		return nil
	}
	return append([]*Task(nil), p.Tasks[lo:hi]...)
}

// OutermostTasks returns the tasks of list that have no ancestor in list: a
// subtask travels with its parent and is not moved on its own.
func OutermostTasks(list []*Task) []*Task {
	in := make(map[*Task]bool, len(list))
	for _, t := range list {
		in[t] = true
	}
	var out []*Task
	for _, t := range list {
		nested := false
		for a := t.Parent; a != nil; a = a.Parent {
			if in[a] {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, t)
		}
	}
	return out
}

// SectionByName returns the first section whose name matches name, compared as
// section names are (case-folded, enumeration removed: "4. done" finds "## 4. done"),
// or nil.
func (p *Plan) SectionByName(name string) *Section {
	_, bare := SplitSectionName(name)
	key := Fold(strings.Join(strings.Fields(bare), " "))
	whole := Fold(strings.Join(strings.Fields(name), " "))
	for _, s := range p.Sections {
		if k := Fold(strings.Join(strings.Fields(s.Name), " ")); k == key || k == whole {
			return s
		}
	}
	return nil
}

// SectionContains reports whether task t lies inside section s (its
// subsections included).
func SectionContains(s *Section, t *Task) bool {
	return s != nil && t != nil && s.Span.Start <= t.Span.Start && t.Span.Start < s.Span.End
}

// IsContainer reports whether a section only groups other sections: it has a
// subsection whose state differs from its own, like a "# Project" title above
// "## doing" and "## done". A container is not a move target and not a reopen
// section; its subsections are.
func IsContainer(s *Section) bool {
	var differs func(c *Section) bool
	differs = func(c *Section) bool {
		for _, ch := range c.Children {
			if ch.State != s.State || ch.Role != s.Role || differs(ch) {
				return true
			}
		}
		return false
	}
	return differs(s)
}

// DoneSectionFor returns the section Mark done moves task t to: the first top
// done section (state "done", not nested in another done section) in the nearest
// enclosing section of t that holds one, else the first in the file; nil when the
// file has none. t may be nil.
func (p *Plan) DoneSectionFor(t *Task) *Section {
	return p.stateSectionFor(t, StateDone)
}

// CancelledSectionFor returns the section that closed-as-cancelled tasks ([-])
// belong in, found like DoneSectionFor, or nil.
func (p *Plan) CancelledSectionFor(t *Task) *Section {
	return p.stateSectionFor(t, StateCancelled)
}

// stateSectionFor finds the top section of a state nearest to t.
func (p *Plan) stateSectionFor(t *Task, state string) *Section {
	top := func(within *Section) *Section {
		for _, s := range p.Sections {
			if s.State != state || (s.Parent != nil && s.Parent.State == state) {
				continue
			}
			if within == nil || (within.Span.Start <= s.Span.Start && s.Span.End <= within.Span.End && s != within) {
				return s
			}
		}
		return nil
	}
	if t != nil {
		for a := t.Section; a != nil; a = a.Parent {
			if s := top(a); s != nil {
				return s
			}
		}
	}
	return top(nil)
}

// ReopenSectionFor returns the section Reopen moves task t to: the section named
// by settings' ReopenSection when the file has one (the nearest to t when several
// match), else the first open section that is not a container, preferring the
// nearest enclosing section of t that holds one; nil when there is none.
func (p *Plan) ReopenSectionFor(t *Task, s Settings) *Section {
	ok := func(c *Section) bool { return c.Role == RoleOpen && !IsContainer(c) }
	match := func(c *Section) bool { return ok(c) }
	if name := strings.TrimSpace(s.ReopenSection); name != "" {
		if named := p.SectionByName(name); named != nil && ok(named) {
			key := named.Key
			match = func(c *Section) bool { return ok(c) && c.Key == key }
		}
	}
	first := func(within *Section) *Section {
		for _, c := range p.Sections {
			if !match(c) {
				continue
			}
			if within == nil || (within.Span.Start <= c.Span.Start && c.Span.End <= within.Span.End) {
				return c
			}
		}
		return nil
	}
	if t != nil {
		for a := t.Section; a != nil; a = a.Parent {
			if c := first(a); c != nil {
				return c
			}
		}
	}
	return first(nil)
}

// Movable reports whether a task's block can be cut out of the file as whole
// lines: nothing but indentation precedes its marker (a task inside a block quote,
// or on the same line as an outer list marker, cannot be moved).
func (p *Plan) Movable(t *Task) bool {
	if t == nil || t.Marker.Start < t.Span.Start {
		return false
	}
	if t.Span.Start != p.LineStart(p.LineOf(t.Span.Start)) {
		return false
	}
	for i := t.Span.Start; i < t.Marker.Start; i++ {
		if c := p.Src[i]; c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// NestedInItem reports whether a list lies inside another list item, a task or a
// plain item such as "- Project A" above "  - [ ] step". Only lists that are not
// nested are target lists, and only their tasks are moved by fix-all.
func (p *Plan) NestedInItem(l *List) bool {
	if l == nil {
		return false
	}
	if l.Parent != nil {
		return true
	}
	if l.Indent == 0 {
		return false
	}
	first := p.LineOf(l.Span.Start)
	for line, steps := first-1, 0; line >= 0 && steps < 2000; line, steps = line-1, steps+1 {
		text := p.Src[p.LineStart(line):p.LineEnd(line)]
		if isBlank(text) {
			continue
		}
		w, rest := indentWidth(text)
		if w >= l.Indent {
			continue
		}
		if len(rest) > 0 && rest[0] == '#' {
			return false
		}
		return startsWithListMarker(rest)
	}
	return false
}

// TopLevel reports whether a task is an item of a list that is not nested in
// another item, and can be moved as whole lines: the tasks that fix-all moves
// and the items of target lists.
func (p *Plan) TopLevel(t *Task) bool {
	return t != nil && t.Parent == nil && !p.NestedInItem(t.List) && p.Movable(t)
}

// isBlank reports whether a line holds only white space.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// indentWidth returns the width of a line's leading white space in columns (tabs
// advance to the next multiple of 4, as in CommonMark) and the rest of the line.
func indentWidth(line []byte) (int, []byte) {
	w := 0
	i := 0
	for i < len(line) {
		switch line[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w, line[i:]
		}
		i++
	}
	return w, nil
}

// startsWithListMarker reports whether text starts with a bullet or ordered list
// marker followed by white space or the end of the line.
func startsWithListMarker(text []byte) bool {
	if len(text) == 0 {
		return false
	}
	i := 0
	switch c := text[0]; {
	case c == '-' || c == '*' || c == '+':
		i = 1
	case c >= '0' && c <= '9':
		for i < len(text) && i < 10 && text[i] >= '0' && text[i] <= '9' {
			i++
		}
		if i >= len(text) || (text[i] != '.' && text[i] != ')') {
			return false
		}
		i++
	default:
		return false
	}
	return i == len(text) || text[i] == ' ' || text[i] == '\t'
}
