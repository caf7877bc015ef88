// This file defines DocumentLinks, the clickable local link destinations of a
// plan with the file (and line) they lead to, and Definition, where the link
// under the cursor leads.

package analysis

import "sort"

// DocumentLink is a link destination that leads to an existing local file or
// to an anchor of one.
type DocumentLink struct {
	// Span covers the destination as written (the whole link for a reference
	// link, whose destination is written in its definition).
	Span Span
	// Path is the target file (or folder), inside the workspace's fs.FS.
	Path string
	// Line is the 0-based line of the target heading, anchor or #L line, or -1
	// for the file itself.
	Line int
	// Dir is true when the target is a folder.
	Dir bool
}

// DocumentLinks returns the links of p (inline, reference, image and HTML
// links, and reference definitions) whose destination resolves to an existing
// file, or to an existing anchor of the file itself, in document order.
// Destinations that resolve nowhere get no link: the diagnostics report them.
// A fragment that names no anchor of an existing file links to the file.
func DocumentLinks(p *Plan, env Env) []DocumentLink {
	cache := navCache(&env)
	var out []DocumentLink
	seen := map[Span]bool{}
	add := func(span Span, target string) {
		if seen[span] || span.Len() == 0 {
			return
		}
		d := resolveDest(p, &env, cache, target)
		if d.Path == "" || (d.Kind != LinkLocal && d.Kind != LinkAnchor) {
			return
		}
		line := -1
		if d.HasFragment && d.Fragment != "" && d.Plan != nil {
			line = fragmentLine(d.Plan, d.Fragment, env.Settings.Anchors)
		}
		if d.Kind == LinkAnchor && line < 0 {
			return // an anchor of this file that does not exist
		}
		seen[span] = true
		out = append(out, DocumentLink{Span: span, Path: d.Path, Line: line, Dir: d.Dir})
	}
	for _, l := range p.Links {
		span := l.Dest
		if viaDefinition(l) || !l.Span.Covers(l.Dest) {
			span = l.Span
		}
		add(span, l.Target)
	}
	for _, d := range p.RefDefs {
		add(d.Dest, d.Target)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start < out[j].Span.Start })
	return out
}

// viaDefinition reports whether a link's destination is written in a
// reference definition rather than in the link itself.
func viaDefinition(l *Link) bool {
	return l.Form == FormReference || (l.Form == FormImage && l.Label != "")
}

// fragmentLine returns the 0-based line a fragment of target points at (an
// anchor or a #L10 line anchor), or -1.
func fragmentLine(target *Plan, frag, style string) int {
	if line, ok := lineAnchor(frag); ok {
		return min(line, max(len(target.Lines)-1, 0))
	}
	if a := resolveAnchor(target, frag, style); a != nil {
		return target.LineOf(a.Span.Start)
	}
	return -1
}

// Definition returns where the link (or reference definition) at offset off
// leads: the target heading or anchor, a #L line, or the start of the target
// file. It reports false when off is on no link or the link leads nowhere
// that exists.
func Definition(p *Plan, off int, env Env) (Location, bool) {
	l, ok := linkAt(p, clamp(off, 0, len(p.Src)))
	if !ok {
		return Location{}, false
	}
	d := resolveDest(p, &env, navCache(&env), l.Target)
	if d.Path == "" || (d.Kind != LinkLocal && d.Kind != LinkAnchor) {
		return Location{}, false
	}
	loc := Location{Path: d.Path}
	if !d.HasFragment || d.Fragment == "" || d.Plan == nil {
		if d.Kind == LinkAnchor {
			return Location{}, false
		}
		return loc, true
	}
	if line, ok := lineAnchor(d.Fragment); ok {
		at := d.Plan.LineStart(line)
		return Location{Path: d.Path, Span: Span{at, at}, Src: d.Plan.Src}, true
	}
	a := resolveAnchor(d.Plan, d.Fragment, env.Settings.Anchors)
	switch {
	case a == nil && d.Kind == LinkAnchor:
		return Location{}, false
	case a == nil:
		return loc, true
	case a.Heading != nil:
		return Location{Path: d.Path, Span: a.Heading.Span, Src: d.Plan.Src}, true
	}
	return Location{Path: d.Path, Span: a.Span, Src: d.Plan.Src}, true
}
