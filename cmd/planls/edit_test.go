// This file defines the tests of planls fix, move, done and reopen: each runs
// in-process on temporary copies of real plan files and checks the output, the
// exit code and the file's contents, including the errors that must leave the
// file untouched.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/planls/planls/analysis"
	"golang.org/x/tools/txtar"
)

// fixedNow is the clock of the editing tests.
var fixedNow = time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

// copyPlan copies a file from ../../testdata into dir under name and returns
// its path.
func copyPlan(t *testing.T, dir, from, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", from))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, src, 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

// runEdit runs planls in dir with the fixed clock.
func runEdit(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	old := now
	now = func() time.Time { return fixedNow }
	defer func() { now = old }()
	return runIn(t, dir, args...)
}

// readFile reads a file or fails the test.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lineOf returns the 1-based line of the first line of src containing text.
func lineOf(t *testing.T, src []byte, text string) int {
	t.Helper()
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%q not found", text)
	return 0
}

// goldenFromActions returns a golden section of a testdata/actions archive.
func goldenFromActions(t *testing.T, file, name string) []byte {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "actions", file))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("%s has no %s", file, name)
	return nil
}

// TestDoneAndMoveOnExample runs the two example actions of the marker tests on
// the command line; the results must equal the marker goldens.
func TestDoneAndMoveOnExample(t *testing.T) {
	dir := t.TempDir()
	path := copyPlan(t, dir, "examples/wenfh2020-plan.md", "plan.md")
	orig := readFile(t, path)
	line := lineOf(t, orig, "[wireshark]")
	out, errOut, code := runEdit(t, dir, "done", "plan.md:"+itoa(line))
	if code != 0 || errOut != "" {
		t.Fatalf("done: exit %d, stderr %q", code, errOut)
	}
	if want := `plan.md:60: marked done in "done", now line 67` + "\n"; out != want {
		t.Errorf("done printed %q, want %q", out, want)
	}
	if got, want := readFile(t, path), goldenFromActions(t, "example.txtar", "want/Mark done"); !bytes.Equal(got, want) {
		t.Errorf("planls done differs from the Mark done golden")
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	line = lineOf(t, orig, "CPU 亲缘性")
	if _, errOut, code := runEdit(t, dir, "move", "plan.md:"+itoa(line), "wait"); code != 0 {
		t.Fatalf("move: exit %d: %s", code, errOut)
	}
	if got, want := readFile(t, path), goldenFromActions(t, "example.txtar", `want/Move to "wait"`); !bytes.Equal(got, want) {
		t.Errorf("planls move differs from the Move golden")
	}
	// The section may be named with its number, in any case.
	if _, errOut, code := runEdit(t, dir, "move", "plan.md:"+itoa(lineOf(t, readFile(t, path), "CPU 亲缘性")), "1. DOING"); code != 0 {
		t.Fatalf("move back: exit %d: %s", code, errOut)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the folder: %v", entries)
	}
}

// TestDoneReopenRoundTrip marks a task done with a {section} stamp configured
// in a .planls.json above the file, then reopens it: the file is restored.
func TestDoneReopenRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "notes")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := `{"doneStamp": " ✅ {date} (from {section})"}`
	if err := os.WriteFile(filepath.Join(dir, analysis.ConfigFileName), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	path := copyPlan(t, sub, "plans/team-sprint.md", "sprint.md")
	orig := readFile(t, path)
	line := lineOf(t, orig, "Security review")
	out, errOut, code := runEdit(t, dir, "done", "notes/sprint.md:"+itoa(line))
	if code != 0 {
		t.Fatalf("done: exit %d: %s", code, errOut)
	}
	done := readFile(t, path)
	if !strings.Contains(string(done), "- [x] Security review of the importer — waiting on the security team ✅ 2024-05-06 (from Waiting)\n") {
		t.Fatalf("no stamped task in:\n%s", done)
	}
	newLine := lineOf(t, done, "Security review")
	if !strings.Contains(out, "now line "+itoa(newLine)) {
		t.Errorf("done printed %q, want the new line %d", out, newLine)
	}
	if _, errOut, code := runEdit(t, dir, "reopen", "notes/sprint.md:"+itoa(newLine)); code != 0 {
		t.Fatalf("reopen: exit %d: %s", code, errOut)
	}
	if got := readFile(t, path); !bytes.Equal(got, orig) {
		t.Errorf("done + reopen did not restore the file:\n%s", got)
	}
	// Nothing to do: reopening an open task in an open section.
	out, _, code = runEdit(t, dir, "reopen", "notes/sprint.md:"+itoa(line))
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("reopen of an open task: exit %d, %q", code, out)
	}
}

