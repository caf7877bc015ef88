// This file defines the line index of a plan and the lookups that use it: the line
// of an offset, a line's start and end, and the section that holds an offset.

package analysis

import (
	"bytes"
	"sort"
)

// LineStarts returns the offset at which each line of src starts: 0, and the
// offset after every '\n' (a lone '\r' is not a line break). It is the one line
// table of planls: plans and the server's position mapper use it.
func LineStarts(src []byte) []int {
	return appendBreaks(make([]int, 1, bytes.Count(src, []byte{'\n'})+1), 0, src)
}

// EditedLineStarts returns LineStarts of the text that results from replacing
// the bytes [start, end) of a text whose line table is starts by ins. The lines
// before the edit are reused and those after it shifted instead of scanning the
// whole new text: a keystroke in a large document costs a copy of the table.
func EditedLineStarts(starts []int, start, end int, ins []byte) []int {
	delta := len(ins) - (end - start)
	// Lines that start at or before start are unchanged; those that start in
	// (start, end] began after a replaced '\n'; the rest move by delta.
	keep := sort.SearchInts(starts, start+1)
	rest := sort.SearchInts(starts, end+1)
	out := make([]int, 0, keep+bytes.Count(ins, []byte{'\n'})+len(starts)-rest)
	out = appendBreaks(append(out, starts[:keep]...), start, ins)
	for _, ls := range starts[rest:] {
		out = append(out, ls+delta)
	}
	return out
}

// appendBreaks appends to lines, for every '\n' of text, the offset after it
// plus base.
func appendBreaks(lines []int, base int, text []byte) []int {
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			return lines
		}
		i += j + 1
		lines = append(lines, base+i)
	}
}

// crlfPair is a "\r\n" line break.
var crlfPair = []byte("\r\n")

// lineStarts returns LineStarts of src and whether most line breaks are "\r\n".
func lineStarts(src []byte) ([]int, bool) {
	lines := LineStarts(src)
	breaks := len(lines) - 1
	return lines, breaks > 0 && bytes.Count(src, crlfPair)*2 > breaks
}

// editedLineStarts returns lineStarts of src, which is old.Src with the bytes
// [start, end) replaced by src[start:end+len(src)-len(old.Src)], from old's line
// table (EditedLineStarts).
func editedLineStarts(old *Plan, src []byte, start, end int) ([]int, bool) {
	delta := len(src) - len(old.Src)
	lines := EditedLineStarts(old.Lines, start, end, src[start:end+delta])
	// Whether most breaks are "\r\n" depends on every break; count them again
	// only when the edit changes the number of breaks or of "\r\n" pairs (the
	// windows take in one byte on each side for a pair cut by the edit).
	lo, hi := max(start-1, 0), end+1
	if len(lines) == len(old.Lines) &&
		bytes.Count(old.Src[lo:min(hi, len(old.Src))], crlfPair) == bytes.Count(src[lo:min(hi+delta, len(src))], crlfPair) {
		return lines, old.CRLF
	}
	breaks := len(lines) - 1
	return lines, breaks > 0 && bytes.Count(src, crlfPair)*2 > breaks
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
