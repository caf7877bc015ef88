// This file defines the task checks: duplicate-task, done-outside-done,
// open-in-done, malformed-checkbox and wip-limit.

package analysis

import (
	"fmt"
	"hash/maphash"
	"strings"
)

func init() {
	register(checkDuplicateTasks, "duplicate-task")
	register(checkTaskPlacement, "done-outside-done", "open-in-done")
	register(checkMalformed, "malformed-checkbox")
	register(checkWIP, "wip-limit")
}

// checkDuplicateTasks reports every task whose duplicate key equals an earlier
// task's, pointing at every other copy.
func checkDuplicateTasks(p *Plan, env *Env, out *[]Diagnostic) {
	order, groups := duplicateGroups(p.Tasks)
	for _, key := range order {
		copies := groups[key]
		first := copies[0]
		for _, t := range copies[1:] {
			d := Diagnostic{
				Span: t.TextSpan,
				Code: "duplicate-task",
				Message: fmt.Sprintf("Duplicate task: %q is already on line %d. Remove this copy or merge it into line %d.",
					abbreviate(t.Text), p.LineOf(first.Span.Start)+1, p.LineOf(first.Span.Start)+1),
				Fix: &FixHint{Keep: first.Span, Identical: blockText(p, t) == blockText(p, first)},
			}
			for _, o := range copies {
				if o != t {
					d.Related = append(d.Related, Related{Span: o.TextSpan, Line: p.LineOf(o.Span.Start),
						Message: fmt.Sprintf("copy in %s", sectionLabel(o.Section))})
				}
			}
			*out = append(*out, d)
		}
	}
}

// duplicateGroups returns the keys that more than one task has, in the order
// of their second occurrence, and the tasks of each key in file order. The first
// pass looks tasks up by the key's precomputed hash; most keys are unique, so
// only repeated keys get a list (and their strings compared).
func duplicateGroups(tasks []*Task) ([]string, map[string][]*Task) {
	first := make(map[uint64]int32, len(tasks))
	groups := map[string][]*Task{}
	var order []string
	for i, t := range tasks {
		if t.Key == "" {
			continue
		}
		h := t.keyHash
		if h == 0 {
			h = maphash.String(keySeed, t.Key) // a task built outside the parser
		}
		f, seen := first[h]
		if !seen {
			first[h] = int32(i)
			continue
		}
		if tasks[f].Key != t.Key {
			return duplicateGroupsByKey(tasks) // a hash collision: compare strings
		}
		g := groups[t.Key]
		if g == nil {
			g = []*Task{tasks[f]}
			order = append(order, t.Key)
		}
		groups[t.Key] = append(g, t)
	}
	return order, groups
}

// duplicateGroupsByKey is duplicateGroups by the keys themselves.
func duplicateGroupsByKey(tasks []*Task) ([]string, map[string][]*Task) {
	first := make(map[string]int, len(tasks))
	groups := map[string][]*Task{}
	var order []string
	for i, t := range tasks {
		if t.Key == "" {
			continue
		}
		f, seen := first[t.Key]
		if !seen {
			first[t.Key] = i
			continue
		}
		g := groups[t.Key]
		if g == nil {
			g = []*Task{tasks[f]}
			order = append(order, t.Key)
		}
		groups[t.Key] = append(g, t)
	}
	return order, groups
}

// blockText returns a task's block with the indentation of its first line removed
// from every line, so that copies at different depths compare equal.
func blockText(p *Plan, t *Task) string {
	indent := t.Marker.Start - t.Span.Start
	lines := strings.Split(string(p.Src[t.Span.Start:t.Span.End]), "\n")
	for i, l := range lines {
		n := 0
		for n < indent && n < len(l) && (l[n] == ' ' || l[n] == '\t') {
			n++
		}
		lines[i] = strings.TrimSuffix(l[n:], "\r")
	}
	return strings.Join(lines, "\n")
}

// sectionLabel names a section for messages.
func sectionLabel(s *Section) string {
	if s == nil {
		return "the preamble"
	}
	return fmt.Sprintf("section %q", s.Name)
}

// abbreviate shortens long task text for messages.
func abbreviate(s string) string {
	const limit = 60
	if len([]rune(s)) <= limit {
		return s
	}
	return string([]rune(s)[:limit]) + "…"
}

// checkTaskPlacement reports closed top-level tasks in open sections and open
// top-level tasks in done sections. Subtasks are left alone: checked steps under
// an open task are normal. Tasks before the first heading have no section.
func checkTaskPlacement(p *Plan, env *Env, out *[]Diagnostic) {
	var done *Section
	for _, s := range p.Sections {
		if s.State == StateDone {
			done = s
			break
		}
	}
	for _, t := range p.Tasks {
		if t.Parent != nil || t.Section == nil {
			continue
		}
		switch {
		case t.Closed() && t.Section.Role == RoleOpen:
			where := "the done section"
			if done != nil {
				where = fmt.Sprintf("%q", done.Name)
			}
			*out = append(*out, Diagnostic{Span: t.Checkbox, Code: "done-outside-done",
				Message: fmt.Sprintf("Closed task in open section %q: move it to %s (Mark done) or reopen it.", t.Section.Name, where)})
		case !t.Closed() && t.Section.Role == RoleDone:
			*out = append(*out, Diagnostic{Span: t.Checkbox, Code: "open-in-done",
				Message: fmt.Sprintf("Open task in done section %q: mark it done or move it back (Reopen).", t.Section.Name)})
		}
	}
}

// checkMalformed reports near-miss checkboxes.
func checkMalformed(p *Plan, env *Env, out *[]Diagnostic) {
	for _, m := range p.Malformed {
		got := string(p.Src[m.Span.Start:m.Span.End])
		d := Diagnostic{Span: m.Span, Code: "malformed-checkbox"}
		if m.NeedSpace {
			d.Message = fmt.Sprintf("Checkbox %q needs a space before the text, or it is not a task: write %q.", got, m.Want+" ")
			d.Fix = &FixHint{Replace: m.Want + " "}
		} else {
			d.Message = fmt.Sprintf("Malformed checkbox %q is not a task: write %q.", got, m.Want)
			d.Fix = &FixHint{Replace: m.Want}
		}
		*out = append(*out, d)
	}
}

// checkWIP reports in_progress sections (counted with their subsections) that hold
// more open top-level tasks than the WIP limit.
func checkWIP(p *Plan, env *Env, out *[]Diagnostic) {
	limit := env.Settings.WipLimit
	if limit <= 0 {
		return
	}
	for _, s := range p.Sections {
		if s.State != StateInProgress || (s.Parent != nil && s.Parent.State == StateInProgress) {
			continue
		}
		open := 0
		for _, t := range p.Tasks {
			if t.Parent == nil && !t.Closed() && s.Span.Contains(t.Span.Start) {
				open++
			}
		}
		if open > limit {
			*out = append(*out, Diagnostic{Span: s.Heading.TextSpan, Code: "wip-limit",
				Message: fmt.Sprintf("Section %q holds %d open tasks, more than the WIP limit of %d: finish or move some.", s.Name, open, limit)})
		}
	}
}
