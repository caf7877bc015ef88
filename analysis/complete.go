// This file defines Complete: completion of section names after "## ", of anchors
// after "](#", of paths after "](", of another file's anchors after "](file.md#",
// and of reference labels after "][". It reads the line being typed directly, so
// it is right even when that line does not parse yet.

package analysis

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// CompletionKind says what a completion item is.
type CompletionKind string

// The completion kinds.
const (
	CompleteSection   CompletionKind = "section"
	CompleteAnchor    CompletionKind = "anchor"
	CompleteFile      CompletionKind = "file"
	CompleteFolder    CompletionKind = "folder"
	CompleteReference CompletionKind = "reference"
)

// CompletionItem is one proposal: Replace is replaced by Insert.
type CompletionItem struct {
	// Label is what the menu shows.
	Label string
	// Detail is a short explanation shown next to the label.
	Detail string
	// Kind says what the item is.
	Kind CompletionKind
	// Insert is the text that replaces Replace.
	Insert string
	// Replace is the span of the typed prefix the item replaces (it ends at the cursor).
	Replace Span
	// Filter is the text the client filters the typed prefix against.
	Filter string
	// Sort orders the items.
	Sort string
}

// CompletionEnv is what completion may look at besides the plan.
type CompletionEnv struct {
	// Settings are the effective settings.
	Settings Settings
	// FS gives access to the workspace, or nil.
	FS fs.FS
	// Path is the file's path inside FS, or "".
	Path string
	// Root is the workspace root inside FS ("." for the FS root).
	Root string
	// SectionNames are section names used in other plan files of the workspace.
	SectionNames []string
	// Cache shares parsed target files; nil means a fresh cache.
	Cache *FileCache
}

// Complete returns the completion items at offset off of p.Src.
func Complete(p *Plan, off int, env CompletionEnv) []CompletionItem {
	off = clamp(off, 0, len(p.Src))
	for _, c := range p.Code {
		if c.Start < off && off <= c.End && !(c.End == off && isCodeSpanEnd(p.Src, c)) {
			return nil
		}
	}
	ls := p.LineStart(p.LineOf(off))
	line := p.Src[ls:off]
	if items, ok := completeHeading(p, ls, off, line, env); ok {
		return items
	}
	if i := strings.LastIndex(string(line), "]("); i >= 0 {
		dest := string(line[i+2:])
		if !strings.ContainsAny(dest, ") \t") {
			return completeDestination(p, ls+i+2, off, strings.TrimPrefix(dest, "<"), env)
		}
	}
	if i := strings.LastIndex(string(line), "]["); i >= 0 {
		typed := string(line[i+2:])
		if !strings.ContainsAny(typed, "[]") {
			return completeReference(p, ls+i+2, off)
		}
	}
	return nil
}

// isCodeSpanEnd reports whether a code region ends with a closing backtick or
// comment marker, so that the cursor right after it is outside.
func isCodeSpanEnd(src []byte, c Span) bool {
	return c.End > 0 && c.End <= len(src) && (src[c.End-1] == '`' || src[c.End-1] == '>' || src[c.End-1] == '~')
}

// completeHeading proposes section names on a line "#…# typed".
func completeHeading(p *Plan, ls, off int, line []byte, env CompletionEnv) ([]CompletionItem, bool) {
	i := 0
	for i < len(line) && i < 3 && line[i] == ' ' {
		i++
	}
	level := runLen(line, i, '#')
	if level == 0 || level > 6 || i+level >= len(line) || line[i+level] != ' ' {
		return nil, false
	}
	start := i + level + 1
	typed := string(line[start:])
	number, _ := SplitSectionName(typed)
	next := nextNumber(p, level)
	used := map[string]bool{}
	for _, s := range p.Sections {
		used[s.Key] = true
	}
	var items []CompletionItem
	seen := map[string]bool{}
	add := func(name, detail string, rank int) {
		key := settingNameKey(name)
		if name == "" || used[key] || seen[key] {
			return
		}
		seen[key] = true
		insert := name
		if number != "" {
			insert = number + " " + name
		} else if next != "" {
			insert = next + " " + name
		}
		state, _ := env.Settings.StateOf(name)
		if state != "" {
			detail += " · " + state
		}
		items = append(items, CompletionItem{Label: insert, Detail: detail, Kind: CompleteSection, Insert: insert,
			Replace: Span{ls + start, off}, Filter: insert, Sort: fmt.Sprintf("%d%04d", rank, len(items))})
	}
	for _, n := range env.Settings.WellKnownSections {
		add(n, "section", 0)
	}
	for _, n := range env.SectionNames {
		add(n, "section used in the workspace", 1)
	}
	return items, true
}

// nextNumber continues the enumeration of the sections at a heading level:
// "5." after "4.", "5)" after "4)", "" when the siblings are not numbered.
func nextNumber(p *Plan, level int) string {
	best, suffix := -1, ""
	for _, s := range p.Sections {
		if s.Heading.Level != level || s.Number == "" {
			continue
		}
		n := s.Number
		sfx := ""
		for _, c := range []string{".", ")", "、"} {
			if strings.HasSuffix(n, c) {
				sfx = c
				n = strings.TrimSuffix(n, c)
			}
		}
		if strings.Contains(n, ".") {
			continue
		}
		if v, err := strconv.Atoi(n); err == nil && v > best {
			best, suffix = v, sfx
		}
	}
	if best < 0 {
		return ""
	}
	if suffix == "" {
		suffix = "."
	}
	return strconv.Itoa(best+1) + suffix
}

