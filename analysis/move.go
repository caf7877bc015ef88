// This file defines the edit engine behind every task action: MoveTasks, MarkDone,
// Reopen and Toggle, and the rewrite that FixAll and the quick fixes share. A
// rewrite marks whole lines for deletion, tidies the blank lines around what it
// deletes, inserts re-indented and re-bulleted task blocks into target lists (or
// new lists and sections), renumbers ordered lists where that is needed, and turns
// the result into minimal, sorted, non-overlapping TextEdits: every line it keeps
// stays byte-identical, in order. A rewrite stores only what changes (deleted
// lines, inserted runs) and finds target lists by binary search, so that its
// cost follows the tasks it moves and where they go, not the file's size.

package analysis

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MoveTasks moves tasks (with their subtasks and continuation lines) to the
// target section: to the top of its first task list or the bottom of its last,
// as s.MoveTo says, re-indented and re-bulleted to fit that list, or into a new
// list right after the heading when the section has none. A task nested in
// another one leaves its parent. Tasks already inside target stay where they are;
// a subtask whose parent is also given travels with the parent. The tasks keep
// document order.
func MoveTasks(p *Plan, tasks []*Task, target *Section, s Settings) ([]TextEdit, error) {
	if target == nil {
		return nil, errors.New("no target section")
	}
	r := newRewrite(p, s)
	for _, t := range OutermostTasks(tasks) {
		if SectionContains(target, t) {
			continue
		}
		if err := r.checkMovable(t); err != nil {
			return nil, err
		}
		r.move(t, moveItem{t: t}, dest{sec: target})
	}
	return r.edits()
}

// MarkDone checks tasks ([x]) and moves each one that is not already in a done
// section to the done section nearest to it, creating that section at the end of
// the file (or of the enclosing section) when there is none. With a doneStamp
// template the stamp is appended to the task text. Tasks that are already done
// and in a done section are left alone.
func MarkDone(p *Plan, tasks []*Task, s Settings, now time.Time) ([]TextEdit, error) {
	r := newRewrite(p, s)
	matcher := newStampMatcher(s.DoneStamp)
	var created *newSection
	for _, t := range OutermostTasks(tasks) {
		stamp := ""
		if _, _, has := matcher.find(t.Text); !has {
			stamp = RenderStamp(s.DoneStamp, now, sectionName(t.Section))
		}
		if t.Section != nil && t.Section.Role == RoleDone {
			if t.Status != 'x' && t.Status != 'X' {
				r.setStatus(t, 'x')
				r.appendStamp(t, stamp)
			}
			continue
		}
		if err := r.checkMovable(t); err != nil {
			return nil, err
		}
		item := moveItem{t: t, status: 'x', addStamp: stamp}
		if t.Status == 'X' {
			item.status = 0
		}
		if done := p.DoneSectionFor(t); done != nil {
			r.move(t, item, dest{sec: done})
			continue
		}
		if created == nil {
			created = r.newDoneSection(t)
			if created == nil {
				return nil, errors.New("no done section, and the settings name none (doneNames is empty)")
			}
		}
		r.move(t, item, dest{create: created})
	}
	return r.edits()
}

// Reopen unchecks tasks ([ ]), removes their done-stamp, and moves each one that
// sits in a done section to the section its stamp recorded when that section
// still exists and is open, else to the reopen section (settings ReopenSection,
// else the first open section). A task already in an open section is reopened in
// place. now is unused today (Reopen writes no date); it keeps the signature of
// MarkDone.
func Reopen(p *Plan, tasks []*Task, s Settings, now time.Time) ([]TextEdit, error) {
	r := newRewrite(p, s)
	matcher := newStampMatcher(s.DoneStamp)
	for _, t := range OutermostTasks(tasks) {
		start, recorded, hasStamp := matcher.find(t.Text)
		if t.Section == nil || t.Section.Role == RoleOpen {
			if t.Status != ' ' {
				r.setStatus(t, ' ')
			}
			if hasStamp {
				r.mod(Span{t.TextSpan.Start + start, t.TextSpan.End}, "")
			}
			continue
		}
		target := r.reopenTarget(t, recorded)
		if target == nil {
			return nil, fmt.Errorf("line %d: no open section to reopen the task in", p.LineOf(t.Span.Start)+1)
		}
		if err := r.checkMovable(t); err != nil {
			return nil, err
		}
		r.move(t, moveItem{t: t, status: ' ', removeStamp: hasStamp}, dest{sec: target})
	}
	return r.edits()
}

// Toggle flips the checkboxes of tasks in place, without moving them: when any of
// them is open, all become [x]; otherwise all become [ ].
func Toggle(p *Plan, tasks []*Task) []TextEdit {
	to := byte(' ')
	for _, t := range tasks {
		if !t.Closed() {
			to = 'x'
		}
	}
	var out []TextEdit
	for _, t := range tasks {
		if t.Status != to {
			out = append(out, TextEdit{Span: Span{t.Checkbox.Start + 1, t.Checkbox.Start + 2}, NewText: string(to)})
		}
	}
	SortEdits(out)
	return out
}

// reopenTarget returns where Reopen sends task t: the recorded section when it
// exists and is open, else the reopen section.
func (r *rewrite) reopenTarget(t *Task, recorded string) *Section {
	return reopenTargetOf(r.p, r.s, t, recorded)
}

// reopenTargetOf returns where Reopen sends task t of p, read with settings s;
// see reopenTarget.
func reopenTargetOf(p *Plan, s Settings, t *Task, recorded string) *Section {
	if recorded != "" {
		if sec := p.SectionByName(recorded); sec != nil && sec.Role == RoleOpen && !IsContainer(sec) {
			return sec
		}
	}
	return p.ReopenSectionFor(t, s)
}

