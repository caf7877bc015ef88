// This file defines the property tests of the edit engine, run over the bundled
// example, the realistic plans of testdata/plans, the plans of the parse and action
// tests and generated plans (GeneratePlan): thousands of moves, Mark done/Reopen
// round trips and fix-alls in a few seconds, and FuzzActions for longer runs.
// The properties:
//
//   - edits are sorted, do not overlap or touch, and apply (CheckEdits);
//   - every byte an edit replaces lies on a moved task's lines, on a blank line,
//     in the digits of an ordered item or the checkbox of a task: nothing else
//     is touched;
//   - no data loss: the non-blank lines of the result, with indentation, list
//     markers and checkbox characters ignored, are those of the original;
//   - re-parsing the result finds each moved task, with as many subtasks, in
//     the target section;
//   - Mark done then Reopen (with a {section} done-stamp) restores the original
//     bytes when the task returns to its recorded place;
//   - fix-all loses no line that it does not remove as a duplicate, and a second
//     fix-all changes nothing.

package analysis

import (
	"fmt"
	"github.com/planls/planls/analysis/markers"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// propPlans returns the plans the property tests run over: real and test plans,
// then count generated ones.
func propPlans(t testing.TB, generated int) map[string][]byte {
	out := map[string][]byte{}
	if src, err := os.ReadFile("../testdata/examples/wenfh2020-plan.md"); err == nil {
		out["example"] = src
	} else {
		t.Fatal(err)
	}
	mds, _ := filepath.Glob("../testdata/plans/*.md")
	for _, path := range mds {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out["plans/"+filepath.Base(path)] = src
	}
	for _, dir := range []string{"parse", "actions"} {
		paths, _ := filepath.Glob("../testdata/" + dir + "/*.txtar")
		for _, path := range paths {
			_, files := readTxtar(t, path)
			if _, ok := files["plan.md"]; !ok {
				if _, ok := files["plan.crlf.md"]; !ok {
					continue
				}
			}
			src := planSource(files)
			if stripped, _, err := markers.Actions(string(src)); err == nil {
				src = []byte(stripped)
			}
			out[dir+"/"+filepath.Base(path)] = src
		}
	}
	for seed := 0; seed < generated; seed++ {
		out[fmt.Sprintf("generated/%d", seed)] = GeneratePlan(int64(seed), 5+seed%40)
	}
	return out
}

// sortedNames returns the keys of a plan map in a stable order.
func sortedNames(m map[string][]byte) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// boxRE matches a checkbox, or a near-miss of one, at the start of item text.
var boxRE = regexp.MustCompile(`^(\[[^\]]{0,3}\]|【[^】]{0,2}】|［[^］]{0,2}］)[ \t]*`)

// normLine is a line as the data-loss property compares it: indentation, list
// marker, checkbox character and trailing white space ignored.
func normLine(line string) string {
	s := strings.TrimLeft(strings.TrimRight(line, " \t\r"), " \t")
	if startsWithListMarker([]byte(s)) {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return ""
		}
		s = strings.TrimLeft(s[i:], " \t")
	}
	if m := boxRE.FindStringIndex(s); m != nil {
		s = "[?] " + s[m[1]:]
	}
	return s
}

// lineBag counts the normalised non-blank lines of a text.
func lineBag(src []byte) map[string]int {
	bag := map[string]int{}
	for _, l := range strings.Split(string(src), "\n") {
		if n := normLine(l); n != "" {
			bag[n]++
		}
	}
	return bag
}

// createdLine reports whether a normalised line is one the engine adds on
// purpose: the heading of a created done section or its "---" separator.
func createdLine(line string) bool {
	if line == "---" {
		return true
	}
	if !strings.HasPrefix(line, "#") {
		return false
	}
	_, name := SplitSectionName(strings.TrimLeft(line, "# "))
	return DefaultSettings().IsDoneName(name)
}

