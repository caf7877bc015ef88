// This file defines the line diff of planls: Myers' algorithm over lines, used
// to turn a rewritten text back into minimal edits (fix-all) and to print
// unified diffs (planls fix --diff).

package analysis

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// splitLinesKeep splits text into lines that keep their line breaks.
func splitLinesKeep(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// diffOp replaces lines [aStart, aEnd) of a by lines [bStart, bEnd) of b.
type diffOp struct {
	aStart, aEnd, bStart, bEnd int
}

// myers computes a shortest line diff of a and b as replacement runs, giving up
// (false) beyond maxD differing lines.
func myers(a, b []string, maxD int) ([]diffOp, bool) {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil, true
	}
	offset := n + m + 1
	v := make([]int, 2*offset+1)
	// trace[d] holds v[offset-d : offset+d+1] as it was before step d.
	var trace [][]int
	found := false
	for d := 0; d <= n+m && d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v[max(0, offset-d):min(len(v), offset+d+1)]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
		if found {
			break
		}
	}
	if !found {
		return nil, false
	}
	// Walk back to collect which lines match.
	matchA := make([]int, 0)
	matchB := make([]int, 0)
	x, y := n, m
	for d := len(trace) - 1; d >= 0 && (x > 0 || y > 0); d-- {
		vv := trace[d]
		at := func(k int) int { return vv[k+d] } // vv starts at k = -d.
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := 0
		if d > 0 {
			prevX = at(prevK)
		}
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			matchA = append(matchA, x)
			matchB = append(matchB, y)
		}
		if d > 0 {
			x, y = prevX, prevY
		}
	}
	// Matches were collected backwards; turn the gaps between them into ops.
	var ops []diffOp
	pa, pb := 0, 0
	for i := len(matchA) - 1; i >= -1; i-- {
		ma, mb := n, m
		if i >= 0 {
			ma, mb = matchA[i], matchB[i]
		}
		if ma > pa || mb > pb {
			ops = append(ops, diffOp{aStart: pa, aEnd: ma, bStart: pb, bEnd: mb})
		}
		pa, pb = ma+1, mb+1
	}
	return ops, true
}

// diffLineOps returns the lines of a diff from a to b, each marked ' ' (kept),
// '-' (removed) or '+' (added), with the 0-based line numbers in a and b where it
// stands. A diff of more than maxDiffLines changed lines replaces the whole
// changed middle.
func diffLineOps(la, lb []string) []lineOp {
	pre := 0
	for pre < len(la) && pre < len(lb) && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	ops, ok := myers(la[pre:len(la)-suf], lb[pre:len(lb)-suf], maxDiffLines)
	if !ok {
		ops = []diffOp{{aStart: 0, aEnd: len(la) - suf - pre, bStart: 0, bEnd: len(lb) - suf - pre}}
	}
	var out []lineOp
	ai, bi := 0, 0
	keep := func(n int) {
		for range n {
			out = append(out, lineOp{' ', la[ai], ai, bi})
			ai++
			bi++
		}
	}
	keep(pre)
	for _, op := range ops {
		keep(pre + op.aStart - ai)
		for ; ai < pre+op.aEnd; ai++ {
			out = append(out, lineOp{'-', la[ai], ai, bi})
		}
		for ; bi < pre+op.bEnd; bi++ {
			out = append(out, lineOp{'+', lb[bi], ai, bi})
		}
	}
	keep(len(la) - ai)
	return out
}

// maxDiffLines bounds the work of a diff: beyond it the changed middle is
// replaced whole.
const maxDiffLines = 2000

// lineOp is one line of a diff.
type lineOp struct {
	kind byte // ' ', '-' or '+'
	text string
	a, b int // 0-based positions in a and b
}

// UnifiedDiff returns a unified diff (three lines of context) from a to b, with
// both sides labelled name, or "" when they are equal.
func UnifiedDiff(name string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	ops := diffLineOps(splitLinesKeep(a), splitLinesKeep(b))
	var w strings.Builder
	fmt.Fprintf(&w, "--- a/%s\n+++ b/%s\n", filepath.ToSlash(name), filepath.ToSlash(name))
	const context = 3
	// Group the changes into hunks.
	i := 0
	for i < len(ops) {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(0, i-context)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(len(ops), end+context)
				break
			}
			end = run
		}
		aStart, bStart, aLen, bLen := ops[start].a, ops[start].b, 0, 0
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&w, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, op := range ops[start:end] {
			w.WriteByte(op.kind)
			w.WriteString(op.text)
			if !strings.HasSuffix(op.text, "\n") {
				w.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return w.String()
}

// hunkRange formats the range of a hunk header (1-based start, count).
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return strconv.Itoa(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