// doneName returns the name of the done section that Mark done creates when
// there is none: the first of the settings' done names, else the first (in
// byte order) section name bound to the done state, else "".
func doneName(s Settings) string {
	for _, n := range s.DoneNames {
		if strings.TrimSpace(n) != "" {
			return strings.TrimSpace(n)
		}
	}
	name := ""
	for n, st := range s.Sections {
		if st == StateDone && (name == "" || n < name) {
			name = n
		}
	}
	return name
}

// sectionName returns a section's name, or "" for nil.
func sectionName(s *Section) string {
	if s == nil {
		return ""
	}
	return s.Name
}

// dest is where a group of tasks goes: an existing section or one to create.
type dest struct {
	sec    *Section
	create *newSection
}

// newSection is a section the rewrite creates (the missing done section).
type newSection struct {
	// heading is the heading line, such as "## 5. done".
	heading string
	// before is the 0-based line the section is inserted before; the line count
	// means the end of the file.
	before int
	// separator is true when the new section is preceded by a "---" line, like
	// its siblings.
	separator bool
}

// moveItem is one task to move and what changes on the way.
type moveItem struct {
	t *Task
	// status is the new checkbox character, or 0 to keep it.
	status byte
	// addStamp is appended to the task text ("" for none).
	addStamp string
	// removeStamp removes the done-stamp at the end of the task text.
	removeStamp bool
	// from is the plan the task belongs to when it is not the rewritten plan (a
	// move to another file), else nil.
	from *Plan
	// links are edits of the task's block, in the offsets of its plan, applied
	// while rendering it (destinations rewritten for another file); sorted, not
	// overlapping.
	links []TextEdit
}

// plan returns the plan the item's task belongs to: from, else the rewritten
// plan p.
func (it moveItem) plan(p *Plan) *Plan {
	if it.from != nil {
		return it.from
	}
	return p
}

// text returns the bytes [a, b) of src with the item's link edits that lie
// inside that range applied.
func (it moveItem) text(src []byte, a, b int) string {
	var sb strings.Builder
	at := a
	for _, e := range it.links {
		if e.Span.Start < at || e.Span.End > b {
			continue
		}
		sb.Write(src[at:e.Span.Start])
		sb.WriteString(e.NewText)
		at = e.Span.End
	}
	sb.Write(src[at:b])
	return sb.String()
}

// moveGroup is the tasks going to one destination, in document order.
type moveGroup struct {
	dest  dest
	items []moveItem
}

// rewrite collects the changes to one plan and turns them into edits.
type rewrite struct {
	p  *Plan
	s  Settings
	lb string
	// n is the number of lines; a final line break does not start another line.
	n int
	// del holds the lines to delete. It is a set, not a slice of every line,
	// so that a rewrite costs what it changes rather than the file's size.
	del map[int]bool
	// gaps holds the lines to insert, by the original line they follow (-1:
	// before the first line), in order; see vpos.
	gaps map[int][]string
	// removed holds the tasks whose blocks are deleted.
	removed map[*Task]bool
	// mods are in-line replacements on lines that are kept.
	mods []TextEdit
	// groups are the moves, by destination.
	groups []*moveGroup
	// skipIdentical drops a moved block that is byte-identical to a task already
	// in the target section (fix-all, so that it stays idempotent).
	skipIdentical bool
	// matcher finds done-stamps.
	matcher *stampMatcher
	// inserts are lines to insert after given original lines (merges).
	inserts []lineInsert
	// existing caches the blocks of the tasks that stay in a section, for
	// skipIdentical.
	existing map[*Section]map[string]bool
	// bullet caches commonBullet.
	bullet string
}

// lineInsert is a run of lines to insert after an original line.
type lineInsert struct {
	// after is the original line the lines follow.
	after int
	// lines are the lines to insert, without line breaks.
	lines []string
	// gapBefore and gapAfter separate the lines from non-blank neighbours by a
	// blank line.
	gapBefore, gapAfter bool
}

// newRewrite returns an empty rewrite of p.
func newRewrite(p *Plan, s Settings) *rewrite {
	n := lineCount(p)
	return &rewrite{p: p, s: s, lb: p.LineBreak(), n: n, del: map[int]bool{}, gaps: map[int][]string{}, removed: map[*Task]bool{},
		matcher: newStampMatcher(s.DoneStamp)}
}

// lineCount returns the number of lines of p; a final line break does not
// start another line.
func lineCount(p *Plan) int {
	n := len(p.Lines)
	if n > 0 && p.Lines[n-1] == len(p.Src) {
		n-- // The source ends with a line break, or is empty.
	}
	return n
}

// checkMovable reports an error naming the line when t cannot be moved.
func (r *rewrite) checkMovable(t *Task) error {
	if !r.p.Movable(t) {
		return fmt.Errorf("line %d: the task shares its line with other markup (a block quote or an outer list marker) and cannot be moved", r.p.LineOf(t.Span.Start)+1)
	}
	return nil
}

// firstLine and lastLine return the 0-based lines a task's block covers.
func (r *rewrite) firstLine(t *Task) int { return r.p.LineOf(t.Span.Start) }
func (r *rewrite) lastLine(t *Task) int  { return r.p.LineOf(t.Span.End) }

