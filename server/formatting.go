package server

// This file defines textDocument/formatting and textDocument/willSaveWaitUntil:
// both return the fix-all edits (analysis.FixAll), so clients that cannot run a
// code action before saving (Neovim's vim.lsp.buf.format, conform.nvim) tidy the
// file on save too.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// formattingCapability announces document formatting.
func formattingCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.DocumentFormattingProvider = protocol.Boolean(true)
}

// formatting answers textDocument/formatting with the fix-all edits.
func (s *server) formatting(ctx context.Context, snap snapshot, p *protocol.DocumentFormattingParams) ([]protocol.TextEdit, error) {
	return s.fixAllEdits(snap.document(p.TextDocument.URI), false), nil
}

// willSaveWaitUntil answers textDocument/willSaveWaitUntil: the fix-all edits
// when the fixOnSave setting is on, else none.
func (s *server) willSaveWaitUntil(ctx context.Context, snap snapshot, p *protocol.WillSaveTextDocumentParams) ([]protocol.TextEdit, error) {
	return s.fixAllEdits(snap.document(p.TextDocument.URI), true), nil
}

// fixAllEdits returns the fix-all edits of doc (none for a closed document, or,
// with onSave, when fixOnSave is off).
func (s *server) fixAllEdits(doc *document, onSave bool) []protocol.TextEdit {
	out := []protocol.TextEdit{}
	if doc == nil {
		return out
	}
	env := s.envFor(doc.uri)
	if onSave && !env.settings.FixOnSave {
		return out
	}
	plan := s.plan(doc, env.settings)
	return append(out, s.toTextEdits(doc, analysis.FixAll(plan, env.settings, s.clock()))...)
}
