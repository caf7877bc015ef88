// This file defines the differential test against GitHub's reference Markdown
// parser, cmark-gfm: every testdata plan, a set of probe documents and many
// generated plans are given to both parsers, and their headings (line, level,
// plain text), GFM tasks (line, checked) and link destinations (line, decoded
// destination) must agree, except for the documented differences listed in the
// differences table.

package analysis

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// cmarkArgs runs cmark-gfm with the GFM extensions GitHub enables that matter to
// the model (tables and strikethrough change structure; task lists and autolinks
// are what is compared) and an XML tree with source positions as output.
var cmarkArgs = []string{"-e", "table", "-e", "strikethrough", "-e", "tasklist", "-e", "autolink", "-t", "xml", "--sourcepos"}

// cmarkItem is one thing both parsers report: a heading, a task or a link, on a
// 1-based line, with a value to compare. note says more about planls's item
// (the link form) and is not compared.
type cmarkItem struct {
	kind  string // "heading", "task" or "link"
	line  int
	value string
	note  string
}

// cmarkMismatch is a place where the two parsers disagree: an item only one of
// them reports, or the same kind of item on the same line with different values.
type cmarkMismatch struct {
	kind   string
	line   int
	ours   *cmarkItem // planls's item, or nil
	theirs *cmarkItem // cmark-gfm's item, or nil
}

// cmarkDoc is one document under test, with the source lines for the differences'
// predicates.
type cmarkDoc struct {
	name string
	src  []byte
	plan *Plan
}

// line returns the text of 1-based line n without its line break.
func (d *cmarkDoc) line(n int) string {
	if n < 1 || n > len(d.plan.Lines) {
		return ""
	}
	return string(d.src[d.plan.LineStart(n-1):d.plan.LineEnd(n-1)])
}

// cmarkDifference is a documented, intended difference between planls and
// cmark-gfm. Each row sets one of three hooks: prepare changes the input given to
// cmark-gfm; omit drops an item of planls's that cmark-gfm never reports, before
// the two sides are aligned; explains reports whether a mismatch is this
// difference. A row marked todo is a disagreement planls should not have: the
// parser is to be fixed and the row removed.
type cmarkDifference struct {
	name     string
	reason   string
	todo     bool
	prepare  func(d *cmarkDoc, input []byte) []byte
	omit     func(it cmarkItem) bool
	explains func(d *cmarkDoc, m cmarkMismatch) bool
}

// headingAttr matches a trailing attribute block such as "{#id}" or "{.class}".
var headingAttr = regexp.MustCompile(`\s*\{[#.:][^{}]*\}\s*$`)

// checkboxPrefix matches a list item's first line up to and including a GFM
// checkbox: indentation, block-quote markers, a list marker, spaces, "[c]".
var checkboxPrefix = regexp.MustCompile(`^[ \t>]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+\[[ xX]\]`)

