// This file defines the code action marker tests. Every testdata/actions/*.txtar
// starts with free text saying what it checks, then holds a plan file (plan.md, or
// plan.crlf.md whose line breaks become CRLF; "<TAB>" stands for a tab), optional
// other workspace files (.planls.json is read as settings; other files make up
// the fs.FS the diagnostics see), and golden sections want/NAME with the plan
// after each action, rewritten with -update. Markers are HTML comments at the end
// of a plan line; they are stripped (with the space before them) before anything
// runs, so they appear in no output:
//
//	<!-- @codeaction("Title") -->                    run the action titled Title with the cursor at the start of this line
//	<!-- @codeaction("Title", sel="text") -->        ... with the first "text" on this line selected
//	<!-- @codeaction("Title", sel="text", lines=3) --> ... selected from "text" to the end of the third line (this one is the first)
//	<!-- @codeaction("Title", id="name") -->         ... golden section want/name instead of want/Title
//	<!-- @noaction("Title") -->                      no action titled Title is offered at this line
//	<!-- @fixall -->                                 run FixAll (golden want/fixall) and check that it is idempotent
//
// Several markers may share one comment. The golden for an action that creates a
// file starts with "create PATH". For a CRLF plan the golden is stored with LF
// line breaks, and the test checks that the result has no bare LF. Every action's
// edits must pass CheckEdits; the clock is 2024-05-06.

package analysis

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/planls/planls/analysis/markers"
	"golang.org/x/tools/txtar"
)

// testNow is the clock of the action tests.
var testNow = time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)

// stripActionMarkers removes the markers from a plan and returns them.
func stripActionMarkers(t testing.TB, plan string) (string, []*markers.Action) {
	t.Helper()
	text, ms, err := markers.Actions(plan)
	if err != nil {
		t.Fatal(err)
	}
	return text, ms
}

// markerSelection returns the selection a marker stands for in p.
func markerSelection(t testing.TB, p *Plan, m *markers.Action) Span {
	t.Helper()
	ls, le := p.LineStart(m.Line), p.LineEnd(m.Line)
	start, end, err := m.Selection(ls, string(p.Src[ls:le]), p.LineEnd)
	if err != nil {
		t.Fatal(err)
	}
	return Span{start, end}
}

func TestActionMarkers(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/actions/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/actions files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			runActionFile(t, path)
		})
	}
}

// runActionFile runs the markers of one action test file.
func runActionFile(t *testing.T, path string) {
	ar, files := readTxtar(t, path)
	planName, crlf := "plan.md", false
	if _, ok := files["plan.crlf.md"]; ok {
		planName, crlf = "plan.crlf.md", true
	}
	text, ms := stripActionMarkers(t, string(files[planName]))
	if len(ms) == 0 {
		t.Fatal("no markers")
	}
	text = strings.ReplaceAll(text, "<TAB>", "\t")
	if crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	src := []byte(text)
	fsys := fstest.MapFS{"plan.md": &fstest.MapFile{Data: src}}
	s := DefaultSettings()
	for name, data := range files {
		switch {
		case name == ConfigFileName:
			var warns []Warning
			s, warns = DecodeSettings(data, s)
			if len(warns) > 0 {
				t.Fatalf("settings warnings: %v", warns)
			}
		case name == planName || strings.HasPrefix(name, "want/"):
		default:
			fsys[name] = &fstest.MapFile{Data: data}
		}
	}
	p := ParseWith(src, s)
	diags := Diagnose(p, Env{Settings: s, FS: fsys, Path: "plan.md", Root: "."})
	seen := map[string]bool{}
	changed := false
	for _, m := range ms {
		var got []byte
		switch m.Kind {
		case "noaction":
			for _, a := range Actions(p, markerSelection(t, p, m), s, diags, testNow) {
				if a.Title == m.Title {
					t.Errorf("line %d: unexpected action %q", m.Line+1, m.Title)
				}
			}
			continue
		case "fixall":
			edits := FixAll(p, s, testNow)
			got = applyChecked(t, src, edits)
			if again := FixAll(ParseWith(got, s), s, testNow); len(again) > 0 {
				t.Errorf("fix-all is not idempotent: second run gives %v", again)
			}
		case "codeaction":
			sel := markerSelection(t, p, m)
			actions := Actions(p, sel, s, diags, testNow)
			var found *Action
			var titles []string
			for i := range actions {
				titles = append(titles, actions[i].Title)
				if actions[i].Title == m.Title && found == nil {
					found = &actions[i]
				}
			}
			if found == nil {
				t.Errorf("line %d: no action %q; have %q", m.Line+1, m.Title, titles)
				continue
			}
			got = applyChecked(t, src, found.Edits)
			if found.CreateFile != "" {
				got = append([]byte("create "+found.CreateFile+"\n"), got...)
			}
		}
		if crlf {
			if bytes.Contains(bytes.ReplaceAll(got, []byte("\r\n"), nil), []byte("\n")) {
				t.Errorf("%s: result of a CRLF file has a bare LF", m.ID)
			}
			got = bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n"))
		}
		name := "want/" + m.ID
		if seen[name] {
			t.Fatalf("two markers with golden %s: give one an id", name)
		}
		seen[name] = true
		if *update {
			setArchiveFile(ar, name, got)
			changed = true
			continue
		}
		want, ok := files[name]
		if !ok {
			t.Errorf("no golden section %s (run with -update)", name)
			continue
		}
		if string(want) != string(got) {
			t.Errorf("%s differs (run with -update to accept):\n%s", name, lineDiff(string(want), string(got)))
		}
	}
	if changed {
		// Drop goldens no marker claims any more.
		var keep []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") || seen[f.Name] {
				keep = append(keep, f)
			}
		}
		ar.Files = keep
		setGolden(t, path, ar, planName, files[planName])
	}
}

