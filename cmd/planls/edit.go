// This file defines the subcommands that edit plan files with the same engine as
// the code actions: fix (source.fixAll), move, done and reopen. Files are
// written atomically (a temporary file in the same folder, then a rename), or,
// with --diff, left alone while a unified diff is printed.

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
)

func init() {
	commands["fix"] = &command{
		summary: "apply source.fixAll in place: closed tasks to done, open ones out, checkboxes, duplicates",
		usage:   "planls fix [--diff] PATH…",
		run:     runFix,
	}
	commands["move"] = &command{
		summary: "move the task on a line (with its subtasks) to a section",
		usage:   "planls move [--diff] FILE:LINE SECTION",
		run:     func(args []string, stdout, stderr io.Writer) int { return runTaskEdit("move", args, stdout, stderr) },
	}
	commands["done"] = &command{
		summary: "mark the task on a line done and move it to the done section",
		usage:   "planls done [--diff] FILE:LINE",
		run:     func(args []string, stdout, stderr io.Writer) int { return runTaskEdit("done", args, stdout, stderr) },
	}
	commands["reopen"] = &command{
		summary: "reopen the task on a line and move it back to an open section",
		usage:   "planls reopen [--diff] FILE:LINE",
		run:     func(args []string, stdout, stderr io.Writer) int { return runTaskEdit("reopen", args, stdout, stderr) },
	}
}

// now is the clock that dates done-stamps; tests replace it.
var now = time.Now

// editArgs splits the arguments of an editing subcommand into --diff and the
// positional arguments. Flags may come anywhere; "--" ends them.
func editArgs(name string, args []string, stderr io.Writer) (diff bool, pos []string, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return diff, append(pos, args[i+1:]...), true
		case a == "--diff" || a == "-diff" || a == "-d":
			diff = true
		case a == "-h" || a == "--help" || a == "-help":
			fmt.Fprintf(stderr, "usage: %s\n\n%s\n", commands[name].usage, commands[name].summary)
			return false, nil, false
		case strings.HasPrefix(a, "-") && a != "-":
			fmt.Fprintf(stderr, "planls %s: unknown flag %s\nusage: %s\n", name, a, commands[name].usage)
			return false, nil, false
		default:
			pos = append(pos, a)
		}
	}
	return diff, pos, true
}

// runFix implements planls fix.
func runFix(args []string, stdout, stderr io.Writer) int {
	diff, paths, ok := editArgs("fix", args, stderr)
	if !ok {
		return 2
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "usage: %s\n", commands["fix"].usage)
		return 2
	}
	c := &collector{stderr: stderr}
	for _, in := range c.collect(paths) {
		src, err := os.ReadFile(in.abs)
		if err != nil {
			c.errorf("%v", err)
			continue
		}
		if !utf8.Valid(src) {
			c.errorf("%s: not valid UTF-8; left untouched", in.display)
			continue
		}
		s := in.ws.settings
		p := analysis.ParseWith(src, s)
		edits := analysis.FixAll(p, s, now())
		if len(edits) == 0 {
			continue
		}
		out, err := analysis.ApplyEdits(src, edits)
		if err != nil {
			c.errorf("%s: %v; left untouched", in.display, err)
			continue
		}
		if diff {
			io.WriteString(stdout, analysis.UnifiedDiff(in.display, src, out))
			continue
		}
		if err := writeAtomic(in.abs, out); err != nil {
			c.errorf("%s: %v", in.display, err)
			continue
		}
		fmt.Fprintf(stdout, "fixed %s\n", in.display)
	}
	if c.failed {
		return 2
	}
	return 0
}

