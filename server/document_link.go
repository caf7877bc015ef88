package server

// This file defines textDocument/documentLink: local link destinations that
// resolve to an existing file, computed by analysis.DocumentLinks, with a
// "#L<line>" fragment (which VS Code and GitHub understand) for anchors.

import (
	"context"
	"fmt"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// documentLinkCapability announces document links.
func documentLinkCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.DocumentLinkProvider = &protocol.DocumentLinkOptions{}
}

// documentLink answers textDocument/documentLink.
func (s *server) documentLink(ctx context.Context, snap snapshot, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	out := []protocol.DocumentLink{}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return out, nil
	}
	env := s.envFor(doc.uri)
	m := s.newFileMappers(snap, doc, env)
	for _, l := range analysis.DocumentLinks(s.plan(doc, env.settings), env.analysisEnv(nil)) {
		target := m.uri(l.Path)
		tip := "Open " + l.Path
		if l.Line >= 0 {
			target = uri.URI(fmt.Sprintf("%s#L%d", target, l.Line+1))
			tip = fmt.Sprintf("Open %s at line %d", l.Path, l.Line+1)
		}
		out = append(out, protocol.DocumentLink{Range: s.toRange(doc, l.Span), Target: &target, Tooltip: &tip})
	}
	return out, nil
}