// cmarkDifferences lists every documented difference between planls and
// cmark-gfm. Anything else the test finds is a failure.
var cmarkDifferences = []cmarkDifference{
	{
		name: "front matter",
		reason: "GitHub does not render YAML/TOML front matter as Markdown (it shows it as a table) and " +
			"planls does not parse it either; cmark-gfm alone would see '---' as a thematic break and " +
			"the block as a setext heading, so the front matter is blanked out (line count kept) before " +
			"cmark-gfm reads the file",
		prepare: func(d *cmarkDoc, input []byte) []byte {
			if fm := d.plan.FrontMatter; fm != nil {
				return maskSpan(input, fm.Span)
			}
			return input
		},
	},
	{
		name: "extended statuses",
		reason: "planls reads [-] [/] [>] [!] as tasks (cancelled, in progress, deferred, important; " +
			"SPEC §1, on by default); GitHub renders them as text",
		omit: func(it cmarkItem) bool {
			return it.kind == "task" && strings.Contains("[-] [/] [>] [!]", it.value)
		},
	},
	{
		name: "HTML links",
		reason: "planls reads <a href> and <img src> inside inline and block HTML as links so that link " +
			"checks cover them; cmark-gfm keeps raw HTML as it is",
		omit: func(it cmarkItem) bool {
			return it.kind == "link" && it.note == FormHTML.String()
		},
	},
	{
		name: "heading attributes",
		reason: "planls strips a kramdown/Pandoc attribute block such as {#id} from the heading text and " +
			"makes it an anchor (SPEC §1); GitHub shows it as text",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			return m.kind == "heading" && m.ours != nil && m.theirs != nil &&
				strings.HasSuffix(m.theirs.value, "}") &&
				headingAttr.ReplaceAllString(m.theirs.value, "") == m.ours.value
		},
	},
	{
		name: "cmark-gfm checked-state bug",
		reason: "cmark-gfm's tasklist extension decides 'checked' with strstr over the rest of the line, " +
			"so '- [ ] see [x](u)' is checked; planls reads the checkbox itself",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			if m.kind != "task" || m.ours == nil || m.theirs == nil || m.ours.value != "[ ]" || m.theirs.value != "[x]" {
				return false
			}
			line := d.line(m.line)
			loc := checkboxPrefix.FindStringIndex(line)
			return loc != nil && strings.Contains(strings.ToLower(line[loc[1]:]), "[x]")
		},
	},
	{
		name: "bare URL before full-width punctuation",
		reason: "GitHub's autolink extension ends a bare URL only at white space or '<', so " +
			"'https://a.b/c。' links to 'https://a.b/c。'; planls (goldmark's linkify) stops before " +
			"non-ASCII punctuation, which is what the writer meant and what a link check must request",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			if m.kind != "link" || m.ours == nil || m.theirs == nil || !strings.HasPrefix(m.theirs.value, m.ours.value) {
				return false
			}
			rest := strings.TrimLeftFunc(m.theirs.value[len(m.ours.value):], func(r rune) bool { return r < utf8.RuneSelf && unicode.IsPunct(r) })
			r, _ := utf8.DecodeRuneInString(rest)
			return r >= utf8.RuneSelf && unicode.IsPunct(r)
		},
	},
	{
		name: "task not at the start of its line",
		reason: "cmark-gfm 0.29's tasklist scanner is anchored at the line start, so '> - [ ] a' in a " +
			"block quote and '- - [ ] a' are not tasks in its output; GitHub's web rendering shows their " +
			"checkboxes, and they are the user's tasks, so planls keeps them",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			return m.kind == "task" && m.theirs == nil && !checkboxPrefixAtStart.MatchString(d.line(m.line))
		},
	},
	{
		name: "bare URL not after white space",
		reason: "goldmark's linkify starts a bare URL only after white space or *_~(, while cmark-gfm " +
			"links 'https://…' and 'name@host' wherever they start, also right after CJK text " +
			"('参考：https://…'); planls misses such bare links (known gap: they are external links, " +
			"checked only with checkExternalLinks; follow-up in the link-checker work)",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			if m.kind != "link" || m.ours != nil || !bareURL.MatchString(m.theirs.value) {
				return false
			}
			line, raw := d.line(m.line), strings.TrimPrefix(m.theirs.value, "mailto:")
			for i := strings.Index(line, raw); i >= 0; {
				before, _ := utf8.DecodeLastRuneInString(line[:i])
				if i > 0 && !strings.ContainsRune(" \t*_~(", before) {
					return true
				}
				next := strings.Index(line[i+1:], raw)
				if next < 0 {
					break
				}
				i += 1 + next
			}
			return false
		},
	},
	{
		name: "bare URL with non-ASCII letters",
		reason: "goldmark's linkify stops a bare URL at the first non-ASCII character while cmark-gfm " +
			"keeps 'https://zh.wikipedia.org/wiki/中文' whole (known gap, as above: bare links are only " +
			"checked with checkExternalLinks; write such links as <…> or [](…) to be exact)",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			if m.kind != "link" || m.ours == nil || m.theirs == nil || !strings.HasPrefix(m.theirs.value, m.ours.value) {
				return false
			}
			r, _ := utf8.DecodeRuneInString(m.theirs.value[len(m.ours.value):])
			return r >= utf8.RuneSelf && !unicode.IsPunct(r)
		},
	},
	{
		name: "xmpp: and mailto: bare links",
		reason: "cmark-gfm links bare 'xmpp:a@b.c' and 'mailto:a@b.c'; goldmark's linkify does not. " +
			"They are of kind other and never checked, so nothing planls does depends on them",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			return m.kind == "link" && m.ours == nil && (strings.HasPrefix(m.theirs.value, "xmpp:") || strings.HasPrefix(m.theirs.value, "mailto:")) &&
				strings.Contains(d.line(m.line), m.theirs.value)
		},
	},
	{
		name: "goldmark: spaces then a tab before a nested marker",
		reason: "goldmark bug: in '- a\\n  \\t- [ ] b' the second line is a nested item for CommonMark " +
			"and cmark-gfm, but goldmark reads it as lazy paragraph text when the indentation is " +
			"spaces followed by a tab, so planls misses that subtask (rare: editors indent with " +
			"either spaces or tabs)",
		explains: func(d *cmarkDoc, m cmarkMismatch) bool {
			return m.kind == "task" && m.ours == nil && spacesThenTab.MatchString(d.line(m.line))
		},
	},
}

