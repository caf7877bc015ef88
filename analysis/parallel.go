// This file defines the parallel parse of a large file: the text is cut at
// top-level ATX headings into parts that goldmark parses on separate cores, and
// the parts' models are joined into one. Every cut is verified by the parses
// themselves, and any doubt falls back to the sequential parse.

package analysis

import (
	"bytes"
	"runtime"
	"sort"
	"sync"
)

// parallelMinSize is the smallest file parsed in parts: below it the parts'
// overhead outweighs the second core.
const parallelMinSize = 96 << 10

// parallelPartSize is the smallest part worth a goroutine of its own.
const parallelPartSize = 48 << 10

// parseParallel returns the model of src parsed in parts on up to
// runtime.GOMAXPROCS cores, before derive, or false when the file is small, has
// one core, or a cut cannot be verified; the caller then parses sequentially.
func parseParallel(src []byte, s Settings) (*Plan, bool) {
	if len(src) < parallelMinSize {
		return nil, false
	}
	k := min(runtime.GOMAXPROCS(0), len(src)/parallelPartSize, 8)
	if k < 2 {
		return nil, false
	}
	return parseParts(src, s, k)
}

// defLine is a line that may be a link reference definition.
type defLine struct {
	span  Span   // the line without its line break
	label string // normalised label
}

// parseParts parses src cut into up to k parts (fewer when there are not enough
// cut points) and joins them. Each part is parsed together with the line that
// starts the next part, which must come out as a top-level heading (so nothing
// of the part is still open there), and followed by a copy of every line of the
// file that looks like a link reference definition: definitions act on the whole
// file, so each part sees them all. The copies must all parse as definitions, in
// every part, and the lines they copy must be exactly the file's definitions.
func parseParts(src []byte, s Settings, k int) (*Plan, bool) {
	if k < 2 || len(src) == 0 || src[len(src)-1] != '\n' {
		return nil, false
	}
	fm := parseFrontMatter(src)
	cuts := cutPoints(src, k, fm)
	if len(cuts) == 0 {
		return nil, false
	}
	defs, ok := definitionLines(src)
	if !ok {
		return nil, false
	}
	var tail []byte // "\n" and the copies of the definition lines, if any
	if len(defs) > 0 {
		tail = append(tail, '\n')
	}
	copyAt := make([]int, len(defs)) // offset of each copy in tail
	for i, d := range defs {
		copyAt[i] = len(tail)
		tail = append(tail, src[d.span.Start:d.span.End]...)
		tail = append(tail, '\n')
	}

	// The parts: [bounds[i], bounds[i+1]).
	bounds := append(append([]int{0}, cuts...), len(src))
	parts := make([]*Plan, len(bounds)-1)
	failed := make([]bool, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					failed[i] = true
				}
			}()
			start, end := bounds[i], bounds[i+1]
			next := end // the end of the next part's heading line
			if end < len(src) {
				next = end + bytes.IndexByte(src[end:], '\n') + 1
			}
			sub := make([]byte, 0, next-start+len(tail))
			sub = append(sub, src[start:next]...)
			sub = append(sub, tail...)
			sp := &Plan{Src: sub}
			sp.Lines, sp.CRLF = lineStarts(sub)
			newBuilder(sp, s).extract(i == 0)
			parts[i] = sp
			if i > 0 && !boundaryAt(sp, 0) || end < len(src) && !boundaryAt(sp, end-start) {
				failed[i] = true
				return
			}
			// The copies must all be definitions, at their places.
			base := next - start
			n := 0
			for _, d := range sp.RefDefs {
				if d.Span.Start >= base {
					if n >= len(defs) || d.Span.Start != base+copyAt[n] || d.Span.Len() != defs[n].span.Len() {
						failed[i] = true
						return
					}
					n++
				}
			}
			failed[i] = n != len(defs)
		})
	}
	wg.Wait()
	for _, f := range failed {
		if f {
			return nil, false
		}
	}
	return joinParts(src, parts, bounds, defs, copyAt)
}

// joinParts joins the parts' models into the model of src: what starts inside a
// part's own text is kept and shifted to its place in src; the extra heading
// line and the definition copies are dropped, and destinations that point into
// a copy are moved to the definition it copies.
func joinParts(src []byte, parts []*Plan, bounds []int, defs []defLine, copyAt []int) (*Plan, bool) {
	p := &Plan{Src: src, FrontMatter: parts[0].FrontMatter}
	p.Lines, p.CRLF = lineStarts(src)
	for i, sp := range parts {
		start, end := bounds[i], bounds[i+1]
		own := end - start // the part's own text in sp
		next := own
		if end < len(src) {
			next = own + bytes.IndexByte(src[end:], '\n') + 1
		}
		base := next // where the copies begin in sp
		in := func(x Span) bool { return x.Start < own }
		ok := true
		move := func(x Span) Span {
			if x == (Span{}) && start > 0 {
				return x // no span
			}
			if x.Start >= base { // a destination in a copied definition
				for k, c := range copyAt {
					if c0 := base + c; x.Start >= c0 && x.End <= c0+defs[k].span.Len() {
						return Span{x.Start - c0 + defs[k].span.Start, x.End - c0 + defs[k].span.Start}
					}
				}
				ok = false
				return x
			}
			if x.End > own {
				ok = false // runs past the part
			}
			return Span{x.Start + start, x.End + start}
		}
		part := takeShifted(sp, in, move)
		p.Headings = append(p.Headings, part.Headings...)
		p.Tasks = append(p.Tasks, part.Tasks...)
		p.Lists = append(p.Lists, part.Lists...)
		p.Links = append(p.Links, part.Links...)
		p.RefDefs = append(p.RefDefs, part.RefDefs...)
		p.html = append(p.html, part.html...)
		p.Malformed = append(p.Malformed, part.Malformed...)
		p.Breaks = append(p.Breaks, part.Breaks...)
		p.Code = append(p.Code, part.Code...)
		if !ok {
			return nil, false
		}
	}
	// The lines copied must be exactly the file's definitions.
	if len(p.RefDefs) != len(defs) {
		return nil, false
	}
	for i, d := range p.RefDefs {
		if d.Span != defs[i].span {
			return nil, false
		}
	}
	return p, true
}

