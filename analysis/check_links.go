// This file defines the link checks missing-file and missing-anchor, and the
// per-run cache of file lookups and parsed targets they share.

package analysis

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"unicode/utf8"
)

func init() {
	register(checkLinks, "missing-file", "missing-anchor")
}

// MaxTargetSize is the size above which a linked Markdown file is not parsed for
// its anchors (its existence is still checked).
const MaxTargetSize = 8 << 20

// FileCache remembers, for one run, which paths exist and the anchors of parsed
// target files, so that every target is looked up once. It is safe for concurrent
// use. The zero value is ready to use.
type FileCache struct {
	ws      *Workspace
	mu      sync.Mutex
	stat    map[string]fileKind
	anchors map[string]*Plan
}

// fileKind is the result of a lookup.
type fileKind int8

const (
	fileMissing fileKind = iota
	fileRegular
	fileDir
)

// kind returns whether name exists in fsys, and as what.
func (c *FileCache) kind(fsys fs.FS, name string) fileKind {
	if c.ws != nil {
		if c.ws.Plan(name) != nil {
			return fileRegular
		}
		if c.ws.IsDir(name) {
			return fileDir
		}
	}
	c.mu.Lock()
	k, ok := c.stat[name]
	c.mu.Unlock()
	if ok {
		return k
	}
	k = fileMissing
	if fi, err := fs.Stat(fsys, name); err == nil {
		k = fileRegular
		if fi.IsDir() {
			k = fileDir
		}
	}
	c.mu.Lock()
	if c.stat == nil {
		c.stat = map[string]fileKind{}
	}
	c.stat[name] = k
	c.mu.Unlock()
	return k
}

// plan returns the parsed file name, or nil when it cannot be read or is too large.
func (c *FileCache) plan(fsys fs.FS, name string, s Settings) *Plan {
	if p := c.ws.Plan(name); p != nil {
		return p
	}
	c.mu.Lock()
	p, ok := c.anchors[name]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = nil
	if fi, err := fs.Stat(fsys, name); err == nil && fi.Mode().IsRegular() && fi.Size() <= MaxTargetSize {
		if data, err := fs.ReadFile(fsys, name); err == nil {
			p = ParseWith(data, s)
		}
	}
	c.mu.Lock()
	if c.anchors == nil {
		c.anchors = map[string]*Plan{}
	}
	c.anchors[name] = p
	c.mu.Unlock()
	return p
}

// NewFileCache returns a cache that answers from ws (which may be nil) before
// looking at the file system.
func NewFileCache(ws *Workspace) *FileCache { return &FileCache{ws: ws} }

// checkLinks reports local links whose file does not exist and fragments that
// match no anchor of their target.
func checkLinks(p *Plan, env *Env, out *[]Diagnostic) {
	cache := env.Cache
	if cache == nil {
		cache = NewFileCache(env.Workspace)
	}
	check := func(target string, dest, at Span, kind LinkKind, lpath, frag string, hasFrag bool) {
		if env.Settings.LinkIgnored(target) {
			return
		}
		switch kind {
		case LinkAnchor:
			if d, ok := anchorProblem(p, env, frag, dest, "this file"); ok {
				*out = append(*out, d)
			}
		case LinkLocal:
			if env.FS == nil {
				return
			}
			resolved, ok := resolveLocal(env, lpath)
			if !ok {
				return
			}
			found, isMD := findTarget(cache, env.FS, resolved)
			if found == "" {
				*out = append(*out, Diagnostic{Span: dest, Code: "missing-file",
					Message: fmt.Sprintf("No file %q: the link points nowhere (looked for %s). Fix the link or create the file.", lpath, lookedFor(lpath)),
					Fix:     &FixHint{Path: resolved}})
				return
			}
			if !hasFrag || !isMD || frag == "" {
				return
			}
			tp := p
			if found != env.Path {
				tp = cache.plan(env.FS, found, env.Settings)
			}
			if tp == nil {
				return
			}
			if d, ok := anchorProblem(tp, env, frag, dest, found); ok {
				*out = append(*out, d)
			}
		}
	}
	for _, l := range p.Links {
		if l.Form == FormReference || (l.Form == FormImage && l.Label != "") {
			continue // checked once at the definition
		}
		check(l.Target, l.Dest, l.Span, l.Kind, l.Path, l.Fragment, l.HasFragment)
	}
	for _, d := range p.RefDefs {
		kind, lpath, frag, hasFrag := ClassifyTarget(d.Target)
		check(d.Target, d.Dest, d.Span, kind, lpath, frag, hasFrag)
	}
}

// resolveLocal turns a link path into a path inside env.FS: relative to the
// diagnosed file's folder, or to env.Root for root-relative links. It reports
// false when the path leaves the FS (it is then not checked).
func resolveLocal(env *Env, lpath string) (string, bool) {
	var full string
	if strings.HasPrefix(lpath, "/") {
		root := env.Root
		if root == "" {
			root = "."
		}
		full = path.Join(root, lpath)
	} else {
		if env.Path == "" {
			return "", false
		}
		full = path.Join(path.Dir(env.Path), lpath)
	}
	full = path.Clean(full)
	if full == ".." || strings.HasPrefix(full, "../") || !fs.ValidPath(full) {
		return "", false
	}
	return full, true
}

