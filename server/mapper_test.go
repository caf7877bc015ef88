package server

// This file tests Mapper and Encoding: table tests for each kind of text, a
// cross-check against a naive reference implementation, an allocation check,
// and the FuzzMapperRoundTrip fuzz test.

import (
	"bytes"
	"fmt"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

var encodings = []Encoding{UTF8, UTF16, UTF32}

// family is the ZWJ sequence 👨‍👩‍👧: three 4-byte emoji (two UTF-16 units
// each) joined by two U+200D ZERO WIDTH JOINERs (3 bytes, one unit each), so
// 18 bytes, 8 UTF-16 units and 5 code points.
const family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"

func TestOffsetPosition(t *testing.T) {
	tests := []struct {
		name string
		src  string
		off  int
		// line is the expected line; c8, c16 and c32 are the expected
		// characters in UTF-8, UTF-16 and UTF-32.
		line, c8, c16, c32 int
	}{
		{"ascii start", "hello\nworld", 0, 0, 0, 0, 0},
		{"ascii mid", "hello\nworld", 3, 0, 3, 3, 3},
		{"ascii on newline", "hello\nworld", 5, 0, 5, 5, 5},
		{"ascii second line", "hello\nworld", 6, 1, 0, 0, 0},
		{"ascii end", "hello\nworld", 11, 1, 5, 5, 5},
		{"ascii past end", "hello\nworld", 99, 1, 5, 5, 5},
		{"ascii negative", "hello\nworld", -3, 0, 0, 0, 0},

		{"cjk after first", "中文\n字", 3, 0, 3, 1, 1},
		{"cjk line end", "中文\n字", 6, 0, 6, 2, 2},
		{"cjk second line", "中文\n字", 10, 1, 3, 1, 1},
		{"cjk mid-rune", "中文\n字", 4, 0, 3, 1, 1},
		{"cjk mid-rune last byte", "中文\n字", 5, 0, 3, 1, 1},

		{"emoji before", "a😀b", 1, 0, 1, 1, 1},
		{"emoji after", "a😀b", 5, 0, 5, 3, 2},
		{"emoji end", "a😀b", 6, 0, 6, 4, 3},
		{"emoji mid-rune", "a😀b", 3, 0, 1, 1, 1},
		{"first supplementary rune U+10000", "\U00010000x", 4, 0, 4, 2, 1},
		{"last BMP rune U+FFFF", "\uFFFFx", 3, 0, 3, 1, 1},
		{"zwj after first person", family + "x", 7, 0, 7, 3, 2},
		{"zwj mid-joiner", family + "x", 5, 0, 4, 2, 1},
		{"zwj after sequence", family + "x", 18, 0, 18, 8, 5},
		{"zwj end", family + "x", 19, 0, 19, 9, 6},

		{"combining after mark", "e\u0301x", 3, 0, 3, 2, 2},
		{"combining mid-mark", "e\u0301x", 2, 0, 1, 1, 1},
		{"combining end", "e\u0301x", 4, 0, 4, 3, 3},

		{"crlf on cr", "ab\r\ncd\r\n", 2, 0, 2, 2, 2},
		{"crlf on lf", "ab\r\ncd\r\n", 3, 0, 2, 2, 2},
		{"crlf second line", "ab\r\ncd\r\n", 4, 1, 0, 0, 0},
		{"crlf second on lf", "ab\r\ncd\r\n", 7, 1, 2, 2, 2},
		{"crlf end", "ab\r\ncd\r\n", 8, 2, 0, 0, 0},
		{"crlf empty lines on lf", "\r\n\r\n", 3, 1, 0, 0, 0},

		{"lone cr is content", "a\rb\nc", 2, 0, 2, 2, 2},
		{"lone cr line end", "a\rb\nc", 3, 0, 3, 3, 3},
		{"lone cr next line", "a\rb\nc", 4, 1, 0, 0, 0},
		{"trailing lone cr", "a\r", 2, 0, 2, 2, 2},
		{"trailing cr after lf", "a\n\r", 3, 1, 1, 1, 1},

		{"empty", "", 0, 0, 0, 0, 0},
		{"empty past end", "", 5, 0, 0, 0, 0},
		{"empty negative", "", -1, 0, 0, 0, 0},
		{"no trailing newline", "a\nb", 3, 1, 1, 1, 1},
		{"trailing newline", "a\n", 2, 1, 0, 0, 0},

		{"invalid byte", "a\xffb", 2, 0, 2, 2, 2},
		{"invalid end", "a\xffb\xe4\xb8", 5, 0, 5, 5, 5},
		{"truncated sequence bytes are single units", "a\xffb\xe4\xb8", 4, 0, 4, 4, 4},
		{"encoded surrogate is three invalid bytes", "\xed\xa0\x80z", 2, 0, 2, 2, 2},
		{"invalid then emoji", "\xff😀", 5, 0, 5, 3, 2},
	}
	for _, tt := range tests {
		m := NewMapper([]byte(tt.src))
		for _, enc := range encodings {
			want := map[Encoding]int{UTF8: tt.c8, UTF16: tt.c16, UTF32: tt.c32}[enc]
			line, char := m.OffsetPosition(tt.off, enc)
			if line != tt.line || char != want {
				t.Errorf("%s: OffsetPosition(%q, %d, %v) = (%d, %d), want (%d, %d)",
					tt.name, tt.src, tt.off, enc, line, char, tt.line, want)
			}
		}
	}
}

func TestPositionOffset(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		line, char int
		enc        Encoding
		want       int
	}{
		{"ascii", "hello\nworld", 0, 3, UTF16, 3},
		{"ascii char past line end", "hello\nworld", 0, 99, UTF16, 5},
		{"ascii second line", "hello\nworld", 1, 0, UTF16, 6},
		{"ascii last line past end", "hello\nworld", 1, 99, UTF16, 11},
		{"line past last", "hello\nworld", 2, 0, UTF16, 11},
		{"line far past last", "hello\nworld", 1 << 40, 3, UTF8, 11},
		{"negative line", "hello\nworld", -1, 5, UTF16, 0},
		{"negative char", "hello\nworld", 1, -4, UTF16, 6},
		{"huge char", "hello\nworld", 0, int(^uint(0) >> 1), UTF32, 5},

		{"cjk utf16", "中文", 0, 1, UTF16, 3},
		{"cjk utf32", "中文", 0, 2, UTF32, 6},
		{"cjk utf8", "中文", 0, 3, UTF8, 3},
		{"cjk utf8 mid-rune", "中文", 0, 4, UTF8, 3},

		{"emoji utf16 after", "a😀b", 0, 3, UTF16, 5},
		{"emoji utf16 mid-surrogate", "a😀b", 0, 2, UTF16, 1},
		{"emoji utf16 end", "a😀b", 0, 4, UTF16, 6},
		{"emoji utf8 mid-rune", "a😀b", 0, 3, UTF8, 1},
		{"emoji utf8 after", "a😀b", 0, 5, UTF8, 5},
		{"emoji utf32 after", "a😀b", 0, 2, UTF32, 5},
		{"zwj utf16 after sequence", family + "x", 0, 8, UTF16, 18},
		{"zwj utf16 mid-surrogate of last", family + "x", 0, 7, UTF16, 14},
		{"zwj utf32 after sequence", family + "x", 0, 5, UTF32, 18},

		{"combining utf16", "e\u0301x", 0, 2, UTF16, 3},
		{"combining utf8 mid-mark", "e\u0301x", 0, 2, UTF8, 1},

		{"crlf line end", "ab\r\ncd\r\n", 0, 2, UTF16, 2},
		{"crlf char past end stops before cr", "ab\r\ncd\r\n", 0, 5, UTF16, 2},
		{"crlf second line past end", "ab\r\ncd\r\n", 1, 9, UTF8, 6},
		{"crlf last empty line", "ab\r\ncd\r\n", 2, 0, UTF16, 8},
		{"crlf last empty line past end", "ab\r\ncd\r\n", 2, 5, UTF16, 8},
		{"crlf line past last", "ab\r\ncd\r\n", 3, 0, UTF16, 8},

		{"lone cr is a character", "a\rb\nc", 0, 2, UTF16, 2},
		{"lone cr line end", "a\rb\nc", 0, 9, UTF16, 3},
		{"trailing lone cr is content", "a\r", 0, 9, UTF16, 2},

		{"empty", "", 0, 0, UTF16, 0},
		{"empty past char", "", 0, 5, UTF16, 0},
		{"empty past line", "", 1, 0, UTF16, 0},
		{"no trailing newline", "a\nb", 1, 1, UTF16, 3},
		{"trailing newline last line", "a\n", 1, 0, UTF16, 2},

		{"invalid utf8", "a\xffb", 0, 2, UTF8, 2},
		{"invalid utf16", "a\xffb", 0, 2, UTF16, 2},
		{"invalid utf32", "a\xffb", 0, 2, UTF32, 2},
		{"truncated sequence", "\xe4\xb8z", 0, 1, UTF16, 1},
		{"unknown encoding acts as utf16", "😀b", 0, 2, Encoding(42), 4},
	}
	for _, tt := range tests {
		m := NewMapper([]byte(tt.src))
		if got := m.PositionOffset(tt.line, tt.char, tt.enc); got != tt.want {
			t.Errorf("%s: PositionOffset(%q, %d, %d, %v) = %d, want %d",
				tt.name, tt.src, tt.line, tt.char, tt.enc, got, tt.want)
		}
	}
}

