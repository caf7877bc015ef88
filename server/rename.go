package server

// This file defines textDocument/prepareRename and textDocument/rename on a
// heading: the heading's name and every link to its anchors in every file of
// the workspace, as one WorkspaceEdit computed by analysis.Rename. Files the
// editor has open are edited at the version the edit was computed for; the
// others (version null) at positions computed from the text in the index.

import (
	"bytes"
	"context"
	"errors"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
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
	m := s.newFileMappers(snap, doc, env)
	we := &protocol.WorkspaceEdit{}
	versioned := s.supportsDocumentChanges()
	for _, fe := range files {
		u := m.uri(fe.Path)
		var version *int32
		if open := snap.document(u); open != nil {
			if !bytes.Equal(open.text, fe.Src) {
				return nil, jsonrpc2.Errorf(codeContentModified, "%s changed while renaming; try again", fe.Path)
			}
			v := open.version
			version = &v
		}
		edits := make([]protocol.TextEdit, 0, len(fe.Edits))
		for _, e := range fe.Edits {
			edits = append(edits, protocol.TextEdit{Range: m.rangeOf(fe.Path, fe.Src, e.Span), NewText: e.NewText})
		}
		if !versioned {
			if we.Changes == nil {
				we.Changes = map[uri.URI][]protocol.TextEdit{}
			}
			we.Changes[u] = edits
			continue
		}
		elems := make([]protocol.TextDocumentEditElement, 0, len(edits))
		for i := range edits {
			elems = append(elems, &edits[i])
		}
		we.DocumentChanges = append(we.DocumentChanges, &protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: version},
			Edits: elems,
		})
	}
	return we, nil
}
