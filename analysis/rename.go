// This file defines PrepareRename and Rename: renaming a heading rewrites its
// text and every link in the workspace to its anchors, each in the style it
// was written in (GitHub slug, kramdown id), with the -1, -2 suffixes of
// repeated headings recomputed. A rename that would make an anchor collide
// with another one of the file, or send a link to another heading, is refused.

package analysis

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// RenameError is a rename that planls refuses; the message says why, for the user.
type RenameError struct {
	// Msg is the reason.
	Msg string
}

// Error returns the reason.
func (e *RenameError) Error() string { return e.Msg }

// refuse returns a RenameError with a formatted message.
func refuse(format string, args ...any) error {
	return &RenameError{Msg: fmt.Sprintf(format, args...)}
}

// FileEdit is the edits of one workspace file.
type FileEdit struct {
	// Path is the file inside the workspace's fs.FS.
	Path string
	// Src is the text the edits were computed for.
	Src []byte
	// Edits are sorted and do not overlap.
	Edits []TextEdit
}

// PrepareRename returns what renaming the heading at offset off replaces: the
// heading text without its enumeration ("1. "), a trailing colon, trailing
// HTML comments and white space, and that text as the placeholder. It reports
// false when off is not on a heading.
func PrepareRename(p *Plan, off int) (Span, string, bool) {
	h := headingAt(p, clamp(off, 0, len(p.Src)))
	if h == nil {
		return Span{}, "", false
	}
	sp := headingNameSpan(p, h)
	return sp, string(p.Src[sp.Start:sp.End]), true
}

// headingNameSpan returns the part of a heading's text that names it (see
// PrepareRename).
func headingNameSpan(p *Plan, h *Heading) Span {
	start, end := h.TextSpan.Start, min(h.TextSpan.End, len(p.Src))
	if start > end {
		return Span{end, end}
	}
	for {
		end = trimRightSpace(p.Src, start, end)
		cut := false
		for _, c := range p.Code {
			if c.Start >= start && c.Start < end && c.End >= end && bytes.HasPrefix(p.Src[c.Start:], []byte("<!--")) {
				end, cut = c.Start, true
			}
		}
		if !cut {
			break
		}
	}
	for start < end && (p.Src[start] == ' ' || p.Src[start] == '\t') {
		start++
	}
	if n := enumerationLen(string(p.Src[start:end])); n > 0 {
		start += n
		for start < end && (p.Src[start] == ' ' || p.Src[start] == '\t') {
			start++
		}
	}
	for _, colon := range []string{":", "："} {
		if bytes.HasSuffix(p.Src[start:end], []byte(colon)) {
			end = trimRightSpace(p.Src, start, end-len(colon))
			break
		}
	}
	return Span{start, end}
}

