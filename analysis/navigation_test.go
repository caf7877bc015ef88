// This file defines the marker runners of the navigation features: every
// testdata/{symbols,folding,hover,links,references,rename,codelens}/*.txtar is a
// small workspace (its free text says what it checks; .planls.json is read as
// settings) whose Markdown files carry navigation markers (see package
// markers for their syntax). Results are rendered by the markers package and
// compared with the archive's golden sections, rewritten with -update; the
// server runs the same files (server/navigation_test.go). Small helpers have
// table tests at the end.

package analysis

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/planls/planls/analysis/markers"
	"golang.org/x/tools/txtar"
)

// navFixture is one loaded navigation archive.
type navFixture struct {
	path     string
	ar       *txtar.Archive
	goldens  map[string]string
	fsys     fstest.MapFS
	settings Settings
	mds      []string
	plans    map[string]*Plan
	ws       *Workspace
	got      map[string]string
}

// loadNavFixture reads a navigation archive: its workspace files (goldens
// excluded), settings and parsed plans.
func loadNavFixture(t *testing.T, path string) *navFixture {
	t.Helper()
	ar, files := readTxtar(t, path)
	f := &navFixture{path: path, ar: ar, goldens: map[string]string{}, fsys: fstest.MapFS{},
		plans: map[string]*Plan{}, got: map[string]string{}}
	for name, data := range files {
		if markers.IsGolden(name) {
			f.goldens[name] = string(data)
			continue
		}
		if strings.HasSuffix(name, ".crlf.md") {
			data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
			name = strings.TrimSuffix(name, ".crlf.md") + ".md"
		}
		f.fsys[name] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(data), "<TAB>", "\t"))}
		if strings.HasSuffix(name, ".md") {
			f.mds = append(f.mds, name)
		}
	}
	sort.Strings(f.mds)
	f.settings = DefaultSettings()
	if cfg, ok := f.fsys[ConfigFileName]; ok {
		var warns []Warning
		f.settings, warns = DecodeSettings(cfg.Data, f.settings)
		if len(warns) > 0 {
			t.Fatalf("settings warnings: %v", warns)
		}
	}
	for _, name := range f.mds {
		f.plans[name] = ParseWith(f.fsys[name].Data, f.settings)
	}
	f.ws = NewWorkspace(f.plans)
	return f
}

// env returns the Env of a file of the fixture.
func (f *navFixture) env(name string) Env {
	return Env{Settings: f.settings, FS: f.fsys, Path: name, Root: ".", Workspace: f.ws, Cache: NewFileCache(f.ws)}
}

// set records the rendering of a golden section.
func (f *navFixture) set(t *testing.T, name, text string) {
	t.Helper()
	if _, dup := f.got[name]; dup {
		t.Fatalf("two markers produce golden %s: give one an id", name)
	}
	f.got[name] = text
}

// finish compares the recorded renderings with the goldens, or rewrites them
// with -update (dropping goldens no marker produces any more).
func (f *navFixture) finish(t *testing.T) {
	t.Helper()
	if *update {
		var keep []txtar.File
		for _, file := range f.ar.Files {
			if !markers.IsGolden(file.Name) {
				keep = append(keep, file)
			}
		}
		names := make([]string, 0, len(f.got))
		for name := range f.got {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			keep = append(keep, txtar.File{Name: name, Data: []byte(f.got[name])})
		}
		f.ar.Files = keep
		if err := os.WriteFile(f.path, txtar.Format(f.ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	compareGoldens(t, f.goldens, f.got)
}

// compareGoldens reports goldens that differ, are missing or are stale.
func compareGoldens(t *testing.T, goldens, got map[string]string) {
	t.Helper()
	for name, text := range got {
		want, ok := goldens[name]
		if !ok {
			t.Errorf("no golden section %s (run go test ./analysis -update); got:\n%s", name, text)
			continue
		}
		if want != text {
			t.Errorf("%s differs (run with -update to accept):\n%s", name, lineDiff(want, text))
		}
	}
	for name := range goldens {
		if _, ok := got[name]; !ok {
			t.Errorf("golden section %s is produced by no marker", name)
		}
	}
}

// runNavFixtures runs f on every marker of every Markdown file of the archives
// of a testdata folder, then checks the goldens.
func runNavFixtures(t *testing.T, folder string, run func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav)) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", folder, "*.txtar"))
	if len(paths) == 0 {
		t.Fatalf("no testdata/%s files", folder)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			f := loadNavFixture(t, path)
			count := 0
			for _, name := range f.mds {
				p := f.plans[name]
				ms, err := markers.Navs(f.fsys[name].Data)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, m := range ms {
					count++
					run(t, f, name, p, m)
				}
			}
			if count == 0 {
				t.Fatal("no markers")
			}
			f.finish(t)
		})
	}
}