// remove deletes a task's block.
func (r *rewrite) remove(t *Task) {
	if r.removed[t] {
		return
	}
	r.removed[t] = true
	for a := t.Parent; a != nil; a = a.Parent {
		if r.removed[a] {
			return
		}
	}
	for i := r.firstLine(t); i <= r.lastLine(t) && i < r.n; i++ {
		r.del[i] = true
	}
	for _, c := range r.p.Tasks[t.Index+1:] {
		if c.Span.Start > t.Span.End {
			break
		}
		r.removed[c] = true
	}
}

// move deletes a task's block and queues its rendering at a destination.
func (r *rewrite) move(t *Task, item moveItem, d dest) {
	if r.removed[t] {
		return
	}
	r.remove(t)
	r.enqueue(item, d)
}

// enqueue queues the rendering of a task at a destination, without deleting
// anything (the task may belong to another plan).
func (r *rewrite) enqueue(item moveItem, d dest) {
	for _, g := range r.groups {
		if g.dest == d {
			g.items = append(g.items, item)
			return
		}
	}
	r.groups = append(r.groups, &moveGroup{dest: d, items: []moveItem{item}})
}

// mod queues an in-line replacement on a kept line.
func (r *rewrite) mod(sp Span, text string) {
	if sp.Len() == 0 && text == "" {
		return
	}
	r.mods = append(r.mods, TextEdit{Span: sp, NewText: text})
}

// setStatus changes a task's checkbox character in place.
func (r *rewrite) setStatus(t *Task, c byte) {
	r.mod(Span{t.Checkbox.Start + 1, t.Checkbox.Start + 2}, string(c))
}

// appendStamp appends a stamp to a task's text in place.
func (r *rewrite) appendStamp(t *Task, stamp string) {
	if stamp != "" {
		r.mod(Span{t.TextSpan.End, t.TextSpan.End}, stamp)
	}
}

// lineText returns line i without its line break.
func (r *rewrite) lineText(i int) []byte {
	return r.p.Src[r.p.LineStart(i):r.p.LineEnd(i)]
}

// blank reports whether line i holds only white space.
func (r *rewrite) blank(i int) bool { return isBlank(r.lineText(i)) }

// newDoneSection describes the done section to create for task t: at the level
// of the sections around t, continuing their numbering, at the end of their
// parent section (the end of the file for top sections). It returns nil when no
// done name is configured.
func (r *rewrite) newDoneSection(t *Task) *newSection {
	p := r.p
	name := doneName(r.s)
	if name == "" {
		return nil
	}
	// The sibling that sets level and numbering: the task's section, climbed up
	// while the parent shares its state (plan > frontend), or the first section
	// with a state.
	var anchor *Section
	if t != nil && t.Section != nil {
		anchor = t.Section
		for anchor.Parent != nil && anchor.Parent.State == anchor.State && anchor.State != "" {
			anchor = anchor.Parent
		}
		if IsContainer(anchor) {
			anchor = nil
		}
	}
	if anchor == nil {
		for _, s := range p.Sections {
			if s.State != "" && !IsContainer(s) {
				anchor = s
				break
			}
		}
	}
	level := 2
	var siblings []*Section
	var parent *Section
	if anchor != nil {
		level = anchor.Heading.Level
		parent = anchor.Parent
		for _, s := range p.Sections {
			if s.Parent == parent && s.Heading.Level == level {
				siblings = append(siblings, s)
			}
		}
	}
	// A done name in the script of the siblings: 完成 among 进行中 and 计划.
	if hasHan(siblings) {
		for _, n := range r.s.DoneNames {
			if containsHan(n) {
				name = strings.TrimSpace(n)
				break
			}
		}
	}
	number := ""
	for i := len(siblings) - 1; i >= 0; i-- {
		if siblings[i].Number != "" {
			number = nextEnumeration(siblings[i].Number)
			break
		}
	}
	heading := strings.Repeat("#", level) + " "
	if number != "" {
		heading += number
		if !strings.HasSuffix(number, "、") && !strings.HasSuffix(number, "）") {
			heading += " "
		}
	}
	heading += name
	ns := &newSection{heading: heading, before: r.n}
	if parent != nil && parent.Span.End < len(p.Src) {
		ns.before = p.LineOf(parent.Span.End)
	}
	// Siblings separated by "---" get a separator too.
	if len(siblings) >= 2 {
		sep := true
		for _, s := range siblings[1:] {
			if !r.breakBefore(p.LineOf(s.Span.Start)) {
				sep = false
				break
			}
		}
		ns.separator = sep
	}
	return ns
}

// breakBefore reports whether the last non-blank line before line is a top-level
// thematic break.
func (r *rewrite) breakBefore(line int) bool {
	for i := line - 1; i >= 0; i-- {
		if r.blank(i) {
			continue
		}
		return r.breakAt(i)
	}
	return false
}

// hasHan reports whether any section name contains a Han character.
func hasHan(secs []*Section) bool {
	for _, s := range secs {
		if containsHan(s.Name) {
			return true
		}
	}
	return false
}

// containsHan reports whether s contains a CJK ideograph.
func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF {
			return true
		}
	}
	return false
}

