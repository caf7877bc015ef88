package server

// This file defines textDocument/references: every link in the workspace to
// the heading under the cursor (or to the heading the link under the cursor
// leads to), computed by analysis.References on the index.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// referencesCapability announces find references.
func referencesCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.ReferencesProvider = protocol.Boolean(true)
}

// references answers textDocument/references.
func (s *server) references(ctx context.Context, snap snapshot, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	out := []protocol.Location{}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return out, nil
	}
	env := s.envFor(doc.uri)
	locs, _ := analysis.References(s.plan(doc, env.settings), s.toOffset(doc, p.Position), env.analysisEnv(nil), p.Context.IncludeDeclaration)
	m := s.newFileMappers(snap, doc, env)
	for _, l := range locs {
		out = append(out, m.location(l))
	}
	return out, nil
}
