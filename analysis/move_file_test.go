// This file defines the tests of moving tasks to another plan file: the marker
// files of testdata/actions-xfile and table tests of the link rewriting. Each
// testdata/actions-xfile/*.txtar starts with free text saying what it checks,
// then holds a workspace: Markdown files (NAME.crlf.md becomes NAME.md with CRLF
// line breaks; "<TAB>" stands for a tab), .planls.json with the settings
// (moveTargets among them) and other files. Exactly one Markdown file holds
// @codeaction/@noaction markers (see package markers). The goldens of an action
// are want/ID/PATH, one per file the action changes, with LF line breaks; a file
// the action leaves alone has no golden. After each action the runner also
// checks that every link still leads where it led: the missing-file and
// missing-anchor diagnostics of the whole workspace are the same in number.

package analysis

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/planls/planls/analysis/markers"
	"golang.org/x/tools/txtar"
)

// xfileFixture is a workspace read from a testdata/actions-xfile archive.
type xfileFixture struct {
	ar *txtar.Archive
	// files are the workspace files as they go to disk, by slash path.
	files map[string][]byte
	// crlf names the files whose line breaks are CRLF.
	crlf map[string]bool
	// marked is the path of the file with the markers, markerName its name in
	// the archive.
	marked, markerName string
	// markers are the action markers of marked (stripped from its text).
	markers []*markers.Action
	// settings are the decoded .planls.json.
	settings Settings
	// wants are the goldens: ID → path → text (LF).
	wants map[string]map[string]string
}

// readXfileFixture reads a testdata/actions-xfile archive.
func readXfileFixture(t testing.TB, path string) *xfileFixture {
	t.Helper()
	ar, files := readTxtar(t, path)
	f := &xfileFixture{ar: ar, files: map[string][]byte{}, crlf: map[string]bool{}, settings: DefaultSettings(),
		wants: map[string]map[string]string{}}
	for name, data := range files {
		if rest, ok := strings.CutPrefix(name, "want/"); ok {
			id, file, ok := strings.Cut(rest, "/")
			if !ok {
				t.Fatalf("golden %s: want want/ID/PATH", name)
			}
			if f.wants[id] == nil {
				f.wants[id] = map[string]string{}
			}
			f.wants[id][file] = string(data)
			continue
		}
		disk := name
		text := strings.ReplaceAll(string(data), "<TAB>", "\t")
		if strings.HasSuffix(name, ".md") {
			stripped, ms, err := markers.Actions(text)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) > 0 {
				if f.marked != "" {
					t.Fatalf("markers in %s and %s; only one file may hold them", f.markerName, name)
				}
				f.markers, f.markerName, text = ms, name, stripped
			}
		}
		if base, ok := strings.CutSuffix(name, ".crlf.md"); ok {
			disk = base + ".md"
			text = strings.ReplaceAll(text, "\n", "\r\n")
			f.crlf[disk] = true
		}
		if name == f.markerName {
			f.marked = disk
		}
		f.files[disk] = []byte(text)
	}
	if f.marked == "" {
		t.Fatal("no file holds markers")
	}
	if data, ok := f.files[ConfigFileName]; ok {
		var warns []Warning
		if f.settings, warns = DecodeSettings(data, f.settings); len(warns) > 0 {
			t.Fatalf("settings warnings: %v", warns)
		}
	}
	return f
}

// workspace parses the Markdown files of files.
func xfileWorkspace(files map[string][]byte, s Settings) (*Workspace, fstest.MapFS) {
	plans := map[string]*Plan{}
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data}
		if strings.HasSuffix(name, ".md") {
			plans[name] = ParseWith(data, s)
		}
	}
	return NewWorkspace(plans), fsys
}