// nextEnumeration returns the enumeration after num: "4." → "5.", "5.1." → "5.2.",
// "3)" → "4)", "(3)" → "(4)", "四、" → "五、". An enumeration it cannot continue
// gives "".
func nextEnumeration(num string) string {
	// The last run of ASCII digits.
	end := -1
	for i := len(num) - 1; i >= 0; i-- {
		if num[i] >= '0' && num[i] <= '9' {
			end = i + 1
			break
		}
	}
	if end > 0 {
		start := end
		for start > 0 && num[start-1] >= '0' && num[start-1] <= '9' {
			start--
		}
		v, err := strconv.Atoi(num[start:end])
		if err != nil {
			return ""
		}
		return num[:start] + strconv.Itoa(v+1) + num[end:]
	}
	// Chinese numerals up to 99.
	rs := []rune(num)
	j := 0
	for j < len(rs) && strings.ContainsRune("一二三四五六七八九十", rs[j]) {
		j++
	}
	if j == 0 {
		return ""
	}
	v, ok := parseHanNumber(string(rs[:j]))
	if !ok || v >= 99 {
		return ""
	}
	return hanNumber(v+1) + string(rs[j:])
}

// hanDigits are the Chinese numerals for 0 to 9 (0 unused).
var hanDigits = []rune("〇一二三四五六七八九")

// parseHanNumber reads a Chinese numeral from 1 to 99.
func parseHanNumber(s string) (int, bool) {
	rs := []rune(s)
	digit := func(r rune) int {
		for i, d := range hanDigits {
			if d == r && i > 0 {
				return i
			}
		}
		return -1
	}
	switch len(rs) {
	case 1:
		if rs[0] == '十' {
			return 10, true
		}
		d := digit(rs[0])
		return d, d > 0
	case 2:
		if rs[0] == '十' {
			d := digit(rs[1])
			return 10 + d, d > 0
		}
		if rs[1] == '十' {
			d := digit(rs[0])
			return d * 10, d > 0
		}
	case 3:
		if rs[1] == '十' {
			a, b := digit(rs[0]), digit(rs[2])
			return a*10 + b, a > 0 && b > 0
		}
	}
	return 0, false
}

// hanNumber writes 1 to 99 in Chinese numerals.
func hanNumber(v int) string {
	switch {
	case v < 10:
		return string(hanDigits[v])
	case v == 10:
		return "十"
	case v < 20:
		return "十" + string(hanDigits[v-10])
	case v%10 == 0:
		return string(hanDigits[v/10]) + "十"
	}
	return string(hanDigits[v/10]) + "十" + string(hanDigits[v%10])
}

// vline is a line of the rewritten document: an original line (deleted or kept)
// or an inserted one.
type vline struct {
	// orig is the original line, or -1 for an inserted line.
	orig int
	// text is an inserted line's text, without line break.
	text string
}

// vpos is a position in the rewritten document, where lines can be inserted:
// before the k-th of the lines inserted after original line gap (gap -1 holds
// the lines inserted before the first line). The rewritten document is the
// original lines, deleted or kept, each followed by its gap; only gaps that
// hold lines are stored, so positions cost nothing for the lines in between.
type vpos struct {
	gap, k int
}

// after returns the position just after original line i (the end of the
// document for a line past the last).
func (r *rewrite) after(i int) vpos {
	if i >= r.n {
		return r.end()
	}
	return vpos{gap: i}
}

// before returns the position just before original line i (the end of the
// document for a line past the last).
func (r *rewrite) before(i int) vpos {
	if i >= r.n {
		return r.end()
	}
	return vpos{gap: i - 1, k: len(r.gaps[i-1])}
}

// end returns the position after every line.
func (r *rewrite) end() vpos {
	return vpos{gap: r.n - 1, k: len(r.gaps[r.n-1])}
}

// next returns the line at position pos and the position after it, or false at
// the end of the document.
func (r *rewrite) next(pos vpos) (vline, vpos, bool) {
	if g := r.gaps[pos.gap]; pos.k < len(g) {
		return vline{orig: -1, text: g[pos.k]}, vpos{pos.gap, pos.k + 1}, true
	}
	if i := pos.gap + 1; i < r.n {
		return vline{orig: i}, vpos{gap: i}, true
	}
	return vline{}, pos, false
}

// prev returns the line just before position pos and the position of that
// line, or false at the start of the document.
func (r *rewrite) prev(pos vpos) (vline, vpos, bool) {
	if pos.k > 0 {
		return vline{orig: -1, text: r.gaps[pos.gap][pos.k-1]}, vpos{pos.gap, pos.k - 1}, true
	}
	if i := pos.gap; i >= 0 {
		return vline{orig: i}, vpos{i - 1, len(r.gaps[i-1])}, true
	}
	return vline{}, pos, false
}

// edits finishes the rewrite: it tidies blank lines around deletions, inserts the
// moved blocks, renumbers ordered lists and returns the edits.
func (r *rewrite) edits() ([]TextEdit, error) {
	r.tidyBlanks()
	clear(r.gaps)
	// Existing targets first, then new sections, so that a new section at the end
	// of the file comes after a list that ends there.
	renumbered := map[*List]bool{}
	for _, g := range r.groups {
		if g.dest.sec != nil {
			r.place(g, renumbered)
		}
	}
	for _, in := range r.inserts {
		pos := vpos{gap: -1}
		if in.after >= 0 {
			pos = r.after(in.after)
		}
		r.insertAt(pos, in.lines, in.gapBefore, in.gapAfter)
	}
	for _, g := range r.groups {
		if g.dest.create != nil {
			r.placeSection(g)
		}
	}
	r.renumberSources(renumbered)
	return r.emit()
}