// Rename renames the heading at offset off of p (the file env.Path) to
// newName: the heading's name (see PrepareRename) becomes newName, and every
// link in the workspace whose fragment names an anchor of p that changes gets
// the new anchor in the same style. It returns the edits of every file it
// touches, sorted by path, computed for the text of p and of the workspace's
// plans. It refuses with a *RenameError when off is on no heading, newName is
// empty or spans lines, the new text would change the file's headings, or the
// new anchor collides with another anchor of the file.
func Rename(p *Plan, off int, newName string, env Env) ([]FileEdit, error) {
	h := headingAt(p, clamp(off, 0, len(p.Src)))
	if h == nil {
		return nil, refuse("Only a heading can be renamed; put the cursor on one.")
	}
	newName = strings.TrimSpace(newName)
	switch {
	case newName == "":
		return nil, refuse("The new name is empty.")
	case strings.ContainsAny(newName, "\r\n"):
		return nil, refuse("The new name must fit on one line.")
	}
	style := env.Settings.Anchors
	index := headingIndex(p, h)
	nameSpan := headingNameSpan(p, h)
	headingEdit := TextEdit{Span: nameSpan, NewText: newName}
	newSrc, err := ApplyEdits(p.Src, []TextEdit{headingEdit})
	if err != nil || index < 0 {
		return nil, refuse("The heading cannot be renamed.")
	}
	np := ParseWith(newSrc, env.Settings)
	if len(np.Headings) != len(p.Headings) || np.Headings[index].Level != h.Level || np.Headings[index].Span.Start != h.Span.Start {
		return nil, refuse("The new name %q would change the headings of the file; choose plain text.", newName)
	}
	nh := np.Headings[index]
	if err := anchorCollision(p, h, nh, np, style); err != nil {
		return nil, err
	}

	cache := navCache(&env)
	byPath := map[string]*FileEdit{}
	var refusal error
	eachWorkspaceFile(p, &env, func(fp *Plan, fenv *Env) {
		for _, l := range linksToFile(fp, fenv, cache, env.Path) {
			if l.dest.Len() == 0 {
				continue // a reference link: its definition is rewritten
			}
			if fenv.Path == env.Path && l.span.Start < nameSpan.End && nameSpan.Start < l.span.End {
				continue // a link inside the renamed text, which is replaced
			}
			old := resolveAnchor(p, l.fragment, style)
			if old == nil {
				continue // a missing anchor stays missing
			}
			frag := l.fragment
			if old.Heading != nil && old.Style != AnchorExplicit {
				i := headingIndex(p, old.Heading)
				want := np.Headings[i].Slug
				if old.Style == AnchorKramdown {
					want = np.Headings[i].KramdownID
				}
				if e, ok := fragmentEdit(fp, l.dest, want); ok && Fold(want) != Fold(frag) {
					fe := byPath[fenv.Path]
					if fe == nil {
						fe = &FileEdit{Path: fenv.Path, Src: fp.Src}
						byPath[fenv.Path] = fe
					}
					fe.Edits = append(fe.Edits, e)
					frag = want
				}
			}
			// After the rename, the (possibly rewritten) fragment must lead to the same place.
			if now := resolveAnchor(np, frag, style); !sameAnchor(p, old, np, now) && refusal == nil {
				refusal = refuse("Renaming would make the link %q in %s, line %d, lead to another heading; rename refused.",
					"#"+l.fragment, fenv.Path, fp.LineOf(l.span.Start)+1)
			}
		}
	})
	if refusal != nil {
		return nil, refusal
	}
	self := byPath[env.Path]
	if self == nil {
		self = &FileEdit{Path: env.Path, Src: p.Src}
		byPath[env.Path] = self
	}
	self.Edits = append(self.Edits, headingEdit)
	var out []FileEdit
	for _, fe := range byPath {
		SortEdits(fe.Edits)
		if err := CheckEdits(fe.Edits, len(fe.Src)); err != nil {
			return nil, refuse("Internal error: the edits of %s overlap (%v).", fe.Path, err)
		}
		out = append(out, *fe)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// headingIndex returns the position of h in p.Headings, or -1.
func headingIndex(p *Plan, h *Heading) int {
	for i, x := range p.Headings {
		if x == h {
			return i
		}
	}
	return -1
}

// sameAnchor reports whether anchor now of the renamed plan np is the anchor
// old of p: the same heading (by position), or the same HTML anchor name.
func sameAnchor(p *Plan, old *Anchor, np *Plan, now *Anchor) bool {
	if now == nil || (old.Heading == nil) != (now.Heading == nil) {
		return false
	}
	if old.Heading == nil {
		return Fold(old.Name) == Fold(now.Name)
	}
	return headingIndex(p, old.Heading) == headingIndex(np, now.Heading)
}

// anchorCollision refuses a rename whose new anchor (in the style links into
// the file use, or the explicit id) is already another anchor of the file.
func anchorCollision(p *Plan, h, nh *Heading, np *Plan, style string) error {
	if nh.ID != "" {
		return nil // the explicit id does not change
	}
	primary, base := AnchorGitHub, GitHubSlug(nh.Text)
	if kramdownFile(np, style) {
		primary, base = AnchorKramdown, KramdownID(nh.Text)
	}
	for _, a := range p.Anchors {
		if a.Heading == h || (a.Style != primary && a.Style != AnchorExplicit) || Fold(a.Name) != Fold(base) {
			continue
		}
		if a.Heading != nil {
			return refuse("Cannot rename to %q: its anchor %q is already the anchor of the heading %q on line %d.",
				nh.Text, "#"+base, headingLabel(p, a.Heading), p.LineOf(a.Span.Start)+1)
		}
		return refuse("Cannot rename to %q: its anchor %q is already an HTML anchor on line %d.", nh.Text, "#"+base, p.LineOf(a.Span.Start)+1)
	}
	return nil
}

// fragmentEdit replaces the fragment of a destination written at dest in fp
// by anchor, percent-encoded when the original was.
func fragmentEdit(fp *Plan, dest Span, anchor string) (TextEdit, bool) {
	if dest.End > len(fp.Src) || dest.Start > dest.End {
		return TextEdit{}, false
	}
	raw := fp.Src[dest.Start:dest.End]
	i := bytes.IndexByte(raw, '#')
	if i < 0 {
		return TextEdit{}, false
	}
	written := raw[i+1:]
	text := anchor
	if bytes.IndexByte(written, '%') >= 0 {
		text = url.PathEscape(anchor)
	}
	return TextEdit{Span: Span{dest.Start + i + 1, dest.End}, NewText: text}, true
}