// linkProblems returns the number of missing-file and missing-anchor
// diagnostics of every Markdown file of a workspace.
func linkProblems(files map[string][]byte, s Settings) int {
	ws, fsys := xfileWorkspace(files, s)
	n := 0
	for _, path := range ws.Paths() {
		for _, d := range Diagnose(ws.Plan(path), Env{Settings: s, FS: fsys, Path: path, Root: ".", Workspace: ws}) {
			if d.Code == "missing-file" || d.Code == "missing-anchor" {
				n++
			}
		}
	}
	return n
}

// lf turns CRLF line breaks into LF, reporting bare LFs in a CRLF file.
func lf(t testing.TB, name string, text string, crlf bool) string {
	t.Helper()
	if crlf && strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Errorf("%s: a CRLF file got a bare LF", name)
	}
	return strings.ReplaceAll(text, "\r\n", "\n")
}

// compareGoldens compares the changed files of one action with its goldens, or
// records them with -update. changed maps path → new text (already LF).
func (f *xfileFixture) compareGoldens(t testing.TB, id string, changed map[string]string) {
	t.Helper()
	if *update {
		f.wants[id] = changed
		return
	}
	want := f.wants[id]
	if want == nil {
		t.Errorf("no goldens want/%s/… (run with -update)", id)
		return
	}
	for path, got := range changed {
		w, ok := want[path]
		if !ok {
			t.Errorf("%s: the action changes %s, which has no golden want/%s/%s", id, path, id, path)
			continue
		}
		if w != got {
			t.Errorf("want/%s/%s differs (run with -update to accept):\n%s", id, path, lineDiff(w, got))
		}
	}
	for path := range want {
		if _, ok := changed[path]; !ok {
			t.Errorf("%s: golden want/%s/%s, but the action leaves %s alone", id, id, path, path)
		}
	}
}

// writeGoldens rewrites the archive with the recorded goldens (-update).
func (f *xfileFixture) writeGoldens(t testing.TB, path string) {
	t.Helper()
	var keep []txtar.File
	for _, file := range f.ar.Files {
		if !strings.HasPrefix(file.Name, "want/") {
			keep = append(keep, file)
		}
	}
	var ids []string
	for id := range f.wants {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		var paths []string
		for p := range f.wants[id] {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			keep = append(keep, txtar.File{Name: "want/" + id + "/" + p, Data: []byte(f.wants[id][p])})
		}
	}
	f.ar.Files = keep
	if err := os.WriteFile(path, txtar.Format(f.ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFileMoveMarkers(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/actions-xfile/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/actions-xfile files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			runFileMoveFixture(t, path)
		})
	}
}

// runFileMoveFixture runs the markers of one archive through Actions and
// FileMoveActions.
func runFileMoveFixture(t *testing.T, path string) {
	f := readXfileFixture(t, path)
	s := f.settings
	ws, fsys := xfileWorkspace(f.files, s)
	src := f.files[f.marked]
	p := ws.Plan(f.marked)
	diags := Diagnose(p, Env{Settings: s, FS: fsys, Path: f.marked, Root: ".", Workspace: ws})
	before := linkProblems(f.files, s)
	seen := map[string]bool{}
	for _, m := range f.markers {
		ls, le := p.LineStart(m.Line), p.LineEnd(m.Line)
		start, end, err := m.Selection(ls, string(src[ls:le]), p.LineEnd)
		if err != nil {
			t.Fatal(err)
		}
		sel := Span{start, end}
		actions := append(Actions(p, sel, s, diags, testNow), FileMoveActions(p, f.marked, sel, s, ws)...)
		var found *Action
		var titles []string
		for i := range actions {
			titles = append(titles, actions[i].Title)
			if actions[i].Title == m.Title && found == nil {
				found = &actions[i]
			}
		}
		switch m.Kind {
		case "noaction":
			if found != nil {
				t.Errorf("line %d: unexpected action %q", m.Line+1, m.Title)
			}
			continue
		case "fixall":
			t.Fatalf("line %d: @fixall does not belong in testdata/actions-xfile", m.Line+1)
		}
		if found == nil {
			t.Errorf("line %d: no action %q; have %q", m.Line+1, m.Title, titles)
			continue
		}
		if seen[m.ID] {
			t.Fatalf("two markers with id %q", m.ID)
		}
		seen[m.ID] = true
		after := map[string][]byte{}
		for k, v := range f.files {
			after[k] = v
		}
		after[f.marked] = applyChecked(t, src, found.Edits)
		if o := found.Other; o != nil {
			if !bytes.Equal(o.Src, f.files[o.Path]) {
				t.Fatalf("%s: the edits of %s were computed for other text", m.ID, o.Path)
			}
			if found.Command != CommandMove || found.Kind != KindMove || found.Section == "" {
				t.Errorf("%s: command %q kind %q section %q", m.ID, found.Command, found.Kind, found.Section)
			}
			after[o.Path] = applyChecked(t, o.Src, o.Edits)
		}
		changed := map[string]string{}
		for k, v := range after {
			if !bytes.Equal(v, f.files[k]) {
				changed[k] = lf(t, k, string(v), f.crlf[k])
			}
		}
		f.compareGoldens(t, m.ID, changed)
		if got := linkProblems(after, s); got != before {
			t.Errorf("%s: %d link problems in the workspace before the move, %d after", m.ID, before, got)
		}
	}
	if *update {
		for id := range f.wants {
			if !seen[id] {
				delete(f.wants, id)
			}
		}
		f.writeGoldens(t, path)
	}
}

