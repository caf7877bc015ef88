package server

// This file tests Cursor against Mapper.OffsetPosition: every offset of the
// mapper test documents in increasing, decreasing, outline-like and arbitrary
// orders, in every encoding, and the FuzzCursor fuzz test.

import (
	"math/rand/v2"
	"testing"
)

// checkCursor converts offs with one Cursor per encoding and checks every
// answer against OffsetPosition.
func checkCursor(t *testing.T, src []byte, offs []int) {
	t.Helper()
	m := NewMapper(src)
	for _, enc := range encodings {
		c := m.Cursor(enc)
		for i, off := range offs {
			line, char := c.Position(off)
			wantLine, wantChar := m.OffsetPosition(off, enc)
			if line != wantLine || char != wantChar {
				t.Fatalf("%q, %v: offset %d (#%d of %v): Cursor.Position = (%d, %d), OffsetPosition = (%d, %d)",
					src, enc, off, i, offs, line, char, wantLine, wantChar)
			}
		}
	}
}

func TestCursor(t *testing.T) {
	docs := append([]string{
		"* [ ] a\n  * [ ] b\n* [ ] c\n## s\n* [ ] d",
		"x\xe4\xb8\xad\xe4\xb8\n\x80\x80y\r\r\n",
	}, seeds...)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, doc := range docs {
		src := []byte(doc)
		n := len(src)
		var up, down, outline []int
		for off := -2; off <= n+2; off++ {
			up = append(up, off)
			down = append(down, n-off)
			// Like an outline: a start, a bit later, then far ahead, then back.
			outline = append(outline, off, off+1, off+3, n-off/2, off+2)
		}
		shuffled := make([]int, 4*n+8)
		for i := range shuffled {
			shuffled[i] = rng.IntN(n+5) - 2
		}
		for _, offs := range [][]int{up, down, outline, shuffled} {
			checkCursor(t, src, offs)
		}
	}
}

// FuzzCursor checks, for arbitrary documents and sequences of offsets (two
// bytes each), that Cursor.Position agrees with OffsetPosition.
func FuzzCursor(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s), []byte{0, 3, 0, 1, 0, 9, 0, 2, 0, 0, 0, 40})
	}
	f.Fuzz(func(t *testing.T, src, ops []byte) {
		offs := make([]int, 0, len(ops)/2)
		for i := 0; i+1 < len(ops); i += 2 {
			offs = append(offs, (int(ops[i])<<8|int(ops[i+1]))%(len(src)+4)-2)
		}
		checkCursor(t, src, offs)
	})
}

// BenchmarkCursor converts the offsets of a 5,000-line document in
// increasing order, four per line, as an outline does.
func BenchmarkCursor(b *testing.B) {
	var src []byte
	for i := range 5000 {
		src = append(src, "* [ ] task 中文 😀 with some text "...)
		src = append(src, byte('0'+i%10), '\n')
	}
	m := NewMapper(src)
	var offs []int
	for i := range m.lineStarts {
		start, end := m.lineBounds(i)
		offs = append(offs, start, start+6, end, end)
	}
	for b.Loop() {
		c := m.Cursor(UTF16)
		for _, off := range offs {
			c.Position(off)
		}
	}
}
