// This file defines the line index of a plan and the lookups that use it: the line
// of an offset, a line's start and end, and the section that holds an offset.

package analysis

import (
	"bytes"
	"sort"
)

// lineStarts returns the offset at which each line of src starts, and whether most
// line breaks are "\r\n". A lone "\r" is not a line break.
func lineStarts(src []byte) ([]int, bool) {
	lines := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	crlf := 0
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, i)
		if i > 1 && src[i-2] == '\r' {
			crlf++
		}
	}
	breaks := len(lines) - 1
	return lines, breaks > 0 && crlf*2 > breaks
}

// editedLineStarts returns lineStarts of src, which is old.Src with the bytes
// [start, end) replaced by src[start:start+len(replacement)]: old's lines are
// reused (shifted after the edit) instead of scanning all of src.
func editedLineStarts(old *Plan, src []byte, start, end int) ([]int, bool) {
	delta := len(src) - len(old.Src)
	keep := sort.SearchInts(old.Lines, start+1)
	rest := sort.SearchInts(old.Lines, end+1)
	ins := src[start : end+delta]
	lines := make([]int, 0, keep+bytes.Count(ins, []byte{'\n'})+len(old.Lines)-rest)
	lines = append(lines, old.Lines[:keep]...)
	for i := 0; ; {
		j := bytes.IndexByte(ins[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		lines = append(lines, start+i)
	}
	for _, ls := range old.Lines[rest:] {
		lines = append(lines, ls+delta)
	}
	// Whether most breaks are "\r\n" depends on every break; count them again
	// only when the edit changes the number of breaks or of "\r\n" pairs (the
	// windows take in one byte on each side for a pair cut by the edit).
	lo, hi := max(start-1, 0), end+1
	crlf := []byte("\r\n")
	if len(lines) == len(old.Lines) &&
		bytes.Count(old.Src[lo:min(hi, len(old.Src))], crlf) == bytes.Count(src[lo:min(hi+delta, len(src))], crlf) {
		return lines, old.CRLF
	}
	breaks := len(lines) - 1
	return lines, breaks > 0 && bytes.Count(src, crlf)*2 > breaks
}

// LineOf returns the 0-based line that holds offset off (clamped into the source).
func (p *Plan) LineOf(off int) int {
	off = clamp(off, 0, len(p.Src))
	// sort.Search without the closure: this runs for every node of a parse.
	lo, hi := 0, len(p.Lines)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p.Lines[m] > off {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
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
