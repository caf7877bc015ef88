package server

// This file defines textDocument/foldingRange: front matter, sections, groups
// between thematic breaks, task blocks and code blocks, computed by
// analysis.FoldingRanges, as whole lines.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// foldingRangeCapability announces folding ranges.
func foldingRangeCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.FoldingRangeProvider = protocol.Boolean(true)
}

// foldingRange answers textDocument/foldingRange.
func (s *server) foldingRange(ctx context.Context, snap snapshot, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	out := []protocol.FoldingRange{}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return out, nil
	}
	env := s.envFor(doc.uri)
	limit := -1
	if c := s.clientCapabilities(); c.TextDocument != nil && c.TextDocument.FoldingRange != nil && c.TextDocument.FoldingRange.RangeLimit != nil {
		limit = int(*c.TextDocument.FoldingRange.RangeLimit)
	}
	for _, r := range analysis.FoldingRanges(s.plan(doc, env.settings)) {
		if limit >= 0 && len(out) >= limit {
			break
		}
		fr := protocol.FoldingRange{StartLine: uint32(r.StartLine), EndLine: uint32(r.EndLine)}
		if r.Kind == analysis.FoldFrontMatter {
			fr.Kind = protocol.FoldingRangeKindComment
		}
		out = append(out, fr)
	}
	return out, nil
}
