// This file defines Parse: it runs goldmark over a plan file and turns its syntax
// tree into the plan model of plan.go (headings, sections, tasks, lists, links,
// reference definitions, anchors), with exact byte spans.

package analysis

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"net/url"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown is the goldmark instance shared by every parse: CommonMark plus the GFM
// extensions that change structure (tables, strikethrough, autolinks) and heading
// attributes for {#id}. goldmark's own task-list extension is not used: planls's
// rule for checkboxes differs (see taskCheckbox).
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithAttribute()),
)

// MaxFileSize is the size above which a file is not analysed: its plan is empty
// with TooLarge set, and the file-too-large diagnostic says so. Parsing runs at
// about 10 MB/s, so the limit keeps every answer under two seconds.
const MaxFileSize = 16 << 20

// keySeed seeds the hashes of task keys (Task.keyHash).
var keySeed = maphash.MakeSeed()

// defaultSettings are the settings Parse uses.
var defaultSettings = DefaultSettings()

// Parse parses src with the default settings. It never fails and never panics.
func Parse(src []byte) *Plan { return ParseWith(src, defaultSettings) }

// ParseWith parses src into a Plan; of the settings it uses the done names, the
// section state bindings and ExtendedStatuses. It never fails: any text gives a
// model, and an internal error degrades to an empty model with Err set instead of
// a panic.
func ParseWith(src []byte, s Settings) (p *Plan) {
	lines, crlf := lineStarts(src)
	if len(src) > MaxFileSize {
		return &Plan{Src: src, Lines: lines, CRLF: crlf, TooLarge: true}
	}
	defer func() {
		if r := recover(); r != nil {
			p = &Plan{Src: src, Lines: lines, CRLF: crlf, Err: fmt.Sprintf("internal error while parsing: %v", r)}
		}
	}()
	if pp, ok := parseParallel(src, s); ok {
		derive(pp, s)
		return pp
	}
	p = &Plan{Src: src, Lines: lines, CRLF: crlf}
	newBuilder(p, s).extract(true)
	derive(p, s)
	return p
}

// parseSequential is ParseWith without the parallel parse (for tests).
func parseSequential(src []byte, s Settings) *Plan {
	p := &Plan{Src: src}
	p.Lines, p.CRLF = lineStarts(src)
	newBuilder(p, s).extract(true)
	derive(p, s)
	return p
}

// newBuilder returns a builder that extracts the model of p.Src into p.
func newBuilder(p *Plan, s Settings) *builder {
	return &builder{p: p, src: p.Src, opt: s, tasks: map[ast.Node]*Task{}, lists: map[ast.Node]*List{}}
}

// builder carries the state of one parse.
type builder struct {
	p     *Plan
	src   []byte
	opt   Settings
	tasks map[ast.Node]*Task
	lists map[ast.Node]*List
	refs  map[string]*RefDef
}

// extract runs goldmark over the plan's source and records what the text itself
// says: headings, tasks, lists, links, definitions, HTML anchors, breaks, code
// and near-miss checkboxes. What depends on the whole file (sections, roles,
// anchors with their repeat numbers, task indexes) is left to derive. Front
// matter is recognised only when frontMatter is true (a whole file, not a part).
func (b *builder) extract(frontMatter bool) {
	p := b.p
	input := b.src
	if fm := parseFrontMatter(b.src); frontMatter && fm != nil {
		p.FrontMatter = fm
		p.Code = append(p.Code, fm.Span)
		input = maskSpan(b.src, fm.Span)
	}
	doc := markdown.Parser().Parse(text.NewReader(input))
	var refLinks []*Link
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Heading:
			h := b.heading(v)
			h.TopLevel = v.Parent() == doc
		case *ast.ListItem:
			b.listItem(v)
		case *ast.Link:
			l := b.link(v, v.Pos(), v.Destination, v.Reference, false)
			if l.Form == FormReference {
				refLinks = append(refLinks, l)
			}
		case *ast.Image:
			l := b.link(v, v.Pos(), v.Destination, v.Reference, true)
			if l.Label != "" {
				refLinks = append(refLinks, l)
			}
		case *ast.AutoLink:
			b.autoLink(v)
		case *ast.RawHTML:
			b.rawHTML(v)
		case *ast.CodeSpan:
			b.codeSpan(v)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			p.Code = append(p.Code, Span{b.lineStartAt(b.pos(n)), b.nodeEnd(n)})
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			sp := Span{b.lineStartAt(b.pos(n)), b.nodeEnd(n)}
			p.Code = append(p.Code, sp)
			b.htmlAnchors(sp)
			return ast.WalkSkipChildren, nil
		case *ast.LinkReferenceDefinition:
			b.refDef(v)
		case *ast.ThematicBreak:
			if v.Parent() == doc {
				at := b.pos(n)
				p.Breaks = append(p.Breaks, Span{b.lineStartAt(at), b.lineEndAt(at)})
			}
		}
		return ast.WalkContinue, nil
	})
	for _, l := range refLinks {
		if d, ok := b.refs[l.Label]; ok {
			l.Dest = d.Dest
		}
	}
	b.trimTrailingComments()
}

