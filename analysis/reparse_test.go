// This file defines the property test of Reparse: on random edit sequences over
// the testdata plans and generated plans, the incremental result must equal a
// full parse of the same text, element for element (compared by Dump), and the
// test counts how often the incremental path was taken, so that a Reparse that
// always falls back cannot pass unnoticed.

package analysis

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"slices"
	"testing"
)

// randomEdit replaces a random small range of src with random text made of
// pieces that change Markdown structure as well as plain text.
func randomEdit(r *rand.Rand, src []byte) []byte {
	pieces := []string{"x", "任务", "🚀", " ", "\n", "\n\n", "- [ ] new task\n", "* [x] done\n", "## 9. new section\n",
		"```\n", "~~~", "<div>\n", "-->", "<!--", "[link](#doing)", "[r]: /x\n", "    ", "\t", "---\n", "===\n",
		"1. [ ] ordered\n", "  - [ ] sub\n", "\r\n", "#", "](", "[", "]", "`", "> ", "{#id}", "<a id=\"z\"></a>"}
	start := r.Intn(len(src) + 1)
	end := start
	if r.Intn(3) > 0 {
		end = min(len(src), start+r.Intn(12))
	}
	var ins []byte
	for range r.Intn(3) {
		ins = append(ins, pieces[r.Intn(len(pieces))]...)
	}
	out := append([]byte{}, src[:start]...)
	out = append(out, ins...)
	return append(out, src[end:]...)
}

func TestReparseEqualsParse(t *testing.T) {
	var sources [][]byte
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	for _, path := range paths {
		_, files := readTxtar(t, path)
		sources = append(sources, planSource(files))
	}
	for seed := int64(0); seed < 6; seed++ {
		sources = append(sources, GeneratePlan(seed, 40+int(seed)*30))
	}
	s := DefaultSettings()
	r := rand.New(rand.NewSource(1))
	incremental, total := 0, 0
	for si, src := range sources {
		cur := ParseWith(src, s)
		for step := 0; step < 60; step++ {
			next := randomEdit(r, cur.Src)
			inc, ok := reparse(cur, next, s)
			total++
			full := ParseWith(next, s)
			checkPlan(t, full)
			if !ok {
				cur = full
				continue
			}
			incremental++
			checkPlan(t, inc)
			if got, want := inc.Dump(), full.Dump(); got != want {
				t.Fatalf("source %d step %d: incremental parse differs from a full parse:\n%s", si, step, lineDiff(want, got))
			}
			if rp := Reparse(cur, next, s); rp.Dump() != full.Dump() {
				t.Fatalf("source %d step %d: Reparse differs from a full parse", si, step)
			}
			cur = inc
		}
	}
	t.Logf("%d of %d edits took the incremental path", incremental, total)
	if incremental < total/5 {
		t.Errorf("only %d of %d edits took the incremental path", incremental, total)
	}
}

// TestReparseItemEdits edits task lines of generated plans, the first items of
// lists included, and compares with full parses.
func TestReparseItemEdits(t *testing.T) {
	s := DefaultSettings()
	r := rand.New(rand.NewSource(5))
	incremental := 0
	for seed := int64(10); seed < 20; seed++ {
		cur := ParseWith(GeneratePlan(seed, 300), s)
		for step := 0; step < 40; step++ {
			task := cur.Tasks[r.Intn(len(cur.Tasks))]
			at := task.Line.Start + r.Intn(task.Line.Len()+1)
			pieces := []string{"x", "链接", " ", "[", "](#a)", "`", "*", "\n  more", "\n- [ ] split", "[ ]", "- ", "\n"}
			next := append(append(append([]byte{}, cur.Src[:at]...), pieces[r.Intn(len(pieces))]...), cur.Src[at:]...)
			inc, ok := reparse(cur, next, s)
			full := ParseWith(next, s)
			if ok {
				incremental++
				if got, want := inc.Dump(), full.Dump(); got != want {
					t.Fatalf("seed %d step %d: incremental parse differs:\n%s", seed, step, lineDiff(want, got))
				}
				cur = inc
			} else {
				cur = full
			}
		}
	}
	if incremental < 200 {
		t.Errorf("only %d of 400 task edits took the incremental path", incremental)
	}
}

