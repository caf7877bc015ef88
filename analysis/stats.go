// This file defines Stats, the per-section open and done counts used by
// `planls stats`, hovers, symbols and code lenses.

package analysis

import "strings"

// SectionStats counts the tasks of one section.
type SectionStats struct {
	// Name is the section name ("" for the total).
	Name string `json:"name,omitempty"`
	// Level is the heading level.
	Level int `json:"level,omitempty"`
	// Line is the 0-based line of the heading.
	Line int `json:"line"`
	// Indent is two spaces per level below the top level, for display.
	Indent string `json:"-"`
	// Open counts open tasks (including in progress, deferred, important).
	Open int `json:"open"`
	// Done counts closed tasks (done and cancelled).
	Done int `json:"done"`
}

// Stats counts every task of p, subtasks included, in the innermost section that
// holds it, and returns one entry per section in document order plus the total
// (which includes tasks before the first heading).
func Stats(p *Plan) ([]SectionStats, SectionStats) {
	out := make([]SectionStats, len(p.Sections))
	top := 7
	for _, s := range p.Sections {
		top = min(top, s.Heading.Level)
	}
	for i, s := range p.Sections {
		out[i] = SectionStats{Name: s.Name, Level: s.Heading.Level, Line: p.LineOf(s.Span.Start),
			Indent: strings.Repeat("  ", max(s.Heading.Level-top, 0))}
	}
	var total SectionStats
	for _, t := range p.Tasks {
		closed := t.Closed()
		if closed {
			total.Done++
		} else {
			total.Open++
		}
		if t.Section != nil {
			if closed {
				out[t.Section.Index].Done++
			} else {
				out[t.Section.Index].Open++
			}
		}
	}
	return out, total
}
