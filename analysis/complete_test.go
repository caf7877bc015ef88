// This file defines the completion marker runner. Every testdata/completion/*.txtar
// is a workspace like the diagnostics ones; a line of a Markdown file asks for
// completion with an end-of-line <!-- @complete("prefix", "insert1", …) -->
// (see package markers). The items' Insert texts must be exactly the listed ones,
// in order, and each item's Replace span must end at the cursor.

package analysis

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/planls/planls/analysis/markers"
)

func TestCompletionMarkers(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/completion/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/completion files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			fsys, s, mds := loadWorkspace(t, path)
			count := 0
			plans := map[string]*Plan{}
			for _, name := range mds {
				plans[name] = ParseWith(fsys[name].Data, s)
			}
			ws := NewWorkspace(plans)
			for _, name := range mds {
				src := fsys[name].Data
				p := plans[name]
				ms, err := markers.Completes(src)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, m := range ms {
					count++
					off := p.LineStart(m.Line) + m.Col
					items := Complete(p, off, CompletionEnv{Settings: s, FS: fsys, Path: name, Root: ".",
						SectionNames: ws.SectionNames(name), Cache: NewFileCache(ws)})
					var got []string
					for _, it := range items {
						got = append(got, it.Insert)
						if it.Replace.End != off || it.Replace.Start > off {
							t.Errorf("%s:%d: item %q replaces %v, which does not end at the cursor %d", name, m.Line+1, it.Insert, it.Replace, off)
						}
					}
					if strings.Join(got, "|") != strings.Join(m.Want, "|") {
						t.Errorf("%s:%d: after %q got %q, want %q", name, m.Line+1, m.Prefix, got, m.Want)
					}
				}
			}
			if count == 0 {
				t.Fatal("no @complete markers")
			}
		})
	}
}
