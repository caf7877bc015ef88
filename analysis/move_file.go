// This file defines MoveToFile and FileMoveActions: moving tasks to a section of
// another plan file of the workspace (Move to "<file> › <section>"). The blocks
// leave their file exactly as in a move within the file, and land in the other
// file by the same placement rules, re-bulleted and re-indented for the target
// list and written with the target's line breaks. Relative link destinations in
// the moved blocks are rewritten so that they lead to the same place from the
// new file; reference links whose definitions stay behind become inline links.

package analysis

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// MoveToFile moves tasks of src, the file at srcPath, to the section target of
// dst, the file at dstPath (slash paths relative to the workspace root), and
// returns the edits of both files. The blocks (with their subtasks and
// continuation lines) are removed from src as MoveTasks removes them and
// inserted into target as MoveTasks inserts them: at the top of its first task
// list or the bottom of its last (s.MoveTo), re-indented and re-bulleted, or in
// a new list after the heading using dst's most common bullet.
//
// Links in the moved blocks are rewritten to stay valid from dstPath: a
// relative path is made relative to dstPath's folder, a fragment-only link
// (#x) gets the path of srcPath in front (unless the anchor moves along), and a
// reference link ([t][label], [label][], [label], ![a][label]) whose definition
// stays in src becomes an inline link with the definition's (rewritten)
// destination and title. A definition inside a moved block moves along, its
// destination rewritten. Root-relative paths, external and other links are
// left alone.
func MoveToFile(src *Plan, srcPath string, tasks []*Task, dst *Plan, dstPath string, target *Section, s Settings) (srcEdits, dstEdits []TextEdit, err error) {
	switch {
	case src == nil || dst == nil:
		return nil, nil, errors.New("no plan to move between")
	case src.Err != "" || dst.Err != "":
		return nil, nil, errors.New("a file is too large or not valid UTF-8 to be edited")
	case srcPath == "" || dstPath == "":
		return nil, nil, errors.New("moving to another file needs both files' paths")
	}
	srcPath, dstPath = path.Clean(srcPath), path.Clean(dstPath)
	if srcPath == dstPath {
		return nil, nil, fmt.Errorf("%s is the file the tasks are in; move within the file instead", dstPath)
	}
	if target == nil || target.Index < 0 || target.Index >= len(dst.Sections) || dst.Sections[target.Index] != target {
		return nil, nil, fmt.Errorf("no such section in %s", dstPath)
	}
	top := OutermostTasks(tasks)
	if len(top) == 0 {
		return nil, nil, errors.New("no task to move")
	}
	from := newRewrite(src, s)
	to := newRewrite(dst, s)
	for _, t := range top {
		if t == nil || t.Index < 0 || t.Index >= len(src.Tasks) || src.Tasks[t.Index] != t {
			return nil, nil, errors.New("a task to move is not a task of the file")
		}
		if err := from.checkMovable(t); err != nil {
			return nil, nil, err
		}
	}
	links := relinkBlocks(src, srcPath, dstPath, top)
	for _, t := range top {
		from.remove(t)
		to.enqueue(moveItem{t: t, from: src, links: links[t]}, dest{sec: target})
	}
	if srcEdits, err = from.edits(); err != nil {
		return nil, nil, err
	}
	if dstEdits, err = to.edits(); err != nil {
		return nil, nil, err
	}
	return srcEdits, dstEdits, nil
}