// findTarget returns the existing file a link path resolves to, trying the
// path itself, path.md, path/README.md, path/index.md and, for a Jekyll .html
// link, the .md source. It also reports whether the file is Markdown.
func findTarget(cache *FileCache, fsys fs.FS, name string) (string, bool) {
	var cands []string
	cands = append(cands, name)
	if strings.HasSuffix(name, ".html") {
		cands = append(cands, strings.TrimSuffix(name, ".html")+".md")
	}
	cands = append(cands, name+".md", path.Join(name, "README.md"), path.Join(name, "index.md"))
	for i, c := range cands {
		switch cache.kind(fsys, c) {
		case fileRegular:
			return c, isMarkdown(c)
		case fileDir:
			if i == 0 {
				// A folder link is fine; its README provides the anchors.
				for _, idx := range []string{"README.md", "index.md"} {
					if cache.kind(fsys, path.Join(c, idx)) == fileRegular {
						return path.Join(c, idx), true
					}
				}
				return c, false
			}
		}
	}
	return "", false
}

// lookedFor lists, for a message, the names a missing link path was tried as.
func lookedFor(p string) string {
	alts := []string{p}
	if strings.HasSuffix(p, ".html") {
		alts = append(alts, strings.TrimSuffix(p, ".html")+".md")
	}
	if !strings.HasSuffix(p, ".md") {
		alts = append(alts, p+".md")
	}
	alts = append(alts, path.Join(p, "README.md"))
	return strings.Join(alts, ", ")
}

// isMarkdown reports whether a file name has a Markdown extension.
func isMarkdown(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd", ".mkdn":
		return true
	}
	return false
}

// anchorProblem reports a missing-anchor diagnostic when frag names no anchor of
// target. where names the target file in the message.
func anchorProblem(target *Plan, env *Env, frag string, dest Span, where string) (Diagnostic, bool) {
	if frag == "" || isLineAnchor(frag) {
		return Diagnostic{}, false
	}
	names := AnchorNames(target, env.Settings.Anchors)
	key := Fold(frag)
	for _, n := range names {
		if Fold(n) == key {
			return Diagnostic{}, false
		}
	}
	d := Diagnostic{Span: fragmentSpan(target, dest, env), Code: "missing-anchor"}
	if best := closest(frag, names); best != "" {
		d.Message = fmt.Sprintf("No heading or anchor %q in %s; did you mean %q?", "#"+frag, where, "#"+best)
		d.Fix = &FixHint{Replace: best}
	} else if len(names) > 0 {
		d.Message = fmt.Sprintf("No heading or anchor %q in %s. Fix the link or add the heading.", "#"+frag, where)
	} else {
		d.Message = fmt.Sprintf("No heading or anchor %q in %s, which has no headings.", "#"+frag, where)
	}
	return d, true
}

// fragmentSpan narrows a destination span to its "#fragment" part when the
// destination as written has one.
func fragmentSpan(_ *Plan, dest Span, env *Env) Span {
	if env.src == nil || dest.End > len(env.src) {
		return dest
	}
	if i := strings.IndexByte(string(env.src[dest.Start:dest.End]), '#'); i >= 0 {
		return Span{dest.Start + i, dest.End}
	}
	return dest
}

// AnchorNames returns the anchors of p that count under the anchors setting
// ("github", "kramdown" or "auto" for both), explicit ids always included, without
// repeats, in document order.
func AnchorNames(p *Plan, style string) []string {
	seen := map[string]bool{}
	var names []string
	for _, a := range p.Anchors {
		switch {
		case a.Style == AnchorGitHub && style == "kramdown", a.Style == AnchorKramdown && style == "github":
			continue
		}
		if !seen[a.Name] {
			seen[a.Name] = true
			names = append(names, a.Name)
		}
	}
	return names
}

// isLineAnchor reports whether a fragment is a GitHub line anchor: L10, L10-L20,
// L10C5-L12C3.
func isLineAnchor(frag string) bool {
	if len(frag) < 2 || frag[0] != 'L' {
		return false
	}
	for _, part := range strings.Split(frag, "-") {
		if len(part) < 2 || part[0] != 'L' {
			return false
		}
		for _, c := range part[1:] {
			if (c < '0' || c > '9') && c != 'C' {
				return false
			}
		}
	}
	return true
}

// closest returns the name with the smallest edit distance to want (compared
// case-folded), or "" when there are no names or none is reasonably close.
func closest(want string, names []string) string {
	best, bestDist := "", -1
	w := Fold(want)
	for _, n := range names {
		d := editDistance(w, Fold(n))
		if bestDist < 0 || d < bestDist {
			best, bestDist = n, d
		}
	}
	if bestDist < 0 || bestDist > max(utf8.RuneCountInString(w)/2, 3) {
		return ""
	}
	return best
}
