// This file defines the data-driven parse tests: every testdata/parse/*.txtar holds
// a plan file (plan.md) and the expected Dump of its model (dump), rewritten with
// -update. It also defines the Parse fuzz test and the model's structural checks.

package analysis

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata files")

// readTxtar reads a txtar file and returns it with its files by name.
func readTxtar(t testing.TB, path string) (*txtar.Archive, map[string][]byte) {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[f.Name] = f.Data
	}
	return ar, files
}

// setGolden replaces (or appends) the named file of an archive and writes it back.
func setGolden(t testing.TB, path string, ar *txtar.Archive, name string, data []byte) {
	t.Helper()
	found := false
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = data
			found = true
		}
	}
	if !found {
		ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
	}
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// planSource returns the plan file of a test archive. txtar cannot hold CR bytes
// faithfully in an editor, so a file named plan.crlf.md is converted to CRLF and a
// literal "<TAB>" stands for a tab.
func planSource(files map[string][]byte) []byte {
	if src, ok := files["plan.md"]; ok {
		return bytes.ReplaceAll(src, []byte("<TAB>"), []byte("\t"))
	}
	src := bytes.ReplaceAll(files["plan.crlf.md"], []byte("\n"), []byte("\r\n"))
	return bytes.ReplaceAll(src, []byte("<TAB>"), []byte("\t"))
}

func TestParseGolden(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/parse files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, files := readTxtar(t, path)
			src := planSource(files)
			p := Parse(src)
			checkPlan(t, p)
			got := p.Dump()
			if *update {
				setGolden(t, path, ar, "dump", []byte(got))
				return
			}
			if want := string(files["dump"]); got != want {
				t.Errorf("dump differs (run with -update to accept):\n%s", lineDiff(want, got))
			}
		})
	}
}

// TestParseExample checks the bundled example's counts, which the README quotes.
func TestParseExample(t *testing.T) {
	src, err := os.ReadFile("../testdata/examples/wenfh2020-plan.md")
	if err != nil {
		t.Fatal(err)
	}
	p := Parse(src)
	counts := map[string][2]int{}
	for _, task := range p.Tasks {
		c := counts[task.Section.Name]
		if task.Closed() {
			c[1]++
		} else {
			c[0]++
		}
		counts[task.Section.Name] = c
	}
	want := map[string][2]int{"doing": {11, 0}, "wait": {3, 0}, "plan": {16, 0}, "done": {0, 66}}
	for name, w := range want {
		if counts[name] != w {
			t.Errorf("section %s: got open/done %v, want %v", name, counts[name], w)
		}
	}
}

// lineDiff shows the first lines where two texts differ.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 10; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("-" + w + "\n+" + g + "\n")
			shown++
		}
	}
	return b.String()
}

