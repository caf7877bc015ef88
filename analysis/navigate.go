// This file defines what the navigation features (hover, document links,
// definition, references, rename, symbols, code lenses) share: Location, the
// element under the cursor, how a link resolves to a file and an anchor, which
// anchor style a file uses, and the progress counts of sections.

package analysis

import (
	"fmt"
	"strconv"
	"strings"
)

// Location is a place in a workspace file.
type Location struct {
	// Path is the file's slash path inside the workspace's fs.FS.
	Path string
	// Span is the place, in byte offsets of Src.
	Span Span
	// Src is the text Span refers to: the file as the workspace (or the file
	// system) has it. It is nil when Span is the empty span at the start of the file.
	Src []byte
}

// headingAt returns the heading whose lines hold offset off (its end included,
// so that a cursor at the end of the line still counts), or nil.
func headingAt(p *Plan, off int) *Heading {
	for _, h := range p.Headings {
		if h.Span.Start <= off && off <= h.Span.End {
			return h
		}
		if h.Span.Start > off {
			break
		}
	}
	return nil
}

// navLink is a link or a reference definition under the cursor: what it covers
// and the destination it names.
type navLink struct {
	// Span covers the link as written.
	Span Span
	// Dest covers the destination as written; for a reference link it is the
	// definition's destination, elsewhere in the file.
	Dest Span
	// Target is the decoded destination.
	Target string
	// Link is the link, or nil for a reference definition.
	Link *Link
}

// linkAt returns the innermost link or reference definition that holds offset
// off. A link that ends at off counts when no other holds it, so that a cursor
// right after ")" still finds the link.
func linkAt(p *Plan, off int) (navLink, bool) {
	var best navLink
	found, bestInside := false, false
	consider := func(n navLink) {
		inside := n.Span.Contains(off)
		if !inside && !(n.Span.End == off && n.Span.Len() > 0) {
			return
		}
		// A link holding off beats one ending at it; then the innermost wins.
		if !found || inside && !bestInside || inside == bestInside && n.Span.Len() < best.Span.Len() {
			best, found, bestInside = n, true, inside
		}
	}
	for _, l := range p.Links {
		consider(navLink{Span: l.Span, Dest: l.Dest, Target: l.Target, Link: l})
	}
	for _, d := range p.RefDefs {
		consider(navLink{Span: d.Span, Dest: d.Dest, Target: d.Target})
	}
	return best, found
}

// kramdownFile reports whether links into target should use kramdown ids: the
// anchors setting says so, or it is "auto" and the file has Jekyll front matter.
func kramdownFile(target *Plan, style string) bool {
	return style == "kramdown" || (style != "github" && target.FrontMatter != nil && target.FrontMatter.Jekyll)
}

// anchorCounts reports whether an anchor of style a counts under the anchors
// setting.
func anchorCounts(a AnchorStyle, style string) bool {
	return !(a == AnchorGitHub && style == "kramdown" || a == AnchorKramdown && style == "github")
}

// resolveAnchor returns the anchor of target that a fragment names (compared
// case-folded, as missing-anchor does), or nil. When several anchors have that
// name, an explicit id wins, then the style the file's links use (see
// kramdownFile), then the other one; among equals the first in the file.
func resolveAnchor(target *Plan, frag, style string) *Anchor {
	if target == nil || frag == "" {
		return nil
	}
	key := Fold(frag)
	primary := AnchorGitHub
	if kramdownFile(target, style) {
		primary = AnchorKramdown
	}
	rank := func(a *Anchor) int {
		switch a.Style {
		case AnchorExplicit:
			return 0
		case primary:
			return 1
		}
		return 2
	}
	var best *Anchor
	for _, a := range target.Anchors {
		if !anchorCounts(a.Style, style) || Fold(a.Name) != key {
			continue
		}
		if best == nil || rank(a) < rank(best) {
			best = a
		}
	}
	return best
}

