package server

// This file defines textDocument/codeLens: each section's progress ("3 open ·
// 12 done") above its heading, computed by analysis.CodeLenses, when the
// codeLens setting is on (it is off by default). The lenses are titles only:
// their command does nothing.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// codeLensCapability announces code lenses. They are fixed at initialize,
// before settings are read, so codeLens: false makes the request answer
// nothing.
func codeLensCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.CodeLensProvider = &protocol.CodeLensOptions{}
}

// codeLens answers textDocument/codeLens.
func (s *server) codeLens(ctx context.Context, snap snapshot, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	out := []protocol.CodeLens{}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return out, nil
	}
	env := s.envFor(doc.uri)
	if !env.settings.CodeLens {
		return out, nil
	}
	for _, l := range analysis.CodeLenses(s.plan(doc, env.settings)) {
		out = append(out, protocol.CodeLens{Range: s.toRange(doc, l.Span), Command: protocol.Command{Title: l.Title}})
	}
	return out, nil
}
