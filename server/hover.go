package server

// This file defines textDocument/hover: a link's resolved target, a heading's
// section progress, a task's duplicates, computed by analysis.HoverAt.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// hoverCapability announces hovers.
func hoverCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.HoverProvider = protocol.Boolean(true)
}

// hover answers textDocument/hover with Markdown, or null.
func (s *server) hover(ctx context.Context, snap snapshot, p *protocol.HoverParams) (any, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	h, ok := analysis.HoverAt(plan, s.toOffset(doc, p.Position), env.analysisEnv(nil))
	if !ok {
		return nil, nil
	}
	r := s.toRange(doc, h.Span)
	return &protocol.Hover{Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: h.Markdown}, Range: &r}, nil
}
