// This file defines TextEdit, the unit of every change planls proposes, and the
// helpers that validate and apply a list of edits.

package analysis

import (
	"fmt"
	"sort"
)

// TextEdit replaces the bytes of Span with NewText. An insertion has an empty span.
type TextEdit struct {
	// Span is the range replaced, in byte offsets of the source the edit was
	// computed for.
	Span Span
	// NewText is the replacement.
	NewText string
}

// SortEdits sorts edits by position; insertions at the same offset keep their order.
func SortEdits(edits []TextEdit) {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].Span.Start != edits[j].Span.Start {
			return edits[i].Span.Start < edits[j].Span.Start
		}
		return edits[i].Span.End < edits[j].Span.End
	})
}

// CheckEdits reports an error unless edits are sorted, inside a source of length
// n, and do not overlap (two insertions at the same offset are allowed, and so is
// an insertion at the end of a replaced span).
func CheckEdits(edits []TextEdit, n int) error {
	prev := 0
	for i, e := range edits {
		if e.Span.Start < 0 || e.Span.End < e.Span.Start || e.Span.End > n {
			return fmt.Errorf("edit %d: span %v outside source of %d bytes", i, e.Span, n)
		}
		if e.Span.Start < prev {
			return fmt.Errorf("edit %d: span %v overlaps or precedes the previous edit (ends at %d)", i, e.Span, prev)
		}
		prev = e.Span.End
	}
	return nil
}

// ApplyEdits returns src with edits applied. The edits must satisfy CheckEdits.
func ApplyEdits(src []byte, edits []TextEdit) ([]byte, error) {
	if err := CheckEdits(edits, len(src)); err != nil {
		return nil, err
	}
	size := len(src)
	for _, e := range edits {
		size += len(e.NewText) - e.Span.Len()
	}
	out := make([]byte, 0, max(size, 0))
	at := 0
	for _, e := range edits {
		out = append(out, src[at:e.Span.Start]...)
		out = append(out, e.NewText...)
		at = e.Span.End
	}
	return append(out, src[at:]...), nil
}