// TestFix runs planls fix with and without --diff, on a file and a folder.
func TestFix(t *testing.T) {
	dir := t.TempDir()
	path := copyPlan(t, dir, "plans/team-sprint.md", "sprint.md")
	copyPlan(t, dir, "plans/home.md", "home.md")
	orig := readFile(t, path)
	p := analysis.Parse(orig)
	want, err := analysis.ApplyEdits(orig, analysis.FixAll(p, analysis.DefaultSettings(), fixedNow))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(want, orig) {
		t.Fatal("the fixture needs fixing")
	}
	out, errOut, code := runEdit(t, dir, "fix", "--diff", "sprint.md")
	if code != 0 || errOut != "" {
		t.Fatalf("fix --diff: exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "--- a/sprint.md\n+++ b/sprint.md\n@@ ") || !strings.Contains(out, "\n-- [x] Rotate the staging TLS certificate\n") {
		t.Errorf("fix --diff printed:\n%s", out)
	}
	if !bytes.Equal(readFile(t, path), orig) {
		t.Fatal("fix --diff wrote the file")
	}
	// The diff applies with patch(1), when it is installed.
	if patch, err := exec.LookPath("patch"); err == nil {
		cmd := exec.Command(patch, "-s", "-p1", "-o", filepath.Join(dir, "patched.md"), path)
		cmd.Stdin = strings.NewReader(out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("patch: %v: %s", err, msg)
		} else if got := readFile(t, filepath.Join(dir, "patched.md")); !bytes.Equal(got, want) {
			t.Errorf("the patched file differs from fix's result")
		}
		os.Remove(filepath.Join(dir, "patched.md"))
	}
	out, errOut, code = runEdit(t, dir, "fix", ".")
	if code != 0 || out != "fixed home.md\nfixed sprint.md\n" {
		t.Fatalf("fix: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("fix wrote something else than FixAll's result:\n%s", got)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
		t.Errorf("fix changed the permissions to %v", info.Mode().Perm())
	}
	// A second run changes nothing.
	out, _, code = runEdit(t, dir, "fix", "sprint.md", "home.md")
	if code != 0 || out != "" {
		t.Errorf("second fix: exit %d, %q", code, out)
	}
}

// TestFixFollowsSymlink checks that fix writes through a symbolic link and keeps
// the link.
func TestFixFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := copyPlan(t, dir, "plans/team-sprint.md", "real.md")
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if _, errOut, code := runEdit(t, dir, "fix", "link.md"); code != 0 {
		t.Fatalf("fix: %s", errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if bytes.Contains(readFile(t, real), []byte("- [x] Rotate the staging TLS certificate\n## 2.")) {
		t.Errorf("the target was not fixed")
	}
}

// TestEditErrors checks that every error names the file and line, exits 2 and
// leaves the file untouched.
func TestEditErrors(t *testing.T) {
	dir := t.TempDir()
	path := copyPlan(t, dir, "plans/personal-cjk.md", "plan.md")
	orig := readFile(t, path)
	bad := filepath.Join(dir, "bad.md")
	badSrc := []byte("## doing\n\n- [ ] caf\xe9\n\n## done\n")
	if err := os.WriteFile(bad, badSrc, 0o644); err != nil {
		t.Fatal(err)
	}
	quoted := filepath.Join(dir, "quoted.md")
	quotedSrc := []byte("## doing\n\n> - [ ] in a quote\n\n## done\n")
	if err := os.WriteFile(quoted, quotedSrc, 0o644); err != nil {
		t.Fatal(err)
	}
	task := itoa(lineOf(t, orig, "学习 Rust"))
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"done", "plan.md:1"}, `planls done: plan.md:1: not a task`},
		{[]string{"done", "plan.md:14"}, `plan.md:14: not a task`},
		{[]string{"move", "plan.md:" + task, "review"}, `plan.md: no section "review"; the sections are "进行中", "等待", "计划"`},
		{[]string{"move", "plan.md:999", "计划"}, `plan.md:999: the file has only 37 lines`},
		{[]string{"done", "bad.md:3"}, `bad.md: not valid UTF-8; left untouched`},
		{[]string{"fix", "bad.md"}, `bad.md: not valid UTF-8; left untouched`},
		{[]string{"done", "quoted.md:3"}, `quoted.md: line 3: the task shares its line with other markup`},
		{[]string{"done", "plan.md"}, `want FILE:LINE, got "plan.md"`},
		{[]string{"done", "plan.md:0"}, `line number from 1`},
		{[]string{"done", "nope.md:3"}, `nope.md`},
		{[]string{"done", ".:3"}, `is a folder, not a file`},
		{[]string{"done"}, `usage: planls done`},
		{[]string{"move", "plan.md:" + task}, `usage: planls move`},
		{[]string{"done", "plan.md:1", "extra"}, `usage: planls done`},
		{[]string{"fix"}, `usage: planls fix`},
		{[]string{"fix", "--check", "plan.md"}, `unknown flag --check`},
		{[]string{"fix", "missing.md"}, `missing.md`},
	} {
		out, errOut, code := runEdit(t, dir, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.msg) || (out != "" && tc.args[0] != "fix") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.msg)
		}
	}
	for p, want := range map[string][]byte{path: orig, bad: badSrc, quoted: quotedSrc} {
		if !bytes.Equal(readFile(t, p), want) {
			t.Errorf("%s was changed", p)
		}
	}
	// Help works for each command.
	for _, name := range []string{"fix", "move", "done", "reopen"} {
		if _, errOut, code := runEdit(t, dir, name, "--help"); code != 2 || !strings.Contains(errOut, "usage: planls "+name) {
			t.Errorf("%s --help: exit %d, %q", name, code, errOut)
		}
	}
}

