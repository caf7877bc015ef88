// This file defines the completion marker runner. Every testdata/completion/*.txtar
// is a workspace like the diagnostics ones; a line of a Markdown file asks for
// completion with an end-of-line comment
//
//	<!-- @complete("prefix", "insert1", "insert2", …) -->
//
// The cursor is placed right after the first occurrence of "prefix" on the line,
// and the items' Insert texts must be exactly the listed ones, in order ("-" alone
// means: no items). Each item's Replace span must end at the cursor.

package analysis

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// completeRE matches one @complete marker with its quoted arguments.
var completeRE = regexp.MustCompile(`@complete\(((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\)`)

func TestCompletionMarkers(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/completion/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no testdata/completion files")
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			fsys, s, mds := loadWorkspace(t, path)
			markers := 0
			for _, name := range mds {
				src := fsys[name].Data
				p := ParseWith(src, s)
				for i, line := range strings.Split(string(src), "\n") {
					c := strings.LastIndex(line, "<!--")
					if c < 0 {
						continue
					}
					for _, m := range completeRE.FindAllStringSubmatch(line[c:], -1) {
						markers++
						var args []string
						for _, a := range argRE.FindAllString(m[1], -1) {
							u, err := strconv.Unquote(a)
							if err != nil {
								t.Fatalf("%s:%d: bad argument %s", name, i+1, a)
							}
							args = append(args, u)
						}
						at := strings.Index(line, args[0])
						if at < 0 {
							t.Fatalf("%s:%d: prefix %q not on the line", name, i+1, args[0])
						}
						off := p.LineStart(i) + at + len(args[0])
						items := Complete(p, off, CompletionEnv{Settings: s, FS: fsys, Path: name, Root: ".",
							SectionNames: []string{"review", "Doing"}})
						var got []string
						for _, it := range items {
							got = append(got, it.Insert)
							if it.Replace.End != off || it.Replace.Start > off {
								t.Errorf("%s:%d: item %q replaces %v, which does not end at the cursor %d", name, i+1, it.Insert, it.Replace, off)
							}
						}
						want := args[1:]
						if len(want) == 1 && want[0] == "-" {
							want = nil
						}
						if strings.Join(got, "|") != strings.Join(want, "|") {
							t.Errorf("%s:%d: after %q got %q, want %q", name, i+1, args[0], got, want)
						}
					}
				}
			}
			if markers == 0 {
				t.Fatal("no @complete markers")
			}
		})
	}
}