func FuzzReparse(f *testing.F) {
	f.Add(GeneratePlan(3, 30), int64(1))
	f.Add([]byte("# a\n\n- [ ] x\n\n## b\n\n- [x] y\n"), int64(2))
	f.Fuzz(func(t *testing.T, src []byte, seed int64) {
		s := DefaultSettings()
		r := rand.New(rand.NewSource(seed))
		cur := ParseWith(src, s)
		for range 5 {
			next := randomEdit(r, cur.Src)
			inc := Reparse(cur, next, s)
			if got, want := inc.Dump(), ParseWith(next, s).Dump(); got != want {
				t.Fatalf("incremental parse differs from a full parse:\n%s", lineDiff(want, got))
			}
			cur = inc
		}
	})
}

// TestReparseTypingIsIncremental checks that typing into a task of a large plan
// (the case the server meets on every keystroke) takes the incremental path.
func TestReparseTypingIsIncremental(t *testing.T) {
	s := DefaultSettings()
	cur := ParseWith(GeneratePlan(7, 2000), s)
	task := cur.Tasks[len(cur.Tasks)/2]
	at := task.TextSpan.End
	for i, c := range []string{"a", "b", " ", "[", "链", "接", "]", "(", "#", "d", "\n  - [ ] sub", "x"} {
		next := append(append(append([]byte{}, cur.Src[:at]...), c...), cur.Src[at:]...)
		inc, ok := reparse(cur, next, s)
		if !ok {
			t.Fatalf("keystroke %d (%q) fell back to a full parse", i, c)
		}
		if inc.Dump() != ParseWith(next, s).Dump() {
			t.Fatalf("keystroke %d: incremental parse differs", i)
		}
		cur, at = inc, at+len(c)
	}
}

func BenchmarkReparseKeystroke(b *testing.B) {
	s := DefaultSettings()
	for _, n := range []int{100, 2000, 10000} {
		base := ParseWith(GeneratePlan(7, n), s)
		at := base.Tasks[len(base.Tasks)/2].TextSpan.End
		next := append(append(append([]byte{}, base.Src[:at]...), 'x'), base.Src[at:]...)
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Reparse(base, next, s)
			}
		})
	}
}

// TestEditedLineStarts checks the line table derived from the previous plan's
// against a fresh scan, on random edits with "\r\n", lone "\r" and "\n".
func TestEditedLineStarts(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	pieces := []string{"a", "\n", "\r\n", "\r", "\n\n", "x\r\ny", "任务"}
	src := []byte("# a\r\n\r\n- [ ] x\r\n- [ ] y\n\rz\r\n")
	for step := 0; step < 3000; step++ {
		old := &Plan{Src: src}
		old.Lines, old.CRLF = lineStarts(src)
		start := r.Intn(len(src) + 1)
		end := min(len(src), start+r.Intn(4))
		var ins []byte
		for range r.Intn(3) {
			ins = append(ins, pieces[r.Intn(len(pieces))]...)
		}
		next := append(append(append([]byte{}, src[:start]...), ins...), src[end:]...)
		gotLines, gotCRLF := editedLineStarts(old, next, start, end)
		wantLines, wantCRLF := lineStarts(next)
		if !slices.Equal(gotLines, wantLines) || gotCRLF != wantCRLF {
			t.Fatalf("step %d: %q → %q: lines %v crlf %v, want %v %v", step, src, next, gotLines, gotCRLF, wantLines, wantCRLF)
		}
		src = next
		if len(src) > 400 {
			src = src[len(src)-200:]
		}
	}
}