// TestMoveCJKWithSpacesAndDiff moves a task with --diff after the arguments and
// a section name given without its enumeration.
func TestMoveCJKWithSpacesAndDiff(t *testing.T) {
	dir := t.TempDir()
	path := copyPlan(t, dir, "plans/personal-cjk.md", "plan.md")
	orig := readFile(t, path)
	line := itoa(lineOf(t, orig, "护照续签"))
	out, errOut, code := runEdit(t, dir, "move", "plan.md:"+line, "计划", "--diff")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "-* [ ] 护照续签【等预约】\n"
	if !strings.Contains(out, want) || !strings.Contains(out, "+* [ ] 护照续签【等预约】\n") {
		t.Errorf("diff:\n%s", out)
	}
	if !bytes.Equal(readFile(t, path), orig) {
		t.Errorf("--diff wrote the file")
	}
	out, _, code = runEdit(t, dir, "move", "plan.md:"+line, "二、等待")
	if code != 0 || !strings.Contains(out, "already in") {
		t.Errorf("move to its own section: exit %d, %q", code, out)
	}
}

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"a\n", "a\n", ""},
		{"a\nb\nc\n", "a\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
		{"", "x\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n"},
		{"a", "b", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
			"--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n"},
	} {
		if got := analysis.UnifiedDiff("f", []byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("unifiedDiff(%q, %q) =\n%s\nwant\n%s", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSplitFileLine(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		file string
		line int
		ok   bool
	}{
		{"plan.md:12", "plan.md", 12, true},
		{`C:\plans\a.md:3`, `C:\plans\a.md`, 3, true},
		{"a:b.md:7", "a:b.md", 7, true},
		{"plan.md", "", 0, false},
		{"plan.md:", "", 0, false},
		{":3", "", 0, false},
		{"plan.md:x", "", 0, false},
		{"plan.md:-1", "", 0, false},
	} {
		file, line, err := splitFileLine(tc.arg)
		if (err == nil) != tc.ok || file != tc.file || line != tc.line {
			t.Errorf("splitFileLine(%q) = %q, %d, %v", tc.arg, file, line, err)
		}
	}
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }
