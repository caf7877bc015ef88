// This file defines FuzzEditProperties, which checks on random plans the
// properties of the edit engine that FuzzActions leaves to the example-based
// property tests (actions_prop_test.go): a move replaces only the bytes it may
// (its tasks' lines, blank lines, ordered-item digits, checkboxes) and loses
// no line; Mark done then Reopen loses no line; fix-all loses and adds no
// line and is idempotent.

package analysis

import (
	"strings"
	"testing"
)

func FuzzEditProperties(f *testing.F) {
	plans := propPlans(f, 10)
	for i, name := range sortedNames(plans) {
		f.Add(plans[name], uint16(i*7), uint8(i), uint8(i))
	}
	f.Add([]byte("## doing\n\n1. [ ] a\n2. [ ] b\n\n## done\n\n- [x] c"), uint16(0), uint8(1), uint8(0))
	f.Add([]byte("## doing\r\n\r\n* [x] a\r\n  * [ ] sub\r\n* [x] a\r\n"), uint16(0), uint8(0), uint8(3))
	f.Fuzz(func(t *testing.T, src []byte, pick uint16, target uint8, op uint8) {
		s := DefaultSettings()
		if op&1 != 0 {
			s.MoveTo = "bottom"
		}
		if op&2 != 0 {
			s.DoneStamp = " ✅ {date} (from {section})"
		}
		p := ParseWith(src, s)
		before := fuzzLineBag(src)

		if len(p.Tasks) > 0 && len(p.Sections) > 0 {
			i := int(pick) % len(p.Tasks)
			j := min(len(p.Tasks), i+1+int(op>>4)%3)
			sel := OutermostTasks(p.Tasks[i:j])
			sec := p.Sections[int(target)%len(p.Sections)]
			if edits, err := MoveTasks(p, sel, sec, s); err == nil {
				var moving []*Task
				for _, tk := range sel {
					if !SectionContains(sec, tk) {
						moving = append(moving, tk)
					}
				}
				got := checkEditsProperty(t, "move", p, edits, moveAllowed(p, moving))
				if d := bagDiff(before, fuzzLineBag(got)); d != "" {
					t.Fatalf("move changed lines: %s", d)
				}
			}

			// Mark done then Reopen, on the tasks the round-trip property
			// covers: open top-level tasks of open sections.
			// A section named like a stamp ("✅ 2024-01-01 (from x") makes
			// the stamp ambiguous: Reopen removes the shortest one and
			// leaves the rest (text is kept, not lost), so it is skipped.
			task := p.Tasks[i]
			if op&2 != 0 && !task.Closed() && (task.Section == nil || !strings.Contains(task.Section.Name, "✅")) && task.Text != "" && task.Section != nil && task.Section.Role == RoleOpen && p.TopLevel(task) {
				checkDoneReopen(t, p, task, s, before)
			}
		}

		// Fix-all with a done-stamp adds the stamps and removes those of
		// tasks it reopens: its line property holds without one.
		s.DoneStamp = DefaultSettings().DoneStamp
		p = ParseWith(src, s)
		edits := FixAll(p, s, testNow)
		got := checkEditsProperty(t, "fix-all", p, edits, nil)
		after := fuzzLineBag(got)
		for k, v := range after {
			if v > before[k] && !createdLine(k) {
				t.Fatalf("fix-all added line %q:\n%q\n%q", k, src, got)
			}
		}
		for k := range before {
			if after[k] == 0 {
				t.Fatalf("fix-all lost line %q:\n%q\n%q", k, src, got)
			}
		}
		if again := FixAll(ParseWith(got, s), s, testNow); len(again) > 0 {
			second, _ := ApplyEdits(got, again)
			t.Fatalf("fix-all is not idempotent:\n%q\n%q\n%q", src, got, second)
		}
	})
}

