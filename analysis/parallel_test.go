// This file tests the parallel parse: on every test plan, generated plans and
// random edits of them, parsing in parts must give the sequential parse.

package analysis

import (
	"math/rand"
	"path/filepath"
	"testing"
)

// checkParts compares the parse of src in k parts with the sequential parse and
// reports whether the parts were used.
func checkParts(t *testing.T, src []byte, k int) bool {
	t.Helper()
	s := DefaultSettings()
	pp, ok := parseParts(src, s, k)
	if !ok {
		return false
	}
	derive(pp, s)
	if got, want := pp.Dump(), parseSequential(src, s).Dump(); got != want {
		t.Fatalf("parse in %d parts differs from the sequential parse of %q:\n%s", k, truncate(src), lineDiff(want, got))
	}
	return true
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func TestParsePartsEqualsSequential(t *testing.T) {
	var sources [][]byte
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	for _, path := range paths {
		_, files := readTxtar(t, path)
		sources = append(sources, planSource(files))
	}
	for seed := int64(0); seed < 8; seed++ {
		sources = append(sources, GeneratePlan(seed, 20+int(seed)*60))
	}
	r := rand.New(rand.NewSource(3))
	used, total := 0, 0
	for _, src := range sources {
		cur := src
		for step := 0; step < 40; step++ {
			for k := 2; k <= 5; k++ {
				total++
				if checkParts(t, cur, k) {
					used++
				}
			}
			cur = randomEdit(r, cur)
		}
	}
	// The generated plans have headings to cut at: most parses must use parts.
	if used < total/4 {
		t.Errorf("only %d of %d parses used parts", used, total)
	}
	t.Logf("%d of %d parses in parts", used, total)
}

func TestParseParallelBigPlan(t *testing.T) {
	src := GeneratePlan(1, 10000)
	for k := 2; k <= 8; k++ {
		if !checkParts(t, src, k) {
			t.Fatalf("the 10,000-task plan was not parsed in %d parts", k)
		}
	}
}

// TestParsePartsLabelFolding: "ß" and "SS" are one label for goldmark (full
// Unicode case folding), so the first definition wins; a parse in parts, where
// the second definition comes first in its part, must not pick it.
func TestParsePartsLabelFolding(t *testing.T) {
	src := []byte("# A\n\n[ß]: /a\n\ntext\n\n# B\n\n[SS]: /b\n\n- [ ] see [ss]\n")
	checkParts(t, src, 2)
	p := parseSequential(src, DefaultSettings())
	var link *Link
	for _, l := range p.Links {
		if l.Form == FormReference {
			link = l
		}
	}
	if link == nil || link.Target != "/a" || string(src[link.Dest.Start:link.Dest.End]) != "/a" {
		t.Fatalf("the reference link should resolve to the first definition, /a: %+v", link)
	}
}