// cursor returns the offset a marker places the cursor at.
func cursor(p *Plan, m *markers.Nav) int {
	return p.LineStart(m.Line) + m.Col
}

// symbolsForMarkers converts analysis symbols into the markers form.
func symbolsForMarkers(syms []Symbol) []markers.Symbol {
	var out []markers.Symbol
	for _, s := range syms {
		out = append(out, markers.Symbol{Kind: string(s.Kind), Name: s.Name, Detail: s.Detail, Closed: s.Closed,
			Start: s.Span.Start, End: s.Span.End, SelStart: s.NameSpan.Start, SelEnd: s.NameSpan.End,
			Children: symbolsForMarkers(s.Children)})
	}
	return out
}

func TestSymbolMarkers(t *testing.T) {
	runNavFixtures(t, "symbols", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		switch m.Name {
		case "symbols":
			var syms []Symbol
			if f.settings.Symbols {
				syms = Symbols(p)
				checkSymbolNesting(t, name, syms, Span{0, len(p.Src)})
			}
			f.set(t, "symbols/"+name, markers.RenderSymbols(p.Src, symbolsForMarkers(syms)))
		case "wsymbols":
			var out []markers.WorkspaceSymbol
			if f.settings.Symbols {
				for _, s := range WorkspaceSymbols(f.ws, m.Arg(0), 200) {
					out = append(out, markers.WorkspaceSymbol{Kind: string(s.Kind), Name: s.Name, Container: s.Container,
						Path: s.Path, Src: s.Src, Start: s.Span.Start, End: s.Span.End})
				}
			}
			f.set(t, "wsymbols/"+m.ID(), markers.RenderWorkspaceSymbols(out))
		default:
			t.Errorf("%s:%d: marker @%s does not belong in testdata/symbols", name, m.Line+1, m.Name)
		}
	})
}

// checkSymbolNesting checks that every symbol's range covers its selection and
// lies inside its parent's, and that no name is empty (editors reject those).
func checkSymbolNesting(t *testing.T, file string, syms []Symbol, parent Span) {
	t.Helper()
	for _, s := range syms {
		if strings.TrimSpace(s.Name) == "" {
			t.Errorf("%s: symbol with an empty name at %v", file, s.Span)
		}
		if !s.Span.Covers(s.NameSpan) || !parent.Covers(s.Span) {
			t.Errorf("%s: symbol %q: span %v, name %v, parent %v do not nest", file, s.Name, s.Span, s.NameSpan, parent)
		}
		checkSymbolNesting(t, file, s.Children, s.Span)
	}
}

func TestFoldingMarkers(t *testing.T) {
	runNavFixtures(t, "folding", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		if m.Name != "fold" {
			t.Fatalf("%s:%d: marker @%s does not belong in testdata/folding", name, m.Line+1, m.Name)
		}
		var ranges [][2]int
		for i, r := range FoldingRanges(p) {
			if r.EndLine <= r.StartLine || (i > 0 && r.StartLine <= ranges[i-1][0]) {
				t.Errorf("%s: bad or unsorted range %+v", name, r)
			}
			ranges = append(ranges, [2]int{r.StartLine, r.EndLine})
		}
		f.set(t, "fold/"+name, markers.RenderFolds(p.Src, ranges))
	})
}

func TestHoverMarkers(t *testing.T) {
	runNavFixtures(t, "hover", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		if m.Name != "hover" {
			t.Fatalf("%s:%d: marker @%s does not belong in testdata/hover", name, m.Line+1, m.Name)
		}
		text := "(none)\n"
		if h, ok := HoverAt(p, cursor(p, m), f.env(name)); ok {
			text = markers.RenderHover(p.Src, h.Span.Start, h.Span.End, h.Markdown)
		}
		f.set(t, "hover/"+m.ID(), text)
	})
}

func TestLinkMarkers(t *testing.T) {
	runNavFixtures(t, "links", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		switch m.Name {
		case "links":
			var links []markers.Link
			for _, l := range DocumentLinks(p, f.env(name)) {
				target := l.Path
				if l.Line >= 0 {
					target += fmt.Sprintf("#L%d", l.Line+1)
				}
				links = append(links, markers.Link{Start: l.Span.Start, End: l.Span.End, Target: target})
			}
			f.set(t, "links/"+name, markers.RenderLinks(p.Src, links))
		case "def":
			got := "-"
			if loc, ok := Definition(p, cursor(p, m), f.env(name)); ok {
				got = markers.LocationLine(markers.Location{Path: loc.Path, Src: loc.Src, Start: loc.Span.Start, End: loc.Span.End})
			}
			if got != m.Arg(1) {
				t.Errorf("%s:%d: definition at %q is %s, want %s", name, m.Line+1, m.Arg(0), got, m.Arg(1))
			}
		default:
			t.Errorf("%s:%d: marker @%s does not belong in testdata/links", name, m.Line+1, m.Name)
		}
	})
}