// sortedDel returns the deleted lines in order.
func (r *rewrite) sortedDel() []int {
	out := make([]int, 0, len(r.del))
	for i, d := range r.del {
		if d && i >= 0 && i < r.n {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// tidyBlanks deletes blank lines around deleted blocks so that no deletion
// leaves more blank lines between two kept lines than there were on either side
// of the deleted lines, and no more at the start or end of the file than there
// were before the first or after the last deleted line. It visits only the
// runs of blank and deleted lines that hold a deleted line.
func (r *rewrite) tidyBlanks() {
	done := 0 // Lines below done belong to runs already tidied.
	for _, d := range r.sortedDel() {
		if d < done {
			continue
		}
		i := d
		for i > 0 && (r.del[i-1] || r.blank(i-1)) {
			i--
		}
		j := d
		for j < r.n && (r.del[j] || r.blank(j)) {
			j++
		}
		r.tidyRun(i, j)
		done = j
	}
}

// tidyRun tidies the run of blank or deleted lines [i, j).
func (r *rewrite) tidyRun(i, j int) {
	lead, trail := 0, 0
	for k := i; k < j && !r.del[k]; k++ {
		lead++
	}
	for k := j - 1; k >= i && !r.del[k]; k-- {
		trail++
	}
	// Between two kept lines, the larger gap survives; at the start or end of
	// the file only the blank lines that were already there.
	keep := max(lead, trail)
	switch {
	case i == 0 && j == r.n:
		keep = min(lead, trail)
	case i == 0:
		keep = lead
	case j == r.n:
		keep = trail
	}
	kept := 0
	if lead >= keep {
		for k := i; k < j; k++ {
			if !r.del[k] {
				if kept < keep && k < i+lead {
					kept++
					continue
				}
				r.del[k] = true
			}
		}
		return
	}
	for k := j - 1; k >= i; k-- {
		if !r.del[k] {
			if kept < keep && k >= j-trail {
				kept++
				continue
			}
			r.del[k] = true
		}
	}
}

// keptText returns the text of a vline that is not deleted, and false for a
// deleted one.
func (r *rewrite) keptText(v vline) ([]byte, bool) {
	if v.orig < 0 {
		return []byte(v.text), true
	}
	if r.del[v.orig] {
		return nil, false
	}
	return r.lineText(v.orig), true
}

// neighbours returns the kept lines just before position pos and at or after
// it (nil, false when there is none).
func (r *rewrite) neighbours(pos vpos) (prev []byte, hasPrev bool, next []byte, hasNext bool) {
	for q := pos; ; {
		v, pq, ok := r.prev(q)
		if !ok {
			break
		}
		if t, kept := r.keptText(v); kept {
			prev, hasPrev = t, true
			break
		}
		q = pq
	}
	for q := pos; ; {
		v, nq, ok := r.next(q)
		if !ok {
			break
		}
		if t, kept := r.keptText(v); kept {
			next, hasNext = t, true
			break
		}
		q = nq
	}
	return
}

// insertAt inserts lines at position pos. With gapBefore (gapAfter) a blank
// line separates them from a non-blank kept line before (after) them.
func (r *rewrite) insertAt(pos vpos, lines []string, gapBefore, gapAfter bool) {
	if len(lines) == 0 {
		return
	}
	prev, hasPrev, next, hasNext := r.neighbours(pos)
	var add []string
	if gapBefore && hasPrev && !isBlank(prev) {
		add = append(add, "")
	}
	add = append(add, lines...)
	if gapAfter && hasNext && !isBlank(next) {
		add = append(add, "")
	}
	r.gaps[pos.gap] = slices.Insert(r.gaps[pos.gap], pos.k, add...)
}

// targetList is a list chosen to receive tasks.
type targetList struct {
	l *List
	// kept are the items of l that stay, as line indexes of their first lines.
	kept []int
}

// sectionLists returns the range [lo, hi) of p.Lists that start inside section
// sec (its subsections included), found by binary search.
func (r *rewrite) sectionLists(sec *Section) (lo, hi int) {
	lists := r.p.Lists
	lo = sort.Search(len(lists), func(i int) bool { return lists[i].Span.Start >= sec.Span.Start })
	hi = sort.Search(len(lists), func(i int) bool { return lists[i].Span.Start >= sec.Span.End })
	return lo, hi
}

// candidate returns list l as a target list when it is a top-level task list
// whose items start their lines and at least one of its items is kept.
func (r *rewrite) candidate(l *List) (targetList, bool) {
	if r.p.NestedInItem(l) || !r.listMovable(l) {
		return targetList{}, false
	}
	tl := targetList{l: l}
	for _, it := range l.Items {
		if line := r.p.LineOf(it.Start); line < r.n && !r.del[line] {
			tl.kept = append(tl.kept, line)
		}
	}
	return tl, len(tl.kept) > 0
}

// candidateLists returns the top-level task lists inside section sec (its
// subsections included) that keep at least one item, in document order.
func (r *rewrite) candidateLists(sec *Section) []targetList {
	var out []targetList
	lo, hi := r.sectionLists(sec)
	for _, l := range r.p.Lists[lo:hi] {
		if tl, ok := r.candidate(l); ok {
			out = append(out, tl)
		}
	}
	return out
}

// targetList returns the first of candidateLists(sec) (with last, the last
// one), and false when there is none, looking at no more lists than it needs.
func (r *rewrite) targetList(sec *Section, last bool) (targetList, bool) {
	lo, hi := r.sectionLists(sec)
	for k := lo; k < hi; k++ {
		l := r.p.Lists[k]
		if last {
			l = r.p.Lists[hi-1-(k-lo)]
		}
		if tl, ok := r.candidate(l); ok {
			return tl, true
		}
	}
	return targetList{}, false
}

// listMovable reports whether a list's items start their lines with nothing but
// indentation before the marker (not in a block quote).
func (r *rewrite) listMovable(l *List) bool {
	for _, it := range l.Items {
		line := r.p.Src[it.Start:r.p.LineEnd(r.p.LineOf(it.Start))]
		_, rest := indentWidth(line)
		if !startsWithListMarker(rest) {
			return false
		}
	}
	return true
}

// itemMarker parses the marker of the list item whose line starts at ls: the
// span of an ordered item's digits and its number, the marker's end, and the
// white space after it.
func (r *rewrite) itemMarker(ls int) (digits Span, number int, markerEnd int, spacing string) {
	src := r.p.Src
	le := r.p.LineEnd(r.p.LineOf(ls))
	i := ls
	for i < le && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	j := i
	for j < le && src[j] >= '0' && src[j] <= '9' {
		j++
	}
	if j > i {
		digits = Span{i, j}
		number, _ = strconv.Atoi(string(src[i:j]))
		j++ // The delimiter.
	} else {
		j = i + 1
	}
	j = min(j, le)
	k := j
	for k < le && (src[k] == ' ' || src[k] == '\t') {
		k++
	}
	return digits, number, j, string(src[j:k])
}

// place inserts a group of moved tasks into its existing target section.
func (r *rewrite) place(g *moveGroup, renumbered map[*List]bool) {
	sec := g.dest.sec
	bottom := r.s.MoveTo == "bottom"
	tl, ok := r.targetList(sec, bottom)
	if !ok {
		r.placeNewList(g, sec)
		return
	}
	l := tl.l
	// Markers and spacing of the target list.
	firstLS := r.p.LineStart(tl.kept[0])
	_, _, _, spacing := r.itemMarker(firstLS)
	if spacing == "" || strings.ContainsRune(spacing, '\t') || len(spacing) > 4 {
		spacing = " "
	}
	markers := make([]string, len(g.items))
	if l.Ordered {
		numbers := r.orderedNumbers(tl, len(g.items), bottom)
		for i := range markers {
			markers[i] = strconv.Itoa(numbers[i]) + string(l.Marker)
		}
		renumbered[l] = true
	} else {
		for i := range markers {
			markers[i] = string(l.Marker)
		}
	}
	var blocks [][]string
	seen := map[string]bool{}
	for i, it := range g.items {
		b := r.render(it, l.Indent, markers[i], spacing)
		if r.skipIdentical && r.duplicate(b, sec, seen) {
			continue
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		return
	}
	// Blank lines between items as between the two items nearest to the
	// insertion point: loose lists are not always loose everywhere.
	loose := l.Loose
	if k := len(tl.kept); k >= 2 {
		if bottom {
			loose = r.blank(tl.kept[k-1] - 1)
		} else {
			loose = r.blank(tl.kept[1] - 1)
		}
	}
	var lines []string
	if bottom {
		// After the block of the list's last kept item.
		last := tl.kept[len(tl.kept)-1]
		for _, it := range l.Items {
			if r.p.LineOf(it.Start) == tl.kept[len(tl.kept)-1] {
				last = max(last, r.p.LineOf(it.End))
			}
		}
		for _, b := range blocks {
			if loose {
				lines = append(lines, "")
			}
			lines = append(lines, b...)
		}
		r.insertAt(r.after(last), lines, false, false)
		return
	}
	for _, b := range blocks {
		lines = append(lines, b...)
		if loose {
			lines = append(lines, "")
		}
	}
	r.insertAt(r.before(tl.kept[0]), lines, false, false)
}

// orderedNumbers returns the numbers of k items inserted into an ordered list, and
// renumbers the list's kept items when its numbers ran in sequence (1, 2, 3 …).
// A list whose items all carry the same number (1., 1., 1.) gives that number to
// the new items; any other list is left alone.
func (r *rewrite) orderedNumbers(tl targetList, k int, bottom bool) []int {
	l := tl.l
	var nums []int
	seq, same := true, true
	for i, it := range l.Items {
		digits, n, _, _ := r.itemMarker(it.Start)
		nums = append(nums, n)
		// An item whose line starts with another marker ("* 1) [ ] a",
		// a list in a list item) has no digits to renumber.
		if n != l.Start+i || digits == (Span{}) {
			seq = false
		}
		if n != l.Start {
			same = false
		}
	}
	out := make([]int, k)
	switch {
	case same && len(l.Items) > 1:
		for i := range out {
			out[i] = l.Start
		}
	case seq:
		// The final order: new items, then kept ones (or the reverse at the bottom).
		next := l.Start
		if !bottom {
			for i := range out {
				out[i] = next
				next++
			}
		}
		for i, it := range l.Items {
			line := r.p.LineOf(it.Start)
			if line >= r.n || r.del[line] {
				continue
			}
			if nums[i] != next {
				digits, _, _, _ := r.itemMarker(it.Start)
				r.mod(digits, strconv.Itoa(next))
			}
			next++
		}
		if bottom {
			for i := range out {
				out[i] = next
				next++
			}
		}
	default:
		next := l.Start
		if bottom {
			for i, it := range l.Items {
				if line := r.p.LineOf(it.Start); line < r.n && !r.del[line] {
					next = nums[i] + 1
				}
			}
		}
		for i := range out {
			out[i] = next
			next++
		}
	}
	return out
}

// renumberSources renumbers the ordered lists that lost items, when their numbers
// ran in sequence, except the lists already renumbered as targets. A list loses
// items only where a task's block is deleted, so only the lists of removed
// tasks are looked at.
func (r *rewrite) renumberSources(done map[*List]bool) {
	var lists []*List
	seen := map[*List]bool{}
	for t := range r.removed {
		if l := t.List; l != nil && l.Ordered && !done[l] && !seen[l] {
			seen[l] = true
			lists = append(lists, l)
		}
	}
	sort.Slice(lists, func(i, j int) bool { return lists[i].Span.Start < lists[j].Span.Start })
	for _, l := range lists {
		lost := false
		for _, it := range l.Items {
			if line := r.p.LineOf(it.Start); line < r.n && r.del[line] {
				lost = true
				break
			}
		}
		if !lost {
			continue
		}
		seq := true
		for i, it := range l.Items {
			if digits, n, _, _ := r.itemMarker(it.Start); n != l.Start+i || digits == (Span{}) {
				seq = false
				break
			}
		}
		if !seq {
			continue
		}
		next := l.Start
		for i, it := range l.Items {
			line := r.p.LineOf(it.Start)
			if line >= r.n || r.del[line] {
				continue
			}
			if l.Start+i != next {
				digits, _, _, _ := r.itemMarker(it.Start)
				r.mod(digits, strconv.Itoa(next))
			}
			next++
		}
	}
}

// placeNewList inserts a group as a new list right after the section's heading,
// after the blank line that follows the heading, if any.
func (r *rewrite) placeNewList(g *moveGroup, sec *Section) {
	marker := r.commonBullet()
	var lines []string
	seen := map[string]bool{}
	for _, it := range g.items {
		b := r.render(it, 0, marker, " ")
		if r.skipIdentical && r.duplicate(b, sec, seen) {
			continue
		}
		lines = append(lines, b...)
	}
	if len(lines) == 0 {
		return
	}
	pos := r.after(r.p.LineOf(sec.Heading.Span.End))
	for q := pos; ; {
		v, nq, ok := r.next(q)
		if !ok {
			break
		}
		t, kept := r.keptText(v)
		if !kept {
			q = nq
			continue
		}
		if isBlank(t) {
			pos = nq
		}
		break
	}
	r.insertAt(pos, lines, true, true)
}

// placeSection inserts a new section holding a group.
func (r *rewrite) placeSection(g *moveGroup) {
	ns := g.dest.create
	var lines []string
	pos := r.before(ns.before)
	if ns.separator {
		// No second separator after content that already ends with one.
		for q := pos; ; {
			v, pq, ok := r.prev(q)
			if !ok {
				break
			}
			if t, kept := r.keptText(v); !kept || isBlank(t) {
				q = pq
				continue
			}
			if v.orig < 0 || !r.breakAt(v.orig) {
				lines = append(lines, "---", "")
			}
			break
		}
	}
	lines = append(lines, ns.heading, "")
	marker := r.commonBullet()
	seen := map[string]bool{}
	for _, it := range g.items {
		b := r.render(it, 0, marker, " ")
		if r.skipIdentical && r.duplicate(b, nil, seen) {
			continue
		}
		lines = append(lines, b...)
	}
	r.insertAt(pos, lines, true, true)
}

// breakAt reports whether line i is a top-level thematic break.
func (r *rewrite) breakAt(i int) bool {
	start := r.p.LineStart(i)
	breaks := r.p.Breaks
	k := sort.Search(len(breaks), func(k int) bool { return breaks[k].Start >= start })
	return k < len(breaks) && breaks[k].Start == start
}

// commonBullet returns the file's most common bullet character among task list
// items, "-" when there is none (a tie goes to the earlier one in "-*+").
func (r *rewrite) commonBullet() string {
	if r.bullet != "" {
		return r.bullet
	}
	var counts [256]int
	for _, l := range r.p.Lists {
		if !l.Ordered {
			counts[l.Marker] += len(l.Items)
		}
	}
	best := byte('-')
	for _, c := range []byte("-*+") {
		if counts[c] > counts[best] {
			best = c
		}
	}
	r.bullet = string(best)
	return r.bullet
}

// duplicate reports whether a rendered block equals one already placed in the
// same group (recorded in seen) or the block of a task that stays in section sec
// (nil for a new section), and records it.
func (r *rewrite) duplicate(block []string, sec *Section, seen map[string]bool) bool {
	want := strings.Join(block, "\n")
	if seen[want] {
		return true
	}
	seen[want] = true
	if sec == nil {
		return false
	}
	if r.existing == nil {
		r.existing = map[*Section]map[string]bool{}
	}
	have, ok := r.existing[sec]
	if !ok {
		have = map[string]bool{}
		for _, t := range r.p.Tasks {
			if !r.removed[t] && t.Parent == nil && SectionContains(sec, t) {
				have[r.blockString(t)] = true
			}
		}
		r.existing[sec] = have
	}
	return have[want]
}

// blockString returns a task's block with line breaks as "\n".
func (r *rewrite) blockString(t *Task) string {
	var lines []string
	for i := r.firstLine(t); i <= r.lastLine(t) && i < r.n; i++ {
		lines = append(lines, string(r.lineText(i)))
	}
	return strings.Join(lines, "\n")
}

// render returns a task's block re-indented for a list whose markers sit at
// column indent: its first line gets marker and spacing and the item's new
// checkbox and stamp; every other line moves by the change of the content column.
func (r *rewrite) render(it moveItem, indent int, marker, spacing string) []string {
	p := it.plan(r.p)
	t := it.t
	first, last := p.LineOf(t.Span.Start), p.LineOf(t.Span.End)
	n := lineCount(p)
	ls := p.LineStart(first)
	oldCol, _ := indentWidth(p.Src[ls:t.Marker.Start])
	oldCol += visualSpan(p.Src[t.Marker.Start:t.Checkbox.Start], oldCol)
	head := strings.Repeat(" ", indent) + marker + spacing
	delta := len(head) - oldCol

	var b strings.Builder
	b.WriteString(head)
	b.WriteByte('[')
	status := p.Src[t.Checkbox.Start+1]
	if it.status != 0 {
		status = it.status
	}
	b.WriteByte(status)
	b.WriteByte(']')
	textEnd := t.TextSpan.End
	if it.removeStamp {
		if start, _, ok := r.matcher.find(t.Text); ok {
			textEnd = t.TextSpan.Start + start
		}
	}
	b.WriteString(it.text(p.Src, t.Checkbox.End, textEnd))
	b.WriteString(it.addStamp)
	b.WriteString(it.text(p.Src, t.TextSpan.End, p.LineEnd(first)))
	out := []string{b.String()}
	for i := first + 1; i <= last && i < n; i++ {
		out = append(out, reindent([]byte(it.text(p.Src, p.LineStart(i), p.LineEnd(i))), delta))
	}
	return out
}

// visualSpan returns the width in columns of text that starts at column col.
func visualSpan(text []byte, col int) int {
	w := col
	for _, c := range text {
		if c == '\t' {
			w += 4 - w%4
		} else if isRuneStart(c) {
			w++
		}
	}
	return w - col
}

// reindent shifts a line's indentation by delta columns. Blank lines are kept as
// they are; indentation holding tabs is rewritten as spaces when it changes.
func reindent(line []byte, delta int) string {
	if delta == 0 || isBlank(line) {
		return string(line)
	}
	w, rest := indentWidth(line)
	ws := line[:len(line)-len(rest)]
	hasTab := strings.ContainsRune(string(ws), '\t')
	if !hasTab {
		if delta > 0 {
			return strings.Repeat(" ", delta) + string(line)
		}
		cut := min(-delta, len(ws))
		return string(line[cut:])
	}
	return strings.Repeat(" ", max(0, w+delta)) + string(rest)
}

// emit turns the rewritten line list into edits against the original source.
//
// Only the lines where something happens are visited: deleted lines and the
// lines around inserted ones. Between two of them every line is kept and
// nothing is inserted, which gives no edit.
func (r *rewrite) emit() ([]TextEdit, error) {
	p := r.p
	n := r.n
	src := p.Src
	endsWithBreak := len(src) == 0 || src[len(src)-1] == '\n'
	start := func(i int) int {
		if i >= n {
			return len(src)
		}
		return p.LineStart(i)
	}
	var out []TextEdit
	prevKept := -1
	var pending []string
	hasPending := false
	flush := func(nextKept int) {
		if !hasPending && prevKept+1 == nextKept {
			return
		}
		e := TextEdit{Span: Span{start(prevKept + 1), start(nextKept)}}
		var sb strings.Builder
		for _, l := range pending {
			sb.WriteString(l)
			sb.WriteString(r.lb)
		}
		e.NewText = sb.String()
		if nextKept >= n && !endsWithBreak {
			// The last line has no line break; keep it that way.
			switch {
			case len(pending) > 0 && prevKept+1 >= n:
				e.NewText = r.lb + strings.TrimSuffix(e.NewText, r.lb)
			case len(pending) > 0:
				e.NewText = strings.TrimSuffix(e.NewText, r.lb)
			case prevKept >= 0:
				e.Span.Start = p.LineEnd(prevKept)
			}
		}
		out = append(out, e)
		pending = pending[:0]
		hasPending = false
	}
	// visit handles original line i, gap its inserted lines.
	visit := func(i int) {
		if !r.del[i] {
			flush(i)
			prevKept = i
		}
	}
	gap := func(g int) {
		if lines := r.gaps[g]; len(lines) > 0 {
			pending = append(pending, lines...)
			hasPending = true
		}
	}
	busy := map[int]bool{}
	for i, d := range r.del {
		if d && i >= 0 && i < n {
			busy[i] = true
		}
	}
	for g, lines := range r.gaps {
		if len(lines) == 0 {
			continue
		}
		if g >= 0 && g < n {
			busy[g] = true
		}
		if g+1 >= 0 && g+1 < n {
			busy[g+1] = true
		}
	}
	lines := make([]int, 0, len(busy))
	for i := range busy {
		lines = append(lines, i)
	}
	slices.Sort(lines)
	gap(-1)
	last := -1 // The last line visited.
	for _, i := range lines {
		if i > last+1 {
			// Lines last+1 … i-1 are kept with nothing inserted around them:
			// the first one ends what is pending, the others change nothing.
			visit(last + 1)
			prevKept = i - 1
		}
		visit(i)
		gap(i)
		last = i
	}
	if last < n-1 {
		visit(last + 1)
		prevKept = n - 1
	}
	flush(n)
	for _, m := range r.mods {
		line := p.LineOf(m.Span.Start)
		if line < n && r.del[line] {
			continue
		}
		out = append(out, m)
	}
	out = mergeEdits(out)
	if err := CheckEdits(out, len(src)); err != nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	return out, nil
}

// mergeEdits sorts edits and joins those that touch (one ends where the next
// starts), so that no client has to order an insertion against a replacement at
// the same offset. Empty edits are dropped.
func mergeEdits(edits []TextEdit) []TextEdit {
	SortEdits(edits)
	var out []TextEdit
	for _, e := range edits {
		if e.Span.Len() == 0 && e.NewText == "" {
			continue
		}
		if k := len(out) - 1; k >= 0 && out[k].Span.End == e.Span.Start {
			out[k].Span.End = e.Span.End
			out[k].NewText += e.NewText
			continue
		}
		out = append(out, e)
	}
	return out
}
