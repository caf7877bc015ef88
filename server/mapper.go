package server

// This file defines Mapper, the one converter between byte offsets and LSP
// positions, and Encoding, the negotiated position encoding.
//
// Position representations used in planls, and when each is used:
//
//   - Byte offset: an int index into the document's UTF-8 source, 0 <= off <= len(src).
//     Everything inside planls (the analysis package, the document store, edits)
//     speaks byte offsets; spans are half-open [start, end) pairs of them.
//   - LSP Position {line, character}: a zero-based line number and a zero-based
//     column counted in code units of the encoding negotiated at initialize
//     (general.positionEncodings / capabilities.positionEncoding). Used only on
//     the wire, and converted here and nowhere else:
//       - UTF-16 code units: the LSP default, used when the client offers
//         nothing else. A rune at or above U+10000 (most emoji) is a surrogate
//         pair and counts as two units; every other rune counts as one.
//       - UTF-8 code units, that is bytes: used when the client offers
//         "utf-8". The character is then the byte distance from the line start.
//       - UTF-32 code units, that is Unicode code points (runes): used when the
//         client offers "utf-32" and not "utf-8".
//
// Lines are separated by "\n"; a "\r\n" pair is a single line break whose '\r'
// belongs to the break, not to the line's content. A lone '\r' is NOT a line
// break: it is an ordinary character of its line. The LSP specification also
// lists a lone '\r' as a line ending, but our parser (goldmark) splits lines on
// '\n' only, and the positions we report must agree with the offsets the
// analysis package computes; plan files with old Mac line endings are not a
// use case.
//
// Invalid UTF-8: every byte that does not start a valid UTF-8 sequence counts
// as one code unit in every encoding, exactly as if it were U+FFFD (which is
// one UTF-16 unit and one code point) occupying one byte. This is how Go's
// utf8.DecodeRune and "range over string" treat such bytes.

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
)

// Encoding is the unit in which an LSP Position's character offset is counted.
// The zero value is UTF16, the LSP default. An Encoding outside the declared
// constants is treated as UTF16.
type Encoding int

// The position encodings of LSP 3.17 (PositionEncodingKind).
const (
	// UTF16 counts UTF-16 code units; a rune at or above U+10000 counts as two.
	UTF16 Encoding = iota
	// UTF8 counts UTF-8 code units, that is bytes.
	UTF8
	// UTF32 counts Unicode code points.
	UTF32
)

// ParseEncoding returns the Encoding named by an LSP PositionEncodingKind
// ("utf-8", "utf-16" or "utf-32"), and false for any other string.
func ParseEncoding(s string) (Encoding, bool) {
	switch s {
	case "utf-8":
		return UTF8, true
	case "utf-16":
		return UTF16, true
	case "utf-32":
		return UTF32, true
	}
	return UTF16, false
}

// String returns the LSP PositionEncodingKind of e, such as "utf-16".
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf-8"
	case UTF16:
		return "utf-16"
	case UTF32:
		return "utf-32"
	}
	return "Encoding(" + strconv.Itoa(int(e)) + ")"
}

