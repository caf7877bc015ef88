// This file defines FixAll, the edits of source.fixAll.planls (also returned by
// formatting and fixOnSave): normalise malformed checkboxes, remove byte-identical
// duplicate tasks within a section, move closed tasks to the done section and open
// tasks out of done sections. Each part is switched by Settings.FixAll alone, not
// by diagnostic severities, so that turning a diagnostic off never changes what a
// save does to the file.

package analysis

import (
	"bytes"
	"strings"
	"time"
)

// FixAll returns minimal edits that tidy plan p, which must have been parsed with
// s. The parts, each switched by s.FixAll:
//
//   - NormalizeCheckboxes: a malformed checkbox becomes the one it should be, with
//     a space before glued text ("[ ]x" → "[ ] x");
//   - RemoveDuplicates: a task whose block is byte-identical to an earlier
//     sibling's in the same section is removed (copies in different sections are
//     left to the duplicate-task quick fix);
//   - MoveClosed: closed top-level tasks of open sections move to the done section
//     (cancelled [-] ones to a cancelled section when there is one), which is
//     created when missing; a doneStamp is added to done ones when configured;
//   - MoveOpen: open top-level tasks of done sections move back to the section
//     their done-stamp recorded, else to the reopen section, losing the stamp.
//
// Subtasks stay with their parents whatever their state, and tasks nested in
// plain list items are left alone. A moved task that would land next to an
// identical copy is dropped instead. FixAll is idempotent: applying its edits and
// running it again gives no edits. It never panics.
func FixAll(p *Plan, s Settings, now time.Time) (out []TextEdit) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	if p == nil || p.Err != "" {
		return nil
	}
	edits := fixAllOnce(p, s, now)
	if len(edits) == 0 {
		return nil
	}
	// A fix can change how the rest of the file parses (a normalised checkbox
	// turns a paragraph into a task), so run again until nothing changes; the
	// second run normally finds nothing and the first edits stand.
	cur, err := ApplyEdits(p.Src, edits)
	if err != nil {
		return nil
	}
	combined := false
	for range 4 {
		more := fixAllOnce(ParseWith(cur, s), s, now)
		if len(more) == 0 {
			break
		}
		next, err := ApplyEdits(cur, more)
		if err != nil {
			break
		}
		cur, combined = next, true
	}
	if combined {
		return diffEdits(p.Src, cur)
	}
	return edits
}

// fixAllOnce computes one round of fix-all edits.
func fixAllOnce(p *Plan, s Settings, now time.Time) []TextEdit {
	src := p.Src
	var norm []TextEdit
	if s.FixAll.NormalizeCheckboxes {
		for _, m := range p.Malformed {
			text := m.Want
			if e := m.Span.End; e < len(src) && src[e] != ' ' && src[e] != '\t' && src[e] != '\r' && src[e] != '\n' {
				text += " "
			}
			norm = append(norm, TextEdit{Span: m.Span, NewText: text})
		}
		SortEdits(norm)
		if CheckEdits(norm, len(src)) != nil {
			norm = nil
		}
	}
	cur := p
	if len(norm) > 0 {
		mid, err := ApplyEdits(src, norm)
		if err != nil {
			return nil
		}
		cur = ParseWith(mid, s)
		if cur.Err != "" {
			return norm
		}
	}
	r := newRewrite(cur, s)
	r.skipIdentical = true
	if s.FixAll.RemoveDuplicates {
		removeDuplicates(r)
	}
	if s.FixAll.MoveClosed || s.FixAll.MoveOpen {
		moveMisplaced(r, now)
	}
	moved, err := r.edits()
	if err != nil {
		return norm
	}
	if len(norm) == 0 {
		return moved
	}
	return composeEdits(src, norm, cur.Src, moved)
}

// removeDuplicates removes every task whose block is byte-identical (line breaks
// aside) to an earlier one with the same parent in the same section.
func removeDuplicates(r *rewrite) {
	type group struct {
		sec    *Section
		parent *Task
		list   *List
	}
	seen := map[group]map[string]bool{}
	for _, t := range r.p.Tasks {
		if r.removed[t] || !r.p.Movable(t) {
			continue
		}
		g := group{sec: t.Section, parent: t.Parent}
		if t.Parent == nil && r.p.NestedInItem(t.List) {
			g.list = t.List // Copies under different plain items are not duplicates.
		}
		if seen[g] == nil {
			seen[g] = map[string]bool{}
		}
		block := r.blockString(t)
		if seen[g][block] {
			r.remove(t)
			continue
		}
		seen[g][block] = true
	}
}