// checkboxPrefixAtStart is cmark-gfm's task scanner: white space, one list marker,
// white space, a checkbox, white space, from the start of the line.
var checkboxPrefixAtStart = regexp.MustCompile(`^[ \t\v\f]*(?:[-+*]|[0-9]+[^\n])[ \t\v\f]+\[[ xX]\][ \t\v\f]`)

// bareURL matches the links cmark-gfm's autolink extension makes.
var bareURL = regexp.MustCompile(`^(?:https?://|ftp://|mailto:)`)

// spacesThenTab matches a line indented by spaces followed by a tab.
var spacesThenTab = regexp.MustCompile(`^ +\t`)

// cmarkProbes are small documents that pin down how cmark-gfm decides what a task,
// a heading and a link are, and where planls agrees.
var cmarkProbes = map[string]string{
	"task-basic":          "- [ ] a\n- [x] b\n- [X] c\n* [ ] d\n+ [ ] e\n1. [ ] f\n1) [x] g\n",
	"task-spacing":        "- [ ]  two spaces\n-  [ ] wide marker\n-   [ ] wider\n-    [ ] widest\n-     [ ] code\n-\t[ ] tab marker\n- [ ]\ttab after\n",
	"task-no-space":       "- [ ]no\n- [x]no\n- [\t] tab inside\n- [  ] two\n- [] none\n",
	"task-bare":           "- [ ]\n- [x]\n\n- [ ]\n  next line\n",
	"task-empty":          "- [ ] \n- [x]\t\n- [ ]  \n",
	"task-empty-next":     "- [ ] \n  text on the next line\n",
	"task-vt-ff":          "- [ ]\va\n- [ ]\fb\n",
	"task-crlf":           "- [ ] a\r\n- [ ]\r\n- [ ] \r\n",
	"task-nbsp":           "- [ ]\u00a0a\n",
	"task-links":          "- [x] [link](u)\n- [x](u) a\n- [ ] `code`\n- [ ] <div>\n- [ ] *em*\n",
	"task-not-first":      "-\n  [ ] a\n- # [ ] h\n- > [ ] q\n> - [ ] quoted\n- \\[ ] escaped\n",
	"task-interrupt":      "a\n- [ ] b\n\nc\n1. [ ] d\n\ne\n2. [ ] f\n",
	"task-indent":         "   - [ ] three\n    - [ ] four\n",
	"task-nested":         "- [ ] a\n\n  - [ ] b\n    - [x] c\n\t- [ ] d\n",
	"task-fence":          "- ```\n  - [ ] fake\n  ```\n\n```\n- [ ] fake\n```\n",
	"task-setext":         "- [ ] a\n===\n- [ ] b\n---\n",
	"task-para-after":     "- [ ]\n\n  para\n",
	"heading-basic":       "# a\n## b ##\n### c ###   \n#### d #\n##### e\n###### f\n####### g\n#h\n",
	"heading-setext":      "a\nb\n===\n\nc\n---\n",
	"heading-markup":      "# *e* **s** `c` [l](u) ![i](s) <b>x</b> ~~d~~ a\\*b &amp; &#x41;\n",
	"heading-attr":        "# title {#id}\n## other {.cls}\n",
	"heading-in-list":     "- # in item\n> ## quoted\n",
	"heading-empty":       "#\n## \n### ###\n",
	"heading-break":       "a\\\nb\n===\n",
	"links-inline":        "[a](u) [b](<s p>) [c](u \"t\") [d](a\\_b) [e](a&amp;b) [f](a(b)c) [g](%20x)\n",
	"links-reference":     "[a][r] [b][] [r]\n\n[r]: /x \"t\"\n[b]: <y z>\n",
	"links-auto":          "<http://a.b> <mailto:a@b.c> <a@b.c> http://x.y/z. www.w.x (https://p.q) foo@bar.baz\n",
	"links-bare-edge":     "https://x.y/a_b_ http://x.y/(a) http://x.y/a) www.x.y/a&amp;b https://x.y?q=1, xmpp:a@b.c\n",
	"links-image":         "![a](i.png) ![b][r] [![c](j.png)](k)\n\n[r]: r.png\n",
	"links-liquid":        "[a]({{site.url}}/x) [b]({{ site.url }}/x) [c]({% link a.md %})\n",
	"links-code":          "`[a](u)` ``<http://a.b>``\n\n    [b](u)\n",
	"links-multiline":     "[a\nb](u) [c](\nu2)\n",
	"front-matter-yaml":   "---\nlayout: post\ntitle: x\n---\n# h\n- [ ] a\n",
	"front-matter-toml":   "+++\ntitle = \"x\"\n+++\n# h\n",
	"front-matter-single": "---\n# not front matter\n",
	"html-block":          "<div>\n- [ ] hidden\n# hidden\n</div>\n\n<!--\n- [ ] hidden\n-->\n",
	"table":               "| a | b |\n|---|---|\n| [x](u) | - [ ] c |\n",
	"blockquote":          "> # q\n> - [ ] a\n> [l](u)\n",
	"task-blockquote":     "> - [ ] quoted\n>- [x] tight\n",
	"task-double-marker":  "- - [ ] a\n1. - [ ] b\n",
	"task-checked-bug":    "- [ ] see [x](u) here\n- [ ] a [X] b\n",
	"task-tab-indent":     "- a\n  \t- [ ] b\n\n1. c\n   \t- [ ] d\n",
	"heading-edge":        "# foo \\#\n# &copy; &#128512; &bogus;\n# :smile: <http://a.b> www.c.d\n# [![i](i.png) t](u)\n# a <!-- c --> b\n# [ ] not a task\n## a  \nb\n\na  \nb\n===\n",
	"links-edge":          "[a](文档.md) [b](a\\b) [c]() [d](<>) [e [f](u)](v) [![g](i.png)](w) [h](u 'title') [i](u (t))\n",
	"links-labels":        "[A][Ref  Label] [ẞ] [Straße][]\n\n[ref label]: /r\n[ss]: /ss\n[STRASSE]: /strasse\n",
	"links-refdef-edge":   "[a] [b] [c]\n\n[a]:\n  /next-line\n  \"title\"\n[b]: <> \"t\"\n- [c]: /in-item\n",
	"links-bare-trailing": "www.example.com. https://x.y/foo_bar_ (https://x.y/z) https://x.y/z? https://x.y/a&lt; https://x.y/a&amp;b <http://a.b/&amp;>\n",
	"links-containers":    "| a | b |\n|---|---|\n| [t](b\\|c) | ~~[s](d)~~ *[e](f)* |\n\n> # [q](g)\n> lazy [l](h)\ncontinued [m](i)\n\n<!-- [c](j) --> [k](l)\n",
	"task-block-after":    "- [ ] # heading\n- [ ] > quote\n- [ ] - nested\n- [ ] ```\n  code\n  ```\n- [ ] <div>\n- [ ]     code\n- [ ] | a | b |\n  |---|---|\n- [ ] ---\n- [ ] [r]: /def\n",
	"links-bare-cjk":      "参考：https://a.b/c 中文www.x.y 。someone@example.com x https://zh.wikipedia.org/wiki/中文 y https://a.b/c。 z https://a.b/（注）\n",
}

