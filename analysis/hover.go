// This file defines HoverAt: Markdown text about the element under the cursor —
// a link's resolved target and whether it (and its anchor) exists, a heading's
// section progress with its subsections, a task's status, section and
// duplicates in the workspace.

package analysis

import (
	"fmt"
	"strings"
)

// Hover is the information shown for an element of a plan.
type Hover struct {
	// Span covers the element the hover is about.
	Span Span
	// Markdown is the text to show.
	Markdown string
}

// HoverAt returns the hover for offset off of p: for the link (or reference
// definition) under it, unless planls does not follow that kind of link
// (mailto:, Liquid); else for the heading under it; else for the task whose
// first line holds it. It reports false when there is nothing to say.
func HoverAt(p *Plan, off int, env Env) (Hover, bool) {
	off = clamp(off, 0, len(p.Src))
	if l, ok := linkAt(p, off); ok {
		if md := linkHover(p, &env, l.Target); md != "" {
			return Hover{Span: l.Span, Markdown: md}, true
		}
	}
	if h := headingAt(p, off); h != nil {
		return Hover{Span: h.Span, Markdown: headingHover(p, h, env.Settings.Anchors)}, true
	}
	if t := p.TaskOnLine(p.LineOf(off)); t != nil {
		return Hover{Span: t.Line, Markdown: taskHover(p, t, &env)}, true
	}
	return Hover{}, false
}

// linkHover describes where a link destination leads, or returns "" for
// destinations planls does not follow (mailto:, Liquid).
func linkHover(p *Plan, env *Env, target string) string {
	d := resolveDest(p, env, navCache(env), target)
	var b strings.Builder
	switch d.Kind {
	case LinkExternal:
		fmt.Fprintf(&b, "External link %s (not checked here)", mdCode(target))
		return b.String()
	case LinkOther:
		return ""
	case LinkAnchor:
		b.WriteString("Link to this file")
	case LinkLocal:
		_, lpath, _, _ := ClassifyTarget(target)
		switch {
		case d.Resolved == "":
			fmt.Fprintf(&b, "Link to %s, outside the workspace (not checked)", mdCode(lpath))
			return b.String()
		case d.Path == "":
			fmt.Fprintf(&b, "⚠ Link to %s: no such file (looked for %s)", mdCode(d.Resolved), mdEscape(lookedFor(d.Resolved)))
			return b.String()
		case d.Dir:
			fmt.Fprintf(&b, "Link to the folder %s", mdCode(d.Path))
		case d.Path == env.Path:
			b.WriteString("Link to this file")
		default:
			fmt.Fprintf(&b, "Link to %s (exists)", mdCode(d.Path))
		}
	}
	if !d.HasFragment || d.Fragment == "" || d.Plan == nil {
		return b.String()
	}
	where := "this file"
	if d.Path != env.Path {
		where = mdCode(d.Path)
	}
	b.WriteString("\n\n")
	frag := mdCode("#" + d.Fragment)
	if line, ok := lineAnchor(d.Fragment); ok {
		fmt.Fprintf(&b, "%s → line %d", frag, line+1)
		return b.String()
	}
	a := resolveAnchor(d.Plan, d.Fragment, env.Settings.Anchors)
	switch {
	case a == nil:
		fmt.Fprintf(&b, "⚠ No heading or anchor %s in %s", frag, where)
	case a.Heading != nil:
		fmt.Fprintf(&b, "%s → heading **%s**, line %d", frag, mdEscape(headingLabel(d.Plan, a.Heading)), d.Plan.LineOf(a.Span.Start)+1)
	default:
		fmt.Fprintf(&b, "%s → HTML anchor, line %d", frag, d.Plan.LineOf(a.Span.Start)+1)
	}
	return b.String()
}

// headingHover shows a heading's section progress, its subsections' and the
// anchor links use to reach it.
func headingHover(p *Plan, h *Heading, style string) string {
	var b strings.Builder
	if s := h.Section; s != nil {
		counts := sectionProgress(p)
		line := func(s *Section) string {
			return fmt.Sprintf("**%s** — %s", mdEscape(headingLabel(p, s.Heading)), progressText(counts[s.Index]))
		}
		b.WriteString(line(s) + "\n")
		if len(s.Children) > 0 {
			b.WriteString("\n")
		}
		var list func(s *Section, depth int)
		list = func(s *Section, depth int) {
			for _, c := range s.Children {
				fmt.Fprintf(&b, "%s- %s\n", strings.Repeat("  ", depth), line(c))
				list(c, depth+1)
			}
		}
		list(s, 0)
	} else {
		fmt.Fprintf(&b, "**%s**\n", mdEscape(headingLabel(p, h)))
	}
	fmt.Fprintf(&b, "\nAnchor: %s", mdCode("#"+preferredAnchor(p, h, style)))
	return b.String()
}

// progressText is "3 open · 12 done (80%)", or "no tasks".
func progressText(c progress) string {
	total := c.open + c.done
	if total == 0 {
		return "no tasks"
	}
	return fmt.Sprintf("%s (%d%%)", c, (c.done*100+total/2)/total)
}

// preferredAnchor is the anchor links to a heading should use: its explicit
// id, else its kramdown id in a kramdown file, else its GitHub slug.
func preferredAnchor(p *Plan, h *Heading, style string) string {
	switch {
	case h.ID != "":
		return h.ID
	case kramdownFile(p, style):
		return h.KramdownID
	}
	return h.Slug
}

// taskHover shows a task's status, its section, and every other task with the
// same duplicate key in the file and in the workspace.
func taskHover(p *Plan, t *Task, env *Env) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Task** · %s", StatusName(t.Status))
	if t.Section != nil {
		fmt.Fprintf(&b, " · section **%s**", mdEscape(headingLabel(p, t.Section.Heading)))
	}
	b.WriteString("\n")
	var dups []string
	describe := func(tp *Plan, d *Task, where string) string {
		s := fmt.Sprintf("%s line %d · %s", where, tp.LineOf(d.Span.Start)+1, StatusName(d.Status))
		if d.Section != nil {
			s += fmt.Sprintf(" · section **%s**", mdEscape(headingLabel(tp, d.Section.Heading)))
		}
		return s
	}
	if t.Key != "" {
		for _, d := range p.Tasks {
			if d != t && d.Key == t.Key {
				dups = append(dups, describe(p, d, "this file,"))
			}
		}
		for _, ref := range env.Workspace.TasksWithKey(t.Key) {
			if ref.Path == env.Path {
				continue
			}
			if tp := env.Workspace.Plan(ref.Path); tp != nil {
				dups = append(dups, describe(tp, ref.Task, mdCode(ref.Path)))
			}
		}
	}
	if len(dups) == 0 {
		b.WriteString("\nNo duplicates in the workspace.")
		return b.String()
	}
	fmt.Fprintf(&b, "\nDuplicates (%d):\n", len(dups))
	for _, d := range dups {
		b.WriteString("\n- " + d)
	}
	return b.String()
}

// mdEscape escapes the characters that Markdown would read as markup.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode writes s as a Markdown code span, with a fence longer than any run of
// backticks inside.
func mdCode(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