// TestRelink pins the rewriting of one destination.
func TestRelink(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		kind     LinkKind
		src, dst string
		want     string // "-" for no change
	}{
		{"docs/a.md", LinkLocal, "plan.md", "notes/other.md", "../docs/a.md"},
		{"./docs/a.md#x", LinkLocal, "plan.md", "notes/other.md", "../docs/a.md#x"},
		{"docs/a.md?q=1#x", LinkLocal, "plan.md", "notes/other.md", "../docs/a.md?q=1#x"},
		{"notes/b.md", LinkLocal, "plan.md", "notes/other.md", "b.md"},
		{"notes/", LinkLocal, "plan.md", "notes/other.md", "./"},
		{"docs/", LinkLocal, "plan.md", "notes/other.md", "../docs/"},
		{"../README.md", LinkLocal, "notes/2024/plan.md", "archive.md", "notes/README.md"},
		{"../../x.md", LinkLocal, "notes/plan.md", "a/b/c.md", "../../../x.md"},
		{"a%20b.md", LinkLocal, "my notes/plan.md", "other.md", "my%20notes/a%20b.md"},
		{"../my%20notes/x.md", LinkLocal, "z/plan.md", "my notes/other.md", "x.md"},
		{"日记/一.md", LinkLocal, "plan.md", "归档/其他.md", "../日记/一.md"},
		{"docs/a.md", LinkLocal, "notes/plan.md", "notes/other.md", "-"},
		{"/docs/a.md", LinkLocal, "plan.md", "notes/other.md", "-"},
		{"#doing", LinkAnchor, "plan.md", "notes/other.md", "../plan.md#doing"},
		{"#doing", LinkAnchor, "notes/plan.md", "notes/other.md", "plan.md#doing"},
		{"#x", LinkAnchor, "my notes/plan (1).md", "other.md", "my%20notes/plan%20%281%29.md#x"},
		{"https://example.com/a", LinkExternal, "plan.md", "notes/other.md", "-"},
		{"mailto:a@b.c", LinkOther, "plan.md", "notes/other.md", "-"},
	} {
		got, ok := relink(tc.raw, tc.kind, tc.src, tc.dst)
		if !ok {
			got = "-"
		}
		if got != tc.want {
			t.Errorf("relink(%q, %v, %q, %q) = %q, want %q", tc.raw, tc.kind, tc.src, tc.dst, got, tc.want)
		}
	}
}