// cmarkMaxMismatches limits how many mismatches one document reports.
const cmarkMaxMismatches = 25

func TestCmarkDifferential(t *testing.T) {
	bin, err := exec.LookPath("cmark-gfm")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("cmark-gfm is not on PATH (Debian package cmark-gfm; scripts/test installs it); skipping the differential test")
		}
		t.Fatalf("cmark-gfm is not on PATH but CI=%q: the test command must install the Debian package cmark-gfm", os.Getenv("CI"))
	}

	var docs []*cmarkDoc
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	for _, path := range paths {
		_, files := readTxtar(t, path)
		docs = append(docs, &cmarkDoc{name: "parse/" + strings.TrimSuffix(filepath.Base(path), ".txtar"), src: planSource(files)})
	}
	examples, _ := filepath.Glob("../testdata/examples/*.md")
	for _, path := range examples {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, &cmarkDoc{name: "examples/" + filepath.Base(path), src: src})
	}
	if len(paths) == 0 || len(examples) == 0 {
		t.Fatal("no testdata plans found")
	}
	for name, src := range cmarkProbes {
		docs = append(docs, &cmarkDoc{name: "probe/" + name, src: []byte(src)})
	}
	sizes := []int{0, 1, 3, 10, 30, 100, 300}
	for seed := int64(1); seed <= 50; seed++ {
		n := sizes[int(seed)%len(sizes)]
		docs = append(docs, &cmarkDoc{name: fmt.Sprintf("generated/seed=%d,tasks=%d", seed, n), src: GeneratePlan(seed, n)})
	}
	docs = append(docs, &cmarkDoc{name: "generated/seed=99,tasks=2000", src: GeneratePlan(99, 2000)})
	sort.Slice(docs, func(i, j int) bool { return docs[i].name < docs[j].name })

	var mu sync.Mutex
	used := make([]int, len(cmarkDifferences))
	ran := 0
	t.Run("docs", func(t *testing.T) {
		for _, d := range docs {
			t.Run(d.name, func(t *testing.T) {
				t.Parallel()
				counts := cmarkCompare(t, bin, d)
				mu.Lock()
				for i, n := range counts {
					used[i] += n
				}
				ran++
				mu.Unlock()
			})
		}
	})
	if t.Failed() || ran < len(docs) {
		// Whether every row is still needed is known only from a full, passing run.
		return
	}
	for i, diff := range cmarkDifferences {
		switch {
		case used[i] == 0 && diff.todo:
			t.Errorf("difference %q (TODO) explains no mismatch any more: planls now agrees with cmark-gfm, remove the row", diff.name)
		case used[i] == 0:
			t.Errorf("difference %q explains no mismatch in the corpus: remove the row or add a testdata plan that shows it", diff.name)
		case diff.todo:
			t.Logf("TODO: difference %q still explains %d mismatches: %s", diff.name, used[i], diff.reason)
		}
	}
}

