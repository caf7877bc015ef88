// This file defines Action and Actions: the code actions for a cursor or a
// selection (Move to "<section>", Mark done, Reopen, Toggle checkbox) and the
// quick fixes for diagnostics (remove or merge a duplicate task, merge duplicate
// sections, replace a missing anchor, normalise a malformed checkbox, create a
// missing file), each as plain data with its edits; and ListActions and
// ActionEdits, which offer the same actions without their edits and compute
// the edits of one of them by its ID.

package analysis

import (
	"fmt"
	"sort"
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
	// ID names the action among those offered for the same plan, selection and
	// diagnostics, for ActionEdits: "done", "reopen", "toggle", "move:N" (N the
	// index of the target section) or "fix:CODE:START:END" for the quick fix
	// of the diagnostic with that code and span. It is "" for actions that
	// ActionEdits does not know (FixAllAction, FileMoveActions).
	ID string
	// Title is what the editor shows, such as `Move to "wait"`.
	Title string
	// Kind is one of the Kind constants.
	Kind string
	// Edits are sorted and do not overlap (see CheckEdits). ListActions leaves
	// them nil.
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
// cursor) of plan p, which must have been parsed with s, with their edits: the
// quick fixes for the diagnostics among diags that touch the selected lines,
// then Mark done, Reopen, Toggle checkbox and one Move to "<section>" per
// other section for the tasks the selection covers. now dates done-stamps. The
// fix-all action is not among them; see FixAllAction. Actions never panics: an
// internal error yields no actions.
//
// Actions computes every action's edits; ListActions offers the same actions
// without them, and ActionEdits computes the edits of the one the user picks.
func Actions(p *Plan, sel Span, s Settings, diags []Diagnostic, now time.Time) (out []Action) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	for _, o := range offers(p, sel, s, diags, now) {
		edits, err := o.edits()
		if err != nil || (len(edits) == 0 && o.CreateFile == "") {
			continue
		}
		a := o.Action
		a.Edits = edits
		out = append(out, a)
	}
	return out
}

// ListActions returns the actions that Actions returns, in the same order and
// with the same titles, kinds, diagnostics and commands, but without their
// edits (Edits is nil): what an editor shows in its menu. Its cost depends on
// the selected tasks and the number of sections, not on the size of the file.
// ListActions never panics: an internal error yields no actions.
func ListActions(p *Plan, sel Span, s Settings, diags []Diagnostic, now time.Time) (out []Action) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	for _, o := range offers(p, sel, s, diags, now) {
		out = append(out, o.Action)
	}
	return out
}

// ActionEdits returns the action with the given ID among those ListActions
// returns for the same arguments, with its edits. The error says why when no
// such action is offered (the ID is unknown, or the plan or the selection
// changed so that it no longer applies) or its edits cannot be computed.
// ActionEdits never panics: an internal error is returned as an error.
func ActionEdits(p *Plan, sel Span, s Settings, diags []Diagnostic, now time.Time, id string) (a Action, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = Action{}, fmt.Errorf("internal error: %v", r)
		}
	}()
	for _, o := range offers(p, sel, s, diags, now) {
		if o.ID != id {
			continue
		}
		edits, err := o.edits()
		if err != nil {
			return Action{}, err
		}
		if len(edits) == 0 && o.CreateFile == "" {
			return Action{}, fmt.Errorf("%s: nothing to change", o.Title)
		}
		a := o.Action
		a.Edits = edits
		return a, nil
	}
	return Action{}, fmt.Errorf("no action %q at the selection", id)
}

// offer is an action that applies, without its edits, and the function that
// computes them. Whether an action applies is decided without computing its
// edits, by the same tests the edit engine makes before it fails (a task that
// cannot move, no section to go to), so that ListActions offers exactly what
// Actions does.
type offer struct {
	Action
	edits func() ([]TextEdit, error)
}

// offers returns the actions that apply to the selection sel of p.
func offers(p *Plan, sel Span, s Settings, diags []Diagnostic, now time.Time) []offer {
	if p == nil || p.Err != "" {
		return nil
	}
	sel.Start = clamp(sel.Start, 0, len(p.Src))
	sel.End = clamp(sel.End, sel.Start, len(p.Src))
	lines := Span{p.LineStart(p.LineOf(sel.Start)), p.LineEnd(p.LineOf(sel.End))}
	if sel.End > sel.Start && sel.End == p.LineStart(p.LineOf(sel.End)) && p.LineOf(sel.End) > p.LineOf(sel.Start) {
		lines.End = p.LineEnd(p.LineOf(sel.End) - 1)
	}
	var out []offer
	for i, d := range diags {
		if d.Span.Start <= lines.End && lines.Start <= d.Span.End {
			if o, ok := quickFix(p, d, i, s); ok {
				out = append(out, o)
			}
		}
	}
	tasks := p.TasksIn(sel)
	if len(tasks) == 0 {
		return out
	}
	return append(out, taskOffers(p, tasks, OutermostTasks(tasks), s, diags, now)...)
}

