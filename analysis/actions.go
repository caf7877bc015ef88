// This file defines Action and Actions: the code actions for a cursor or a
// selection (Move to "<section>", Mark done, Reopen, Toggle checkbox) and the
// quick fixes for diagnostics (remove or merge a duplicate task, merge duplicate
// sections, replace a missing anchor, normalise a malformed checkbox, create a
// missing file), each as plain data with its edits.

package analysis

import (
	"fmt"
	"strings"
	"time"
)

// Kinds of actions, as LSP code action kinds.
const (
	// KindMove is the kind of Move to "<section>".
	KindMove = "refactor.move"
	// KindQuickFix is the kind of quick fixes, and of Mark done and Reopen when a
	// placement diagnostic is in context.
	KindQuickFix = "quickfix"
	// KindRewrite is the kind of Toggle checkbox, and of Mark done and Reopen
	// otherwise.
	KindRewrite = "refactor.rewrite"
	// KindFixAll is the kind of the fix-all action.
	KindFixAll = "source.fixAll.planls"
)

// Command ids of the actions that key bindings run through
// workspace/executeCommand.
const (
	// CommandToggle toggles the checkboxes of the tasks at a position or range.
	CommandToggle = "planls.toggleTask"
	// CommandMarkDone marks the tasks at a position or range done.
	CommandMarkDone = "planls.markDone"
	// CommandReopen reopens the tasks at a position or range.
	CommandReopen = "planls.reopen"
	// CommandMove moves the tasks at a position or range to a named section.
	CommandMove = "planls.moveTask"
)

// Action is one code action: a title, a kind and the edits that carry it out.
type Action struct {
	// Title is what the editor shows, such as `Move to "wait"`.
	Title string
	// Kind is one of the Kind constants.
	Kind string
	// Edits are sorted and do not overlap (see CheckEdits).
	Edits []TextEdit
	// Diagnostics are the indexes, into the diagnostics given to Actions, of those
	// the action fixes.
	Diagnostics []int
	// Preferred marks the action an editor may apply with its "fix" shortcut.
	Preferred bool
	// CreateFile is the path (relative to the workspace fs.FS root) of a file
	// the action creates, or "".
	CreateFile string
	// Command is the executeCommand id that performs the same action, or "".
	Command string
	// Section is the target section's name for CommandMove, or "".
	Section string
	// Other holds the edits of another workspace file the action changes too
	// (the target of Move to "<file> › <section>"), or nil; Edits are still
	// those of the plan the action was computed for.
	Other *FileEdit
}

// Actions returns the code actions for the selection sel (an empty span is a
// cursor) of plan p, which must have been parsed with s: the quick fixes for the
// diagnostics among diags that touch the selected lines, then Mark done, Reopen,
// Toggle checkbox and one Move to "<section>" per other section for the tasks
// the selection covers. now dates done-stamps. The fix-all action is not among
// them; see FixAllAction. Actions never panics: an internal error yields no
// actions.
func Actions(p *Plan, sel Span, s Settings, diags []Diagnostic, now time.Time) (out []Action) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	if p == nil || p.Err != "" {
		return nil
	}
	sel.Start = clamp(sel.Start, 0, len(p.Src))
	sel.End = clamp(sel.End, sel.Start, len(p.Src))
	lines := Span{p.LineStart(p.LineOf(sel.Start)), p.LineEnd(p.LineOf(sel.End))}
	if sel.End > sel.Start && sel.End == p.LineStart(p.LineOf(sel.End)) && p.LineOf(sel.End) > p.LineOf(sel.Start) {
		lines.End = p.LineEnd(p.LineOf(sel.End) - 1)
	}
	for i, d := range diags {
		if d.Span.Start <= lines.End && lines.Start <= d.Span.End {
			out = append(out, quickFixes(p, d, i, s)...)
		}
	}
	tasks := p.TasksIn(sel)
	if len(tasks) == 0 {
		return out
	}
	top := OutermostTasks(tasks)
	out = append(out, taskActions(p, tasks, top, s, diags, lines, now)...)
	return out
}