// setArchiveFile replaces or appends a file of an archive in memory.
func setArchiveFile(ar *txtar.Archive, name string, data []byte) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
}

// applyChecked checks and applies edits, failing the test when they are invalid.
func applyChecked(t testing.TB, src []byte, edits []TextEdit) []byte {
	t.Helper()
	if err := CheckEdits(edits, len(src)); err != nil {
		t.Fatalf("bad edits: %v", err)
	}
	for i := 1; i < len(edits); i++ {
		if edits[i-1].Span.End == edits[i].Span.Start {
			t.Errorf("edits %d and %d touch; they should have been merged", i-1, i)
		}
	}
	out, err := ApplyEdits(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestActionTitlesAndKinds pins the titles, kinds and commands of the actions on
// a task, and the quick-fix kind of Mark done when a placement diagnostic is in
// context.
func TestActionTitlesAndKinds(t *testing.T) {
	src := []byte("# Plan\n\n## doing\n\n- [x] shipped\n- [ ] open\n\n## wait\n\n## done\n")
	s := DefaultSettings()
	p := ParseWith(src, s)
	diags := Diagnose(p, Env{Settings: s})
	at := strings.Index(string(src), "shipped")
	got := map[string]Action{}
	var titles []string
	for _, a := range Actions(p, Span{at, at}, s, diags, testNow) {
		got[a.Title] = a
		titles = append(titles, a.Title+"|"+a.Kind+"|"+a.Command)
	}
	want := []string{
		"Mark done|quickfix|planls.markDone",
		"Reopen|refactor.rewrite|planls.reopen",
		"Toggle checkbox|refactor.rewrite|planls.toggleTask",
		`Move to "wait"|refactor.move|planls.moveTask`,
		`Move to "done"|refactor.move|planls.moveTask`,
	}
	if fmt.Sprint(titles) != fmt.Sprint(want) {
		t.Errorf("actions:\n got %q\nwant %q", titles, want)
	}
	if a := got["Mark done"]; !a.Preferred || len(a.Diagnostics) != 1 || diags[a.Diagnostics[0]].Code != "done-outside-done" {
		t.Errorf("Mark done should be the preferred fix of done-outside-done: %+v", a)
	}
	if got[`Move to "wait"`].Section != "wait" {
		t.Errorf("Move action should name its section")
	}
	// No task under the cursor: no task actions.
	if as := Actions(p, Span{0, 0}, s, diags, testNow); len(as) != 0 {
		t.Errorf("actions on a heading: %+v", as)
	}
	// Out-of-range selections are clamped, never a panic.
	Actions(p, Span{-5, 1 << 30}, s, diags, testNow)
	Actions(&Plan{}, Span{0, 0}, s, nil, testNow)
}

// TestMoveTargetLabels checks that sections of the same name are told apart by
// their parents and that container sections are not offered.
func TestMoveTargetLabels(t *testing.T) {
	src := []byte("# Work\n\n## doing\n\n- [ ] a\n\n## done\n\n# Home\n\n## doing\n\n- [ ] b\n\n## done\n")
	p := Parse(src)
	var labels []string
	for _, m := range moveTargets(p, []*Task{p.Tasks[0]}) {
		labels = append(labels, m.label)
	}
	want := []string{"Work › done", "Home › doing", "Home › done"}
	if fmt.Sprint(labels) != fmt.Sprint(want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
	// Mark done picks the done section of the task's own group.
	edits, err := MarkDone(p, []*Task{p.Tasks[1]}, DefaultSettings(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	out := applyChecked(t, src, edits)
	if !strings.HasSuffix(string(out), "## done\n\n- [x] b\n") {
		t.Errorf("b should land in Home's done:\n%s", out)
	}
}

// TestCLIErrorsFromEngine checks the errors of the engine for tasks that cannot
// move and files without an open section.
func TestEngineErrors(t *testing.T) {
	s := DefaultSettings()
	src := []byte("## doing\n\n> - [ ] quoted\n\n## done\n")
	p := Parse(src)
	if _, err := MarkDone(p, p.Tasks, s, testNow); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("moving a quoted task: err = %v", err)
	}
	src = []byte("## done\n\n- [x] a\n")
	p = Parse(src)
	if _, err := Reopen(p, p.Tasks, s, testNow); err == nil {
		t.Errorf("reopening without an open section should fail")
	}
	if _, err := MoveTasks(p, p.Tasks, nil, s); err == nil {
		t.Errorf("moving to no section should fail")
	}
	s.DoneNames = nil
	s.Sections = map[string]string{}
	src = []byte("## doing\n\n- [ ] a\n")
	p = ParseWith(src, s)
	if _, err := MarkDone(p, p.Tasks, s, testNow); err == nil {
		t.Errorf("Mark done without done names should fail")
	}
}

// TestToggle checks Toggle on mixed selections.
func TestToggle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"- [ ] a\n- [x] b\n", "- [x] a\n- [x] b\n"},
		{"- [x] a\n- [X] b\n", "- [ ] a\n- [ ] b\n"},
		{"- [-] a\n", "- [ ] a\n"},
		{"- [/] a\n", "- [x] a\n"},
		{"- [ ] a\n  - [ ] b\n", "- [x] a\n  - [x] b\n"},
	} {
		p := Parse([]byte(tc.in))
		got := applyChecked(t, p.Src, Toggle(p, p.Tasks))
		if string(got) != tc.want {
			t.Errorf("Toggle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNextEnumeration checks the numbering of created sections.
func TestNextEnumeration(t *testing.T) {
	for _, tc := range [][2]string{
		{"4.", "5."}, {"9.", "10."}, {"5.1.", "5.2."}, {"3)", "4)"}, {"(3)", "(4)"}, {"（3）", "（4）"},
		{"3、", "4、"}, {"四、", "五、"}, {"九、", "十、"}, {"十、", "十一、"}, {"十九、", "二十、"}, {"二十三、", "二十四、"},
		{"九十九、", ""}, {"x", ""}, {"", ""},
	} {
		if got := nextEnumeration(tc[0]); got != tc[1] {
			t.Errorf("nextEnumeration(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

// TestReindent checks the re-indentation of continuation lines.
func TestReindent(t *testing.T) {
	for _, tc := range []struct {
		line  string
		delta int
		want  string
	}{
		{"  text", 2, "    text"},
		{"    text", -2, "  text"},
		{" text", -3, "text"},
		{"\ttext", -2, "  text"},
		{"\ttext", 0, "\ttext"},
		{"   ", 5, "   "},
		{"", -1, ""},
		{"lazy", 2, "  lazy"},
	} {
		if got := reindent([]byte(tc.line), tc.delta); got != tc.want {
			t.Errorf("reindent(%q, %d) = %q, want %q", tc.line, tc.delta, got, tc.want)
		}
	}
}

// TestTasksIn checks which tasks a cursor or selection covers.
func TestTasksIn(t *testing.T) {
	src := "- [ ] a\n  - [ ] b\n\n  note\n- [ ] c\n"
	p := Parse([]byte(src))
	texts := func(ts []*Task) string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Text)
		}
		return strings.Join(out, ",")
	}
	off := func(s string) int { return strings.Index(src, s) }
	for _, tc := range []struct {
		sel  Span
		want string
	}{
		{Span{0, 0}, "a"},
		{Span{off("b"), off("b")}, "b"},
		{Span{off("note"), off("note")}, "a"},
		{Span{off("a"), off("c")}, "a,b,c"},
		{Span{off("a"), off("- [ ] c")}, "a,b"},
		{Span{off("b"), off("note")}, "b"},
		{Span{off("b"), off("b") + 1}, "b"},
		{Span{len(src), len(src)}, ""},
	} {
		if got := texts(p.TasksIn(tc.sel)); got != tc.want {
			t.Errorf("TasksIn(%v) = %q, want %q", tc.sel, got, tc.want)
		}
	}
	if got := texts(OutermostTasks(p.TasksIn(Span{0, len(src)}))); got != "a,c" {
		t.Errorf("OutermostTasks = %q", got)
	}
	if tk := p.TaskOnLine(1); tk == nil || tk.Text != "b" {
		t.Errorf("TaskOnLine(1) = %v", tk)
	}
	if tk := p.TaskOnLine(2); tk != nil {
		t.Errorf("TaskOnLine(2) = %v, want nil", tk)
	}
}

// actionSelections returns the selections the lazy-action tests try on p: a
// cursor on every task and a selection of every task with the two after it, a
// cursor on every diagnostic, and every section.
func actionSelections(p *Plan, diags []Diagnostic) []Span {
	var out []Span
	for i, tk := range p.Tasks {
		out = append(out, Span{tk.TextSpan.Start, tk.TextSpan.Start})
		out = append(out, Span{tk.Span.Start, p.Tasks[min(len(p.Tasks)-1, i+2)].TextSpan.End})
	}
	for _, d := range diags {
		out = append(out, Span{d.Span.Start, d.Span.Start})
	}
	for _, sec := range p.Sections {
		out = append(out, Span{sec.Span.Start, sec.Span.End})
	}
	return out
}

// TestListActionsMatchActions checks, over the property-test plans, that
// ListActions offers exactly the actions of Actions (same order, titles,
// kinds, ids, diagnostics) without edits, and that ActionEdits computes for
// each id the edits Actions gives; and that ids are unique.
func TestListActionsMatchActions(t *testing.T) {
	t.Parallel()
	plans := propPlans(t, 40)
	stamp := DefaultSettings()
	stamp.DoneStamp = " ✅ {date} (from {section})"
	bottom := DefaultSettings()
	bottom.MoveTo = "bottom"
	checked := 0
	for _, name := range sortedNames(plans) {
		for _, s := range []Settings{DefaultSettings(), stamp, bottom} {
			p := ParseWith(plans[name], s)
			diags := Diagnose(p, Env{Settings: s})
			for _, sel := range actionSelections(p, diags) {
				eager := Actions(p, sel, s, diags, testNow)
				lazy := ListActions(p, sel, s, diags, testNow)
				if len(eager) != len(lazy) {
					t.Fatalf("%s %v: Actions offers %d actions, ListActions %d:\n%v\n%v", name, sel, len(eager), len(lazy), eager, lazy)
				}
				ids := map[string]bool{}
				for i, a := range eager {
					l := lazy[i]
					if l.Edits != nil {
						t.Errorf("%s %v: ListActions computed the edits of %q", name, sel, l.Title)
					}
					l.Edits = a.Edits
					if fmt.Sprintf("%+v", l) != fmt.Sprintf("%+v", a) {
						t.Fatalf("%s %v: action %d differs:\nActions     %+v\nListActions %+v", name, sel, i, a, l)
					}
					if a.ID == "" || ids[a.ID] && !strings.HasPrefix(a.ID, "fix:") {
						t.Fatalf("%s %v: id %q of %q is empty or repeated", name, sel, a.ID, a.Title)
					}
					ids[a.ID] = true
					got, err := ActionEdits(p, sel, s, diags, testNow, a.ID)
					if err != nil {
						t.Fatalf("%s %v: ActionEdits(%q): %v", name, sel, a.ID, err)
					}
					if fmt.Sprint(got.Edits) != fmt.Sprint(a.Edits) || got.Title != a.Title {
						t.Fatalf("%s %v: ActionEdits(%q) = %q %v, Actions gives %q %v", name, sel, a.ID, got.Title, got.Edits, a.Title, a.Edits)
					}
					checked++
				}
			}
		}
	}
	if checked < 10000 {
		t.Errorf("only %d actions checked", checked)
	}
	t.Logf("%d actions", checked)
}

// TestActionEditsErrors checks that ActionEdits refuses ids it does not offer:
// unknown ids, a move to the section the task is in, a task that is gone.
func TestActionEditsErrors(t *testing.T) {
	s := DefaultSettings()
	src := []byte("## doing\n\n- [ ] a\n\n## done\n\n- [x] b\n")
	p := ParseWith(src, s)
	at := Span{strings.Index(string(src), "a\n"), strings.Index(string(src), "a\n")}
	for _, id := range []string{"", "nope", "move:0", "move:9", "fix:duplicate-task:0:1", "done:"} {
		if a, err := ActionEdits(p, at, s, nil, testNow, id); err == nil {
			t.Errorf("ActionEdits(%q) = %+v, want an error", id, a)
		}
	}
	if a, err := ActionEdits(p, at, s, nil, testNow, "move:1"); err != nil || a.Title != `Move to "done"` || len(a.Edits) == 0 {
		t.Errorf(`ActionEdits("move:1") = %+v, %v`, a, err)
	}
	// The selection holds no task any more (the plan changed under it).
	heading := Span{0, 0}
	if _, err := ActionEdits(p, heading, s, nil, testNow, "done"); err == nil {
		t.Errorf("Mark done on a heading should fail")
	}
	if _, err := ActionEdits(nil, at, s, nil, testNow, "done"); err == nil {
		t.Errorf("ActionEdits on no plan should fail")
	}
}

// TestTaskLookups compares the binary searches of TaskAt, TaskOnLine and
// TasksIn with scans of every task, at every offset of the property-test plans.
func TestTaskLookups(t *testing.T) {
	t.Parallel()
	for name, src := range propPlans(t, 30) {
		p := Parse(src)
		for off := 0; off <= len(src); off++ {
			var want *Task
			for _, tk := range p.Tasks {
				if tk.Span.Start <= off && off <= tk.Span.End {
					want = tk
				}
			}
			if got := p.TaskAt(off); got != want {
				t.Fatalf("%s: TaskAt(%d) = %v, want %v", name, off, got, want)
			}
			var line *Task
			for _, tk := range p.Tasks {
				if tk.Line.Start <= off && off <= tk.Line.End {
					line = tk
				}
			}
			if got := taskOnLineOf(p, off); got != line {
				t.Fatalf("%s: taskOnLineOf(%d) = %v, want %v", name, off, got, line)
			}
		}
		for line := range p.Lines {
			var want *Task
			for _, tk := range p.Tasks {
				if tk.Span.Start == p.Lines[line] {
					want = tk
					break
				}
			}
			if got := p.TaskOnLine(line); got != want {
				t.Fatalf("%s: TaskOnLine(%d) = %v, want %v", name, line, got, want)
			}
		}
		for i := 0; i < len(p.Lines); i += 3 {
			for _, sel := range []Span{{p.Lines[i], p.LineStart(i + 4)}, {p.Lines[i] + 1, p.LineEnd(i + 2)}} {
				var want []*Task
				for _, tk := range p.Tasks {
					first := p.LineOf(tk.Span.Start)
					if p.LineStart(first) < sel.End && sel.Start <= p.LineEnd(first) {
						want = append(want, tk)
					}
				}
				if got := p.TasksIn(sel); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%s: TasksIn(%v) = %v, want %v", name, sel, got, want)
				}
			}
		}
	}
}