// runTaskEdit implements planls move, done and reopen.
func runTaskEdit(name string, args []string, stdout, stderr io.Writer) int {
	diff, pos, ok := editArgs(name, args, stderr)
	if !ok {
		return 2
	}
	want := 1
	if name == "move" {
		want = 2
	}
	if len(pos) < want || (name != "move" && len(pos) > 1) {
		fmt.Fprintf(stderr, "usage: %s\n", commands[name].usage)
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "planls %s: "+format+"\n", append([]any{name}, a...)...)
		return 2
	}
	file, line, err := splitFileLine(pos[0])
	if err != nil {
		return fail("%v", err)
	}
	if fi, err := os.Stat(file); err != nil {
		return fail("%v", err)
	} else if fi.IsDir() {
		return fail("%s is a folder, not a file", file)
	}
	c := &collector{stderr: stderr}
	inputs := c.collect([]string{file})
	if c.failed || len(inputs) != 1 {
		return 2
	}
	in := inputs[0]
	where := fmt.Sprintf("%s:%d", in.display, line)
	src, err := os.ReadFile(in.abs)
	if err != nil {
		return fail("%v", err)
	}
	if !utf8.Valid(src) {
		return fail("%s: not valid UTF-8; left untouched", in.display)
	}
	s := in.ws.settings
	p := analysis.ParseWith(src, s)
	if line > len(p.Lines) || (line == len(p.Lines) && p.Lines[line-1] == len(src)) {
		return fail("%s: the file has only %d lines", where, len(p.Lines)-boolInt(len(src) > 0 && src[len(src)-1] == '\n'))
	}
	task := p.TaskOnLine(line - 1)
	if task == nil {
		text := strings.TrimSpace(string(src[p.LineStart(line-1):p.LineEnd(line-1)]))
		if text == "" {
			return fail("%s: not a task (the line is blank)", where)
		}
		return fail("%s: not a task (a task is a list item starting with a checkbox such as \"- [ ] \"): %q", where, abbreviate(text))
	}
	var edits []analysis.TextEdit
	var target *analysis.Section
	verb := ""
	switch name {
	case "move":
		sectionArg := strings.Join(pos[1:], " ")
		target = p.SectionByName(sectionArg)
		if target == nil {
			return fail("%s: no section %q; the sections are %s", in.display, sectionArg, sectionList(p))
		}
		if analysis.SectionContains(target, task) {
			fmt.Fprintf(stdout, "%s: already in %q\n", where, target.Name)
			return 0
		}
		edits, err = analysis.MoveTasks(p, []*analysis.Task{task}, target, s)
		verb = "moved to"
	case "done":
		edits, err = analysis.MarkDone(p, []*analysis.Task{task}, s, now())
		verb = "marked done in"
	case "reopen":
		edits, err = analysis.Reopen(p, []*analysis.Task{task}, s, now())
		verb = "reopened in"
	}
	if err != nil {
		// Engine errors name the line of the task.
		return fail("%s: %v", in.display, err)
	}
	if len(edits) == 0 {
		fmt.Fprintf(stdout, "%s: nothing to do (%s)\n", where, alreadyState(name))
		return 0
	}
	out, err := analysis.ApplyEdits(src, edits)
	if err != nil {
		return fail("%s: %v; left untouched", in.display, err)
	}
	if diff {
		io.WriteString(stdout, analysis.UnifiedDiff(in.display, src, out))
		return 0
	}
	if err := writeAtomic(in.abs, out); err != nil {
		return fail("%s: %v", in.display, err)
	}
	newLine, sec := findMoved(out, s, task)
	if sec == "" {
		fmt.Fprintf(stdout, "%s: %s\n", where, strings.TrimSuffix(strings.TrimSuffix(verb, " to"), " in"))
		return 0
	}
	fmt.Fprintf(stdout, "%s: %s %q, now line %d\n", where, verb, sec, newLine)
	return 0
}

// alreadyState says why a task edit changed nothing.
func alreadyState(name string) string {
	if name == "done" {
		return "the task is already done and in a done section"
	}
	return "the task is already open and in an open section"
}

// boolInt returns 1 for true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// splitFileLine splits "FILE:LINE" at its last colon.
func splitFileLine(arg string) (string, int, error) {
	i := strings.LastIndexByte(arg, ':')
	if i <= 0 || i == len(arg)-1 {
		return "", 0, fmt.Errorf("want FILE:LINE, got %q", arg)
	}
	n, err := strconv.Atoi(arg[i+1:])
	if err != nil || n < 1 {
		return "", 0, fmt.Errorf("want FILE:LINE with a line number from 1, got %q", arg)
	}
	return arg[:i], n, nil
}

// sectionList lists a plan's section names for an error message.
func sectionList(p *analysis.Plan) string {
	if len(p.Sections) == 0 {
		return "none (the file has no headings)"
	}
	var names []string
	for _, s := range p.Sections {
		names = append(names, strconv.Quote(s.Name))
	}
	return strings.Join(names, ", ")
}

// abbreviate shortens a line for a message.
func abbreviate(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// findMoved finds the task t became in the edited source (its text, perhaps
// with a done-stamp added or removed) and returns its 1-based line and section
// name, preferring a copy that changed section.
func findMoved(out []byte, s analysis.Settings, t *analysis.Task) (int, string) {
	p := analysis.ParseWith(out, s)
	var first, moved *analysis.Task
	for _, t2 := range p.Tasks {
		if t2.Text == "" || t2.Section == nil || !(strings.HasPrefix(t2.Text, t.Text) || strings.HasPrefix(t.Text, t2.Text)) {
			continue
		}
		if first == nil {
			first = t2
		}
		if moved == nil && (t.Section == nil || t2.Section.Name != t.Section.Name) {
			moved = t2
		}
	}
	if moved == nil {
		moved = first
	}
	if moved == nil {
		return 0, ""
	}
	return p.LineOf(moved.Span.Start) + 1, moved.Section.Name
}

// writeAtomic replaces the file at path with data: it writes a temporary file in
// the same folder, with the same permissions, and renames it over the original,
// so that the file is never partly written. A symbolic link is followed.
func writeAtomic(path string, data []byte) (err error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".planls-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err = f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
