// This file defines the fault injection tests of the command line: a 100 MB
// plan, a settings file and a plan that are FIFOs, symbolic link loops,
// invalid UTF-8 and NUL bytes, and an unreadable file. planls check must end,
// promptly, with the documented answer.

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkResult is the outcome of one planls run.
type checkResult struct {
	stdout, stderr string
	code           int
}

// runWithin runs planls with args in dir, failing the test when it has not
// ended after limit (the run is then left behind: a hang is the failure).
func runWithin(t *testing.T, limit time.Duration, dir string, args ...string) checkResult {
	t.Helper()
	done := make(chan checkResult, 1)
	start := time.Now()
	go func() {
		stdout, stderr, code := runIn(t, dir, args...)
		done <- checkResult{stdout, stderr, code}
	}()
	select {
	case r := <-done:
		t.Logf("planls %s: exit %d in %v", strings.Join(args, " "), r.code, time.Since(start).Round(time.Millisecond))
		return r
	case <-time.After(limit):
		t.Fatalf("planls %s did not end within %v", strings.Join(args, " "), limit)
		return checkResult{}
	}
}

// writeTree writes files (slash names to contents) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckHugeFile(t *testing.T) {
	// 100 MB, above the 16 MiB that planls analyses: one file-too-large
	// finding (information: exit 0), in the time it takes to read the file.
	dir := writeTree(t, nil)
	line := "* [ ] a task of a huge plan\n"
	big := "## 1. doing\n\n" + strings.Repeat(line, (100<<20)/len(line))
	if err := os.WriteFile(filepath.Join(dir, "big.md"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runWithin(t, 20*time.Second, dir, "check", "big.md")
	if r.code != 0 || !strings.Contains(r.stdout, "file-too-large") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0 and one file-too-large finding", r.code, r.stdout, r.stderr)
	}
}

func TestCheckFIFOs(t *testing.T) {
	// A FIFO as .planls.json and one named like a plan in the folder: the
	// walk skips the second, and the settings loader refuses the first
	// instead of waiting for a writer forever.
	dir := writeTree(t, map[string]string{"plan.md": "## 1. doing\n\n* [x] closed in doing\n"})
	for _, name := range []string{".planls.json", "fifo.md"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Skipf("cannot make a FIFO: %v", err)
		}
	}
	r := runWithin(t, 10*time.Second, dir, "check", "--fail-on", "hint", ".")
	if r.code != 1 || !strings.Contains(r.stdout, "plan.md") || strings.Contains(r.stdout, "fifo.md") {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and the findings of plan.md only", r.code, r.stdout)
	}
	if !strings.Contains(r.stdout+r.stderr, "not a regular file") {
		t.Errorf("the FIFO settings file is not reported:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func TestCheckSymlinkLoops(t *testing.T) {
	dir := writeTree(t, map[string]string{"plan.md": "## 1. doing\n\n* [ ] [l](loop/loop/plan.md) [a](a/x.md) [s](self.md)\n"})
	for link, target := range map[string]string{"loop": ".", "a": "b", "b": "a", "self.md": "self.md"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("cannot make symbolic links: %v", err)
		}
	}
	r := runWithin(t, 10*time.Second, dir, "check", ".")
	// The walk does not follow links: plan.md once; its links into the
	// loops that do not resolve are missing files.
	if strings.Count(r.stdout, "plan.md:") != 2 || !strings.Contains(r.stdout, "missing-file") {
		t.Errorf("exit %d, stdout:\n%s\nwant two missing-file findings in plan.md", r.code, r.stdout)
	}
}

func TestCheckInvalidUTF8AndNUL(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"bad.md": "\xff\xfe# Bad\x00 heading \xc3\x28\n\n## 1. doing\n\n* [ ] a\x00b \xed\xa0\x80\n* [ ] a\x00b \xed\xa0\x80\n* [x] \x00\n",
	})
	r := runWithin(t, 10*time.Second, dir, "check", "--format", "json", ".")
	if r.code != 1 || !strings.Contains(r.stdout, "duplicate-task") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 1 and a duplicate-task finding", r.code, r.stdout, r.stderr)
	}
}

func TestCheckUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not deny reads")
	}
	dir := writeTree(t, map[string]string{"plan.md": "* [ ] a\n", "locked.md": "* [ ] b\n"})
	if err := os.Chmod(filepath.Join(dir, "locked.md"), 0); err != nil {
		t.Fatal(err)
	}
	r := runWithin(t, 10*time.Second, dir, "check", ".")
	if r.code != 2 || !strings.Contains(r.stderr, "locked.md") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and an error naming locked.md", r.code, r.stderr)
	}
}
