// This file tests the helpers of fix-all: the line diff that turns a rewritten
// file back into minimal edits, and the composition of two rounds of edits.

package analysis

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDiffEdits(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"", ""},
		{"", "a\n"},
		{"a\n", ""},
		{"a\nb\nc\n", "a\nc\n"},
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"a\nb\nc\n", "c\nb\na\n"},
		{"a\nb", "a\nb\n"},
		{"x\n- [ ] a\n- [ ] b\ny\n", "x\n- [ ] b\ny\n- [x] a\n"},
	} {
		edits := diffEdits([]byte(tc.a), []byte(tc.b))
		if err := CheckEdits(edits, len(tc.a)); err != nil {
			t.Fatalf("%q → %q: %v", tc.a, tc.b, err)
		}
		got, _ := ApplyEdits([]byte(tc.a), edits)
		if string(got) != tc.b {
			t.Errorf("%q → %q: got %q with %v", tc.a, tc.b, got, edits)
		}
	}
	// Random line shuffles and edits.
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 2000; i++ {
		var a, b []string
		for j := rng.IntN(12); j > 0; j-- {
			a = append(a, fmt.Sprintf("l%d\n", rng.IntN(5)))
		}
		for j := rng.IntN(12); j > 0; j-- {
			b = append(b, fmt.Sprintf("l%d\n", rng.IntN(5)))
		}
		as, bs := strings.Join(a, ""), strings.Join(b, "")
		edits := diffEdits([]byte(as), []byte(bs))
		if err := CheckEdits(edits, len(as)); err != nil {
			t.Fatalf("%q → %q: %v", as, bs, err)
		}
		if got, _ := ApplyEdits([]byte(as), edits); string(got) != bs {
			t.Fatalf("%q → %q: got %q", as, bs, got)
		}
	}
	// A line moved in a long file gives two small edits, not one big one.
	var lines []string
	for i := 0; i < 200; i++ {
		lines = append(lines, fmt.Sprintf("line %d\n", i))
	}
	a := strings.Join(lines, "")
	moved := append(append([]string{}, lines[:10]...), lines[11:150]...)
	moved = append(append(moved, lines[10]), lines[150:]...)
	edits := diffEdits([]byte(a), []byte(strings.Join(moved, "")))
	if len(edits) != 2 || edits[0].Span.Len() > 10 || edits[1].Span.Len() > 10 {
		t.Errorf("moving one line: %v", edits)
	}
}

func TestComposeEdits(t *testing.T) {
	src := []byte("- [ x] a\n- []b\n- [ ] c\n")
	first := []TextEdit{{Span: Span{2, 6}, NewText: "[x]"}, {Span: Span{11, 13}, NewText: "[ ] "}}
	mid, _ := ApplyEdits(src, first)
	// Delete the first line of mid and insert after the last.
	second := []TextEdit{{Span: Span{0, 8}}, {Span: Span{len(mid), len(mid)}, NewText: "- [x] a\n"}}
	want, _ := ApplyEdits(mid, second)
	got := composeEdits(src, first, mid, second)
	if err := CheckEdits(got, len(src)); err != nil {
		t.Fatal(err)
	}
	if out, _ := ApplyEdits(src, got); string(out) != string(want) {
		t.Errorf("composed %v gives %q, want %q", got, out, want)
	}
	for _, e := range got {
		if e.Span.Len() > 9 {
			t.Errorf("composition should stay small: %v", got)
		}
	}
}