// checkDoneReopen marks task done, then reopens it: neither may change a line
// but the task's done-stamp.
func checkDoneReopen(t *testing.T, p *Plan, task *Task, s Settings, before map[string]int) {
	t.Helper()
	edits, err := MarkDone(p, []*Task{task}, s, testNow)
	if err != nil {
		return
	}
	done := checkEditsProperty(t, "Mark done", p, edits, nil)
	if d := bagDiff(before, fuzzLineBag(done)); d != "" && !strings.Contains(d, "✅") {
		t.Fatalf("Mark done changed lines: %s", d)
	}
	p2 := ParseWith(done, s)
	for _, t2 := range p2.Tasks {
		if t2.Section == nil || t2.Section.Role != RoleDone || !strings.HasPrefix(t2.Text, task.Text+" ✅ 2024-05-06") {
			continue
		}
		edits, err := Reopen(p2, []*Task{t2}, s, testNow)
		if err != nil {
			// Refusing is fine (the task's section became a container:
			// no open section is left); losing text is not.
			return
		}
		again := checkEditsProperty(t, "Reopen", p2, edits, nil)
		if d := bagDiff(before, fuzzLineBag(again)); d != "" {
			t.Fatalf("Mark done + Reopen changed lines: %s", d)
		}
		return
	}
}

// moveAllowed is allowedBytes, plus one case that its example-based callers
// never meet: moved tasks that end a file without a final line break, after
// blank lines or other moved tasks, take with them the line break of the last
// line before those, so that the file still ends without one.
func moveAllowed(p *Plan, tasks []*Task) []bool {
	ok := allowedBytes(p, tasks)
	whole := func(i int) bool { // Line i may be replaced entirely.
		for b := p.LineStart(i); b < p.LineEnd(i); b++ {
			if !ok[b] {
				return false
			}
		}
		return true
	}
	for _, t := range tasks {
		if t.Span.End != len(p.Src) {
			continue
		}
		i := p.LineOf(t.Span.Start) - 1
		for i >= 0 && whole(i) {
			i--
		}
		if i >= 0 {
			for b := p.LineEnd(i); b < t.Span.Start; b++ {
				ok[b] = true
			}
		}
	}
	return ok
}

// fuzzLineBag is lineBag with every leading list marker and block quote
// marker ignored, not just a first list marker: a task can be the first item
// of a list nested in another item or a quote on the same line ("* * [ ] a",
// "> - [ ] a"), whose checkbox fix-all may normalise.
func fuzzLineBag(src []byte) map[string]int {
	bag := map[string]int{}
	for _, l := range strings.Split(string(src), "\n") {
		s := strings.TrimSpace(l)
		for {
			if strings.HasPrefix(s, ">") {
				s = strings.TrimLeft(s[1:], " \t")
				continue
			}
			if !startsWithListMarker([]byte(s)) {
				break
			}
			i := strings.IndexAny(s, " \t")
			if i < 0 {
				s = ""
				break
			}
			s = strings.TrimLeft(s[i:], " \t")
		}
		if n := normLine(s); n != "" {
			bag[n]++
		}
	}
	return bag
}

// TestMoveNextToListInItem is the regression test of a crasher of
// FuzzEditProperties: an ordered list that starts on the line of another
// list's item ("* 0) [X] 0") has no digits at its lines' starts, and renumbering
// it wrote the new number at the start of the file, into a heading.
func TestMoveNextToListInItem(t *testing.T) {
	s := DefaultSettings()
	for _, src := range []string{"#\n* 0) [X] 0\n#\n0) [X] ", "# a\n\n* 0) [X] 0\n\n# b\n\n0) [X] y\n", "# a\n\n* 1. [ ] x\n* 2. [ ] y\n\n# b\n"} {
		p := ParseWith([]byte(src), s)
		for _, task := range p.Tasks {
			for _, sec := range p.Sections {
				edits, err := MoveTasks(p, []*Task{task}, sec, s)
				if err != nil {
					continue
				}
				got := checkEditsProperty(t, "move", p, edits, nil)
				if d := bagDiff(fuzzLineBag([]byte(src)), fuzzLineBag(got)); d != "" {
					t.Errorf("moving %q to %q in %q changed lines: %s\n%q", task.Text, sec.Name, src, d, got)
				}
			}
		}
	}
}