// cmarkCompare compares planls and cmark-gfm on one document and returns, for each
// row of cmarkDifferences, how many mismatches (or, for prepare rows, inputs) it
// explained.
func cmarkCompare(t *testing.T, bin string, d *cmarkDoc) []int {
	t.Helper()
	counts := make([]int, len(cmarkDifferences))
	d.plan = Parse(d.src)
	input := d.src
	for i, diff := range cmarkDifferences {
		if diff.prepare != nil {
			if next := diff.prepare(d, input); !bytes.Equal(next, input) {
				counts[i]++
				input = next
			}
		}
	}
	cmd := exec.Command(bin, cmarkArgs...)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cmark-gfm: %v: %s", err, stderr.Bytes())
	}
	theirs, err := cmarkItems(out)
	if err != nil {
		t.Fatalf("reading cmark-gfm's XML: %v", err)
	}
	var ours []cmarkItem
next:
	for _, it := range planItems(d.plan) {
		for i, diff := range cmarkDifferences {
			if diff.omit != nil && diff.omit(it) {
				counts[i]++
				continue next
			}
		}
		ours = append(ours, it)
	}
	var failures []string
	for _, m := range cmarkMismatches(ours, theirs) {
		explained := false
		for i, diff := range cmarkDifferences {
			if diff.explains != nil && diff.explains(d, m) {
				counts[i]++
				explained = true
				t.Logf("explained by %q:\n%s", diff.name, d.describe(m))
				break
			}
		}
		if !explained {
			failures = append(failures, d.describe(m))
		}
	}
	if len(failures) > 0 {
		more := ""
		if len(failures) > cmarkMaxMismatches {
			more = fmt.Sprintf("\n… and %d more", len(failures)-cmarkMaxMismatches)
			failures = failures[:cmarkMaxMismatches]
		}
		t.Errorf("planls and cmark-gfm disagree (%d headings, %d tasks, %d links in planls):\n%s%s",
			len(d.plan.Headings), len(d.plan.Tasks), len(d.plan.Links), strings.Join(failures, "\n"), more)
	}
	return counts
}