// derive computes what depends on the whole file from the extracted parts:
// sections and their roles, heading anchors with repeat numbers, every task's
// and list's section, task indexes, and the sorted order of code and links.
func derive(p *Plan, s Settings) {
	sort.SliceStable(p.Code, func(i, j int) bool { return p.Code[i].Start < p.Code[j].Start })
	sort.SliceStable(p.Links, func(i, j int) bool { return p.Links[i].Span.Start < p.Links[j].Span.Start })
	sort.SliceStable(p.Lists, func(i, j int) bool { return p.Lists[i].Span.Start < p.Lists[j].Span.Start })
	for i, t := range p.Tasks {
		t.Index = i
	}
	b := &builder{p: p, src: p.Src, opt: s}
	b.sections(p.Headings)
	b.anchors(p.Headings)
	b.place()
	p.parsedWith = parseKey(s)
}

// parseKey returns the settings that ParseWith depends on (done names, section
// state bindings, extended statuses) as a string that is equal for settings
// that parse alike.
func parseKey(s Settings) string {
	var b strings.Builder
	fmt.Fprintf(&b, "x=%v\x00", s.ExtendedStatuses)
	for _, n := range s.DoneNames {
		b.WriteString(n)
		b.WriteByte(0)
	}
	keys := make([]string, 0, len(s.Sections))
	for k := range s.Sections {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\x01%s=%s", k, s.Sections[k])
	}
	return b.String()
}

// trimTrailingComments removes HTML comments (and the space before them) from the
// end of task and heading text: an invisible "<!-- note -->" at the end of a line
// is not part of what the line says.
func (b *builder) trimTrailingComments() {
	trim := func(sp Span) Span {
		for sp.End > sp.Start && bytes.HasSuffix(b.src[sp.Start:sp.End], []byte("-->")) {
			i := sort.Search(len(b.p.Code), func(i int) bool { return b.p.Code[i].End >= sp.End })
			if i == len(b.p.Code) || b.p.Code[i].End != sp.End || b.p.Code[i].Start < sp.Start {
				break
			}
			sp.End = trimRightSpace(b.src, sp.Start, b.p.Code[i].Start)
		}
		return sp
	}
	sort.SliceStable(b.p.Code, func(i, j int) bool { return b.p.Code[i].Start < b.p.Code[j].Start })
	for _, t := range b.p.Tasks {
		if sp := trim(t.TextSpan); sp != t.TextSpan && sp.End > sp.Start {
			t.TextSpan = sp
			t.Text = string(b.src[sp.Start:sp.End])
			t.Line.End = sp.End
		}
	}
	for _, h := range b.p.Headings {
		h.TextSpan = trim(h.TextSpan)
	}
}

// pos returns a node's start offset clamped into the source.
func (b *builder) pos(n ast.Node) int {
	at := n.Pos()
	if at < 0 {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			at = n.Lines().At(0).Start
		} else {
			at = 0
		}
	}
	return clamp(at, 0, len(b.src))
}

// lineStartAt returns the start of the line holding offset off.
func (b *builder) lineStartAt(off int) int {
	return b.p.LineStart(b.p.LineOf(off))
}

// lineEndAt returns the end of the content of the line holding off (before its
// line break).
func (b *builder) lineEndAt(off int) int {
	return b.p.LineEnd(b.p.LineOf(off))
}

