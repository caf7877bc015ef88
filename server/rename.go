package server

// This file defines textDocument/prepareRename and textDocument/rename on a
// heading: the heading's name and every link to its anchors in every file of
// the workspace, as one WorkspaceEdit computed by analysis.Rename and built by
// fileMappers.workspaceEdit. Files the editor has open are edited at the
// version the edit was computed for; the others (version null) at positions
// computed from the text in the index, which must still be the text on disk.

import (
	"context"
	"errors"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codeContentModified is the LSP error code ContentModified: the documents
// changed while the answer was computed.
const codeContentModified jsonrpc2.Code = -32801

// renameCapability announces rename, with prepareRename when the client
// supports it.
func renameCapability(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
	if client != nil && client.TextDocument != nil && client.TextDocument.Rename != nil &&
		client.TextDocument.Rename.PrepareSupport != nil && *client.TextDocument.Rename.PrepareSupport {
		yes := true
		caps.RenameProvider = &protocol.RenameOptions{PrepareProvider: &yes}
		return
	}
	caps.RenameProvider = protocol.Boolean(true)
}

// prepareRename answers textDocument/prepareRename: the heading's name and
// its text as the placeholder, or null when the cursor is not on a heading.
func (s *server) prepareRename(ctx context.Context, snap snapshot, p *protocol.PrepareRenameParams) (any, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return nil, nil
	}
	env := s.envFor(doc.uri)
	span, placeholder, ok := analysis.PrepareRename(s.plan(doc, env.settings), s.toOffset(doc, p.Position))
	if !ok {
		return nil, nil
	}
	return &protocol.PrepareRenamePlaceholder{Range: s.toRange(doc, span), Placeholder: placeholder}, nil
}

// rename answers textDocument/rename. A refused rename is an InvalidParams
// error whose message says why.
func (s *server) rename(ctx context.Context, snap snapshot, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is not open", p.TextDocument.URI)
	}
	env := s.envFor(doc.uri)
	files, err := analysis.Rename(s.plan(doc, env.settings), s.toOffset(doc, p.Position), p.NewName, env.analysisEnv(nil))
	if err != nil {
		var re *analysis.RenameError
		if errors.As(err, &re) {
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, re.Msg)
		}
		return nil, err
	}
	return s.newFileMappers(snap, doc, env).workspaceEdit(files)
}
