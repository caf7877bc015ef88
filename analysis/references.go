// This file defines References: every link in the workspace that leads to a
// heading, found from the heading itself or from a link to it.

package analysis

import "sort"

// References returns the links to the heading at offset off of p — or, when
// off is on a link, to the heading that link leads to — in every file of the
// workspace (env.Workspace, with p standing for env.Path): anchor links in the
// same file, path#fragment links resolved relative to their own file, and
// reference definitions and the reference links that use them. Fragments are
// percent-decoded and compared case-insensitively, as missing-anchor does.
// With includeDeclaration the heading itself comes first. It reports false when
// off is on no heading and on no link to one.
func References(p *Plan, off int, env Env, includeDeclaration bool) ([]Location, bool) {
	cache := navCache(&env)
	path, target, h := referencedHeading(p, off, &env, cache)
	if h == nil {
		return nil, false
	}
	var out []Location
	if includeDeclaration {
		out = append(out, Location{Path: path, Span: h.Span, Src: target.Src})
	}
	var refs []Location
	eachWorkspaceFile(p, &env, func(fp *Plan, fenv *Env) {
		for _, l := range linksToFile(fp, fenv, cache, path) {
			if a := resolveAnchor(target, l.fragment, env.Settings.Anchors); a != nil && a.Heading == h {
				refs = append(refs, Location{Path: fenv.Path, Span: l.span, Src: fp.Src})
			}
		}
	})
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].Path != refs[j].Path {
			return refs[i].Path < refs[j].Path
		}
		return refs[i].Span.Start < refs[j].Span.Start
	})
	return append(out, refs...), true
}

// referencedHeading finds the heading that references are asked for: the one
// at off, or the one the link at off leads to. It returns the heading's file
// and plan.
func referencedHeading(p *Plan, off int, env *Env, cache *FileCache) (string, *Plan, *Heading) {
	off = clamp(off, 0, len(p.Src))
	if l, ok := linkAt(p, off); ok {
		d := resolveDest(p, env, cache, l.Target)
		if d.Plan == nil || !d.HasFragment {
			return "", nil, nil
		}
		if a := resolveAnchor(d.Plan, d.Fragment, env.Settings.Anchors); a != nil && a.Heading != nil {
			return d.Path, d.Plan, a.Heading
		}
		return "", nil, nil
	}
	if h := headingAt(p, off); h != nil {
		return env.Path, p, h
	}
	return "", nil, nil
}

// eachWorkspaceFile calls f with every file of the workspace and an Env in
// which it is the diagnosed file; p stands for env.Path, which comes first.
func eachWorkspaceFile(p *Plan, env *Env, f func(fp *Plan, fenv *Env)) {
	f(p, env)
	for _, path := range env.Workspace.Paths() {
		if path == env.Path {
			continue
		}
		if fp := env.Workspace.Plan(path); fp != nil {
			fenv := *env
			fenv.Path = path
			f(fp, &fenv)
		}
	}
}

// fileLink is a link (or reference definition) of a file that leads to an
// anchor of a given file.
type fileLink struct {
	// span covers the link, reference link or definition as written.
	span Span
	// dest covers the destination as written, or is empty for a reference link
	// (its destination is written in the definition).
	dest Span
	// fragment is the percent-decoded fragment.
	fragment string
}

// linksToFile returns the links of fp (the file fenv.Path) whose destination
// has a fragment and leads to the file target.
func linksToFile(fp *Plan, fenv *Env, cache *FileCache, target string) []fileLink {
	var out []fileLink
	check := func(span, dest Span, to string) {
		kind, _, frag, hasFrag := ClassifyTarget(to)
		if !hasFrag || frag == "" || (kind != LinkAnchor && kind != LinkLocal) {
			return
		}
		if kind == LinkAnchor && fenv.Path != target {
			return
		}
		if kind == LinkLocal && (target == "" || resolveDest(fp, fenv, cache, to).Path != target) {
			return
		}
		out = append(out, fileLink{span: span, dest: dest, fragment: frag})
	}
	for _, l := range fp.Links {
		dest := l.Dest
		if viaDefinition(l) {
			dest = Span{}
		}
		check(l.Span, dest, l.Target)
	}
	for _, d := range fp.RefDefs {
		check(d.Span, d.Dest, d.Target)
	}
	return out
}