// nodeEnd returns the end of the last line a block node covers, without its line
// break: the maximum over the node's own lines and every descendant block.
func (b *builder) nodeEnd(n ast.Node) int {
	end := b.lineEndAt(b.pos(n))
	if n.Type() == ast.TypeBlock {
		if lines := n.Lines(); lines.Len() > 0 {
			last := lines.At(lines.Len() - 1)
			stop := clamp(last.Stop, 0, len(b.src))
			if stop > last.Start {
				stop--
			}
			end = max(end, b.lineEndAt(stop))
		}
		switch v := n.(type) {
		case *ast.FencedCodeBlock:
			end = b.fenceEnd(v, end)
		case *ast.HTMLBlock:
			if v.HasClosure() {
				end = max(end, b.lineEndAt(clamp(v.ClosureLine.Start, 0, len(b.src))))
			}
		case *ast.Heading:
			if b.isSetext(v) {
				end = b.nextLineEnd(end)
			}
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Type() == ast.TypeBlock {
			end = max(end, b.nodeEnd(c))
		}
	}
	return end
}

// trimBlankTail moves end back over trailing blank lines (and the line break
// before them) but not before start: an unclosed fence or HTML block inside an
// item can own blank lines that are not part of the item's visible block.
func (b *builder) trimBlankTail(start, end int) int {
	for end > start {
		line := b.p.LineOf(end)
		ls := b.p.LineStart(line)
		if line == 0 || ls <= start {
			break
		}
		if ls == end || isBlankLine(b.src[:end], ls) {
			end = b.p.LineEnd(line - 1)
			continue
		}
		break
	}
	return end
}

// nextLineEnd returns the end of the line after the one ending at end, or end
// when there is none.
func (b *builder) nextLineEnd(end int) int {
	line := b.p.LineOf(end) + 1
	if line >= len(b.p.Lines) {
		return end
	}
	return b.p.LineEnd(line)
}

// fenceEnd extends the end of a fenced code block over its closing fence line.
func (b *builder) fenceEnd(v *ast.FencedCodeBlock, end int) int {
	open := b.pos(v)
	i := open
	for i < len(b.src) && (b.src[i] == ' ' || b.src[i] == '\t' || b.src[i] == '>') {
		i++
	}
	if i >= len(b.src) || (b.src[i] != '`' && b.src[i] != '~') {
		return end
	}
	fc := b.src[i]
	n := runLen(b.src, i, fc)
	line := b.p.LineOf(end) + 1
	if line >= len(b.p.Lines) {
		return end
	}
	j := b.p.LineStart(line)
	lineEnd := b.p.LineEnd(line)
	for j < lineEnd && (b.src[j] == ' ' || b.src[j] == '\t' || b.src[j] == '>') {
		j++
	}
	if m := runLen(b.src[:lineEnd], j, fc); m >= n && isBlankLine(b.src[:lineEnd], j+m) {
		return lineEnd
	}
	return end
}

// isSetext reports whether a heading is underlined rather than opened by '#'.
func (b *builder) isSetext(h *ast.Heading) bool {
	at := b.pos(h)
	for at < len(b.src) && (b.src[at] == ' ' || b.src[at] == '\t' || b.src[at] == '>') {
		at++
	}
	// An ATX opening is 1 to 6 '#' followed by a space, a tab or the line's
	// end: a setext heading's text may start with '#' too ("#tag\n---").
	n := 0
	for at+n < len(b.src) && b.src[at+n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return true
	}
	if at+n == len(b.src) {
		return false
	}
	c := b.src[at+n]
	return c != ' ' && c != '\t' && c != '\n' && c != '\r'
}

// heading records a heading.
func (b *builder) heading(v *ast.Heading) *Heading {
	at := b.pos(v)
	h := &Heading{Level: v.Level, Setext: b.isSetext(v)}
	h.Span = Span{b.lineStartAt(at), b.nodeEnd(v)}
	if lines := v.Lines(); lines.Len() > 0 {
		first, last := lines.At(0), lines.At(lines.Len()-1)
		h.TextSpan = Span{clamp(first.Start, 0, len(b.src)), clamp(last.Stop, 0, len(b.src))}
		h.TextSpan.End = max(h.TextSpan.Start, trimRightSpace(b.src, h.TextSpan.Start, h.TextSpan.End))
	} else {
		end := b.lineEndAt(at)
		h.TextSpan = Span{end, end}
	}
	var w strings.Builder
	b.plainText(v, &w)
	h.Text = strings.TrimSpace(w.String())
	if id, ok := v.AttributeString("id"); ok {
		if s, ok := id.([]byte); ok {
			h.ID = string(s)
		}
	}
	b.p.Headings = append(b.p.Headings, h)
	return h
}

// plainText writes the text of n's inline children as a renderer shows it, with
// markup, HTML and images removed.
func (b *builder) plainText(n ast.Node, w *strings.Builder) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch v := c.(type) {
		case *ast.Text:
			w.Write(decodeText(v.Segment.Value(b.src)))
			if v.SoftLineBreak() || v.HardLineBreak() {
				w.WriteByte(' ')
			}
		case *ast.String:
			w.Write(v.Value)
		case *ast.CodeSpan:
			for t := v.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					w.Write(s.Segment.Value(b.src))
				}
			}
		case *ast.AutoLink:
			w.Write(v.Label(b.src))
		case *ast.RawHTML, *ast.Image:
		default:
			b.plainText(c, w)
		}
	}
}

