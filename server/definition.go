package server

// This file defines textDocument/definition: where the link under the cursor
// leads (the target heading, or the start of the target file), computed by
// analysis.Definition.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// definitionCapability announces go to definition.
func definitionCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.DefinitionProvider = protocol.Boolean(true)
}

// definition answers textDocument/definition with one location, or null.
func (s *server) definition(ctx context.Context, snap snapshot, p *protocol.DefinitionParams) (any, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	env := s.envFor(doc.uri)
	loc, ok := analysis.Definition(s.plan(doc, env.settings), s.toOffset(doc, p.Position), env.analysisEnv(nil))
	if !ok {
		return nil, nil
	}
	return s.newFileMappers(snap, doc, env).location(loc), nil
}
