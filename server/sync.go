package server

// This file defines document synchronisation: the didOpen, didChange,
// didSave and didClose notifications, the incremental application of
// changes, and the textDocumentSync capability.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// syncCapability announces open/close notifications, incremental changes,
// save notifications without text, and willSaveWaitUntil to clients that send it.
func syncCapability(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
	openClose, includeText := true, false
	change := protocol.TextDocumentSyncKindIncremental
	opts := &protocol.TextDocumentSyncOptions{
		OpenClose: &openClose,
		Change:    &change,
		Save:      &protocol.SaveOptions{IncludeText: &includeText},
	}
	// willSaveWaitUntil returns the fix-all edits when fixOnSave is on.
	if client != nil && client.TextDocument != nil && client.TextDocument.Synchronization != nil &&
		client.TextDocument.Synchronization.WillSaveWaitUntil != nil && *client.TextDocument.Synchronization.WillSaveWaitUntil {
		yes := true
		opts.WillSaveWaitUntil = &yes
	}
	caps.TextDocumentSync = opts
}

// publish tells every listener about ev. A listener that panics is logged
// and does not keep the others from hearing about ev.
func (s *server) publish(ev documentEvent) {
	for _, l := range s.listeners {
		func() {
			defer func() {
				if r := recover(); r != nil {
					_ = s.logPanic("document listener", r)
				}
			}()
			l(ev)
		}()
	}
}

// didOpen handles textDocument/didOpen. Reopening an open document replaces
// it.
func (s *server) didOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) {
	td := &p.TextDocument
	// protocol decodes a missing URI as "" and an empty one as "file:///".
	if td.URI == "" || td.URI == "file:///" {
		s.clientLogf(protocol.MessageTypeWarning, "ignoring didOpen without a document URI")
		return
	}
	// Strings decoded from a message may share its memory: keep copies.
	u := uri.URI(strings.Clone(string(td.URI)))
	if s.docs.get(u) != nil {
		s.logf("didOpen for %s, which is already open: replacing it", u)
	}
	doc := newDocument(u, strings.Clone(string(td.LanguageID)), td.Version, []byte(td.Text))
	s.docs.put(doc)
	s.publish(documentEvent{kind: documentOpened, doc: doc})
}

// didChangeParams are the params of textDocument/didChange. The changes are
// decoded by decodeChanges rather than as protocol.TextDocumentContentChangeEvent,
// whose union decoder turns a change with an invalid range (a negative line,
// say) into a whole-document replacement by its text.
type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []protocol.LSPAny                        `json:"contentChanges"`
}

// contentChange is one change of a didChange: the replacement of a range by
// text, or of the whole document when Range is nil.
type contentChange struct {
	Range *changeRange `json:"range"`
	Text  *string      `json:"text"`
}

// changeRange is the range of a contentChange.
type changeRange struct {
	Start *changePosition `json:"start"`
	End   *changePosition `json:"end"`
}

// changePosition is a position of a changeRange. Its fields are wider than
// protocol.Position's so that a negative or huge value is clamped rather than
// rejected.
type changePosition struct {
	Line      int64 `json:"line"`
	Character int64 `json:"character"`
}

// decodeChanges decodes and checks the content changes of a didChange.
func decodeChanges(raw []protocol.LSPAny) ([]contentChange, error) {
	if raw == nil {
		return nil, fmt.Errorf("contentChanges is missing")
	}
	changes := make([]contentChange, len(raw))
	for i, r := range raw {
		c := &changes[i]
		if err := protocol.Unmarshal(r, c); err != nil {
			return nil, fmt.Errorf("change %d: %v", i, err)
		}
		if c.Text == nil {
			return nil, fmt.Errorf("change %d has no text", i)
		}
		if c.Range != nil && (c.Range.Start == nil || c.Range.End == nil) {
			return nil, fmt.Errorf("change %d has an incomplete range", i)
		}
	}
	return changes, nil
}