// listItem records a list item as a task or a malformed checkbox when its first
// line starts with one.
func (b *builder) listItem(item *ast.ListItem) {
	fc := item.FirstChild()
	if fc == nil || (fc.Kind() != ast.KindParagraph && fc.Kind() != ast.KindTextBlock) || fc.Lines().Len() == 0 {
		return
	}
	s := clamp(fc.Lines().At(0).Start, 0, len(b.src))
	marker, ok := b.markerBefore(s)
	if !ok {
		return
	}
	lineEnd := b.lineEndAt(s)
	status, text, ok := b.taskCheckbox(s, lineEnd)
	if !ok {
		b.malformed(s, lineEnd)
		return
	}
	lineStart := b.lineStartAt(s)
	t := &Task{
		Span:     Span{lineStart, b.trimBlankTail(lineStart, b.nodeEnd(item))},
		Line:     Span{lineStart, text.End},
		Marker:   marker,
		Checkbox: Span{s, s + 3},
		Status:   status,
		TextSpan: text,
		Text:     string(b.src[text.Start:text.End]),
		Index:    len(b.p.Tasks),
	}
	t.Key = normalizeKey(b.inlineText(fc, text))
	t.keyHash = maphash.String(keySeed, t.Key)
	for a := item.Parent(); a != nil; a = a.Parent() {
		if pt, ok := b.tasks[a]; ok {
			t.Parent = pt
			pt.Children = append(pt.Children, t)
			break
		}
	}
	t.List = b.list(item.Parent(), t.Parent)
	b.tasks[item] = t
	b.p.Tasks = append(b.p.Tasks, t)
}

// markerBefore finds the list marker on the same line before content offset s.
func (b *builder) markerBefore(s int) (Span, bool) {
	ls := b.lineStartAt(s)
	j := s
	for j > ls && (b.src[j-1] == ' ' || b.src[j-1] == '\t') {
		j--
	}
	if j == s || j == ls {
		return Span{}, false
	}
	start := j - 1
	switch c := b.src[start]; {
	case c == '-' || c == '*' || c == '+':
	case c == '.' || c == ')':
		k := start
		for k > ls && b.src[k-1] >= '0' && b.src[k-1] <= '9' {
			k--
		}
		if k == start || start-k > 9 {
			return Span{}, false
		}
		start = k
	default:
		return Span{}, false
	}
	if start > ls && b.src[start-1] != ' ' && b.src[start-1] != '\t' && b.src[start-1] != '>' {
		return Span{}, false
	}
	return Span{start, j}, true
}

// taskCheckbox applies planls's checkbox rule (SPEC §1, as cmark-gfm renders task
// lists): "[c]" with c a known status, followed by white space (space, tab,
// vertical tab, form feed). The text may be empty (cmark-gfm makes "- [ ] " a
// task, and a bare "- [ ]" without the space is not one). It returns the status
// and the span of the text on the first line.
func (b *builder) taskCheckbox(s, lineEnd int) (byte, Span, bool) {
	src := b.src
	if s+3 >= lineEnd || src[s] != '[' || src[s+2] != ']' {
		return 0, Span{}, false
	}
	c := src[s+1]
	switch c {
	case ' ', 'x', 'X':
	case '-', '/', '>', '!':
		if !b.opt.ExtendedStatuses {
			return 0, Span{}, false
		}
	default:
		return 0, Span{}, false
	}
	if !isTaskSpace(src[s+3]) {
		return 0, Span{}, false
	}
	i := s + 4
	for i < lineEnd && isTaskSpace(src[i]) {
		i++
	}
	end := max(trimRightSpace(src, i, lineEnd), i)
	return c, Span{i, end}, true
}