// TestRelPath pins relPath.
func TestRelPath(t *testing.T) {
	for _, tc := range [][3]string{
		{".", "a/b.md", "a/b.md"},
		{"a", "a/b.md", "b.md"},
		{"a/b", "a/c.md", "../c.md"},
		{"a", "a", "."},
		{"x", "../y.md", "../../y.md"},
		{"a%20b", "a b/c.md", "c.md"},
	} {
		if got := relPath(tc[0], tc[1]); got != tc[2] {
			t.Errorf("relPath(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// TestMoveTargetFiles pins the cleaning of the moveTargets setting.
func TestMoveTargetFiles(t *testing.T) {
	got := MoveTargetFiles([]string{"./notes/a.md", "/notes/a.md", "plan.md", " b.md ", `c\d.md`, "../out.md", "", "."}, "plan.md")
	want := []string{"notes/a.md", "b.md", "c/d.md"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MoveTargetFiles = %q, want %q", got, want)
	}
}

// TestMoveToFileErrors checks the refusals of MoveToFile.
func TestMoveToFileErrors(t *testing.T) {
	s := DefaultSettings()
	src := ParseWith([]byte("## doing\n\n- [ ] a\n> - [ ] quoted\n"), s)
	dst := ParseWith([]byte("## wait\n"), s)
	other := ParseWith([]byte("## wait\n"), s)
	for _, tc := range []struct {
		name             string
		srcPath, dstPath string
		tasks            []*Task
		dst              *Plan
		target           *Section
		want             string
	}{
		{"same file", "plan.md", "./plan.md", src.Tasks[:1], dst, dst.Sections[0], "is the file the tasks are in"},
		{"no path", "", "b.md", src.Tasks[:1], dst, dst.Sections[0], "paths"},
		{"foreign section", "plan.md", "b.md", src.Tasks[:1], dst, other.Sections[0], "no such section"},
		{"no section", "plan.md", "b.md", src.Tasks[:1], dst, nil, "no such section"},
		{"no task", "plan.md", "b.md", nil, dst, dst.Sections[0], "no task"},
		{"foreign task", "plan.md", "b.md", ParseWith([]byte("- [ ] z\n"), s).Tasks, dst, dst.Sections[0], "not a task of the file"},
		{"quoted", "plan.md", "b.md", src.Tasks[1:], dst, dst.Sections[0], "line 4"},
		{"no plan", "plan.md", "b.md", src.Tasks[:1], nil, nil, "no plan"},
	} {
		_, _, err := MoveToFile(src, tc.srcPath, tc.tasks, tc.dst, tc.dstPath, tc.target, s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
	// Nothing to offer without a workspace, a path or targets; never a panic.
	s.MoveTargets = []string{"b.md"}
	ws := NewWorkspace(map[string]*Plan{"b.md": dst})
	for _, got := range [][]Action{
		FileMoveActions(src, "", Span{}, s, ws),
		FileMoveActions(src, "plan.md", Span{}, s, nil),
		FileMoveActions(src, "plan.md", Span{-4, 1 << 30}, DefaultSettings(), ws),
		FileMoveActions(&Plan{}, "plan.md", Span{}, s, ws),
		FileMoveActions(nil, "plan.md", Span{}, s, ws),
	} {
		if len(got) != 0 {
			t.Errorf("unexpected actions %+v", got)
		}
	}
	// A selection that covers a task that cannot move offers no move.
	if got := FileMoveActions(src, "plan.md", Span{-4, 1 << 30}, s, ws); len(got) != 0 {
		t.Errorf("actions for a selection with a quoted task: %+v", got)
	}
	movable := ParseWith([]byte("## doing\n\n- [ ] a\n"), s)
	if got := FileMoveActions(movable, "plan.md", Span{-4, 1 << 30}, s, ws); len(got) != 1 || got[0].Title != `Move to "b.md › wait"` {
		t.Errorf("actions for a clamped selection: %+v", got)
	}
}