// taskOffers returns Mark done, Reopen, Toggle checkbox and the moves.
func taskOffers(p *Plan, tasks, top []*Task, s Settings, diags []Diagnostic, now time.Time) []offer {
	var out []offer
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
	kindFor := func(fixes []int) string {
		if len(fixes) > 0 {
			return KindQuickFix
		}
		return KindRewrite
	}
	if canMarkDone(p, top, s) {
		out = append(out, offer{
			Action: Action{ID: "done", Title: "Mark done", Kind: kindFor(placement), Diagnostics: placement,
				Preferred: len(outside) > 0, Command: CommandMarkDone},
			edits: func() ([]TextEdit, error) { return MarkDone(p, top, s, now) },
		})
	}
	if canReopen(p, top, s) {
		var fixes []int
		for _, i := range placement {
			if diags[i].Code == "open-in-done" {
				fixes = append(fixes, i)
			}
		}
		out = append(out, offer{
			Action: Action{ID: "reopen", Title: "Reopen", Kind: kindFor(fixes), Diagnostics: fixes, Command: CommandReopen},
			edits:  func() ([]TextEdit, error) { return Reopen(p, top, s, now) },
		})
	}
	if toggle := Toggle(p, tasks); len(toggle) > 0 {
		out = append(out, offer{
			Action: Action{ID: "toggle", Title: "Toggle checkbox", Kind: KindRewrite, Command: CommandToggle},
			edits:  func() ([]TextEdit, error) { return toggle, nil },
		})
	}
	for _, target := range moveTargets(p, top) {
		if !canMove(p, top, target.sec) {
			continue
		}
		sec := target.sec
		out = append(out, offer{
			Action: Action{ID: fmt.Sprintf("move:%d", sec.Index), Title: fmt.Sprintf("Move to %q", target.label), Kind: KindMove,
				Command: CommandMove, Section: sec.Name},
			edits: func() ([]TextEdit, error) { return MoveTasks(p, top, sec, s) },
		})
	}
	return out
}

// canMarkDone reports whether MarkDone changes the tasks top and succeeds: one
// of them is not a done task in a done section, every one it moves can move,
// and there is a done section for each or a done name to create one with.
func canMarkDone(p *Plan, top []*Task, s Settings) bool {
	change := false
	for _, t := range top {
		inDone := t.Section != nil && t.Section.Role == RoleDone
		if !(t.Status == 'x' || t.Status == 'X') || !inDone {
			change = true
		}
		if inDone {
			continue
		}
		if !p.Movable(t) || p.DoneSectionFor(t) == nil && doneName(s) == "" {
			return false
		}
	}
	return change
}

// canReopen reports whether Reopen changes the tasks top and succeeds: one of
// them is not open or sits in a done section, and every one in a done section
// can move and has a section to go to.
func canReopen(p *Plan, top []*Task, s Settings) bool {
	change := false
	var matcher *stampMatcher
	for _, t := range top {
		inOpen := t.Section == nil || t.Section.Role == RoleOpen
		if t.Status != ' ' || !inOpen {
			change = true
		}
		if inOpen {
			continue
		}
		if matcher == nil {
			matcher = newStampMatcher(s.DoneStamp)
		}
		_, recorded, _ := matcher.find(t.Text)
		if reopenTargetOf(p, s, t, recorded) == nil || !p.Movable(t) {
			return false
		}
	}
	return change
}