// isTaskSpace reports whether c may follow a checkbox: the white space of
// cmark-gfm's task scanner.
func isTaskSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

// nearMisses are checkbox look-alikes that malformed-checkbox reports, with the
// checkbox each should be.
var nearMisses = []struct{ pat, want string }{
	{"[]", "[ ]"}, {"[  ]", "[ ]"}, {"[　]", "[ ]"},
	{"[ x]", "[x]"}, {"[x ]", "[x]"}, {"[ X]", "[x]"}, {"[X ]", "[x]"},
	{"[✓]", "[x]"}, {"[✔]", "[x]"}, {"[√]", "[x]"}, {"[v]", "[x]"}, {"[V]", "[x]"},
	{"【 】", "[ ]"}, {"【】", "[ ]"}, {"【　】", "[ ]"}, {"【x】", "[x]"}, {"【X】", "[x]"}, {"【✓】", "[x]"}, {"【√】", "[x]"},
	{"［ ］", "[ ]"}, {"［］", "[ ]"}, {"［　］", "[ ]"}, {"［x］", "[x]"}, {"［X］", "[x]"}, {"［✓］", "[x]"}, {"［√］", "[x]"},
}

// malformed records a near-miss checkbox at content offset s, if there is one.
func (b *builder) malformed(s, lineEnd int) {
	line := b.src[s:lineEnd]
	m := &MalformedCheckbox{Line: Span{b.lineStartAt(s), lineEnd}}
	found := false
	for _, nm := range nearMisses {
		if !bytes.HasPrefix(line, []byte(nm.pat)) {
			continue
		}
		rest := line[len(nm.pat):]
		if nm.pat[0] == '[' {
			// "[x](url)", "[v]: def" and "[]x" are links, definitions or text.
			if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' {
				continue
			}
		}
		if len(bytes.TrimSpace(rest)) == 0 {
			// A box with nothing after it is being typed, like a bare "- [ ]".
			continue
		}
		m.Span, m.Want, found = Span{s, s + len(nm.pat)}, nm.want, true
		break
	}
	if !found && len(line) > 3 && line[0] == '[' && line[2] == ']' && strings.IndexByte(" xX-/>!", line[1]) >= 0 {
		// A valid box glued to its text: "[ ]x".
		if c := line[3]; c != ' ' && c != '\t' && c != '(' && c != '[' && c != ':' && (line[1] == ' ' || line[1] == 'x' || line[1] == 'X' || b.opt.ExtendedStatuses) {
			want := string(line[:3])
			if line[1] == 'X' {
				want = "[x]"
			}
			m.Span, m.Want, m.NeedSpace, found = Span{s, s + 3}, want, true, true
		}
	}
	if found {
		b.p.Malformed = append(b.p.Malformed, m)
	}
}

