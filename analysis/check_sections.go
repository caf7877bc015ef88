// This file defines the duplicate-section check.

package analysis

import "fmt"

func init() {
	register(checkDuplicateSections, "duplicate-section")
}

// checkDuplicateSections reports a section whose name equals an earlier sibling's
// (same level, same parent section). Sections of the same name under different
// parents (### done under ## 2024 and under ## 2025) are a structure, not a mistake.
func checkDuplicateSections(p *Plan, env *Env, out *[]Diagnostic) {
	type key struct {
		parent *Section
		level  int
		name   string
	}
	first := map[key]*Section{}
	for _, s := range p.Sections {
		if s.Key == "" {
			continue
		}
		k := key{s.Parent, s.Heading.Level, s.Key}
		f, seen := first[k]
		if !seen {
			first[k] = s
			continue
		}
		line := p.LineOf(f.Span.Start) + 1
		*out = append(*out, Diagnostic{
			Span:    s.Heading.TextSpan,
			Code:    "duplicate-section",
			Message: fmt.Sprintf("Duplicate section %q: a section of this name is already on line %d. Merge the two.", s.Name, line),
			Related: []Related{{Span: f.Heading.TextSpan, Line: line - 1, Message: "first section of this name"}},
			Fix:     &FixHint{Keep: f.Span},
		})
	}
}
