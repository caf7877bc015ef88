// This file defines FoldingRanges: the front matter, sections, groups between
// thematic breaks, task blocks with subtasks or continuation lines, and
// multi-line code and HTML blocks, as ranges of lines.

package analysis

import "sort"

// FoldingKind says what a folding range folds.
type FoldingKind string

// The folding kinds.
const (
	FoldFrontMatter FoldingKind = "frontmatter"
	FoldSection     FoldingKind = "section"
	FoldGroup       FoldingKind = "group"
	FoldTask        FoldingKind = "task"
	FoldCode        FoldingKind = "code"
)

// FoldingRange is a range of whole lines that an editor can fold: StartLine
// stays visible, the lines after it up to EndLine are hidden.
type FoldingRange struct {
	// StartLine and EndLine are 0-based lines; EndLine > StartLine.
	StartLine, EndLine int
	// Kind says what is folded.
	Kind FoldingKind
}

// FoldingRanges returns the folding ranges of p, sorted by start line. No two
// start on the same line (editors keep only one): the widest wins.
func FoldingRanges(p *Plan) []FoldingRange {
	var out []FoldingRange
	add := func(start, end int, kind FoldingKind) {
		if end > start {
			out = append(out, FoldingRange{StartLine: start, EndLine: end, Kind: kind})
		}
	}
	// lastLine returns the line of the last non-blank byte before end, at or after start.
	lastLine := func(start, end int) int {
		return p.LineOf(max(trimmedEnd(p, Span{start, end})-1, start))
	}
	if fm := p.FrontMatter; fm != nil {
		add(p.LineOf(fm.Span.Start), lastLine(fm.Span.Start, fm.Span.End), FoldFrontMatter)
	}
	for _, s := range p.Sections {
		add(p.LineOf(s.Span.Start), lastLine(s.Span.Start, s.Span.End), FoldSection)
	}
	for i, b := range p.Breaks {
		// A group runs from a break to the last line before the next break or heading.
		end := len(p.Src)
		if i+1 < len(p.Breaks) {
			end = p.Breaks[i+1].Start
		}
		for _, h := range p.Headings {
			if h.Span.Start >= b.End {
				end = min(end, h.Span.Start)
				break
			}
		}
		add(p.LineOf(b.Start), lastLine(b.Start, end), FoldGroup)
	}
	for _, t := range p.Tasks {
		add(p.LineOf(t.Span.Start), lastLine(t.Span.Start, t.Span.End), FoldTask)
	}
	for _, c := range p.Code {
		if fm := p.FrontMatter; fm != nil && c.Start < fm.Span.End {
			continue
		}
		add(p.LineOf(c.Start), lastLine(c.Start, c.End), FoldCode)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StartLine != out[j].StartLine {
			return out[i].StartLine < out[j].StartLine
		}
		return out[i].EndLine > out[j].EndLine
	})
	var keep []FoldingRange
	for _, r := range out {
		if len(keep) > 0 && r.StartLine == keep[len(keep)-1].StartLine {
			continue
		}
		keep = append(keep, r)
	}
	return keep
}