// taskActions returns Mark done, Reopen, Toggle checkbox and the moves.
func taskActions(p *Plan, tasks, top []*Task, s Settings, diags []Diagnostic, lines Span, now time.Time) []Action {
	var out []Action
	var placement, outside []int
	for i, d := range diags {
		if d.Code != "done-outside-done" && d.Code != "open-in-done" {
			continue
		}
		for _, t := range top {
			if t.Line.Start <= d.Span.Start && d.Span.Start <= t.Line.End {
				placement = append(placement, i)
				if d.Code == "done-outside-done" {
					outside = append(outside, i)
				}
				break
			}
		}
	}
	canDone, canReopen := false, false
	for _, t := range top {
		inDone := t.Section != nil && t.Section.Role == RoleDone
		if !(t.Status == 'x' || t.Status == 'X') || !inDone {
			canDone = true
		}
		if t.Status != ' ' || inDone {
			canReopen = true
		}
	}
	kindFor := func(fixes []int) string {
		if len(fixes) > 0 {
			return KindQuickFix
		}
		return KindRewrite
	}
	if canDone {
		if edits, err := MarkDone(p, top, s, now); err == nil && len(edits) > 0 {
			out = append(out, Action{Title: "Mark done", Kind: kindFor(placement), Edits: edits, Diagnostics: placement,
				Preferred: len(outside) > 0, Command: CommandMarkDone})
		}
	}
	if canReopen {
		if edits, err := Reopen(p, top, s, now); err == nil && len(edits) > 0 {
			var fixes []int
			for _, i := range placement {
				if diags[i].Code == "open-in-done" {
					fixes = append(fixes, i)
				}
			}
			out = append(out, Action{Title: "Reopen", Kind: kindFor(fixes), Edits: edits, Diagnostics: fixes, Command: CommandReopen})
		}
	}
	if edits := Toggle(p, tasks); len(edits) > 0 {
		out = append(out, Action{Title: "Toggle checkbox", Kind: KindRewrite, Edits: edits, Command: CommandToggle})
	}
	for _, target := range moveTargets(p, top) {
		edits, err := MoveTasks(p, top, target.sec, s)
		if err != nil || len(edits) == 0 {
			continue
		}
		out = append(out, Action{Title: fmt.Sprintf("Move to %q", target.label), Kind: KindMove, Edits: edits,
			Command: CommandMove, Section: target.sec.Name})
	}
	return out
}

// moveTarget is a section offered as a move target, with its label.
type moveTarget struct {
	sec   *Section
	label string
}

// moveTargets returns the sections the tasks can move to: every section that is
// not a container and does not already hold all of them (with no tasks, every
// such section). A name that several sections share is qualified by the
// parent's name ("Home › done").
func moveTargets(p *Plan, tasks []*Task) []moveTarget {
	var out []moveTarget
	count := map[string]int{}
	for _, sec := range p.Sections {
		if IsContainer(sec) || sec.Name == "" {
			continue
		}
		count[sec.Key]++
		all := true
		for _, t := range tasks {
			if !SectionContains(sec, t) {
				all = false
				break
			}
		}
		if all && len(tasks) > 0 {
			continue
		}
		out = append(out, moveTarget{sec: sec, label: sec.Name})
	}
	for i := range out {
		if count[out[i].sec.Key] > 1 && out[i].sec.Parent != nil {
			out[i].label = out[i].sec.Parent.Name + " › " + out[i].sec.Name
		}
	}
	return out
}

// FixAllAction returns the fix-all action (kind KindFixAll) with the edits of
// FixAll, and false when there is nothing to fix.
func FixAllAction(p *Plan, s Settings, now time.Time) (Action, bool) {
	edits := FixAll(p, s, now)
	if len(edits) == 0 {
		return Action{}, false
	}
	return Action{Title: "Fix all planls problems", Kind: KindFixAll, Edits: edits}, true
}