// didChange handles textDocument/didChange. A change that cannot be applied
// as sent is dealt with so that the server never fails and keeps a text as
// close as possible to the client's:
//   - for a document that is not open: the change is ignored;
//   - with a version older than the document's: the change is ignored and
//     the last good text kept;
//   - with malformed content changes: the whole notification is ignored;
//   - with a range outside the text (past its end, a negative line, inside a
//     character): the range is clamped to the text.
//
// Each case is logged and reported to the client's log.
func (s *server) didChange(ctx context.Context, p *didChangeParams) {
	u := p.TextDocument.URI
	doc := s.docs.get(u)
	if doc == nil {
		s.clientLogf(protocol.MessageTypeWarning, "ignoring didChange for %s, which is not open", u)
		return
	}
	version := p.TextDocument.Version
	if version < doc.version {
		s.clientLogf(protocol.MessageTypeWarning,
			"ignoring didChange for %s: version %d is older than the current version %d", u, version, doc.version)
		return
	}
	changes, err := decodeChanges(p.ContentChanges)
	if err != nil {
		s.clientLogf(protocol.MessageTypeError, "ignoring didChange for %s version %d: %v", u, version, err)
		return
	}
	if version == doc.version {
		s.logf("didChange for %s keeps version %d", u, version)
	}
	text, mapper, notes := applyChanges(doc.text, doc.mapper, changes, s.positionEncoding())
	for _, note := range notes {
		s.clientLogf(protocol.MessageTypeWarning, "didChange for %s version %d: %s", u, version, note)
	}
	next := &document{uri: doc.uri, languageID: doc.languageID, version: version, text: text, mapper: mapper}
	s.docs.put(next)
	s.publish(documentEvent{kind: documentChanged, doc: next})
}

// applyChanges applies changes in order to text, whose mapper is m, with
// positions counted in encoding enc. It returns the new text, which never
// shares memory that a later change could modify, its mapper (derived from m
// for ranged changes, without scanning the text again), and a note for each
// range that did not fit the text and was clamped to it.
func applyChanges(text []byte, m *Mapper, changes []contentChange, enc Encoding) ([]byte, *Mapper, []string) {
	var notes []string
	for i, c := range changes {
		if c.Range == nil {
			text, m = []byte(*c.Text), nil
			continue
		}
		if m == nil {
			m = NewMapper(text)
		}
		start, startOK := changeOffset(m, *c.Range.Start, enc)
		end, endOK := changeOffset(m, *c.Range.End, enc)
		if !startOK || !endOK {
			notes = append(notes, fmt.Sprintf("change %d: range %s does not fit the text (%d lines); clamped",
				i, formatRange(c.Range), m.LineCount()))
		}
		if start > end {
			notes = append(notes, fmt.Sprintf("change %d: range %s ends before it starts; swapped", i, formatRange(c.Range)))
			start, end = end, start
		}
		// bytes.Join allocates without zeroing first: in a large document the
		// copy is the main cost of a keystroke on the read loop.
		ins := []byte(*c.Text)
		next := bytes.Join([][]byte{text[:start], ins, text[end:]}, nil)
		text, m = next, m.Edited(start, end, ins, next)
	}
	if m == nil {
		m = NewMapper(text)
	}
	return text, m, notes
}

// changeOffset returns the byte offset of p, clamped to the text, and
// whether p was a position of the text as sent.
func changeOffset(m *Mapper, p changePosition, enc Encoding) (int, bool) {
	line, char := clampInt(p.Line), clampInt(p.Character)
	off := m.PositionOffset(line, char, enc)
	gotLine, gotChar := m.OffsetPosition(off, enc)
	return off, gotLine == line && gotChar == char
}

// clampInt converts v to an int within the int32 range, which is enough for
// any position and safe on every platform.
func clampInt(v int64) int {
	return int(max(math.MinInt32, min(v, math.MaxInt32)))
}

// formatRange formats r as line:character-line:character for logs.
func formatRange(r *changeRange) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// didSave handles textDocument/didSave. The text is not requested: the
// server already has it.
func (s *server) didSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) {
	doc := s.docs.get(p.TextDocument.URI)
	if doc == nil {
		s.logf("ignoring didSave for %s, which is not open", p.TextDocument.URI)
		return
	}
	s.publish(documentEvent{kind: documentSaved, doc: doc})
}

// didClose handles textDocument/didClose.
func (s *server) didClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) {
	doc := s.docs.remove(p.TextDocument.URI)
	if doc == nil {
		s.logf("ignoring didClose for %s, which is not open", p.TextDocument.URI)
		return
	}
	s.publish(documentEvent{kind: documentClosed, doc: doc})
}
