package server

// This file defines the store of open documents (document, documentStore,
// snapshot) and the documentEvent that later features subscribe to.

import (
	"maps"
	"sync"

	"go.lsp.dev/uri"
)

// document is one open text document, as the client last sent it. A document
// is immutable: every change makes a new one, so a request that started on
// one version keeps a consistent text and mapper to the end.
type document struct {
	uri        uri.URI
	languageID string
	version    int32
	text       []byte // never modified; mapper keeps it
	mapper     *Mapper
}

// newDocument returns a document holding text, which the caller must not
// modify afterwards.
func newDocument(u uri.URI, languageID string, version int32, text []byte) *document {
	return &document{uri: u, languageID: languageID, version: version, text: text, mapper: NewMapper(text)}
}

// documentStore holds the open documents. Only the read loop changes it, in
// wire order; any goroutine may take a snapshot. The map is copied on every
// change and never modified once published, so a snapshot costs nothing; a
// session has few open documents, so the copy is cheap.
type documentStore struct {
	mu   sync.Mutex
	docs map[uri.URI]*document
}

// snapshot is an immutable view of the open documents at one moment: a
// request gets the one taken when it arrived, so a later didChange cannot
// change the text under it.
type snapshot struct {
	docs map[uri.URI]*document
}

// snapshot returns the current view of the open documents.
func (st *documentStore) snapshot() snapshot {
	st.mu.Lock()
	defer st.mu.Unlock()
	return snapshot{docs: st.docs}
}

// get returns the open document u, or nil.
func (st *documentStore) get(u uri.URI) *document {
	return st.snapshot().document(u)
}

// put adds or replaces a document.
func (st *documentStore) put(d *document) {
	st.mu.Lock()
	defer st.mu.Unlock()
	docs := maps.Clone(st.docs)
	if docs == nil {
		docs = make(map[uri.URI]*document)
	}
	docs[d.uri] = d
	st.docs = docs
}

// remove removes document u and returns it, or nil if it was not open.
func (st *documentStore) remove(u uri.URI) *document {
	st.mu.Lock()
	defer st.mu.Unlock()
	d := st.docs[u]
	if d == nil {
		return nil
	}
	docs := maps.Clone(st.docs)
	delete(docs, u)
	st.docs = docs
	return d
}

// document returns the open document u, or nil.
func (sn snapshot) document(u uri.URI) *document {
	return sn.docs[u]
}

// documentEventKind says what happened to a document.
type documentEventKind int

// The kinds of documentEvent.
const (
	// documentOpened: the client opened the document (didOpen).
	documentOpened documentEventKind = iota
	// documentChanged: the client edited the document (didChange).
	documentChanged
	// documentSaved: the client saved the document (didSave).
	documentSaved
	// documentClosed: the client closed the document (didClose); the event
	// carries its last state.
	documentClosed
)

// String returns the name of k, for logs and tests.
func (k documentEventKind) String() string {
	switch k {
	case documentOpened:
		return "opened"
	case documentChanged:
		return "changed"
	case documentSaved:
		return "saved"
	case documentClosed:
		return "closed"
	}
	return "unknown"
}

// documentEvent reports a change to the set of open documents or to the text
// of one of them: doc is the document's new state (its URI, version, text and
// mapper), or its last state for documentClosed.
type documentEvent struct {
	kind documentEventKind
	doc  *document
}

// documentListener is told about every documentEvent, on the read loop, in
// wire order, after the store has been updated. It must return quickly: work
// such as parsing belongs on a goroutine of its own (dropping results whose
// version is stale). A diagnostics scheduler is the typical listener; it is
// registered with server.listen before the connection starts.
type documentListener func(documentEvent)

// documentText returns the text and version of the open document u, and
// whether it is open. Tests use it to compare the server's text with the
// client's.
func (s *server) documentText(u uri.URI) (text string, version int32, ok bool) {
	doc := s.docs.get(u)
	if doc == nil {
		return "", 0, false
	}
	return string(doc.text), doc.version, true
}