// bagDiff describes how two bags differ, or returns "". Created done sections
// do not count.
func bagDiff(want, got map[string]int) string {
	var out []string
	for k, v := range want {
		if got[k] != v && !(got[k] > v && createdLine(k)) {
			out = append(out, fmt.Sprintf("%q: %d → %d", k, v, got[k]))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok && !createdLine(k) {
			out = append(out, fmt.Sprintf("%q: 0 → %d", k, v))
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return strings.Join(out, "; ")
}

// allowedBytes marks the bytes a move of tasks may replace: their lines, blank
// lines, ordered item digits, checkboxes, and the line break before a last line
// without one.
func allowedBytes(p *Plan, tasks []*Task) []bool {
	ok := make([]bool, len(p.Src)+1)
	mark := func(a, b int) {
		for i := max(a, 0); i < b && i < len(ok); i++ {
			ok[i] = true
		}
	}
	lineSpan := func(i int) (int, int) {
		end := len(p.Src)
		if i+1 < len(p.Lines) {
			end = p.Lines[i+1]
		}
		return p.LineStart(i), end
	}
	for _, t := range tasks {
		for i := p.LineOf(t.Span.Start); i <= p.LineOf(t.Span.End); i++ {
			a, b := lineSpan(i)
			mark(a, b)
		}
		if t.Span.End == len(p.Src) {
			mark(p.LineEnd(p.LineOf(t.Span.Start)-1), t.Span.Start)
		}
	}
	for i := range p.Lines {
		a, b := lineSpan(i)
		if isBlank(p.Src[a:b]) {
			mark(a, b)
			if b == len(p.Src) && i > 0 {
				mark(p.LineEnd(i-1), a)
			}
		}
	}
	for _, l := range p.Lists {
		if !l.Ordered {
			continue
		}
		for _, it := range l.Items {
			i := it.Start
			for i < len(p.Src) && (p.Src[i] == ' ' || p.Src[i] == '\t') {
				i++
			}
			j := i
			for j < len(p.Src) && p.Src[j] >= '0' && p.Src[j] <= '9' {
				j++
			}
			mark(i, j)
		}
	}
	for _, t := range p.Tasks {
		mark(t.Checkbox.Start, t.Checkbox.End)
	}
	return ok
}

// checkEditsProperty checks that edits are valid, merged, and replace only
// allowed bytes, and returns the result.
func checkEditsProperty(t testing.TB, what string, p *Plan, edits []TextEdit, allowed []bool) []byte {
	t.Helper()
	if err := CheckEdits(edits, len(p.Src)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for i, e := range edits {
		if i > 0 && edits[i-1].Span.End == e.Span.Start {
			t.Fatalf("%s: edits %d and %d touch", what, i-1, i)
		}
		if allowed != nil {
			for b := e.Span.Start; b < e.Span.End; b++ {
				if !allowed[b] {
					line := p.LineOf(b)
					t.Fatalf("%s: edit %v replaces byte %d on line %d %q, which is not the moved task's, blank, or a marker",
						what, e.Span, b, line+1, p.Src[p.LineStart(line):p.LineEnd(line)])
				}
			}
		}
	}
	out, err := ApplyEdits(p.Src, edits)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return out
}

// descendants counts the tasks nested in t.
func descendants(t *Task) int {
	n := 0
	for _, c := range t.Children {
		n += 1 + descendants(c)
	}
	return n
}

// checkMoved checks that the result holds every moved task, with as many
// subtasks, inside the section with the given index (or the last section when
// index is -1).
func checkMoved(t testing.TB, what string, got []byte, s Settings, moved []*Task, index int) {
	t.Helper()
	p2 := ParseWith(got, s)
	if index < 0 {
		index = len(p2.Sections) - 1
	}
	if index >= len(p2.Sections) || index < 0 {
		t.Fatalf("%s: target section %d gone", what, index)
	}
	target := p2.Sections[index]
	for _, m := range moved {
		found := false
		for _, t2 := range p2.Tasks {
			if normLine(string(got[t2.Line.Start:t2.Line.End])) == normLine(string(m.Text)) ||
				t2.Text == m.Text {
				if SectionContains(target, t2) && descendants(t2) == descendants(m) {
					found = true
					break
				}
			}
		}
		if !found {
			t.Fatalf("%s: task %q (with %d subtasks) not found in %q after the move:\n%s", what, m.Text, descendants(m), target.Name, got)
		}
	}
}

// wellFormed reports whether a task's move can be checked structurally: its
// block has no lazy lines, no tabs in indentation, no setext underline or code
// fence that a new position could reinterpret, and the tasks re-parse the same.
func wellFormed(p *Plan, t *Task) bool {
	if !p.Movable(t) {
		return false
	}
	col, _ := indentWidth(p.Src[p.LineStart(p.LineOf(t.Span.Start)):t.Checkbox.Start])
	col += visualSpan(p.Src[t.Marker.Start:t.Checkbox.Start], col)
	for i := p.LineOf(t.Span.Start) + 1; i <= p.LineOf(t.Span.End); i++ {
		line := p.Src[p.LineStart(i):p.LineEnd(i)]
		if isBlank(line) {
			continue
		}
		w, _ := indentWidth(line)
		if w < col || strings.Contains(string(line[:len(line)-len(strings.TrimLeft(string(line), " \t"))]), "\t") {
			return false
		}
	}
	return true
}

// TestMoveProperties moves random tasks of every plan to every other section.
func TestMoveProperties(t *testing.T) {
	t.Parallel()
	plans := propPlans(t, 150)
	rng := rand.New(rand.NewPCG(1, 2))
	cases := 0
	for _, name := range sortedNames(plans) {
		src := plans[name]
		for _, moveTo := range []string{"top", "bottom"} {
			s := DefaultSettings()
			s.MoveTo = moveTo
			p := ParseWith(src, s)
			if len(p.Tasks) == 0 || len(p.Sections) == 0 {
				continue
			}
			before := lineBag(src)
			for trial := 0; trial < 8; trial++ {
				// One task, or a run of consecutive tasks.
				i := rng.IntN(len(p.Tasks))
				j := min(len(p.Tasks), i+1+rng.IntN(3))
				sel := OutermostTasks(p.Tasks[i:j])
				target := p.Sections[rng.IntN(len(p.Sections))]
				what := fmt.Sprintf("%s: move %q… to %q (%s)", name, sel[0].Text, target.Name, moveTo)
				edits, err := MoveTasks(p, sel, target, s)
				if err != nil {
					continue
				}
				cases++
				var moving []*Task
				for _, tk := range sel {
					if !SectionContains(target, tk) {
						moving = append(moving, tk)
					}
				}
				got := checkEditsProperty(t, what, p, edits, allowedBytes(p, moving))
				if d := bagDiff(before, lineBag(got)); d != "" {
					t.Fatalf("%s: lines changed: %s", what, d)
				}
				structural := true
				for _, tk := range moving {
					structural = structural && wellFormed(p, tk)
				}
				if structural && !IsContainer(target) {
					checkMoved(t, what, got, s, moving, target.Index)
				}
			}
		}
	}
	if cases < 1000 {
		t.Errorf("only %d cases ran", cases)
	}
	t.Logf("%d moves", cases)
}

// TestMarkDoneReopenRoundTrip marks tasks done and reopens them: with a
// {section} stamp the task returns to its recorded section, and when it was the
// first item of that section's first list (last of the last with moveTo bottom)
// the file is restored byte for byte.
func TestMarkDoneReopenRoundTrip(t *testing.T) {
	t.Parallel()
	plans := propPlans(t, 100)
	cases, restored := 0, 0
	for _, name := range sortedNames(plans) {
		src := plans[name]
		for _, moveTo := range []string{"top", "bottom"} {
			s := DefaultSettings()
			s.MoveTo = moveTo
			s.DoneStamp = " ✅ {date} (from {section})"
			p := ParseWith(src, s)
			before := lineBag(src)
			for _, task := range p.Tasks {
				if task.Closed() || task.Text == "" || task.Section == nil || task.Section.Role != RoleOpen || !p.TopLevel(task) {
					continue
				}
				what := fmt.Sprintf("%s: %q (%s)", name, task.Text, moveTo)
				edits, err := MarkDone(p, []*Task{task}, s, testNow)
				if err != nil {
					continue
				}
				cases++
				done := checkEditsProperty(t, what+": Mark done", p, edits, nil)
				bag := lineBag(done)
				if d := bagDiff(before, bag); d != "" && !strings.Contains(d, "✅") {
					t.Fatalf("%s: Mark done changed lines: %s", what, d)
				}
				p2 := ParseWith(done, s)
				var back *Task
				for _, t2 := range p2.Tasks {
					if t2.Section != nil && t2.Section.Role == RoleDone && strings.HasPrefix(t2.Text, task.Text+" ✅ 2024-05-06") {
						back = t2
						break
					}
				}
				if back == nil {
					if wellFormed(p, task) {
						t.Fatalf("%s: marked task not found in a done section:\n%s", what, done)
					}
					continue
				}
				edits, err = Reopen(p2, []*Task{back}, s, testNow)
				if err != nil {
					t.Fatalf("%s: Reopen: %v", what, err)
				}
				again := checkEditsProperty(t, what+": Reopen", p2, edits, nil)
				if d := bagDiff(before, lineBag(again)); d != "" {
					t.Fatalf("%s: Mark done + Reopen changed lines: %s", what, d)
				}
				if task.Status == ' ' && returnsHome(p, task, s) && wellFormed(p, task) {
					if string(again) != string(src) {
						t.Fatalf("%s: Mark done + Reopen did not restore the file:\n%s", what, lineDiff(string(src), string(again)))
					}
					restored++
				}
			}
		}
	}
	if cases < 1000 || restored < 100 {
		t.Errorf("only %d round trips, %d restored", cases, restored)
	}
	t.Logf("%d round trips, %d restored byte for byte", cases, restored)
}

// returnsHome reports whether Reopen puts task back exactly where it was: its
// section's name is unique, it is the first item of the first list of its section
// (the last item of the last list at the bottom), that list keeps other items,
// and nothing re-renders differently (ordered lists that do not count in
// sequence, blank lines between some items only, spacing other than the list's).
func returnsHome(p *Plan, task *Task, s Settings) bool {
	sec := task.Section
	for _, o := range p.Sections {
		if o != sec && o.Key == sec.Key {
			return false
		}
	}
	if IsContainer(sec) || p.DoneSectionFor(task) == nil {
		return false // A created done section stays after Reopen.
	}
	r := newRewrite(p, s)
	lists := r.candidateLists(sec)
	if len(lists) == 0 {
		return false
	}
	tl := lists[0]
	if s.MoveTo == "bottom" {
		tl = lists[len(lists)-1]
	}
	l := tl.l
	if l != task.List || len(l.Items) < 2 {
		return false
	}
	idx := 0
	if s.MoveTo == "bottom" {
		idx = len(l.Items) - 1
	}
	if l.Items[idx].Start != task.Span.Start {
		return false
	}
	if l.Ordered {
		for i, it := range l.Items {
			if _, n, _, _ := r.itemMarker(it.Start); n != l.Start+i {
				return false
			}
		}
	}
	// Blank lines between items must be the same everywhere.
	gaps := map[bool]bool{}
	for _, it := range l.Items[1:] {
		gaps[r.blank(p.LineOf(it.Start)-1)] = true
	}
	if len(gaps) > 1 || (gaps[true] && len(l.Items) < 3) {
		return false // A single item left behind cannot say that its list was loose.
	}
	// The other item that sets the spacing must match the task's.
	other := l.Items[1]
	if idx > 0 {
		other = l.Items[0]
	}
	_, _, _, sp1 := r.itemMarker(task.Span.Start)
	_, _, _, sp2 := r.itemMarker(other.Start)
	return sp1 == sp2
}

// TestFixAllProperties runs fix-all over every plan: valid edits, no lost lines,
// idempotence.
func TestFixAllProperties(t *testing.T) {
	t.Parallel()
	plans := propPlans(t, 300)
	changed := 0
	for _, name := range sortedNames(plans) {
		src := plans[name]
		for _, moveTo := range []string{"top", "bottom"} {
			s := DefaultSettings()
			s.MoveTo = moveTo
			p := ParseWith(src, s)
			edits := FixAll(p, s, testNow)
			if len(edits) == 0 {
				continue
			}
			changed++
			what := fmt.Sprintf("%s (%s)", name, moveTo)
			got := checkEditsProperty(t, what, p, edits, nil)
			before, after := lineBag(src), lineBag(got)
			for k, v := range after {
				if v > before[k] && !createdLine(k) {
					t.Fatalf("%s: fix-all added line %q", what, k)
				}
			}
			for k := range before {
				if after[k] == 0 {
					t.Fatalf("%s: fix-all lost line %q:\n%s", what, k, got)
				}
			}
			if again := FixAll(ParseWith(got, s), s, testNow); len(again) > 0 {
				second, _ := ApplyEdits(got, again)
				t.Fatalf("%s: fix-all is not idempotent:\n%s", what, lineDiff(string(got), string(second)))
			}
		}
	}
	t.Logf("fix-all changed %d plans", changed)
}

// TestActionsNeverFail runs Actions at many cursor positions of every plan: no
// panic, and every action's edits are valid.
func TestActionsNeverFail(t *testing.T) {
	t.Parallel()
	plans := propPlans(t, 40)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range sortedNames(plans) {
		src := plans[name]
		s := DefaultSettings()
		p := ParseWith(src, s)
		diags := Diagnose(p, Env{Settings: s})
		for trial := 0; trial < 10 && len(src) > 0; trial++ {
			a := rng.IntN(len(src) + 1)
			b := a
			if trial%2 == 1 {
				b = min(len(src), a+rng.IntN(200))
			}
			for _, act := range Actions(p, Span{a, b}, s, diags, testNow) {
				checkEditsProperty(t, fmt.Sprintf("%s: %q at %d-%d", name, act.Title, a, b), p, act.Edits, nil)
			}
		}
	}
}

// TestNoFinalLineBreak checks moves in a file whose last line has no line break:
// the result has none either, and a task moved from the end takes nothing else.
func TestNoFinalLineBreak(t *testing.T) {
	s := DefaultSettings()
	for _, tc := range []struct{ src, want string }{
		{"## doing\n\n- [ ] a\n\n## done\n\n- [x] b", "## doing\n\n## done\n\n- [x] a\n- [x] b"},
		{"## done\n\n- [x] b\n\n## doing\n\n- [ ] a", "## done\n\n- [x] a\n- [x] b\n\n## doing"},
		{"## doing\n\n- [ ] a", "## doing\n\n## done\n\n- [x] a"},
		{"## doing\n\n- [ ] a\n- [ ] c", "## doing\n\n- [ ] c\n\n## done\n\n- [x] a"},
		{"## doing\n\n- [ ] c\n- [ ] a", "## doing\n\n- [ ] c\n\n## done\n\n- [x] a"},
		{"## doing\r\n\r\n- [ ] a", "## doing\r\n\r\n## done\r\n\r\n- [x] a"},
	} {
		p := ParseWith([]byte(tc.src), s)
		var task *Task
		for _, tk := range p.Tasks {
			if tk.Text == "a" {
				task = tk
			}
		}
		edits, err := MarkDone(p, []*Task{task}, s, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(applyChecked(t, p.Src, edits)); got != tc.want {
			t.Errorf("Mark done in %q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func FuzzActions(f *testing.F) {
	plans := propPlans(f, 20)
	for _, name := range sortedNames(plans) {
		f.Add(plans[name], uint16(len(plans[name])/3), uint8(1), uint8(0))
	}
	f.Add([]byte("- [ ] a\n- [x] b"), uint16(0), uint8(0), uint8(1))
	f.Add([]byte("## d\n1. [ ] a\n   - [ ] b\n\n## done\n"), uint16(6), uint8(1), uint8(2))
	f.Fuzz(func(t *testing.T, src []byte, at uint16, target uint8, op uint8) {
		s := DefaultSettings()
		if op&8 != 0 {
			s.MoveTo = "bottom"
		}
		if op&16 != 0 {
			s.DoneStamp = " ✅ {date} (from {section})"
		}
		p := ParseWith(src, s)
		off := int(at) % (len(src) + 1)
		tasks := p.TasksIn(Span{off, off})
		before := lineBag(src)
		if len(tasks) > 0 && len(p.Sections) > 0 {
			var edits []TextEdit
			var err error
			sec := p.Sections[int(target)%len(p.Sections)]
			switch op % 4 {
			case 0:
				edits, err = MoveTasks(p, tasks, sec, s)
			case 1:
				edits, err = MarkDone(p, tasks, s, testNow)
			case 2:
				edits, err = Reopen(p, tasks, s, testNow)
			default:
				edits = Toggle(p, tasks)
			}
			if err == nil {
				got := checkEditsProperty(t, "action", p, edits, nil)
				if op%4 == 0 {
					if d := bagDiff(before, lineBag(got)); d != "" {
						t.Fatalf("move changed lines: %s", d)
					}
				}
			}
		}
		for _, a := range Actions(p, Span{off, off + int(target)}, s, nil, testNow) {
			checkEditsProperty(t, a.Title, p, a.Edits, nil)
		}
		edits := FixAll(p, s, testNow)
		got := checkEditsProperty(t, "fix-all", p, edits, nil)
		if again := FixAll(ParseWith(got, s), s, testNow); len(again) > 0 {
			second, _ := ApplyEdits(got, again)
			t.Fatalf("fix-all is not idempotent:\n%q\n%q\n%q", src, got, second)
		}
	})
}

// BenchmarkActions measures the actions at a task of a large generated plan (one
// Move per section, Mark done, Reopen, Toggle).
func BenchmarkActions(b *testing.B) {
	src := GeneratePlan(1, 5000)
	s := DefaultSettings()
	p := ParseWith(src, s)
	at := p.Tasks[len(p.Tasks)/2].Span.Start
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Actions(p, Span{at, at}, s, nil, testNow)
	}
}

// BenchmarkFixAll measures fix-all on a large generated plan.
func BenchmarkFixAll(b *testing.B) {
	src := GeneratePlan(1, 5000)
	s := DefaultSettings()
	p := ParseWith(src, s)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		FixAll(p, s, testNow)
	}
}