// describe formats a mismatch with the source line it is on.
func (d *cmarkDoc) describe(m cmarkMismatch) string {
	side := func(it *cmarkItem) string {
		if it == nil {
			return "(none)"
		}
		return strconv.Quote(it.value)
	}
	return fmt.Sprintf("  line %d %s: planls %s, cmark-gfm %s\n    | %q", m.line, m.kind, side(m.ours), side(m.theirs), d.line(m.line))
}

// planItems lists planls's headings, tasks and links as comparable items.
func planItems(p *Plan) []cmarkItem {
	var items []cmarkItem
	line := func(off int) int { return p.LineOf(off) + 1 }
	for _, h := range p.Headings {
		items = append(items, cmarkItem{kind: "heading", line: line(h.Span.Start), value: fmt.Sprintf("h%d %s", h.Level, h.Text)})
	}
	for _, task := range p.Tasks {
		status := task.Status
		if status == 'X' {
			status = 'x'
		}
		items = append(items, cmarkItem{kind: "task", line: line(task.Span.Start), value: "[" + string(status) + "]"})
	}
	for _, l := range p.Links {
		items = append(items, cmarkItem{kind: "link", line: line(l.Span.Start), value: l.Target, note: l.Form.String()})
	}
	return items
}

// cmarkItems reads cmark-gfm's XML and lists its headings, tasks and links.
//
// Two quirks of cmark-gfm's source positions are handled here. A link made by the
// autolink extension has none: its line is the line reached so far, following the
// positions of earlier nodes and counting line breaks. A link whose text spans
// lines starts, by cmark-gfm's account, on the line of its last text line: its
// line is taken from its first child when that comes earlier.
func cmarkItems(out []byte) ([]cmarkItem, error) {
	dec := xml.NewDecoder(bytes.NewReader(cmarkXMLSafe(out)))
	dec.Strict = true
	var items []cmarkItem
	var (
		line    int             // the line reached so far in document order
		heading *cmarkItem      // the heading being read, or nil
		text    strings.Builder // the heading's plain text
		skip    int             // depth inside an image or raw HTML of a heading
		inText  bool            // inside a text or code node of a heading
		pending = -1            // index of a link waiting for its first child's line
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			attr := func(name string) string {
				for _, a := range tok.Attr {
					if a.Name.Local == name {
						return a.Value
					}
				}
				return ""
			}
			if pos := attr("sourcepos"); pos != "" {
				if i := strings.IndexByte(pos, ':'); i > 0 {
					if n, err := strconv.Atoi(pos[:i]); err == nil {
						line = n
						if pending >= 0 {
							items[pending].line = min(items[pending].line, n)
							pending = -1
						}
					}
				}
			}
			if skip > 0 {
				skip++
				continue
			}
			switch name := tok.Name.Local; name {
			case "heading":
				heading = &cmarkItem{kind: "heading", line: line, value: "h" + attr("level")}
				text.Reset()
			case "tasklist":
				checked := "[ ]"
				if attr("completed") == "true" {
					checked = "[x]"
				}
				items = append(items, cmarkItem{kind: "task", line: line, value: checked})
			case "link", "image":
				items = append(items, cmarkItem{kind: "link", line: line, value: attr("destination")})
				if attr("sourcepos") != "" {
					pending = len(items) - 1
				}
				if name == "image" && heading != nil {
					skip = 1
				}
			case "html_inline":
				if heading != nil {
					skip = 1
				}
			case "softbreak", "linebreak":
				line++
				if heading != nil {
					text.WriteByte(' ')
				}
			case "text", "code":
				inText = heading != nil
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			inText = false
			if tok.Name.Local == "heading" && heading != nil {
				heading.value += " " + strings.TrimSpace(text.String())
				items = append(items, *heading)
				heading = nil
			}
		case xml.CharData:
			if inText {
				text.Write(tok)
			}
		}
	}
	return items, nil
}