// quickFixes returns the quick fixes for diagnostic d, which has index i.
func quickFixes(p *Plan, d Diagnostic, i int, s Settings) []Action {
	fix := func(title string, edits []TextEdit, preferred bool) []Action {
		if len(edits) == 0 {
			return nil
		}
		return []Action{{Title: title, Kind: KindQuickFix, Edits: edits, Diagnostics: []int{i}, Preferred: preferred}}
	}
	switch d.Code {
	case "duplicate-task":
		if d.Fix == nil {
			return nil
		}
		dup, keep := taskOnLineOf(p, d.Span.Start), taskAtStart(p, d.Fix.Keep.Start)
		if dup == nil || keep == nil || dup == keep || !p.Movable(dup) {
			return nil
		}
		if d.Fix.Identical {
			r := newRewrite(p, s)
			r.remove(dup)
			edits, err := r.edits()
			if err != nil {
				return nil
			}
			return fix("Remove duplicate task", edits, true)
		}
		edits, err := mergeTask(p, dup, keep, s)
		if err != nil {
			return nil
		}
		return fix(fmt.Sprintf("Merge into line %d", p.LineOf(keep.Span.Start)+1), edits, false)
	case "duplicate-section":
		if d.Fix == nil {
			return nil
		}
		later, first := sectionAtHeading(p, d.Span.Start), sectionAtStart(p, d.Fix.Keep.Start)
		if later == nil || first == nil || later == first {
			return nil
		}
		edits, err := mergeSections(p, later, first, s)
		if err != nil {
			return nil
		}
		return fix(fmt.Sprintf("Merge into section %q on line %d", first.Name, p.LineOf(first.Span.Start)+1), edits, false)
	case "missing-anchor":
		if d.Fix == nil || d.Fix.Replace == "" || d.Span.Len() == 0 || d.Span.End > len(p.Src) {
			return nil
		}
		// The span may start at the '#' of the fragment; the hint is the bare name.
		sp, name := d.Span, strings.TrimPrefix(d.Fix.Replace, "#")
		if p.Src[sp.Start] == '#' {
			sp.Start++
		}
		return fix(fmt.Sprintf("Replace with %q", "#"+name), []TextEdit{{Span: sp, NewText: name}}, true)
	case "malformed-checkbox":
		if d.Fix == nil || d.Fix.Replace == "" {
			return nil
		}
		return fix(fmt.Sprintf("Change to %q", strings.TrimSpace(d.Fix.Replace)), []TextEdit{{Span: d.Span, NewText: d.Fix.Replace}}, true)
	case "missing-file":
		if d.Fix == nil || d.Fix.Path == "" {
			return nil
		}
		return []Action{{Title: fmt.Sprintf("Create %q", d.Fix.Path), Kind: KindQuickFix, Diagnostics: []int{i}, CreateFile: d.Fix.Path}}
	}
	return nil
}

// taskOnLineOf returns the innermost task whose first line holds offset off.
func taskOnLineOf(p *Plan, off int) *Task {
	var best *Task
	for _, t := range p.Tasks {
		if t.Line.Start <= off && off <= t.Line.End {
			best = t
		}
	}
	return best
}

// taskAtStart returns the task whose block starts at off (or whose first line
// holds off).
func taskAtStart(p *Plan, off int) *Task {
	for _, t := range p.Tasks {
		if t.Span.Start == off {
			return t
		}
	}
	return taskOnLineOf(p, off)
}

// sectionAtHeading returns the section whose heading holds offset off.
func sectionAtHeading(p *Plan, off int) *Section {
	for _, s := range p.Sections {
		if s.Heading.Span.Start <= off && off <= s.Heading.Span.End {
			return s
		}
	}
	return nil
}

// sectionAtStart returns the section whose span starts at off (or whose heading
// holds off).
func sectionAtStart(p *Plan, off int) *Section {
	for _, s := range p.Sections {
		if s.Span.Start == off {
			return s
		}
	}
	return sectionAtHeading(p, off)
}