func TestReferenceMarkers(t *testing.T) {
	runNavFixtures(t, "references", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		if m.Name != "refs" {
			t.Fatalf("%s:%d: marker @%s does not belong in testdata/references", name, m.Line+1, m.Name)
		}
		text := "(none)\n"
		if locs, ok := References(p, cursor(p, m), f.env(name), m.Opts["decl"] != "false"); ok {
			var out []markers.Location
			for _, l := range locs {
				out = append(out, markers.Location{Path: l.Path, Src: l.Src, Start: l.Span.Start, End: l.Span.End})
			}
			text = markers.RenderLocations(out)
		}
		f.set(t, "refs/"+m.ID(), text)
	})
}

func TestRenameMarkers(t *testing.T) {
	runNavFixtures(t, "rename", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		switch m.Name {
		case "prepare":
			got := "-"
			if sp, placeholder, ok := PrepareRename(p, cursor(p, m)); ok {
				got = placeholder
				if string(p.Src[sp.Start:sp.End]) != placeholder {
					t.Errorf("%s:%d: placeholder %q is not the text of its span %v", name, m.Line+1, placeholder, sp)
				}
			}
			if got != m.Arg(1) {
				t.Errorf("%s:%d: prepareRename at %q offers %q, want %q", name, m.Line+1, m.Arg(0), got, m.Arg(1))
			}
		case "rename":
			files, err := Rename(p, cursor(p, m), m.Arg(1), f.env(name))
			if want, refused := m.Opts["error"]; refused {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s:%d: rename to %q: got error %v, want one containing %q", name, m.Line+1, m.Arg(1), err, want)
				}
				return
			}
			if err != nil {
				t.Errorf("%s:%d: rename to %q: %v", name, m.Line+1, m.Arg(1), err)
				return
			}
			id := m.Opts["id"]
			if id == "" {
				id = m.Arg(1)
			}
			for _, fe := range files {
				if string(fe.Src) != string(f.plans[fe.Path].Src) {
					t.Errorf("%s: edits computed for a text that is not the workspace's", fe.Path)
				}
				out, err := ApplyEdits(fe.Src, fe.Edits)
				if err != nil {
					t.Fatalf("%s: %v", fe.Path, err)
				}
				f.set(t, "rename/"+id+"/"+fe.Path, string(out))
			}
		default:
			t.Errorf("%s:%d: marker @%s does not belong in testdata/rename", name, m.Line+1, m.Name)
		}
	})
}

func TestCodeLensMarkers(t *testing.T) {
	runNavFixtures(t, "codelens", func(t *testing.T, f *navFixture, name string, p *Plan, m *markers.Nav) {
		if m.Name != "lens" {
			t.Fatalf("%s:%d: marker @%s does not belong in testdata/codelens", name, m.Line+1, m.Name)
		}
		var lenses []markers.Lens
		if f.settings.CodeLens {
			for _, l := range CodeLenses(p) {
				lenses = append(lenses, markers.Lens{Start: l.Span.Start, End: l.Span.End, Title: l.Title})
			}
		}
		f.set(t, "lens/"+name, markers.RenderLenses(p.Src, lenses))
	})
}

func TestFuzzyScore(t *testing.T) {
	for _, tc := range []struct {
		query, name string
		ok          bool
	}{
		{"", "anything", true},
		{"pars", "write the parser", true},
		{"wtp", "write the parser", true},
		{"WTP", "write the parser", true},
		{"ptw", "write the parser", false},
		{"计划", "三、计划", true},
		{"ship 🚀", "ship 🚀 now", true},
		{"xyz", "write", false},
	} {
		if _, ok := FuzzyScore(tc.query, tc.name); ok != tc.ok {
			t.Errorf("FuzzyScore(%q, %q) matches %v, want %v", tc.query, tc.name, ok, tc.ok)
		}
	}
	// Better matches rank higher.
	for _, tc := range []struct{ query, better, worse string }{
		{"doing", "doing", "to do in general"},
		{"doing", "doing", "1. doing later today"},
		{"wp", "write parser", "swap"},
		{"par", "parser", "a pair of rockets"},
	} {
		b, _ := FuzzyScore(tc.query, tc.better)
		w, _ := FuzzyScore(tc.query, tc.worse)
		if b <= w {
			t.Errorf("FuzzyScore(%q): %q scores %d, not above %q (%d)", tc.query, tc.better, b, tc.worse, w)
		}
	}
}