// cmarkXMLSafe replaces the control characters that XML 1.0 forbids (cmark-gfm
// copies them from the input) by U+FFFD.
func cmarkXMLSafe(out []byte) []byte {
	if !bytes.ContainsFunc(out, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) {
		return out
	}
	return bytes.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return '\uFFFD'
		}
		return r
	}, out)
}

// cmarkRelated reports whether two items on the same line are two readings of the
// same thing: any two headings or tasks, or links of which one destination starts
// with the other or is the other with character references decoded.
func cmarkRelated(a, b *cmarkItem) bool {
	if a.kind != "link" {
		return true
	}
	return strings.HasPrefix(a.value, b.value) || strings.HasPrefix(b.value, a.value) ||
		string(decodeText([]byte(a.value))) == b.value || string(decodeText([]byte(b.value))) == a.value
}

// cmarkMismatches compares two lists of items. Items of the same kind on the same
// line are aligned in document order, preferring equal items and then related
// ones (see cmarkRelated); what is left unaligned or aligned but unequal is a
// mismatch.
func cmarkMismatches(ours, theirs []cmarkItem) []cmarkMismatch {
	type key struct {
		kind string
		line int
	}
	groups := map[key]*[2][]cmarkItem{}
	var keys []key
	add := func(side int, items []cmarkItem) {
		for _, it := range items {
			k := key{it.kind, it.line}
			g := groups[k]
			if g == nil {
				g = &[2][]cmarkItem{}
				groups[k] = g
				keys = append(keys, k)
			}
			g[side] = append(g[side], it)
		}
	}
	add(0, ours)
	add(1, theirs)
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].line < keys[j].line })
	var out []cmarkMismatch
	for _, k := range keys {
		out = append(out, cmarkAlign(k.kind, k.line, groups[k][0], groups[k][1])...)
	}
	return out
}

// cmarkAlign aligns the items of one kind on one line: an alignment scores 3 for
// each equal pair and 2 for each related pair, and the best one is kept.
func cmarkAlign(kind string, line int, a, b []cmarkItem) []cmarkMismatch {
	score := func(i, j int) int {
		switch {
		case a[i].value == b[j].value:
			return 3
		case cmarkRelated(&a[i], &b[j]):
			return 2
		}
		return -1
	}
	best := make([][]int, len(a)+1)
	for i := range best {
		best[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			best[i][j] = max(best[i+1][j], best[i][j+1])
			if s := score(i, j); s > 0 {
				best[i][j] = max(best[i][j], s+best[i+1][j+1])
			}
		}
	}
	var out []cmarkMismatch
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && score(i, j) > 0 && best[i][j] == score(i, j)+best[i+1][j+1]:
			if a[i].value != b[j].value {
				out = append(out, cmarkMismatch{kind: kind, line: line, ours: &a[i], theirs: &b[j]})
			}
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || best[i][j] == best[i+1][j]):
			out = append(out, cmarkMismatch{kind: kind, line: line, ours: &a[i]})
			i++
		default:
			out = append(out, cmarkMismatch{kind: kind, line: line, theirs: &b[j]})
			j++
		}
	}
	return out
}