// inlineText returns the plain text of the inline nodes of para that start inside
// span: markup removed, link text and destination kept.
func (b *builder) inlineText(para ast.Node, span Span) string {
	var w strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch v := c.(type) {
			case *ast.Text:
				seg := v.Segment
				st, en := max(seg.Start, span.Start), min(seg.Stop, span.End)
				if st < en {
					w.Write(decodeText(b.src[st:en]))
				}
			case *ast.CodeSpan:
				if span.Contains(c.Pos()) {
					for t := v.FirstChild(); t != nil; t = t.NextSibling() {
						if s, ok := t.(*ast.Text); ok {
							w.Write(s.Segment.Value(b.src))
						}
					}
				}
			case *ast.Link, *ast.Image:
				if span.Contains(c.Pos()) {
					var t strings.Builder
					b.plainText(c, &t)
					w.WriteByte(' ')
					w.WriteString(t.String())
					w.WriteByte(' ')
					if l, ok := c.(*ast.Link); ok {
						w.Write(decodeText(l.Destination))
					} else {
						w.Write(decodeText(c.(*ast.Image).Destination))
					}
					w.WriteByte(' ')
				}
			case *ast.AutoLink:
				if span.Contains(c.Pos()) || span.Contains(c.Pos()+1) {
					w.WriteByte(' ')
					w.Write(v.URL(b.src))
					w.WriteByte(' ')
				}
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(para)
	return w.String()
}

// list returns the model of the list node that holds a task, creating it on first use.
func (b *builder) list(n ast.Node, parent *Task) *List {
	if l, ok := b.lists[n]; ok {
		return l
	}
	al, ok := n.(*ast.List)
	if !ok {
		return nil
	}
	l := &List{Marker: al.Marker, Ordered: al.IsOrdered(), Start: al.Start, Loose: !al.IsTight, Parent: parent}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		start := b.lineStartAt(b.pos(c))
		if fc := c.FirstChild(); fc != nil && fc.Lines().Len() > 0 {
			s := clamp(fc.Lines().At(0).Start, 0, len(b.src))
			if m, ok := b.markerBefore(s); ok {
				start = b.lineStartAt(m.Start)
				if len(l.Items) == 0 {
					l.Indent = m.Start - start
				}
			}
		}
		l.Items = append(l.Items, Span{start, b.trimBlankTail(start, b.nodeEnd(c))})
	}
	if len(l.Items) > 0 {
		l.Span = Span{l.Items[0].Start, l.Items[len(l.Items)-1].End}
	}
	b.lists[n] = l
	b.p.Lists = append(b.p.Lists, l)
	return l
}

// link records an inline, reference or image link starting at offset at.
func (b *builder) link(n ast.Node, at int, dest []byte, ref *ast.ReferenceLink, image bool) *Link {
	at = clamp(at, 0, len(b.src))
	open := at
	if image && open < len(b.src) && b.src[open] == '!' {
		open++
	}
	l := &Link{Form: FormInline, Target: string(decodeText(dest))}
	if image {
		l.Form = FormImage
	}
	if syn, ok := scanLink(b.src[:b.blockLimit(n)], open); ok {
		l.Span = Span{at, syn.end}
		if syn.inline {
			l.Dest = syn.dest
		}
	} else {
		l.Span = Span{at, b.lineEndAt(at)}
	}
	if ref != nil {
		if !image {
			l.Form = FormReference
		}
		l.Label = normalizeLabel(ref.Value)
	}
	b.classify(l)
	b.p.Links = append(b.p.Links, l)
	return l
}

// blockLimit returns the end of the text of the block holding inline node n: a
// link's syntax cannot run past it (a code span or bracket further on belongs to
// another block).
func (b *builder) blockLimit(n ast.Node) int {
	for a := n.Parent(); a != nil; a = a.Parent() {
		if a.Type() == ast.TypeBlock {
			if lines := a.Lines(); lines.Len() > 0 {
				return clamp(lines.At(lines.Len()-1).Stop, 0, len(b.src))
			}
			break
		}
	}
	return len(b.src)
}

// autoLink records an autolink (<https://…>) or a bare URL.
func (b *builder) autoLink(v *ast.AutoLink) {
	label := v.Label(b.src)
	from := clamp(v.Pos()-1, 0, len(b.src))
	i := bytes.Index(b.src[from:], label)
	if i < 0 || len(label) == 0 {
		return
	}
	start := from + i
	end := start + len(label)
	l := &Link{Form: FormBare, Dest: Span{start, end}, Span: Span{start, end}, Target: string(v.URL(b.src))}
	if start > 0 && b.src[start-1] == '<' && end < len(b.src) && b.src[end] == '>' {
		l.Form = FormAutolink
		l.Span = Span{start - 1, end + 1}
		l.Target = string(decodeText([]byte(l.Target)))
	}
	if v.AutoLinkType == ast.AutoLinkEmail && !strings.Contains(l.Target, ":") {
		l.Target = "mailto:" + l.Target
	}
	b.classify(l)
	b.p.Links = append(b.p.Links, l)
}

