// This file defines the line index of a plan and the lookups that use it: the line
// of an offset, a line's start and end, and the section that holds an offset.

package analysis

import "sort"

// lineStarts returns the offset at which each line of src starts, and whether most
// line breaks are "\r\n". A lone "\r" is not a line break.
func lineStarts(src []byte) ([]int, bool) {
	lines := make([]int, 1, len(src)/40+1)
	crlf := 0
	for i, c := range src {
		if c == '\n' {
			lines = append(lines, i+1)
			if i > 0 && src[i-1] == '\r' {
				crlf++
			}
		}
	}
	breaks := len(lines) - 1
	return lines, breaks > 0 && crlf*2 > breaks
}

// LineOf returns the 0-based line that holds offset off (clamped into the source).
func (p *Plan) LineOf(off int) int {
	off = clamp(off, 0, len(p.Src))
	return sort.Search(len(p.Lines), func(i int) bool { return p.Lines[i] > off }) - 1
}

// LineStart returns the offset at which 0-based line starts (clamped).
func (p *Plan) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(p.Lines) {
		return len(p.Src)
	}
	return p.Lines[line]
}

// LineEnd returns the offset of the end of line's content, before "\n" or "\r\n".
func (p *Plan) LineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line+1 >= len(p.Lines) {
		return len(p.Src)
	}
	end := p.Lines[line+1] - 1
	if end > p.Lines[line] && p.Src[end-1] == '\r' {
		end--
	}
	return end
}

// LineBreak returns the line break the file mostly uses: "\r\n" or "\n".
func (p *Plan) LineBreak() string {
	if p.CRLF {
		return "\r\n"
	}
	return "\n"
}

// SectionAt returns the innermost section that holds offset off, or nil.
func (p *Plan) SectionAt(off int) *Section {
	// Sections are sorted by start; the innermost holding off is the last one that
	// starts at or before off, or the nearest of its parents whose span holds off.
	i := sort.Search(len(p.Sections), func(i int) bool { return p.Sections[i].Span.Start > off })
	if i == 0 {
		return nil
	}
	sec := p.Sections[i-1]
	for sec != nil && !(sec.Span.Start <= off && (off < sec.Span.End || sec.Span.End == len(p.Src) && off == len(p.Src))) {
		sec = sec.Parent
	}
	return sec
}