// checkPlan verifies the structural invariants of a model: every span inside the
// source and well-formed, children inside parents, tasks inside their sections
// and lists, sorted slices.
func checkPlan(t testing.TB, p *Plan) {
	t.Helper()
	n := len(p.Src)
	ok := func(what string, s Span) {
		if s.Start < 0 || s.End < s.Start || s.End > n {
			t.Fatalf("%s span %v out of range (len %d)", what, s, n)
		}
	}
	inside := func(what string, outer, inner Span) {
		if !outer.Covers(inner) {
			t.Fatalf("%s: %v not inside %v", what, inner, outer)
		}
	}
	if p.Err != "" {
		t.Fatalf("parse error: %s", p.Err)
	}
	if p.FrontMatter != nil {
		ok("front matter", p.FrontMatter.Span)
	}
	for _, h := range p.Headings {
		ok("heading", h.Span)
		ok("heading text", h.TextSpan)
		inside("heading text", h.Span, h.TextSpan)
	}
	for i, s := range p.Sections {
		ok("section", s.Span)
		inside("section heading", s.Span, s.Heading.Span)
		if s.Parent != nil {
			inside("subsection", s.Parent.Span, s.Span)
		}
		if i > 0 && p.Sections[i-1].Span.Start >= s.Span.Start {
			t.Fatalf("sections not sorted")
		}
	}
	for i, task := range p.Tasks {
		ok("task", task.Span)
		inside("task line", task.Span, task.Line)
		inside("task checkbox", task.Line, task.Checkbox)
		inside("task text", task.Line, task.TextSpan)
		inside("task marker", task.Line, task.Marker)
		if task.Checkbox.End > task.TextSpan.Start || task.Marker.End > task.Checkbox.Start {
			t.Fatalf("task parts out of order: %+v", task)
		}
		if task.Parent != nil {
			inside("subtask", task.Parent.Span, task.Span)
		}
		if task.Section != nil {
			inside("task in section", task.Section.Span, Span{task.Span.Start, task.Span.Start})
		}
		if task.List == nil {
			t.Fatalf("task without list: %q", task.Text)
		}
		inside("task in list", task.List.Span, task.Span)
		if i > 0 && p.Tasks[i-1].Span.Start >= task.Span.Start {
			t.Fatalf("tasks not sorted")
		}
		if bytes.Contains(p.Src[task.Span.End-min(task.Span.Len(), 1):task.Span.End], []byte("\n")) {
			t.Fatalf("task span ends with a line break: %q", p.Src[task.Span.Start:task.Span.End])
		}
	}
	for _, l := range p.Lists {
		ok("list", l.Span)
		for _, it := range l.Items {
			inside("list item", l.Span, it)
		}
	}
	for _, l := range p.Links {
		ok("link", l.Span)
		ok("link dest", l.Dest)
		if l.Form != FormReference && !(l.Form == FormImage && l.Label != "") && l.Dest != (Span{}) {
			inside("link dest", l.Span, l.Dest)
		}
	}
	for _, d := range p.RefDefs {
		ok("refdef", d.Span)
		inside("refdef dest", d.Span, d.Dest)
	}
	for _, c := range p.Code {
		ok("code", c)
	}
	for _, b := range p.Breaks {
		ok("break", b)
	}
	for _, m := range p.Malformed {
		ok("malformed", m.Span)
		inside("malformed", m.Line, m.Span)
	}
}

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	for _, path := range paths {
		_, files := readTxtar(f, path)
		f.Add(planSource(files))
	}
	for _, s := range []string{"", "\xff\xfe", "- [ ] a\x00b", ">\t#", "* [x]\t\t", "---\n---\n", "1) [-] x\n   - [/] y\n\n\t- [ ] z"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p := Parse(src)
		checkPlan(t, p)
		if d := Parse(src).Dump(); d != p.Dump() {
			t.Fatalf("dump not deterministic")
		}
		for k := 2; k <= 4; k++ {
			checkParts(t, src, k) // parsed in parts, it must be the same
		}
	})
}

// fstestRead reads a file from disk for tests.
func fstestRead(name string) ([]byte, error) { return os.ReadFile(name) }

// TestParseHostileInput parses inputs no editor should send but a file can hold:
// invalid UTF-8, NUL bytes, lone CRs, a 10 MB plan. The model must keep its
// invariants and the large plan must come out whole.
func TestParseHostileInput(t *testing.T) {
	for name, src := range map[string][]byte{
		"invalid utf-8": []byte("## \xff\xfe doing\n\n- [ ] bad \xc3\x28 bytes [x](#\xe2\x82)\n- [x] \xf0\x28\x8c\x28\n"),
		"nul bytes":     []byte("## do\x00ing\n\n- [ ] a\x00b\n- [\x00] c\n\x00\x00\n"),
		"lone cr":       []byte("## doing\r- [ ] a\r- [x] b\r\r## done\r"),
		"only breaks":   bytes.Repeat([]byte("\r\n"), 1000),
	} {
		t.Run(name, func(t *testing.T) {
			p := Parse(src)
			checkPlan(t, p)
			if p.Dump() != Parse(src).Dump() {
				t.Error("dump not deterministic")
			}
		})
	}
	t.Run("10 MB", func(t *testing.T) {
		if testing.Short() {
			t.Skip("large input")
		}
		var src []byte
		for seed := int64(0); len(src) < 10<<20; seed++ {
			src = append(src, GeneratePlan(seed, 2000)...)
		}
		p := Parse(src)
		checkPlan(t, p)
		if p.TooLarge || len(p.Tasks) < 20000 {
			t.Fatalf("10 MB plan: too large %v, %d tasks", p.TooLarge, len(p.Tasks))
		}
	})
}
