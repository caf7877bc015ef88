package server

// This file defines the conversion of places in other workspace files into
// LSP locations, which the navigation handlers (definition, references,
// rename, workspace symbols) share: a file's URI from its workspace path, and
// its positions through the open document's mapper when the editor has the
// same text open, else through a mapper of the text the index holds.

import (
	"bytes"
	"path/filepath"

	"github.com/planls/planls/analysis"
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