// rawHTML records inline HTML: comments as code, <a href>/<img src> as links, and
// id/name attributes as anchors.
func (b *builder) rawHTML(v *ast.RawHTML) {
	if v.Segments == nil || v.Segments.Len() == 0 {
		return
	}
	first := v.Segments.At(0)
	last := v.Segments.At(v.Segments.Len() - 1)
	sp := Span{clamp(first.Start, 0, len(b.src)), clamp(last.Stop, 0, len(b.src))}
	if bytes.HasPrefix(b.src[sp.Start:], []byte("<!--")) {
		b.p.Code = append(b.p.Code, sp)
		return
	}
	for _, tag := range scanHTMLTags(b.src, sp) {
		b.htmlTag(tag)
	}
}

// htmlAnchors records the anchors (id, name) of the tags in an HTML block.
func (b *builder) htmlAnchors(sp Span) {
	for _, tag := range scanHTMLTags(b.src, sp) {
		for _, a := range tag.attrs {
			if a.name == "id" || (a.name == "name" && tag.name == "a") {
				b.p.html = append(b.p.html, &Anchor{Name: string(decodeText(b.src[a.val.Start:a.val.End])), Style: AnchorExplicit, Span: a.val})
			}
		}
	}
}

// htmlTag records the link and anchors of one inline HTML tag.
func (b *builder) htmlTag(tag htmlTag) {
	for _, a := range tag.attrs {
		switch {
		case a.name == "href" && tag.name == "a", a.name == "src" && tag.name == "img":
			l := &Link{Form: FormHTML, Span: tag.span, Dest: a.val, Target: string(decodeText(b.src[a.val.Start:a.val.End]))}
			b.classify(l)
			b.p.Links = append(b.p.Links, l)
		case a.name == "id", a.name == "name" && tag.name == "a":
			b.p.html = append(b.p.html, &Anchor{Name: string(decodeText(b.src[a.val.Start:a.val.End])), Style: AnchorExplicit, Span: a.val})
		}
	}
}

// codeSpan records the span of an inline code span, backticks included.
func (b *builder) codeSpan(v *ast.CodeSpan) {
	at := b.pos(v)
	for at < len(b.src) && b.src[at] != '`' {
		at++
	}
	n := runLen(b.src, at, '`')
	end := findBacktickRun(b.src, at+n, n)
	if n == 0 || end < 0 {
		return
	}
	b.p.Code = append(b.p.Code, Span{at, end + n})
}

// refDef records a link reference definition.
func (b *builder) refDef(v *ast.LinkReferenceDefinition) {
	at := b.pos(v)
	label, dest, ok := scanRefDef(b.src, at)
	if !ok {
		return
	}
	d := &RefDef{LabelSpan: label, Dest: dest, Label: normalizeLabel(v.Label), Target: string(decodeText(v.Destination))}
	d.Span = Span{at, b.nodeEnd(v)}
	if b.refs == nil {
		b.refs = map[string]*RefDef{}
	}
	if _, dup := b.refs[d.Label]; !dup {
		b.refs[d.Label] = d
	}
	b.p.RefDefs = append(b.p.RefDefs, d)
}

// classify sets a link's kind, path and fragment from its target.
func (b *builder) classify(l *Link) {
	l.Kind, l.Path, l.Fragment, l.HasFragment = ClassifyTarget(l.Target)
}

// ClassifyTarget classifies a decoded link destination and splits a local one into
// its percent-decoded path and fragment (a query string is dropped).
func ClassifyTarget(target string) (kind LinkKind, path, fragment string, hasFragment bool) {
	if strings.Contains(target, "{{") || strings.Contains(target, "{%") {
		return LinkOther, "", "", false
	}
	rest := target
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		hasFragment = true
		fragment = pctDecode(rest[i+1:])
		rest = rest[:i]
	}
	if target == "" {
		return LinkOther, "", "", false
	}
	if strings.HasPrefix(target, "#") {
		return LinkAnchor, "", fragment, true
	}
	if strings.HasPrefix(target, "//") {
		return LinkExternal, "", fragment, hasFragment
	}
	if scheme, ok := urlScheme(target); ok {
		s := strings.ToLower(scheme)
		if s == "http" || s == "https" {
			return LinkExternal, "", fragment, hasFragment
		}
		return LinkOther, "", "", false
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if rest == "" {
		if hasFragment {
			return LinkAnchor, "", fragment, true
		}
		return LinkOther, "", "", false
	}
	return LinkLocal, pctDecode(rest), fragment, hasFragment
}

