// This file defines CodeLenses: one lens per section with tasks, showing its
// progress ("3 open · 12 done", subsections included).

package analysis

// CodeLens is a line of text an editor shows above a heading.
type CodeLens struct {
	// Span covers the heading.
	Span Span
	// Title is the text: "3 open · 12 done".
	Title string
}

// CodeLenses returns a lens for every section that holds tasks (its
// subsections' included), in document order.
func CodeLenses(p *Plan) []CodeLens {
	counts := sectionProgress(p)
	var out []CodeLens
	for _, s := range p.Sections {
		if c := counts[s.Index]; c.open+c.done > 0 {
			out = append(out, CodeLens{Span: s.Heading.Span, Title: c.String()})
		}
	}
	return out
}