// moveMisplaced queues the moves of closed tasks out of open sections and of open
// tasks out of done sections.
func moveMisplaced(r *rewrite, now time.Time) {
	p, s := r.p, r.s
	var created *newSection
	for _, t := range p.Tasks {
		if r.removed[t] || t.Section == nil || !p.TopLevel(t) {
			continue
		}
		switch {
		case s.FixAll.MoveClosed && t.Closed() && t.Section.Role == RoleOpen:
			item := moveItem{t: t}
			if _, _, has := r.matcher.find(t.Text); !has && t.Status != '-' {
				item.addStamp = RenderStamp(s.DoneStamp, now, t.Section.Name)
			}
			var target *Section
			if t.Status == '-' {
				target = p.CancelledSectionFor(t)
			}
			if target == nil {
				target = p.DoneSectionFor(t)
			}
			if target != nil {
				r.move(t, item, dest{sec: target})
				continue
			}
			if created == nil {
				if created = r.newDoneSection(t); created == nil {
					continue
				}
			}
			r.move(t, item, dest{create: created})
		case s.FixAll.MoveOpen && !t.Closed() && t.Section.Role == RoleDone:
			_, recorded, has := r.matcher.find(t.Text)
			target := r.reopenTarget(t, recorded)
			if target == nil {
				continue
			}
			r.move(t, moveItem{t: t, removeStamp: has}, dest{sec: target})
		}
	}
}

// composeEdits combines first (edits of src giving mid) and second (edits of mid)
// into edits of src. It relies on second never cutting through a region that
// first replaced; the result is checked, and when it is wrong a single edit
// covering the changed middle of the file is returned instead.
func composeEdits(src []byte, first []TextEdit, mid []byte, second []TextEdit) []TextEdit {
	want, err := ApplyEdits(mid, second)
	if err != nil {
		return first
	}
	type region struct {
		src, mid Span
		text     string
		inside   bool // replaced by an edit of second
	}
	regions := make([]region, len(first))
	shift := 0
	for i, e := range first {
		start := e.Span.Start + shift
		regions[i] = region{src: e.Span, mid: Span{start, start + len(e.NewText)}, text: e.NewText}
		shift += len(e.NewText) - e.Span.Len()
	}
	ok := true
	// toSrc maps an offset of mid to src; an offset at the start of a replaced
	// region maps to its start, one at its end to its end.
	toSrc := func(x int) int {
		delta := 0
		for _, rg := range regions {
			if x <= rg.mid.Start {
				break
			}
			if x < rg.mid.End {
				ok = false // Cuts through a replaced region.
				break
			}
			delta += rg.mid.Len() - rg.src.Len()
		}
		return x - delta
	}
	var out []TextEdit
	for _, e := range second {
		mapped := TextEdit{Span: Span{toSrc(e.Span.Start), toSrc(e.Span.End)}, NewText: e.NewText}
		for i, rg := range regions {
			if e.Span.Start <= rg.mid.Start && rg.mid.End <= e.Span.End &&
				mapped.Span.Start <= rg.src.Start && rg.src.End <= mapped.Span.End && e.Span.Len() > 0 {
				regions[i].inside = true
			}
		}
		out = append(out, mapped)
	}
	for _, rg := range regions {
		if !rg.inside {
			out = append(out, TextEdit{Span: rg.src, NewText: rg.text})
		}
	}
	out = mergeEdits(out)
	if ok {
		if got, err := ApplyEdits(src, out); err == nil && bytes.Equal(got, want) {
			return out
		}
	}
	return diffEdits(src, want)
}

// diffEdits returns edits that turn a into b: one per run of changed lines (a
// line diff, Myers' algorithm), each trimmed to the bytes that differ. A diff too
// large to compute cheaply becomes a single edit over the changed middle.
func diffEdits(a, b []byte) []TextEdit {
	if bytes.Equal(a, b) {
		return nil
	}
	la, lb := splitLinesKeep(a), splitLinesKeep(b)
	// Trim common leading and trailing lines.
	pre := 0
	for pre < len(la) && pre < len(lb) && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	offA := make([]int, len(la)+1)
	for i, l := range la {
		offA[i+1] = offA[i] + len(l)
	}
	ops, ok := myers(la[pre:len(la)-suf], lb[pre:len(lb)-suf], 500)
	var out []TextEdit
	if !ok {
		ops = []diffOp{{aStart: 0, aEnd: len(la) - suf - pre, bStart: 0, bEnd: len(lb) - suf - pre}}
	}
	for _, op := range ops {
		old := Span{offA[pre+op.aStart], offA[pre+op.aEnd]}
		text := strings.Join(lb[pre+op.bStart:pre+op.bEnd], "")
		out = append(out, trimEdit(a, TextEdit{Span: old, NewText: text}))
	}
	return mergeEdits(out)
}

// trimEdit shrinks an edit by the bytes its old and new text share at either end.
func trimEdit(src []byte, e TextEdit) TextEdit {
	old := src[e.Span.Start:e.Span.End]
	n := e.NewText
	i := 0
	for i < len(old) && i < len(n) && old[i] == n[i] {
		i++
	}
	j := 0
	for j < len(old)-i && j < len(n)-i && old[len(old)-1-j] == n[len(n)-1-j] {
		j++
	}
	return TextEdit{Span: Span{e.Span.Start + i, e.Span.End - j}, NewText: n[i : len(n)-j]}
}
