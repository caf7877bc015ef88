// This file defines the diagnostic marker runner. Every testdata/diagnostics/*.txtar
// is a small workspace: its files (any name; .planls.json is read as settings)
// form an fstest.MapFS, and every Markdown file in it is diagnosed. A line of a
// Markdown file claims diagnostics with an end-of-line HTML comment:
//
//	<!-- @diag(code) -->                 a diagnostic with this code starts on this line
//	<!-- @diag(code, "text") -->         ... and its span is exactly the first "text" on the line
//	<!-- @diag(code, "text", "msg") -->  ... and its message contains msg
//
// A comment alone on its line claims for the line above it (for lines that a
// trailing comment would change, such as link reference definitions).
// Several markers may share one comment. Every diagnostic must be claimed by a
// marker and every marker must claim a diagnostic, so new noise fails loudly.

package analysis

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/planls/planls/analysis/markers"
)

// loadWorkspace reads a marker archive into an fs and its settings.
func loadWorkspace(t testing.TB, path string) (fstest.MapFS, Settings, []string) {
	_, files := readTxtar(t, path)
	fsys := fstest.MapFS{}
	var mds []string
	for name, data := range files {
		if strings.HasSuffix(name, ".crlf.md") {
			data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
			name = strings.TrimSuffix(name, ".crlf.md") + ".md"
		}
		fsys[name] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(data), "<TAB>", "\t"))}
		if strings.HasSuffix(name, ".md") {
			mds = append(mds, name)
		}
	}
	sort.Strings(mds)
	s := DefaultSettings()
	if cfg, ok := fsys[ConfigFileName]; ok {
		var warns []Warning
		s, warns = DecodeSettings(cfg.Data, s)
		if len(warns) > 0 {
			t.Fatalf("%s: settings warnings: %v", path, warns)
		}
	}
	return fsys, s, mds
}

func TestDiagnosticMarkers(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/diagnostics/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/diagnostics files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			fsys, s, mds := loadWorkspace(t, path)
			plans := map[string]*Plan{}
			for _, name := range mds {
				plans[name] = ParseWith(fsys[name].Data, s)
			}
			ws := NewWorkspace(plans)
			cache := NewFileCache(ws)
			for _, name := range mds {
				src := fsys[name].Data
				p := plans[name]
				diags := Diagnose(p, Env{Settings: s, FS: fsys, Path: name, Root: ".", Cache: cache, Workspace: ws})
				ms, err := markers.Diags(src)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, d := range diags {
					line := p.LineOf(d.Span.Start)
					ls := p.LineStart(line)
					if !markers.Claim(ms, line, string(src[ls:p.LineEnd(line)]), d.Span.Start-ls, d.Span.End-ls, d.Code, d.Message) {
						t.Errorf("%s:%d: unclaimed diagnostic %s %q at %q: %s", name, p.LineOf(d.Span.Start)+1, d.Code,
							d.Severity, src[d.Span.Start:d.Span.End], d.Message)
					}
				}
				for _, m := range ms {
					if !m.Used {
						t.Errorf("%s:%d: marker @diag(%s, %q) matched no diagnostic", name, m.Line+1, m.Code, m.Text)
					}
				}
			}
		})
	}
}

// TestDiagnoseExample pins the findings on the bundled example: a real plan file
// has nothing to report under the default settings.
func TestDiagnoseExample(t *testing.T) {
	fsys := fstest.MapFS{}
	src, err := readFileFromTestdata("examples/wenfh2020-plan.md")
	if err != nil {
		t.Fatal(err)
	}
	fsys["plan.md"] = &fstest.MapFile{Data: src}
	p := Parse(src)
	for _, d := range Diagnose(p, Env{Settings: DefaultSettings(), FS: fsys, Path: "plan.md", Root: "."}) {
		t.Errorf("unexpected %s at line %d: %s", d.Code, p.LineOf(d.Span.Start)+1, d.Message)
	}
}

// readFileFromTestdata reads a file under ../testdata.
func readFileFromTestdata(name string) ([]byte, error) {
	return fstestRead(filepath.Join("..", "testdata", name))
}