// units returns how many code units of encoding e a rune decoded by
// utf8.DecodeRune as (r, size) occupies.
func (e Encoding) units(r rune, size int) int {
	switch e {
	case UTF8:
		return size
	case UTF32:
		return 1
	}
	// UTF-16, and any unknown encoding. An invalid byte decodes as
	// (RuneError, 1), which is below U+10000 and so counts as one unit.
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// Mapper converts between byte offsets and LSP positions for one immutable
// document source. It computes the line starts once in NewMapper; every
// conversion afterwards costs a binary search over the lines plus a scan of
// one line, and allocates nothing. A Mapper is safe for concurrent use.
type Mapper struct {
	src []byte
	// lineStarts holds the byte offset at which each line begins, in increasing
	// order. lineStarts[0] is 0, and every '\n' at offset i starts a line at
	// i+1, so a source ending in '\n' has a last, empty line at len(src).
	lineStarts []int
}

// NewMapper returns a Mapper for src. The Mapper keeps src without copying it,
// so the caller must not modify src afterwards.
func NewMapper(src []byte) *Mapper {
	return &Mapper{src: src, lineStarts: analysis.LineStarts(src)}
}

// Edited returns the Mapper of newSrc, which is m's source with the bytes
// [start, end) replaced by ins, deriving its line table from m's
// (analysis.EditedLineStarts) instead of scanning newSrc again. start and end
// must be offsets of m's source with start <= end.
func (m *Mapper) Edited(start, end int, ins, newSrc []byte) *Mapper {
	return &Mapper{src: newSrc, lineStarts: analysis.EditedLineStarts(m.lineStarts, start, end, ins)}
}

// LineCount returns the number of lines of the document, which is one more
// than the number of line breaks: an empty document has one line, and a
// document ending in a line break has a last, empty line after it.
func (m *Mapper) LineCount() int {
	return len(m.lineStarts)
}

// lineBounds returns the offset at which line begins and the offset at which
// its content ends, which is before its "\n" or "\r\n" break. The line must be
// in [0, LineCount()).
func (m *Mapper) lineBounds(line int) (start, end int) {
	start = m.lineStarts[line]
	if line+1 == len(m.lineStarts) {
		// The last line has no break; a '\r' at its end is a lone '\r' and
		// part of its content.
		return start, len(m.src)
	}
	end = m.lineStarts[line+1] - 1 // The '\n'.
	if end > start && m.src[end-1] == '\r' {
		end--
	}
	return start, end
}

// OffsetPosition returns the LSP position, with the character counted in
// encoding enc, of byte offset off.
//
// It never panics. An offset outside [0, len(src)] is clamped into it. An
// offset in the middle of a UTF-8 sequence is moved back to the start of that
// rune. An offset inside a line break (on the '\n' of a "\r\n") maps to the end
// of the line's content, like the offset of the '\r'.
func (m *Mapper) OffsetPosition(off int, enc Encoding) (line, char int) {
	off = max(0, min(off, len(m.src)))
	line = m.lineOf(off)
	start, end := m.lineBounds(line)
	_, char = m.advance(start, 0, min(off, end), end, enc)
	return line, char
}

// lineOf returns the line holding offset off, which must be in [0, len(src)].
func (m *Mapper) lineOf(off int) int {
	// lineStarts is strictly increasing and starts with 0, so the line holding
	// off is the last one whose start is <= off.
	line, found := slices.BinarySearch(m.lineStarts, off)
	if !found {
		line--
	}
	return line
}

// advance counts the characters, in encoding enc, from pos, a rune start of a
// line whose content ends at end and which is char characters into the line,
// to off (pos <= off <= end). It returns the rune start at or before off and
// its character. Runes are decoded as utf8.DecodeRune decodes src[pos:end].
func (m *Mapper) advance(pos, char, off, end int, enc Encoding) (int, int) {
	if enc == UTF8 && (off == end || utf8.RuneStart(m.src[off])) {
		// Every byte that is not a continuation byte starts a rune, and in
		// UTF-8 the character is the byte distance.
		return off, char + off - pos
	}
	for pos < off {
		b := m.src[pos]
		if b < utf8.RuneSelf {
			// ASCII: one byte, one unit in every encoding.
			pos++
			char++
			continue
		}
		// The valid two- and three-byte sequences, one UTF-16 unit and one
		// code point each, are recognised inline (E0 and ED lead bytes
		// restrict their continuations, so they are left to DecodeRune).
		var size, units int
		switch {
		case b >= 0xC2 && b <= 0xDF && pos+1 < end && isContinuation(m.src[pos+1]):
			size, units = 2, 1
		case b >= 0xE1 && b <= 0xEF && b != 0xED && pos+2 < end && isContinuation(m.src[pos+1]) && isContinuation(m.src[pos+2]):
			size, units = 3, 1
		default:
			var r rune
			r, size = utf8.DecodeRune(m.src[pos:end])
			units = enc.units(r, size)
		}
		if pos+size > off {
			break // off is in the middle of this rune.
		}
		if enc == UTF8 {
			units = size
		}
		char += units
		pos += size
	}
	return pos, char
}

// isContinuation reports whether b is a UTF-8 continuation byte (10xxxxxx).
func isContinuation(b byte) bool { return b&0xC0 == 0x80 }

// Cursor converts byte offsets into LSP positions exactly as
// Mapper.OffsetPosition does, but remembers the line and the rune start of the
// last conversion: an offset on the same line at or after it continues from
// there, one on the next line needs no search. So a sequence of offsets that
// mostly increase, such as the spans of a document outline in document order,
// costs about one scan of each line instead of one per offset. A Cursor is
// not safe for concurrent use; a Mapper can hand out any number of them.
type Cursor struct {
	m   *Mapper
	enc Encoding
	// line is the current line; start, end and next are its start, the end
	// of its content and the start of the next line (len(src)+1 for the
	// last line, so that len(src) belongs to it).
	line, start, end, next int
	// pos is a rune start of the line, at or after start, and char its
	// character.
	pos, char int
}

// Cursor returns a Cursor converting offsets into positions in encoding enc.
func (m *Mapper) Cursor(enc Encoding) *Cursor {
	c := &Cursor{m: m, enc: enc}
	c.seek(0)
	return c
}

// seek makes line the current line of c, with pos at its start.
func (c *Cursor) seek(line int) {
	c.line = line
	c.start, c.end = c.m.lineBounds(line)
	c.next = len(c.m.src) + 1
	if line+1 < len(c.m.lineStarts) {
		c.next = c.m.lineStarts[line+1]
	}
	c.pos, c.char = c.start, 0
}

// Position returns the LSP position of byte offset off, as OffsetPosition(off,
// enc) does.
func (c *Cursor) Position(off int) (line, char int) {
	off = max(0, min(off, len(c.m.src)))
	switch {
	case off >= c.start && off < c.next:
		if off < c.pos {
			c.pos, c.char = c.start, 0
		}
	case off >= c.next && (c.line+2 >= len(c.m.lineStarts) || off < c.m.lineStarts[c.line+2]):
		c.seek(c.line + 1)
	default:
		c.seek(c.m.lineOf(off))
	}
	c.pos, c.char = c.m.advance(c.pos, c.char, min(off, c.end), c.end, c.enc)
	return c.line, c.char
}

// PositionOffset returns the byte offset of the LSP position {line, char},
// with char counted in encoding enc.
//
// It never panics, and the result is always in [0, len(src)], at a rune start
// and outside any "\r\n" break. Out-of-range positions are clamped: a negative
// line gives 0; a line past the last gives len(src); a negative char gives the
// start of the line; a char past the end of the line gives the end of the
// line's content (before its "\n" or "\r\n"). A char that falls in the middle
// of a rune (between the two UTF-16 units of a surrogate pair, or between the
// bytes of a multi-byte rune in UTF-8) gives the start of that rune.
func (m *Mapper) PositionOffset(line, char int, enc Encoding) int {
	if line < 0 {
		return 0
	}
	if line >= len(m.lineStarts) {
		return len(m.src)
	}
	start, end := m.lineBounds(line)
	pos, n := start, 0
	for n < char && pos < end {
		r, size := utf8.DecodeRune(m.src[pos:end])
		u := enc.units(r, size)
		if n+u > char {
			break // char is in the middle of this rune.
		}
		n += u
		pos += size
	}
	return pos
}

// RangeOffsets returns the byte offsets of the LSP range from {startLine,
// startChar} to {endLine, endChar}, each converted as PositionOffset does. If
// the end comes before the start, end is set to start, so that src[start:end]
// is always valid.
func (m *Mapper) RangeOffsets(startLine, startChar, endLine, endChar int, enc Encoding) (start, end int) {
	start = m.PositionOffset(startLine, startChar, enc)
	end = m.PositionOffset(endLine, endChar, enc)
	return start, max(start, end)
}