// FileMoveActions returns the actions that move the tasks the selection sel of
// plan p (the file at path in the workspace) covers to another plan file: for
// every file s.MoveTargets names, other than path, whose plan ws holds, one
// Move to "<file> › <section>" per section that is not a container (kind
// KindMove, command CommandMove). Each action's Edits change p and its Other
// holds the edits of the target file, computed for the text of the target's
// plan in ws. A file outside the workspace (path "") gets no such actions.
// FileMoveActions never panics: an internal error yields no actions.
func FileMoveActions(p *Plan, filePath string, sel Span, s Settings, ws *Workspace) (out []Action) {
	defer func() {
		if r := recover(); r != nil {
			out = nil
		}
	}()
	if p == nil || p.Err != "" || filePath == "" || ws == nil || len(s.MoveTargets) == 0 {
		return nil
	}
	sel.Start = clamp(sel.Start, 0, len(p.Src))
	sel.End = clamp(sel.End, sel.Start, len(p.Src))
	top := OutermostTasks(p.TasksIn(sel))
	if len(top) == 0 {
		return nil
	}
	for _, file := range MoveTargetFiles(s.MoveTargets, filePath) {
		dst := ws.Plan(file)
		if dst == nil || dst.Err != "" {
			continue
		}
		for _, target := range moveTargets(dst, nil) {
			srcEdits, dstEdits, err := MoveToFile(p, filePath, top, dst, file, target.sec, s)
			if err != nil || len(dstEdits) == 0 {
				continue
			}
			out = append(out, Action{
				Title:   fmt.Sprintf("Move to %q", file+" › "+target.label),
				Kind:    KindMove,
				Edits:   srcEdits,
				Command: CommandMove,
				Section: target.sec.Name,
				Other:   &FileEdit{Path: file, Src: dst.Src, Edits: dstEdits},
			})
		}
	}
	return out
}