func TestHeadingNameSpan(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"## 1. doing\n", "doing"},
		{"## doing:\n", "doing"},
		{"## 5.1.1. done：\n", "done"},
		{"## 一、计划\n", "计划"},
		{"## (2) wait  \n", "wait"},
		{"## Notes <!-- c -->\n", "Notes"},
		{"## **bold** name\n", "**bold** name"},
		{"## 1.\n", ""},
		{"Title\n=====\n", "Title"},
		{"## Custom {#custom}\n", "Custom"},
		{"## ship 🚀 ##\n", "ship 🚀"},
	} {
		p := Parse([]byte(tc.src))
		if len(p.Headings) != 1 {
			t.Fatalf("%q: %d headings", tc.src, len(p.Headings))
		}
		sp := headingNameSpan(p, p.Headings[0])
		if got := string(p.Src[sp.Start:sp.End]); got != tc.want {
			t.Errorf("%q: name %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestLineAnchor(t *testing.T) {
	for _, tc := range []struct {
		frag string
		line int
		ok   bool
	}{
		{"L10", 9, true}, {"L1-L5", 0, true}, {"L3C4-L5C2", 2, true}, {"L0", 0, false}, {"Lx", 0, false}, {"intro", 0, false},
	} {
		line, ok := lineAnchor(tc.frag)
		if ok != tc.ok || (ok && line != tc.line) {
			t.Errorf("lineAnchor(%q) = %d, %v; want %d, %v", tc.frag, line, ok, tc.line, tc.ok)
		}
	}
}

// TestNavigationNeverPanics runs every navigation feature at every offset of a
// few awkward inputs.
func TestNavigationNeverPanics(t *testing.T) {
	inputs := []string{
		"", "#", "## \n", "- [ ]", "[x](#", "---\nlayout: x\n---\n## 1. a\n[l](b.md#c)\n",
		"## a\n\n[r]: #a\n[u][r]\n![i][r]\n<a href=\"#a\">x</a>\n", "\xff\xfe## \x00\n- [x] \xff",
		"## 😀\r\n- [ ] a\r\n  - [x] b\r\n---\r\n```\r\ncode\r\n```\r\n",
	}
	for _, in := range inputs {
		p := Parse([]byte(in))
		env := Env{Settings: DefaultSettings(), FS: fstest.MapFS{"plan.md": {Data: []byte(in)}}, Path: "plan.md", Root: "."}
		Symbols(p)
		FoldingRanges(p)
		CodeLenses(p)
		DocumentLinks(p, env)
		WorkspaceSymbols(NewWorkspace(map[string]*Plan{"plan.md": p}), "a", 10)
		for off := -1; off <= len(in)+1; off++ {
			HoverAt(p, off, env)
			Definition(p, off, env)
			References(p, off, env, true)
			PrepareRename(p, off)
			if files, err := Rename(p, off, "new name", env); err == nil {
				for _, fe := range files {
					if err := CheckEdits(fe.Edits, len(fe.Src)); err != nil {
						t.Errorf("%q at %d: %v", in, off, err)
					}
				}
			}
		}
	}
}

// navBenchWorkspace is 1,000 generated plan files (about 10 MB) that each link
// to the "doing" heading of hub.md, and hub.md.
func navBenchWorkspace(b *testing.B) (*Workspace, fstest.MapFS, *Plan) {
	b.Helper()
	plans := map[string]*Plan{}
	fsys := fstest.MapFS{}
	size := 0
	for i := range 1000 {
		name := fmt.Sprintf("plans/%03d/plan.md", i)
		src := append(GeneratePlan(int64(i), 150), "\n- [ ] see [hub](../../hub.md#doing)\n"...)
		size += len(src)
		fsys[name] = &fstest.MapFile{Data: src}
		plans[name] = Parse(src)
	}
	hub := Parse([]byte("# Hub\n\n## doing\n\n- [ ] [self](#doing)\n"))
	plans["hub.md"] = hub
	fsys["hub.md"] = &fstest.MapFile{Data: hub.Src}
	b.Logf("%d files, %d bytes", len(plans), size)
	return NewWorkspace(plans), fsys, hub
}

func BenchmarkNavigationWorkspace(b *testing.B) {
	ws, fsys, hub := navBenchWorkspace(b)
	env := Env{Settings: DefaultSettings(), FS: fsys, Path: "hub.md", Root: ".", Workspace: ws}
	off := hub.Headings[1].TextSpan.Start
	b.Run("WorkspaceSymbols", func(b *testing.B) {
		for b.Loop() {
			WorkspaceSymbols(ws, "pars", 200)
		}
	})
	b.Run("References", func(b *testing.B) {
		for b.Loop() {
			if locs, _ := References(hub, off, env, true); len(locs) != 1002 {
				b.Fatalf("%d references", len(locs))
			}
		}
	})
	b.Run("Rename", func(b *testing.B) {
		for b.Loop() {
			if files, err := Rename(hub, off, "in progress", env); err != nil || len(files) != 1001 {
				b.Fatalf("%d files, %v", len(files), err)
			}
		}
	})
}
