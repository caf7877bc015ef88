// This file defines Reparse, the incremental parse used while the user types: it
// re-parses only the part of the file between the top-level headings around an
// edit and reuses (shifted) everything else of the previous plan, falling back to
// a full parse whenever the edit could change the structure beyond that part.

package analysis

import (
	"bytes"
	"sort"
)

// Reparse returns the plan of src, which is old.Src after an edit. old must have
// been parsed (by ParseWith or Reparse) with the same settings s. The result is
// the same as ParseWith(src, s) — a property test checks it on random edits —
// but when the edit stays between two top-level ATX headings only that part of
// the file is parsed again. Like ParseWith it never fails and never panics.
func Reparse(old *Plan, src []byte, s Settings) (p *Plan) {
	if old == nil || old.Err != "" || old.TooLarge || len(src) > MaxFileSize {
		return ParseWith(src, s)
	}
	defer func() {
		if r := recover(); r != nil {
			p = ParseWith(src, s)
		}
	}()
	if p, ok := reparse(old, src, s); ok {
		return p
	}
	return ParseWith(src, s)
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	const chunk = 4096
	for i+chunk <= n && bytes.Equal(a[i:i+chunk], b[i:i+chunk]) {
		i += chunk
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b that
// does not overlap a prefix of length pre.
func commonSuffix(a, b []byte, pre int) int {
	n := min(len(a), len(b)) - pre
	i := 0
	const chunk = 4096
	for i+chunk <= n && bytes.Equal(a[len(a)-i-chunk:len(a)-i], b[len(b)-i-chunk:len(b)-i]) {
		i += chunk
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// reparse is Reparse's incremental path; it reports false when a full parse is
// needed.
func reparse(old *Plan, src []byte, s Settings) (*Plan, bool) {
	pre := commonPrefix(old.Src, src)
	if pre == len(old.Src) && pre == len(src) {
		return nil, false // nothing changed; a full parse keeps the contract simple
	}
	suf := commonSuffix(old.Src, src, pre)
	editEnd := len(old.Src) - suf // end of the replaced bytes in old
	delta := len(src) - len(old.Src)

	// The edit must not touch the front matter, nor the first bytes of the
	// file, where front matter could appear.
	if pre < 4 || old.FrontMatter != nil && pre <= old.FrontMatter.Span.End {
		return nil, false
	}

	if p, ok := reparseItem(old, src, s, pre, editEnd, delta); ok {
		return p, true
	}

	// Chunk boundaries: top-level ATX headings at the start of their line.
	var bounds []int
	for _, h := range old.Headings {
		if h.TopLevel && !h.Setext && h.Span.Start < len(old.Src) && old.Src[h.Span.Start] == '#' {
			bounds = append(bounds, h.Span.Start)
		}
	}
	i := sort.SearchInts(bounds, pre) - 1 // the last boundary strictly before pre
	if i < 0 {
		return nil, false
	}
	start := bounds[i]
	endOld := len(old.Src)
	for _, b := range bounds[i+1:] {
		if b >= editEnd {
			endOld = b
			break
		}
	}
	endNew := endOld + delta
	if endOld < len(old.Src) && (endNew <= start || src[endNew-1] != '\n') {
		return nil, false
	}
	verify := func(sp *Plan, base, partEnd int) bool {
		return topHeadingAt(sp, base) && (endOld == len(old.Src) || topHeadingAt(sp, partEnd))
	}
	r, ok := reparseRegion(old, src, s, start, endOld, delta, verify)
	if !ok {
		return nil, false
	}
	derive(r.p, s)
	return r.p, true
}

// region is the result of reparseRegion: the new plan before derive, and what
// item-level reparsing needs to re-link lists.
type region struct {
	p       *Plan
	sub     *Plan
	listMap map[*List]*List
	base    int
	shift   int
}

// reparseRegion parses src[start:endOld+delta] again (old.Src[start:endOld] before
// the edit) and splices the result between the reused, shifted parts of old. The
// text parsed also holds the file's link reference definitions (first) and the
// line after the region (last); verify checks the parse of that text, given the
// offsets where the region starts and ends in it.
func reparseRegion(old *Plan, src []byte, s Settings, start, endOld, delta int, verify func(sp *Plan, base, partEnd int) bool) (region, bool) {
	endNew := endOld + delta
	// Link reference definitions act on the whole file: an edit near one, or one
	// that may add one, needs a full parse. The others are prepended to the part
	// parsed again, so that its reference links resolve.
	chunk := src[start:endNew]
	if bytes.Contains(chunk, []byte("]:")) {
		return region{}, false
	}
	var prefix []byte
	type defMove struct{ subStart, realStart, len int }
	var defs []defMove
	for _, d := range old.RefDefs {
		if d.Span.End > start && d.Span.Start < endOld {
			return region{}, false
		}
		real := d.Span.Start
		if real >= endOld {
			real += delta
		}
		defs = append(defs, defMove{len(prefix), real, d.Span.Len()})
		prefix = append(prefix, old.Src[d.Span.Start:d.Span.End]...)
		prefix = append(prefix, '\n')
	}
	if len(prefix) > 0 {
		prefix = append(prefix, '\n')
	}

	// Parse the prefix, the part, and the line of the next boundary heading (to
	// check that the part does not swallow it, as an open fence would).
	nextLineEnd := len(src)
	if endOld < len(old.Src) {
		if j := bytes.IndexByte(src[endNew:], '\n'); j >= 0 {
			nextLineEnd = endNew + j + 1
		}
	}
	sub := make([]byte, 0, len(prefix)+nextLineEnd-start)
	sub = append(sub, prefix...)
	sub = append(sub, src[start:nextLineEnd]...)
	sp := &Plan{Src: sub}
	sp.Lines, sp.CRLF = lineStarts(sub)
	newBuilder(sp, s).extract(false)
	base := len(prefix)
	partEnd := base + (endNew - start)
	if !verify(sp, base, partEnd) {
		return region{}, false
	}
	shiftSub := start - base // sub offset → src offset
	inPart := func(sp Span) bool { return sp.Start >= base && sp.Start < partEnd }
	fromSub := func(x Span) Span {
		if x == (Span{}) {
			return x // no span (a destination that was not found)
		}
		if x.Start >= base {
			return Span{x.Start + shiftSub, x.End + shiftSub}
		}
		// A reference link's destination in the prefix: map it to the definition.
		for _, d := range defs {
			if x.Start >= d.subStart && x.Start <= d.subStart+d.len {
				return Span{x.Start - d.subStart + d.realStart, x.End - d.subStart + d.realStart}
			}
		}
		return Span{}
	}
	fromOld := func(x Span) Span {
		if x.Start >= endOld {
			return Span{x.Start + delta, x.End + delta}
		}
		return x
	}
	before := func(x Span) bool { return x.Start < start }
	after := func(x Span) bool { return x.Start >= endOld }

	p := &Plan{Src: src, FrontMatter: old.FrontMatter}
	p.Lines, p.CRLF = editedLineStarts(old, src, start, endOld)

	// Headings.
	for _, h := range old.Headings {
		if before(h.Span) || after(h.Span) {
			c := *h
			c.Span, c.TextSpan, c.Section = fromOld(h.Span), fromOld(h.TextSpan), nil
			p.Headings = append(p.Headings, &c)
		}
	}
	part := takeShifted(sp, inPart, fromSub)
	p.Headings = spliceSorted(p.Headings, part.Headings, func(h *Heading) int { return h.Span.Start })

	// Tasks and lists, with their pointers re-linked to the copies.
	// The copies are allocated together, and found by the old task's Index
	// (its position in old.Tasks) instead of a map: this loop runs on every
	// keystroke over every task of the file.
	copies := make([]Task, len(old.Tasks))
	taskMap := make([]*Task, len(old.Tasks))
	listMap := make(map[*List]*List, len(old.Lists))
	tasks := make([]*Task, 0, len(old.Tasks))
	for i, t := range old.Tasks {
		if t.Index != i {
			return region{}, false // not a derived plan
		}
		if before(t.Span) || after(t.Span) {
			c := &copies[i]
			*c = *t
			c.Span, c.Line, c.Marker, c.Checkbox, c.TextSpan = fromOld(t.Span), fromOld(t.Line), fromOld(t.Marker), fromOld(t.Checkbox), fromOld(t.TextSpan)
			c.Section = nil
			taskMap[i] = c
			tasks = append(tasks, c)
		}
	}
	taskCopy := func(t *Task) *Task {
		if t == nil || t.Index < 0 || t.Index >= len(taskMap) {
			return nil
		}
		return taskMap[t.Index]
	}
	listCopies := make([]List, len(old.Lists))
	var lists []*List
	for i, l := range old.Lists {
		// A list around the region (item-level reparsing) is kept too.
		if before(l.Span) || after(l.Span) || l.Span.Start <= start && l.Span.End >= endOld {
			c := &listCopies[i]
			*c = *l
			c.Span, c.Section = fromOld(l.Span), nil
			c.Items = make([]Span, len(l.Items))
			for k, it := range l.Items {
				c.Items[k] = fromOld(it)
			}
			listMap[l] = c
			lists = append(lists, c)
		}
	}
	for _, t := range tasks {
		if t.Parent != nil {
			t.Parent = taskCopy(t.Parent)
		}
		if len(t.Children) > 0 {
			kids := make([]*Task, len(t.Children))
			for k, ch := range t.Children {
				kids[k] = taskCopy(ch)
			}
			t.Children = kids
		}
		t.List = listMap[t.List]
	}
	for _, l := range lists {
		if l.Parent != nil {
			l.Parent = taskCopy(l.Parent)
		}
	}
	p.Tasks = spliceSorted(tasks, part.Tasks, func(t *Task) int { return t.Span.Start })
	p.Lists = spliceSorted(lists, part.Lists, func(l *List) int { return l.Span.Start })

	// Links, definitions, HTML anchors, near misses, breaks and code.
	for _, l := range old.Links {
		if before(l.Span) || after(l.Span) {
			c := *l
			c.Span, c.Dest = fromOld(l.Span), fromOld(l.Dest)
			p.Links = append(p.Links, &c)
		}
	}
	p.Links = append(p.Links, part.Links...)
	for _, d := range old.RefDefs {
		c := *d
		c.Span, c.LabelSpan, c.Dest = fromOld(d.Span), fromOld(d.LabelSpan), fromOld(d.Dest)
		p.RefDefs = append(p.RefDefs, &c)
	}
	for _, a := range old.html {
		if before(a.Span) || after(a.Span) {
			c := *a
			c.Span = fromOld(a.Span)
			p.html = append(p.html, &c)
		}
	}
	p.html = append(p.html, part.html...)
	sort.SliceStable(p.html, func(i, j int) bool { return p.html[i].Span.Start < p.html[j].Span.Start })
	for _, m := range old.Malformed {
		if before(m.Span) || after(m.Span) {
			c := *m
			c.Span, c.Line = fromOld(m.Span), fromOld(m.Line)
			p.Malformed = append(p.Malformed, &c)
		}
	}
	p.Malformed = append(p.Malformed, part.Malformed...)
	sort.SliceStable(p.Malformed, func(i, j int) bool { return p.Malformed[i].Span.Start < p.Malformed[j].Span.Start })
	for _, b := range old.Breaks {
		if before(b) || after(b) {
			p.Breaks = append(p.Breaks, fromOld(b))
		}
	}
	p.Breaks = append(p.Breaks, part.Breaks...)
	sort.Slice(p.Breaks, func(i, j int) bool { return p.Breaks[i].Start < p.Breaks[j].Start })
	for _, c := range old.Code {
		if before(c) || after(c) {
			p.Code = append(p.Code, fromOld(c))
		}
	}
	p.Code = append(p.Code, part.Code...)
	return region{p: p, sub: sp, listMap: listMap, base: base, shift: shiftSub}, true
}

// takeShifted returns the elements of sp (a scratch parse of part of a file)
// whose span keep accepts, with every span of them mapped by move to the
// file's offsets. The elements are moved, not copied: sp is not used again.
func takeShifted(sp *Plan, keep func(Span) bool, move func(Span) Span) *Plan {
	out := &Plan{}
	for _, h := range sp.Headings {
		if keep(h.Span) {
			h.Span, h.TextSpan = move(h.Span), move(h.TextSpan)
			out.Headings = append(out.Headings, h)
		}
	}
	for _, t := range sp.Tasks {
		if keep(t.Span) {
			t.Span, t.Line, t.Marker, t.Checkbox, t.TextSpan = move(t.Span), move(t.Line), move(t.Marker), move(t.Checkbox), move(t.TextSpan)
			out.Tasks = append(out.Tasks, t)
		}
	}
	for _, l := range sp.Lists {
		if keep(l.Span) {
			l.Span = move(l.Span)
			for k, it := range l.Items {
				l.Items[k] = move(it)
			}
			out.Lists = append(out.Lists, l)
		}
	}
	for _, l := range sp.Links {
		if keep(l.Span) {
			l.Span, l.Dest = move(l.Span), move(l.Dest)
			out.Links = append(out.Links, l)
		}
	}
	for _, d := range sp.RefDefs {
		if keep(d.Span) {
			d.Span, d.LabelSpan, d.Dest = move(d.Span), move(d.LabelSpan), move(d.Dest)
			out.RefDefs = append(out.RefDefs, d)
		}
	}
	for _, a := range sp.html {
		if keep(a.Span) {
			a.Span = move(a.Span)
			out.html = append(out.html, a)
		}
	}
	for _, m := range sp.Malformed {
		if keep(m.Span) {
			m.Span, m.Line = move(m.Span), move(m.Line)
			out.Malformed = append(out.Malformed, m)
		}
	}
	for _, b := range sp.Breaks {
		if keep(b) {
			out.Breaks = append(out.Breaks, move(b))
		}
	}
	for _, c := range sp.Code {
		if keep(c) {
			out.Code = append(out.Code, move(c))
		}
	}
	return out
}

// topHeadingAt reports whether p has a top-level ATX heading starting at off.
func topHeadingAt(p *Plan, off int) bool {
	i := sort.Search(len(p.Headings), func(i int) bool { return p.Headings[i].Span.Start >= off })
	if i == len(p.Headings) {
		return false
	}
	h := p.Headings[i]
	return h.Span.Start == off && h.TopLevel && !h.Setext && off < len(p.Src) && p.Src[off] == '#'
}

// spliceSorted merges part (sorted) into all (sorted, without elements in part's
// range) by the key start.
func spliceSorted[T any](all, part []T, start func(T) int) []T {
	if len(part) == 0 {
		return all
	}
	at := sort.Search(len(all), func(i int) bool { return start(all[i]) >= start(part[0]) })
	out := make([]T, 0, len(all)+len(part))
	out = append(out, all[:at]...)
	out = append(out, part...)
	return append(out, all[at:]...)
}

// reparseItem reparses only the top-level list item an edit falls in, when the
// edit keeps it an item of the same list: no blank line inside the item before or
// after (so the list stays tight or loose as it was), a next item to check the
// item's end against, and no reference definition involved.
func reparseItem(old *Plan, src []byte, s Settings, pre, editEnd, delta int) (*Plan, bool) {
	var list *List
	k := -1
	for _, l := range old.Lists {
		if l.Parent != nil || l.Span.Start > pre || l.Span.End < editEnd || l.Indent != 0 {
			continue
		}
		for i, it := range l.Items {
			if it.Start <= pre && editEnd <= it.End {
				list, k = l, i
			}
		}
	}
	if list == nil || pre == list.Items[k].Start {
		return nil, false
	}
	item := list.Items[k]
	c := old.Src[item.Start]
	if c != '-' && c != '*' && c != '+' && (c < '0' || c > '9') {
		return nil, false
	}
	if k == 0 && !startsBlock(old, item.Start) {
		// The list interrupts a paragraph: an edit that empties the item or
		// renumbers it turns the line into paragraph text or a setext underline.
		return nil, false
	}
	// The region ends at the next item, or, after the last item, at the next line
	// that is not blank (which must start at column 0, so that it cannot belong
	// to the item), or at the end of the file.
	nextOld := len(old.Src)
	items := 1
	if k+1 < len(list.Items) {
		nextOld, items = list.Items[k+1].Start, 2
	} else {
		for line := old.LineOf(item.End) + 1; line < len(old.Lines); line++ {
			ls := old.LineStart(line)
			if !isBlankLine(old.Src, ls) {
				if c := old.Src[ls]; c == ' ' || c == '\t' {
					return nil, false
				}
				nextOld = ls
				break
			}
		}
	}
	newItemText := src[item.Start : item.End+delta]
	if hasBlankLine(old.Src[item.Start:item.End]) || hasBlankLine(newItemText) {
		return nil, false
	}
	verify := func(sp *Plan, base, partEnd int) bool {
		for _, l := range sp.Lists {
			// The indent tells the item's own list from a list that the edit
			// starts inside it on the same line ("* * [ ] a"): item spans of
			// both start at the line.
			if l.Parent == nil && len(l.Items) == items && l.Items[0].Start == base && l.Indent == list.Indent &&
				(items == 1 || l.Items[1].Start == partEnd) && l.Marker == list.Marker && l.Ordered == list.Ordered {
				return l.Items[0].End == base+len(newItemText)
			}
		}
		return false
	}
	r, ok := reparseRegion(old, src, s, item.Start, nextOld, delta, verify)
	if !ok {
		return nil, false
	}
	// Re-link the item to its list: the sub-parse made a list of its own.
	lc := r.listMap[list]
	if lc == nil {
		return nil, false
	}
	lc.Items[k] = Span{item.Start, item.End + delta}
	lc.Span = Span{lc.Items[0].Start, lc.Items[len(lc.Items)-1].End}
	var subList *List
	for _, l := range r.sub.Lists {
		if l.Parent == nil && len(l.Items) == items && l.Items[0].Start == item.Start && l.Indent == list.Indent {
			subList = l
		}
	}
	kept := r.p.Lists[:0]
	for _, l := range r.p.Lists {
		if l != subList {
			kept = append(kept, l)
		}
	}
	r.p.Lists = kept
	for _, t := range r.p.Tasks {
		if t.List == subList {
			t.List = lc
		}
	}
	derive(r.p, s)
	return r.p, true
}

// startsBlock reports whether the line at off (a line start) cannot continue a
// paragraph: it is the first line of the file, or follows a blank line or an ATX
// heading.
func startsBlock(p *Plan, off int) bool {
	line := p.LineOf(off)
	if line == 0 {
		return true
	}
	prev := p.LineStart(line - 1)
	if isBlankLine(p.Src, prev) {
		return true
	}
	i := sort.Search(len(p.Headings), func(i int) bool { return p.Headings[i].Span.End >= prev })
	return i < len(p.Headings) && !p.Headings[i].Setext && p.Headings[i].Span.Start == prev
}

// hasBlankLine reports whether text holds a line of only white space between
// two line breaks.
func hasBlankLine(text []byte) bool {
	for i := bytes.IndexByte(text, '\n'); i >= 0; {
		if isBlankLine(text, i+1) && bytes.IndexByte(text[i+1:], '\n') >= 0 {
			return true
		}
		j := bytes.IndexByte(text[i+1:], '\n')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}