func TestLineCount(t *testing.T) {
	tests := []struct {
		src  string
		want int
	}{
		{"", 1},
		{"a", 1},
		{"a\n", 2},
		{"a\nb", 2},
		{"\n\n", 3},
		{"a\r\nb\r\n", 3},
		{"a\rb\r", 1},
	}
	for _, tt := range tests {
		if got := NewMapper([]byte(tt.src)).LineCount(); got != tt.want {
			t.Errorf("LineCount(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}

func TestRangeOffsets(t *testing.T) {
	m := NewMapper([]byte("ab😀\r\ncd"))
	tests := []struct {
		name                                   string
		startLine, startChar, endLine, endChar int
		enc                                    Encoding
		wantStart, wantEnd                     int
	}{
		{"within line", 0, 1, 0, 4, UTF16, 1, 6},
		{"across lines", 0, 2, 1, 1, UTF16, 2, 9},
		{"whole line utf32", 0, 0, 0, 3, UTF32, 0, 6},
		{"end clamped", 0, 0, 9, 9, UTF8, 0, 10},
		{"inverted becomes empty", 1, 1, 0, 0, UTF16, 9, 9},
		{"negative start", -1, -1, 0, 1, UTF16, 0, 1},
	}
	for _, tt := range tests {
		start, end := m.RangeOffsets(tt.startLine, tt.startChar, tt.endLine, tt.endChar, tt.enc)
		if start != tt.wantStart || end != tt.wantEnd {
			t.Errorf("%s: RangeOffsets = (%d, %d), want (%d, %d)", tt.name, start, end, tt.wantStart, tt.wantEnd)
		}
	}
}

func TestEncoding(t *testing.T) {
	tests := []struct {
		name   string
		enc    Encoding
		wantOK bool
	}{
		{"utf-8", UTF8, true},
		{"utf-16", UTF16, true},
		{"utf-32", UTF32, true},
		{"UTF-16", UTF16, false},
		{"utf8", UTF16, false},
		{"", UTF16, false},
	}
	for _, tt := range tests {
		enc, ok := ParseEncoding(tt.name)
		if enc != tt.enc || ok != tt.wantOK {
			t.Errorf("ParseEncoding(%q) = (%v, %v), want (%v, %v)", tt.name, enc, ok, tt.enc, tt.wantOK)
		}
		if ok && enc.String() != tt.name {
			t.Errorf("ParseEncoding(%q).String() = %q", tt.name, enc.String())
		}
	}
	var zero Encoding
	if zero != UTF16 {
		t.Errorf("the zero Encoding is %v, want utf-16 (the LSP default)", zero)
	}
	if got := Encoding(42).String(); got != "Encoding(42)" {
		t.Errorf("Encoding(42).String() = %q", got)
	}
}

// TestMapperAllocs checks that conversions allocate nothing.
func TestMapperAllocs(t *testing.T) {
	m := NewMapper([]byte("line one\r\n中文 😀 text\nlast"))
	allocs := testing.AllocsPerRun(100, func() {
		for _, enc := range encodings {
			line, char := m.OffsetPosition(17, enc)
			_ = m.PositionOffset(line, char, enc)
			_, _ = m.RangeOffsets(0, 1, 1, 3, enc)
		}
	})
	if allocs != 0 {
		t.Errorf("conversions allocated %v times per run, want 0", allocs)
	}
}

// seeds are the documents FuzzMapperRoundTrip starts from and
// TestMapperMatchesReference checks at every offset.
var seeds = []string{
	"",
	"\n",
	"\r\n",
	"\r",
	"hello\nworld",
	"# plan\r\n\r\n## 1. doing\r\n* [ ] 中文任务 😀\r\n",
	"a😀b\n" + family + "\ne\u0301x",
	"a\rb\r\nc\n\r\n\r",
	"\xff\xfe\xe4\xb8\n\xed\xa0\x80\xf0\x9f\x98",
	"## 4. done\n* [x] 完成 👍🏽 task\n\t- [ ] sub\n",
}

// refPosition is a naive reference for OffsetPosition built from different
// primitives: range over string for rune starts, bytes.Count for the line, and
// utf16.Encode for UTF-16 units. It returns the position and the offset that
// position stands for after clamping and snapping.
func refPosition(src []byte, off int, enc Encoding) (line, char, snapped int) {
	off = max(0, min(off, len(src)))
	start := 0
	for i := range string(src) {
		if i > off {
			break
		}
		start = i
	}
	if off == len(src) {
		start = off
	}
	off = start
	if off > 0 && off < len(src) && src[off] == '\n' && src[off-1] == '\r' {
		off--
	}
	line = bytes.Count(src[:off], []byte("\n"))
	seg := src[bytes.LastIndexByte(src[:off], '\n')+1 : off]
	switch enc {
	case UTF8:
		char = len(seg)
	case UTF16:
		char = len(utf16.Encode([]rune(string(seg))))
	case UTF32:
		char = utf8.RuneCount(seg)
	}
	return line, char, off
}

// refOffset is a naive reference for PositionOffset: it splits the lines with
// bytes.Split and walks runes with range over string.
func refOffset(src []byte, line, char int, enc Encoding) int {
	if line < 0 {
		return 0
	}
	lines := bytes.Split(src, []byte("\n"))
	if line >= len(lines) {
		return len(src)
	}
	start := 0
	for _, l := range lines[:line] {
		start += len(l) + 1
	}
	content := lines[line]
	if line < len(lines)-1 {
		content = bytes.TrimSuffix(content, []byte("\r"))
	}
	n := 0
	for i, r := range string(content) {
		var u int
		switch enc {
		case UTF8:
			u = len(string(r))
			if r == utf8.RuneError {
				_, u = utf8.DecodeRune(content[i:])
			}
		case UTF16:
			u = len(utf16.Encode([]rune{r}))
		case UTF32:
			u = 1
		}
		if n+u > char {
			return start + i
		}
		n += u
	}
	return start + len(content)
}

// checkMapper checks every documented property of the Mapper for src: at
// every offset (and a little outside), OffsetPosition agrees with refPosition
// and PositionOffset maps the position back to the offset (snapped to a rune
// start and out of a "\r\n"); and for the position {line, char} derived from
// arbitrary ints, PositionOffset agrees with refOffset.
func checkMapper(t *testing.T, src []byte, line, char int) {
	t.Helper()
	m := NewMapper(src)
	for _, enc := range encodings {
		for off := -2; off <= len(src)+2; off++ {
			l, c := m.OffsetPosition(off, enc)
			wl, wc, snapped := refPosition(src, off, enc)
			if l != wl || c != wc {
				t.Fatalf("OffsetPosition(%q, %d, %v) = (%d, %d), want (%d, %d)", src, off, enc, l, c, wl, wc)
			}
			if got := m.PositionOffset(l, c, enc); got != snapped {
				t.Fatalf("%q %v: PositionOffset(OffsetPosition(%d)) = PositionOffset(%d, %d) = %d, want %d",
					src, enc, off, l, c, got, snapped)
			}
		}
		// The arbitrary ints, and the same ints folded into the document's
		// range so that they also hit real lines and characters.
		positions := [][2]int{
			{line, char},
			{line % (m.LineCount() + 1), char % (len(src) + 3)},
			{char % (m.LineCount() + 1), line % (len(src) + 3)},
		}
		for _, p := range positions {
			got := m.PositionOffset(p[0], p[1], enc)
			if want := refOffset(src, p[0], p[1], enc); got != want {
				t.Fatalf("PositionOffset(%q, %d, %d, %v) = %d, want %d", src, p[0], p[1], enc, got, want)
			}
			s, e := m.RangeOffsets(p[0], p[1], p[1], p[0], enc)
			if s < 0 || s > e || e > len(src) {
				t.Fatalf("RangeOffsets(%q, %d, %d, %d, %d, %v) = (%d, %d), not a valid span",
					src, p[0], p[1], p[1], p[0], enc, s, e)
			}
		}
	}
}

func TestMapperMatchesReference(t *testing.T) {
	for _, s := range seeds {
		for _, p := range [][2]int{{0, 0}, {1, 2}, {-1, 3}, {2, -1}, {1, 1 << 40}} {
			t.Run(fmt.Sprintf("%q/%d,%d", s, p[0], p[1]), func(t *testing.T) {
				checkMapper(t, []byte(s), p[0], p[1])
			})
		}
	}
}

// FuzzMapperRoundTrip checks, for arbitrary documents, that OffsetPosition and
// PositionOffset invert each other at every rune boundary outside a "\r\n" in
// all three encodings, agree with the naive references, and never panic on
// arbitrary line and character numbers. Each run checks every offset against
// quadratic references, so pass -fuzzminimizetime 3s when fuzzing: the default
// minutes-long minimisation of each new input otherwise stalls progress.
func FuzzMapperRoundTrip(f *testing.F) {
	for i, s := range seeds {
		f.Add([]byte(s), i, 3*i-4)
	}
	f.Add([]byte("x\n"), -1<<62, 1<<62)
	f.Fuzz(func(t *testing.T, src []byte, line, char int) {
		if len(src) > 256 {
			src = src[:256] // Keep the quadratic reference checks fast.
		}
		checkMapper(t, src, line, char)
	})
}

func BenchmarkMapper(b *testing.B) {
	var buf bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&buf, "* [ ] task %d 中文 😀 with some text\r\n", i)
	}
	src := buf.Bytes()
	m := NewMapper(src)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		off := (i * 7919) % len(src)
		line, char := m.OffsetPosition(off, UTF16)
		_ = m.PositionOffset(line, char, UTF16)
	}
}
