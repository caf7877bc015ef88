package server

// This file defines the conversion of places in other workspace files into
// LSP locations, which the navigation handlers (definition, references,
// rename, workspace symbols) share: a file's URI from its workspace path, and
// its positions through the open document's mapper when the editor has the
// same text open, else through a mapper of the text the index holds. It also
// builds the WorkspaceEdit of edits to several files (rename, moves to another
// plan file).

import (
	"bytes"
	"io/fs"
	"path/filepath"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// fileURI returns the URI of the file at slash path rel of the folder root.
func fileURI(root, rel string) uri.URI {
	return uri.File(filepath.Join(root, filepath.FromSlash(rel)))
}

// fileMappers converts byte spans of workspace files into LSP ranges, making
// at most one Mapper per file.
type fileMappers struct {
	s    *server
	snap snapshot
	root string
	// self is the document the request is about; its path is selfPath.
	self     *document
	selfPath string
	mappers  map[string]*Mapper
}

// newFileMappers returns the converter for the files of root, with doc (at
// path rel) as the request's document.
func (s *server) newFileMappers(snap snapshot, doc *document, env docEnv) *fileMappers {
	return &fileMappers{s: s, snap: snap, root: env.root, self: doc, selfPath: env.rel, mappers: map[string]*Mapper{}}
}

// uri returns the URI of a workspace path.
func (m *fileMappers) uri(path string) uri.URI {
	if path == m.selfPath && m.self != nil {
		return m.self.uri
	}
	return fileURI(m.root, path)
}

// mapper returns the mapper of the file at path whose text is src: the open
// document's when it holds that text, else one made from src.
func (m *fileMappers) mapper(path string, src []byte) *Mapper {
	if mp, ok := m.mappers[path]; ok {
		return mp
	}
	var mp *Mapper
	if m.self != nil && path == m.selfPath && bytes.Equal(m.self.text, src) {
		mp = m.self.mapper
	} else if doc := m.snap.document(m.uri(path)); doc != nil && bytes.Equal(doc.text, src) {
		mp = doc.mapper
	} else {
		mp = NewMapper(src)
	}
	m.mappers[path] = mp
	return mp
}

// rangeOf converts a byte span of the file at path (text src) into an LSP range.
func (m *fileMappers) rangeOf(path string, src []byte, sp analysis.Span) protocol.Range {
	if src == nil {
		return protocol.Range{}
	}
	mp := m.mapper(path, src)
	enc := m.s.positionEncoding()
	sl, sc := mp.OffsetPosition(sp.Start, enc)
	el, ec := mp.OffsetPosition(sp.End, enc)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(sl), Character: uint32(sc)},
		End:   protocol.Position{Line: uint32(el), Character: uint32(ec)},
	}
}

// location converts an analysis location into an LSP one.
func (m *fileMappers) location(l analysis.Location) protocol.Location {
	return protocol.Location{URI: m.uri(l.Path), Range: m.rangeOf(l.Path, l.Src, l.Span)}
}

// workspaceEdit builds one WorkspaceEdit from the edits of several workspace
// files, in the given order: documentChanges when the client supports them,
// with the version of each open document and version null for the others,
// else changes. The edits of an open document must have been computed for its
// text in the request's snapshot, and those of any other file for its text on
// disk; otherwise the answer is a ContentModified error, for the user to try
// again.
func (m *fileMappers) workspaceEdit(files []analysis.FileEdit) (*protocol.WorkspaceEdit, error) {
	we := &protocol.WorkspaceEdit{}
	versioned := m.s.supportsDocumentChanges()
	for _, fe := range files {
		u := m.uri(fe.Path)
		var version *int32
		if open := m.snap.document(u); open != nil {
			if !bytes.Equal(open.text, fe.Src) {
				return nil, jsonrpc2.Errorf(codeContentModified, "%s changed while the edit was computed; try again", fe.Path)
			}
			v := open.version
			version = &v
		} else if !m.onDisk(fe.Path, fe.Src) {
			return nil, jsonrpc2.Errorf(codeContentModified, "%s changed on disk since it was indexed; try again", fe.Path)
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

// onDisk reports whether the file at path holds exactly src on disk.
func (m *fileMappers) onDisk(path string, src []byte) bool {
	fsys := m.s.ws.rootFS(m.root)
	if fsys == nil {
		return false
	}
	data, err := fs.ReadFile(fsys, path)
	return err == nil && bytes.Equal(data, src)
}