// cutPoints returns up to k-1 offsets, each the nearest to an equal fraction of
// src among those where a line starts, at column 0, with an ATX heading marker
// ("#" to "######" and a space, a tab or the line end) or is a thematic break
// after a blank line; only after the front matter and outside what a line scan
// sees as a code fence, an HTML comment or an HTML block. Whether the line
// really is a top-level heading or break is left to the parse.
func cutPoints(src []byte, k int, fm *FrontMatter) []int {
	from := 0
	if fm != nil {
		from = fm.Span.End
	}
	var cands []int
	var fence []byte // the opening fence while inside one
	comment, html, afterBlank := false, false, false
	for i := from; i < len(src); {
		end := len(src)
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			end = i + j
		}
		line := src[i:end]
		trimmed := bytes.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case fence != nil:
			if indent <= 3 && bytes.HasPrefix(trimmed, fence) && len(bytes.Trim(trimmed, string(fence[:1])+" \t\r")) == 0 {
				fence = nil
			}
		case comment:
			comment = !bytes.Contains(line, []byte("-->"))
		case html:
			html = len(bytes.TrimSpace(line)) > 0
		case indent <= 3 && (bytes.HasPrefix(trimmed, []byte("```")) || bytes.HasPrefix(trimmed, []byte("~~~"))):
			n := 0
			for n < len(trimmed) && trimmed[n] == trimmed[0] {
				n++
			}
			fence = trimmed[:n]
		case indent <= 3 && bytes.HasPrefix(trimmed, []byte("<!--")):
			comment = !bytes.Contains(trimmed[4:], []byte("-->"))
		case indent <= 3 && len(trimmed) > 1 && trimmed[0] == '<':
			html = true
		case indent == 0 && i > from && (atxMarker(src, i) || afterBlank && breakLine(line)):
			cands = append(cands, i)
		}
		afterBlank = len(bytes.TrimSpace(line)) == 0
		i = end + 1
	}
	var cuts []int
	for f := 1; f < k; f++ {
		want := len(src) * f / k
		j := sort.SearchInts(cands, want)
		if j > 0 && (j == len(cands) || want-cands[j-1] < cands[j]-want) {
			j--
		}
		if j < len(cands) && (len(cuts) == 0 || cands[j] > cuts[len(cuts)-1]) {
			cuts = append(cuts, cands[j])
		}
	}
	return cuts
}

// boundaryAt reports whether p has a top-level ATX heading or a top-level
// thematic break starting at off: after either, nothing of the text before is
// still open.
func boundaryAt(p *Plan, off int) bool {
	if topHeadingAt(p, off) {
		return true
	}
	i := sort.Search(len(p.Breaks), func(i int) bool { return p.Breaks[i].Start >= off })
	return i < len(p.Breaks) && p.Breaks[i].Start == off
}

// breakLine reports whether line (without its line break) is a thematic break
// made of three or more '-', '*' or '_' and spaces, starting at column 0.
func breakLine(line []byte) bool {
	line = bytes.TrimRight(line, " \t\r")
	if len(line) < 3 || line[0] != '-' && line[0] != '*' && line[0] != '_' {
		return false
	}
	n := 0
	for _, c := range line {
		switch c {
		case line[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// atxMarker reports whether the line at offset i starts with 1–6 '#' followed by
// a space, a tab, a line break or the end of the text.
func atxMarker(src []byte, i int) bool {
	n := 0
	for i+n < len(src) && src[i+n] == '#' {
		n++
	}
	if n == 0 || n > 6 || i+n >= len(src) {
		return n > 0 && n <= 6
	}
	c := src[i+n]
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// definitionLines returns every line of src that may be a link reference
// definition: up to three spaces, then "[", and "]:" further on. It reports false
// when two of them share a label (the first definition wins, which copies
// appended after a part could not preserve).
func definitionLines(src []byte) ([]defLine, bool) {
	var out []defLine
	seen := map[string]bool{}
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '\n')
		end := len(src)
		if j >= 0 {
			end = i + j
		}
		k := i
		for k < end && k-i < 3 && src[k] == ' ' {
			k++
		}
		if k < end && src[k] == '[' {
			if c := bytes.Index(src[k:end], []byte("]:")); c > 0 {
				label := normalizeLabel(src[k+1 : k+c])
				if seen[label] {
					return nil, false
				}
				seen[label] = true
				lineEnd := end
				if lineEnd > i && src[lineEnd-1] == '\r' {
					lineEnd--
				}
				for lineEnd > k && (src[lineEnd-1] == ' ' || src[lineEnd-1] == '\t') {
					lineEnd--
				}
				out = append(out, defLine{span: Span{k, lineEnd}, label: label})
			}
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	return out, true
}