// mergeTask merges a duplicate task into the copy it duplicates: the duplicate's
// block goes away, and its continuation lines and subtasks are appended to the
// kept copy's block, re-indented, except subtask blocks the kept copy already
// has. Nothing the duplicate says beyond its first line is lost.
func mergeTask(p *Plan, dup, keep *Task, s Settings) ([]TextEdit, error) {
	r := newRewrite(p, s)
	first, last := r.firstLine(dup), r.lastLine(dup)
	// Subtask blocks the kept copy already has, as text without indentation.
	have := map[string]bool{}
	for _, c := range keep.Children {
		have[blockText(p, c)] = true
	}
	skip := map[int]bool{}
	for _, c := range dup.Children {
		if have[blockText(p, c)] {
			for i := r.firstLine(c); i <= r.lastLine(c); i++ {
				skip[i] = true
			}
		}
	}
	ls := p.LineStart(first)
	oldCol, _ := indentWidth(p.Src[ls:dup.Marker.Start])
	oldCol += visualSpan(p.Src[dup.Marker.Start:dup.Checkbox.Start], oldCol)
	kls := p.LineStart(r.firstLine(keep))
	newCol, _ := indentWidth(p.Src[kls:keep.Marker.Start])
	newCol += visualSpan(p.Src[keep.Marker.Start:keep.Checkbox.Start], newCol)
	var lines []string
	for i := first + 1; i <= last && i < r.n; i++ {
		if !skip[i] {
			lines = append(lines, reindent(r.lineText(i), newCol-oldCol))
		}
	}
	// Drop blank lines at either end of what is appended.
	for len(lines) > 0 && isBlank([]byte(lines[0])) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank([]byte(lines[len(lines)-1])) {
		lines = lines[:len(lines)-1]
	}
	r.remove(dup)
	if len(lines) > 0 {
		after := r.lastLine(keep)
		if keep.Span.Start <= dup.Span.Start && dup.Span.End <= keep.Span.End {
			after = first - 1 // The duplicate is nested in the kept copy: take its place.
		}
		r.inserts = append(r.inserts, lineInsert{after: after, lines: lines})
	}
	return r.edits()
}

// mergeSections merges a duplicate section into the first section of that name:
// the later heading goes away and everything under it moves to the end of the
// first section's content.
func mergeSections(p *Plan, later, first *Section, s Settings) ([]TextEdit, error) {
	r := newRewrite(p, s)
	hFirst := p.LineOf(later.Heading.Span.Start)
	hLast := p.LineOf(later.Heading.Span.End)
	end := r.n
	if later.Span.End < len(p.Src) {
		end = p.LineOf(later.Span.End)
	}
	var body []string
	for i := hLast + 1; i < end; i++ {
		body = append(body, string(r.lineText(i)))
	}
	for len(body) > 0 && isBlank([]byte(body[0])) {
		body = body[1:]
	}
	for len(body) > 0 && isBlank([]byte(body[len(body)-1])) {
		body = body[:len(body)-1]
	}
	for i := hFirst; i < end; i++ {
		r.del[i] = true
	}
	for _, t := range p.Tasks {
		if SectionContains(later, t) {
			r.removed[t] = true
		}
	}
	if len(body) == 0 {
		return r.edits()
	}
	// After the first section's last line of content (not its trailing blank
	// lines or "---" separator).
	stop := r.n
	if first.Span.End < len(p.Src) {
		stop = p.LineOf(first.Span.End)
	}
	after := p.LineOf(first.Heading.Span.End)
	for i := stop - 1; i > after; i-- {
		if !r.blank(i) && !r.breakAt(i) {
			after = i
			break
		}
	}
	// A tight list followed by a list stays one tight list.
	gap := true
	if in := r.listAtLine(after); in != nil && !in.Loose {
		_, rest := indentWidth([]byte(body[0]))
		gap = !startsWithListMarker(rest)
	}
	r.inserts = append(r.inserts, lineInsert{after: after, lines: body, gapBefore: gap, gapAfter: true})
	return r.edits()
}

// listAtLine returns a top-level list whose last line is line i, or nil.
func (r *rewrite) listAtLine(i int) *List {
	for _, l := range r.p.Lists {
		if !r.p.NestedInItem(l) && r.p.LineOf(l.Span.End) == i {
			return l
		}
	}
	return nil
}
