// This file defines Dump, the stable text form of a Plan used by the parse tests
// (testdata/parse) and by `planls dump` for troubleshooting.

package analysis

import (
	"fmt"
	"strings"
)

// Dump writes the plan model as stable, line-oriented text. Positions are written
// as LINE:COL, 1-based, with COL counted in bytes; spans as START-END (half-open).
func (p *Plan) Dump() string {
	var w strings.Builder
	pos := func(off int) string {
		line := p.LineOf(off)
		return fmt.Sprintf("%d:%d", line+1, off-p.LineStart(line)+1)
	}
	span := func(s Span) string { return pos(s.Start) + "-" + pos(s.End) }
	secName := func(s *Section) string {
		if s == nil {
			return "-"
		}
		return fmt.Sprintf("%q", s.Name)
	}
	if p.Err != "" {
		fmt.Fprintf(&w, "error %q\n", p.Err)
	}
	fmt.Fprintf(&w, "lines %d crlf=%v\n", len(p.Lines), p.CRLF)
	if fm := p.FrontMatter; fm != nil {
		fmt.Fprintf(&w, "frontmatter %s %s jekyll=%v\n", span(fm.Span), fm.Format, fm.Jekyll)
	}
	for _, h := range p.Headings {
		kind := "atx"
		if h.Setext {
			kind = "setext"
		}
		fmt.Fprintf(&w, "heading %s h%d %s text=%q raw=%q slug=%q kramdown=%q", span(h.Span), h.Level, kind, h.Text, p.Src[h.TextSpan.Start:h.TextSpan.End], h.Slug, h.KramdownID)
		if h.ID != "" {
			fmt.Fprintf(&w, " id=%q", h.ID)
		}
		if !h.TopLevel {
			w.WriteString(" nested")
		}
		w.WriteByte('\n')
	}
	for _, s := range p.Sections {
		fmt.Fprintf(&w, "section %s number=%q name=%q role=%s state=%q parent=%s\n", span(s.Span), s.Number, s.Name, s.Role, s.State, secName(s.Parent))
	}
	for _, l := range p.Lists {
		kind := string(l.Marker)
		if l.Ordered {
			kind = fmt.Sprintf("%d%c", l.Start, l.Marker)
		}
		spacing := "tight"
		if l.Loose {
			spacing = "loose"
		}
		fmt.Fprintf(&w, "list %s %s %s indent=%d items=%d section=%s\n", span(l.Span), kind, spacing, l.Indent, len(l.Items), secName(l.Section))
	}
	for _, t := range p.Tasks {
		parent := "-"
		if t.Parent != nil {
			parent = pos(t.Parent.Span.Start)
		}
		fmt.Fprintf(&w, "task %s [%c] marker=%q text=%q key=%q section=%s parent=%s children=%d\n",
			span(t.Span), t.Status, p.Src[t.Marker.Start:t.Marker.End], t.Text, t.Key, secName(t.Section), parent, len(t.Children))
	}
	for _, m := range p.Malformed {
		fmt.Fprintf(&w, "malformed %s %q want=%q needspace=%v\n", span(m.Span), p.Src[m.Span.Start:m.Span.End], m.Want, m.NeedSpace)
	}
	for _, l := range p.Links {
		fmt.Fprintf(&w, "link %s %s %s target=%q dest=%s", span(l.Span), l.Form, l.Kind, l.Target, span(l.Dest))
		if l.Label != "" {
			fmt.Fprintf(&w, " label=%q", l.Label)
		}
		if l.Kind == LinkLocal {
			fmt.Fprintf(&w, " path=%q", l.Path)
		}
		if l.HasFragment {
			fmt.Fprintf(&w, " fragment=%q", l.Fragment)
		}
		w.WriteByte('\n')
	}
	for _, d := range p.RefDefs {
		fmt.Fprintf(&w, "refdef %s label=%q target=%q dest=%s\n", span(d.Span), d.Label, d.Target, span(d.Dest))
	}
	for _, a := range p.Anchors {
		fmt.Fprintf(&w, "anchor %s %s %q\n", pos(a.Span.Start), a.Style, a.Name)
	}
	for _, b := range p.Breaks {
		fmt.Fprintf(&w, "break %s\n", span(b))
	}
	for _, c := range p.Code {
		fmt.Fprintf(&w, "code %s\n", span(c))
	}
	return w.String()
}