// completeDestination proposes anchors, paths or another file's anchors for the
// link destination typed so far (dest starts at destStart).
func completeDestination(p *Plan, destStart, off int, typed string, env CompletionEnv) []CompletionItem {
	if off-destStart > len(typed) {
		destStart++ // skip '<'
	}
	if h := strings.IndexByte(typed, '#'); h >= 0 {
		target := p
		where := ""
		if h > 0 {
			if env.FS == nil {
				return nil
			}
			lpath := pctDecode(typed[:h])
			resolved, ok := resolveLocal(&Env{Path: env.Path, Root: env.Root}, lpath)
			if !ok {
				return nil
			}
			cache := env.Cache
			if cache == nil {
				cache = &FileCache{}
			}
			found, isMD := findTarget(cache, env.FS, resolved)
			if found == "" || !isMD {
				return nil
			}
			if found != env.Path {
				target = cache.plan(env.FS, found, env.Settings)
				where = found
			}
			if target == nil {
				return nil
			}
		}
		return anchorItems(target, Span{destStart + h + 1, off}, env.Settings.Anchors, where)
	}
	return pathItems(env, Span{destStart, off}, typed)
}

// anchorItems lists the anchors of target in the style a link should use: the
// kramdown id in a Jekyll file (unless anchors is "github"), else the GitHub slug.
func anchorItems(target *Plan, replace Span, style, where string) []CompletionItem {
	kramdown := style == "kramdown" || (style != "github" && target.FrontMatter != nil && target.FrontMatter.Jekyll)
	var items []CompletionItem
	seen := map[string]bool{}
	for _, h := range target.Headings {
		name := h.Slug
		if kramdown {
			name = h.KramdownID
		}
		if h.ID != "" {
			name = h.ID
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		detail := strings.Repeat("#", h.Level) + " heading"
		if where != "" {
			detail += " in " + where
		}
		items = append(items, CompletionItem{Label: h.Text, Detail: detail + " → #" + name, Kind: CompleteAnchor,
			Insert: name, Replace: replace, Filter: name + " " + h.Text, Sort: fmt.Sprintf("%06d", len(items))})
	}
	for _, a := range target.Anchors {
		if a.Style == AnchorExplicit && a.Heading == nil && !seen[a.Name] {
			seen[a.Name] = true
			items = append(items, CompletionItem{Label: a.Name, Detail: "HTML anchor", Kind: CompleteAnchor,
				Insert: a.Name, Replace: replace, Filter: a.Name, Sort: fmt.Sprintf("%06d", len(items))})
		}
	}
	return items
}

// pathItems lists the entries of the folder the typed path is in, relative to
// the file (or to the workspace root for a typed "/").
func pathItems(env CompletionEnv, replace Span, typed string) []CompletionItem {
	if env.FS == nil || env.Path == "" && !strings.HasPrefix(typed, "/") {
		return nil
	}
	dirTyped := ""
	if i := strings.LastIndexByte(typed, '/'); i >= 0 {
		dirTyped = typed[:i+1]
		replace.Start += i + 1
	}
	var dir string
	if strings.HasPrefix(dirTyped, "/") {
		dir = path.Join(env.Root, pctDecode(dirTyped))
	} else {
		dir = path.Join(path.Dir(env.Path), pctDecode(dirTyped))
	}
	dir = path.Clean(dir)
	if dir == ".." || strings.HasPrefix(dir, "../") || !fs.ValidPath(dir) {
		return nil
	}
	entries, err := fs.ReadDir(env.FS, dir)
	if err != nil {
		return nil
	}
	var items []CompletionItem
	self := path.Base(env.Path)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || name == "node_modules" || (dir == path.Dir(env.Path) && name == self) {
			continue
		}
		insert := escapePath(name)
		item := CompletionItem{Label: name, Kind: CompleteFile, Insert: insert, Replace: replace, Filter: insert}
		switch {
		case e.IsDir():
			item.Kind, item.Label, item.Insert, item.Detail, item.Sort = CompleteFolder, name+"/", insert+"/", "folder", "1"+name
		case isMarkdown(name):
			item.Detail, item.Sort = "Markdown file", "0"+name
		default:
			item.Detail, item.Sort = "file", "2"+name
		}
		items = append(items, item)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Sort < items[j].Sort })
	return items
}

// escapePath percent-encodes the characters a link destination cannot hold raw.
func escapePath(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case ' ', '(', ')', '<', '>', '#', '?', '%':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// completeReference proposes the labels of the file's reference definitions.
func completeReference(p *Plan, start, off int) []CompletionItem {
	var items []CompletionItem
	seen := map[string]bool{}
	for _, d := range p.RefDefs {
		label := string(p.Src[d.LabelSpan.Start:d.LabelSpan.End])
		if seen[d.Label] {
			continue
		}
		seen[d.Label] = true
		items = append(items, CompletionItem{Label: label, Detail: d.Target, Kind: CompleteReference, Insert: label,
			Replace: Span{start, off}, Filter: label, Sort: fmt.Sprintf("%06d", len(items))})
	}
	return items
}