// lineAnchor returns the 0-based line a GitHub line anchor (L10, L10-L20,
// L10C5) points at.
func lineAnchor(frag string) (int, bool) {
	if !isLineAnchor(frag) {
		return 0, false
	}
	digits := frag[1:]
	if i := strings.IndexAny(digits, "C-"); i >= 0 {
		digits = digits[:i]
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 {
		return 0, false
	}
	return n - 1, true
}

// linkDest is where a link destination leads.
type linkDest struct {
	// Kind classifies the destination.
	Kind LinkKind
	// Resolved is the path a local link names inside the FS, before the
	// alternatives (path.md, path/README.md) are tried; "" when it leaves the FS.
	Resolved string
	// Path is the existing file (or folder) the destination leads to, or "" when
	// none exists; for an anchor link it is the file itself.
	Path string
	// Dir is true when Path is a folder without a README.
	Dir bool
	// Plan is the target file's plan when it is a Markdown file that could be
	// read, else nil.
	Plan *Plan
	// Fragment is the percent-decoded fragment, and HasFragment whether there is one.
	Fragment    string
	HasFragment bool
}

// resolveDest follows a decoded link destination of the file env.Path (whose
// plan is p): to the file it names (found as the link checks find it) and that
// file's plan.
func resolveDest(p *Plan, env *Env, cache *FileCache, target string) linkDest {
	kind, lpath, frag, hasFrag := ClassifyTarget(target)
	d := linkDest{Kind: kind, Fragment: frag, HasFragment: hasFrag}
	switch kind {
	case LinkAnchor:
		d.Path, d.Plan = env.Path, p
	case LinkLocal:
		if env.FS == nil {
			return d
		}
		resolved, ok := resolveLocal(env, lpath)
		if !ok {
			return d
		}
		d.Resolved = resolved
		found, isMD := findTarget(cache, env.FS, resolved)
		if found == "" {
			return d
		}
		d.Path = found
		switch {
		case found == env.Path:
			d.Plan = p
		case isMD:
			d.Plan = cache.plan(env.FS, found, env.Settings)
		default:
			d.Dir = cache.kind(env.FS, found) == fileDir
		}
	}
	return d
}

// navCache returns env's file cache, or a new one over its workspace.
func navCache(env *Env) *FileCache {
	if env.Cache != nil {
		return env.Cache
	}
	return NewFileCache(env.Workspace)
}

// progress is the number of open and closed tasks of a section.
type progress struct {
	open, done int
}

// String returns "3 open · 12 done".
func (c progress) String() string {
	return fmt.Sprintf("%d open · %d done", c.open, c.done)
}

// sectionProgress counts the tasks of every section, those of its subsections
// included, indexed like Plan.Sections.
func sectionProgress(p *Plan) []progress {
	out := make([]progress, len(p.Sections))
	for _, t := range p.Tasks {
		for s := t.Section; s != nil; s = s.Parent {
			if s.Index < 0 || s.Index >= len(out) {
				break
			}
			if t.Closed() {
				out[s.Index].done++
			} else {
				out[s.Index].open++
			}
		}
	}
	return out
}

// StatusName names a checkbox status: "open", "done", "cancelled", "in
// progress", "deferred" or "important".
func StatusName(c byte) string {
	switch c {
	case 'x', 'X':
		return "done"
	case '-':
		return "cancelled"
	case '/':
		return "in progress"
	case '>':
		return "deferred"
	case '!':
		return "important"
	}
	return "open"
}

// headingLabel is the name a heading is shown by: its plain text, or its
// source when that is empty, or "(untitled)".
func headingLabel(p *Plan, h *Heading) string {
	if t := strings.TrimSpace(h.Text); t != "" {
		return t
	}
	if h.TextSpan.End <= len(p.Src) && h.TextSpan.Start < h.TextSpan.End {
		if t := strings.TrimSpace(string(p.Src[h.TextSpan.Start:h.TextSpan.End])); t != "" {
			return t
		}
	}
	return "(untitled)"
}

// taskLabel is the name a task is shown by: its text, or "(empty task)".
func taskLabel(t *Task) string {
	if s := strings.TrimSpace(t.Text); s != "" {
		return s
	}
	return "(empty task)"
}

// trimmedEnd returns the end of span without trailing white space and line breaks.
func trimmedEnd(p *Plan, sp Span) int {
	end := min(sp.End, len(p.Src))
	if end < sp.Start {
		return sp.Start
	}
	return trimRightSpace(p.Src, sp.Start, end)
}
