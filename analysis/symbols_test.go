package analysis

// This file checks Symbols against a plain reference implementation (a map
// of tasks per section and a stable sort, as Symbols was first written) on
// generated, example and edge-case plans, and that the children slices it
// carves out of one array cannot overwrite each other.

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

// referenceSymbols is the plain implementation of Symbols.
func referenceSymbols(p *Plan) []Symbol {
	counts := sectionProgress(p)
	bySection := make(map[*Section][]Symbol)
	var top []Symbol
	var withChildren func(t *Task) Symbol
	withChildren = func(t *Task) Symbol {
		sym := taskSymbol(t)
		for _, c := range t.Children {
			sym.Children = append(sym.Children, withChildren(c))
		}
		return sym
	}
	for _, t := range p.Tasks {
		if t.Parent != nil || (t.Section != nil && t.Section.Role == RoleDone) {
			continue
		}
		if t.Section == nil {
			top = append(top, withChildren(t))
		} else {
			bySection[t.Section] = append(bySection[t.Section], withChildren(t))
		}
	}
	var nest func(s *Section) Symbol
	nest = func(s *Section) Symbol {
		sym := sectionSymbol(p, s, counts)
		tasks := bySection[s]
		i := 0
		for _, sub := range s.Children {
			for i < len(tasks) && tasks[i].Span.Start < sub.Span.Start {
				sym.Children = append(sym.Children, tasks[i])
				i++
			}
			sym.Children = append(sym.Children, nest(sub))
		}
		sym.Children = append(sym.Children, tasks[i:]...)
		return sym
	}
	for _, s := range p.Sections {
		if s.Parent == nil {
			top = append(top, nest(s))
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Span.Start < top[j].Span.Start })
	return top
}

// checkCapacities fails when a slice of syms, or of their children, has room
// beyond its length: appending to it would overwrite the next one.
func checkCapacities(t *testing.T, syms []Symbol) {
	t.Helper()
	if cap(syms) != len(syms) {
		t.Fatalf("a slice of %d symbols has capacity %d", len(syms), cap(syms))
	}
	for _, s := range syms {
		checkCapacities(t, s.Children)
	}
}

func TestSymbolsMatchReference(t *testing.T) {
	plans := map[string][]byte{
		"empty":          nil,
		"no headings":    []byte("- [ ] a\n  - [x] b\n- [ ] c\n"),
		"only headings":  []byte("# a\n## b\n### c\n## d\n"),
		"deep first":     []byte("- [ ] before\n### deep\n- [ ] x\n# top\n- [ ] y\n## sub\n- [ ] z\n- [ ] z2\n## done\n- [x] w\n### 2021\n- [ ] still open\n"),
		"generated 100":  GeneratePlan(3, 100),
		"generated 2000": GeneratePlan(1, 2000),
	}
	for _, dir := range []string{"examples", "plans"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.md"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			plans[dir+"/"+filepath.Base(p)] = data
		}
	}
	for name, src := range plans {
		p := Parse(src)
		got, want := Symbols(p), referenceSymbols(p)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Symbols differs from the reference:\ngot  %+v\nwant %+v", name, got, want)
		}
		checkCapacities(t, got)
	}
}