// canMove reports whether MoveTasks moves one of the tasks top to target and
// succeeds: every task not already inside target can move.
func canMove(p *Plan, top []*Task, target *Section) bool {
	change := false
	for _, t := range top {
		if SectionContains(target, t) {
			continue
		}
		if !p.Movable(t) {
			return false
		}
		change = true
	}
	return change
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

// quickFix returns the quick fix for diagnostic d, which has index i, and
// false when d has none.
func quickFix(p *Plan, d Diagnostic, i int, s Settings) (offer, bool) {
	fix := func(title string, preferred bool, edits func() ([]TextEdit, error)) (offer, bool) {
		return offer{
			Action: Action{ID: fmt.Sprintf("fix:%s:%d:%d", d.Code, d.Span.Start, d.Span.End), Title: title, Kind: KindQuickFix,
				Diagnostics: []int{i}, Preferred: preferred},
			edits: edits,
		}, true
	}
	switch d.Code {
	case "duplicate-task":
		if d.Fix == nil {
			return offer{}, false
		}
		dup, keep := taskOnLineOf(p, d.Span.Start), taskAtStart(p, d.Fix.Keep.Start)
		if dup == nil || keep == nil || dup == keep || !p.Movable(dup) {
			return offer{}, false
		}
		if d.Fix.Identical {
			return fix("Remove duplicate task", true, func() ([]TextEdit, error) {
				r := newRewrite(p, s)
				r.remove(dup)
				return r.edits()
			})
		}
		return fix(fmt.Sprintf("Merge into line %d", p.LineOf(keep.Span.Start)+1), false, func() ([]TextEdit, error) {
			return mergeTask(p, dup, keep, s)
		})
	case "duplicate-section":
		if d.Fix == nil {
			return offer{}, false
		}
		later, first := sectionAtHeading(p, d.Span.Start), sectionAtStart(p, d.Fix.Keep.Start)
		if later == nil || first == nil || later == first {
			return offer{}, false
		}
		return fix(fmt.Sprintf("Merge into section %q on line %d", first.Name, p.LineOf(first.Span.Start)+1), false,
			func() ([]TextEdit, error) { return mergeSections(p, later, first, s) })
	case "missing-anchor":
		if d.Fix == nil || d.Fix.Replace == "" || d.Span.Len() == 0 || d.Span.End > len(p.Src) {
			return offer{}, false
		}
		// The span may start at the '#' of the fragment; the hint is the bare name.
		sp, name := d.Span, strings.TrimPrefix(d.Fix.Replace, "#")
		if p.Src[sp.Start] == '#' {
			sp.Start++
		}
		return fix(fmt.Sprintf("Replace with %q", "#"+name), true, func() ([]TextEdit, error) {
			return []TextEdit{{Span: sp, NewText: name}}, nil
		})
	case "malformed-checkbox":
		if d.Fix == nil || d.Fix.Replace == "" {
			return offer{}, false
		}
		return fix(fmt.Sprintf("Change to %q", strings.TrimSpace(d.Fix.Replace)), true, func() ([]TextEdit, error) {
			return []TextEdit{{Span: d.Span, NewText: d.Fix.Replace}}, nil
		})
	case "missing-file":
		if d.Fix == nil || d.Fix.Path == "" {
			return offer{}, false
		}
		o, ok := fix(fmt.Sprintf("Create %q", d.Fix.Path), false, func() ([]TextEdit, error) { return nil, nil })
		o.CreateFile = d.Fix.Path
		return o, ok
	}
	return offer{}, false
}

// taskOnLineOf returns the innermost task whose first line holds offset off.
// Tasks are sorted by their first lines; those on the line of off come last
// among the tasks whose line starts at or before off.
func taskOnLineOf(p *Plan, off int) *Task {
	i := sort.Search(len(p.Tasks), func(i int) bool { return p.Tasks[i].Line.Start > off }) - 1
	for j := i; j >= 0 && p.Tasks[j].Line.Start == p.Tasks[i].Line.Start; j-- {
		if t := p.Tasks[j]; t.Line.Start <= off && off <= t.Line.End {
			return t
		}
	}
	return nil
}

// taskAtStart returns the task whose block starts at off (or whose first line
// holds off).
func taskAtStart(p *Plan, off int) *Task {
	i := sort.Search(len(p.Tasks), func(i int) bool { return p.Tasks[i].Span.Start >= off })
	if i < len(p.Tasks) && p.Tasks[i].Span.Start == off {
		return p.Tasks[i]
	}
	return taskOnLineOf(p, off)
}

// sectionAtHeading returns the section whose heading holds offset off.
func sectionAtHeading(p *Plan, off int) *Section {
	i := sort.Search(len(p.Sections), func(i int) bool { return p.Sections[i].Heading.Span.Start > off }) - 1
	for ; i >= 0; i-- {
		if s := p.Sections[i]; s.Heading.Span.Start <= off && off <= s.Heading.Span.End {
			return s
		}
		if p.Sections[i].Heading.Span.End < off {
			break // Headings do not overlap: no earlier one reaches off.
		}
	}
	return nil
}

// sectionAtStart returns the section whose span starts at off (or whose heading
// holds off).
func sectionAtStart(p *Plan, off int) *Section {
	i := sort.Search(len(p.Sections), func(i int) bool { return p.Sections[i].Span.Start >= off })
	if i < len(p.Sections) && p.Sections[i].Span.Start == off {
		return p.Sections[i]
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