// MoveTargetFiles returns the workspace paths of the moveTargets setting,
// cleaned (no leading "./" or "/"), without repeats, invalid paths and the
// file self.
func MoveTargetFiles(targets []string, self string) []string {
	seen := map[string]bool{path.Clean(self): true}
	var out []string
	for _, t := range targets {
		t = strings.ReplaceAll(strings.TrimSpace(t), `\`, "/")
		t = path.Clean(strings.TrimLeft(t, "/"))
		if !fs.ValidPath(t) || t == "." || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// relinkBlocks returns, for each moved task, the edits of its block that keep
// its links valid from dstPath (see MoveToFile), sorted and not overlapping.
func relinkBlocks(p *Plan, srcPath, dstPath string, top []*Task) map[*Task][]TextEdit {
	owner := func(sp Span) *Task {
		for _, t := range top {
			if t.Span.Start <= sp.Start && sp.End <= t.Span.End {
				return t
			}
		}
		return nil
	}
	// movesAlong reports whether the anchor a fragment names is defined inside
	// a moved block, so that a link to it stays a fragment-only link.
	movesAlong := func(frag string) bool {
		key := Fold(frag)
		for _, a := range p.Anchors {
			if Fold(a.Name) == key && owner(a.Span) != nil {
				return true
			}
		}
		return false
	}
	out := map[*Task][]TextEdit{}
	for _, l := range p.Links {
		t := owner(l.Span)
		if t == nil {
			continue
		}
		switch {
		case l.Form == FormReference || (l.Form == FormImage && l.Label != ""):
			def := refDef(p, l.Label)
			if def == nil || owner(def.Span) != nil {
				continue // the definition moves along and is rewritten itself
			}
			if e, ok := inlineReference(p, l, def, srcPath, dstPath, movesAlong); ok {
				out[t] = append(out[t], e)
			}
		case l.Form == FormInline || l.Form == FormImage || l.Form == FormHTML:
			if owner(l.Dest) == nil || (l.Kind == LinkAnchor && movesAlong(l.Fragment)) {
				continue
			}
			raw := string(p.Src[l.Dest.Start:l.Dest.End])
			if nw, ok := relink(raw, l.Kind, srcPath, dstPath); ok {
				out[t] = append(out[t], TextEdit{Span: l.Dest, NewText: nw})
			}
		}
	}
	for _, d := range p.RefDefs {
		t := owner(d.Span)
		if t == nil || owner(d.Dest) == nil {
			continue
		}
		kind, _, frag, _ := ClassifyTarget(d.Target)
		if kind == LinkAnchor && movesAlong(frag) {
			continue
		}
		if nw, ok := relink(string(p.Src[d.Dest.Start:d.Dest.End]), kind, srcPath, dstPath); ok {
			out[t] = append(out[t], TextEdit{Span: d.Dest, NewText: nw})
		}
	}
	for t, es := range out {
		SortEdits(es)
		kept := es[:0]
		for _, e := range es {
			if n := len(kept); n > 0 && e.Span.Start < kept[n-1].Span.End {
				continue // never expected; an overlapping rewrite is dropped
			}
			kept = append(kept, e)
		}
		out[t] = kept
	}
	return out
}

// refDef returns the definition a reference label resolves to (the first one
// of that label, as CommonMark says), or nil.
func refDef(p *Plan, label string) *RefDef {
	for _, d := range p.RefDefs {
		if d.Label == label {
			return d
		}
	}
	return nil
}

// inlineReference returns the edit that turns reference link l, whose
// definition def stays in the file at srcPath, into an inline link valid from
// dstPath: "[t][label]" and "[t][]" get "(dest "title")" in place of their
// label part, and "[t]" gets it appended. The link text is not touched, so
// links nested in it keep their own edits.
func inlineReference(p *Plan, l *Link, def *RefDef, srcPath, dstPath string, movesAlong func(string) bool) (TextEdit, bool) {
	if l.Span.End > len(p.Src) || def.Dest.End > len(p.Src) || def.Span.End > len(p.Src) || def.Dest.End > def.Span.End {
		return TextEdit{}, false
	}
	text := p.Src[l.Span.Start:l.Span.End]
	dest := string(p.Src[def.Dest.Start:def.Dest.End])
	kind, _, frag, _ := ClassifyTarget(def.Target)
	if !(kind == LinkAnchor && movesAlong(frag)) {
		if nw, ok := relink(dest, kind, srcPath, dstPath); ok {
			dest = nw
		}
	}
	angle := def.Dest.Start > 0 && p.Src[def.Dest.Start-1] == '<'
	if angle || dest == "" {
		dest = "<" + dest + ">"
	}
	title := string(p.Src[def.Dest.End:def.Span.End])
	if angle {
		title = strings.TrimPrefix(title, ">")
	}
	title = strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ").Replace(title))
	repl := "(" + dest
	if title != "" {
		repl += " " + title
	}
	repl += ")"
	at := Span{l.Span.End, l.Span.End}
	if k := lastUnescaped(text, '['); k > 0 && text[k-1] == ']' {
		at.Start = l.Span.Start + k
	}
	return TextEdit{Span: at, NewText: repl}, true
}

// lastUnescaped returns the index of the last c in s that no backslash
// escapes, or -1.
func lastUnescaped(s []byte, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] != c {
			continue
		}
		n := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i
		}
	}
	return -1
}

// relink returns a link destination raw, written in the file at srcPath and of
// kind kind, rewritten to lead to the same place from the file at dstPath, and
// false when it needs no change: a fragment-only destination gets srcPath
// (relative to dstPath's folder) in front, a relative path is resolved from
// srcPath's folder and made relative to dstPath's folder (its query and
// fragment kept), anything else is left alone.
func relink(raw string, kind LinkKind, srcPath, dstPath string) (string, bool) {
	dstDir := escapePath(path.Dir(dstPath))
	switch kind {
	case LinkAnchor:
		if !strings.HasPrefix(raw, "#") && !strings.HasPrefix(raw, "?") {
			return "", false
		}
		return relPath(dstDir, escapePath(srcPath)) + raw, true
	case LinkLocal:
		if strings.HasPrefix(raw, "/") || path.Dir(srcPath) == path.Dir(dstPath) {
			return "", false
		}
		p, suffix := raw, ""
		if i := strings.IndexAny(raw, "?#"); i >= 0 {
			p, suffix = raw[:i], raw[i:]
		}
		if p == "" {
			return "", false
		}
		nw := relPath(dstDir, path.Join(escapePath(path.Dir(srcPath)), p))
		if strings.HasSuffix(p, "/") && !strings.HasSuffix(nw, "/") {
			nw += "/"
		}
		nw += suffix
		if nw == raw {
			return "", false
		}
		return nw, true
	}
	return "", false
}

// relPath returns the slash path to, relative to the folder from: both are
// relative to the same root, from has no ".." segments, to may start with some.
// Segments are compared percent-decoded.
func relPath(from, to string) string {
	segs := func(p string) []string {
		p = path.Clean(p)
		if p == "." {
			return nil
		}
		return strings.Split(p, "/")
	}
	f, t := segs(from), segs(to)
	i := 0
	for i < len(f) && i < len(t) && f[i] != ".." && t[i] != ".." && pctDecode(f[i]) == pctDecode(t[i]) {
		i++
	}
	var out []string
	for range f[i:] {
		out = append(out, "..")
	}
	out = append(out, t[i:]...)
	if len(out) == 0 {
		return "."
	}
	return strings.Join(out, "/")
}