// urlScheme returns the scheme of a URL ("http" of "http://x"), if it has one.
func urlScheme(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIILetter(c):
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return s[:i], true
		default:
			return "", false
		}
	}
	return "", false
}

// pctDecode percent-decodes s, returning it unchanged when it is not valid.
func pctDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// decodeText resolves backslash escapes and character references the way a
// renderer does.
func decodeText(s []byte) []byte {
	if bytes.IndexByte(s, '\\') >= 0 {
		s = util.UnescapePunctuations(s)
	}
	if bytes.IndexByte(s, '&') >= 0 {
		s = util.ResolveNumericReferences(s)
		s = util.ResolveEntityNames(s)
	}
	return s
}

// normalizeLabel normalises a link label the way goldmark matches labels
// (util.ToLinkReference: white space trimmed and collapsed, full Unicode case
// folding, so "ß" and "SS" are one label), so that planls resolves a reference
// link to the definition goldmark resolved it to.
func normalizeLabel(s []byte) string {
	return util.ToLinkReference(s)
}

// sections builds the sections from the top-level headings and computes roles.
func (b *builder) sections(headings []*Heading) {
	var stack []*Section
	b.p.Sections = nil
	for _, h := range headings {
		h.Section = nil
		if !h.TopLevel {
			continue
		}
		s := &Section{Heading: h, Index: len(b.p.Sections)}
		s.Number, s.Name = SplitSectionName(h.Text)
		s.Key = Fold(s.Name)
		for len(stack) > 0 && stack[len(stack)-1].Heading.Level >= h.Level {
			top := stack[len(stack)-1]
			top.Span.End = h.Span.Start
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			s.Parent = stack[len(stack)-1]
			s.Parent.Children = append(s.Parent.Children, s)
		}
		s.Span.Start = h.Span.Start
		s.State = b.stateOf(s.Name)
		if s.State == "" && s.Parent != nil {
			s.State = s.Parent.State
		}
		if s.State == "done" || s.State == "cancelled" {
			s.Role = RoleDone
		}
		h.Section = s
		stack = append(stack, s)
		b.p.Sections = append(b.p.Sections, s)
	}
	for _, s := range stack {
		s.Span.End = len(b.src)
	}
}

// stateOf returns the state type bound to a section name, or "".
func (b *builder) stateOf(name string) string {
	state, _ := b.opt.StateOf(name)
	return state
}

// anchors computes every heading's GitHub slug and kramdown id, with repeats
// numbered, and records them with the explicit ids.
func (b *builder) anchors(headings []*Heading) {
	gh, kd := uniquer{}, uniquer{}
	var out []*Anchor
	for _, h := range headings {
		h.Slug = gh.unique(GitHubSlug(h.Text))
		if h.ID != "" {
			h.KramdownID = kd.unique(h.ID)
			out = append(out, &Anchor{Name: h.ID, Style: AnchorExplicit, Span: h.Span, Heading: h})
		} else {
			h.KramdownID = kd.unique(KramdownID(h.Text))
		}
		out = append(out, &Anchor{Name: h.Slug, Style: AnchorGitHub, Span: h.Span, Heading: h},
			&Anchor{Name: h.KramdownID, Style: AnchorKramdown, Span: h.Span, Heading: h})
	}
	out = append(out, b.p.html...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start < out[j].Span.Start })
	b.p.Anchors = out
}

// place assigns every task and list to the innermost section that holds it.
func (b *builder) place() {
	for _, t := range b.p.Tasks {
		t.Section = b.p.SectionAt(t.Span.Start)
	}
	for _, l := range b.p.Lists {
		l.Section = b.p.SectionAt(l.Span.Start)
	}
}

// maskSpan returns a copy of src with every byte of sp except line breaks replaced
// by a space, so goldmark sees blank lines there while offsets stay the same.
func maskSpan(src []byte, sp Span) []byte {
	out := bytes.Clone(src)
	for i := sp.Start; i < sp.End; i++ {
		if out[i] != '\n' && out[i] != '\r' {
			out[i] = ' '
		}
	}
	return out
}

// trimRightSpace returns end moved back over spaces, tabs and '\r' not before start.
func trimRightSpace(src []byte, start, end int) int {
	for end > start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r' || src[end-1] == '\n') {
		end--
	}
	return end
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
