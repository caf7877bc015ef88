package server

// This file defines what the server does with a message too large to read
// (over the stream's 64 MiB limit) that opens or changes a document: the
// document gets a file-too-large diagnostic, so that the user learns why
// planls ignores it, rather than an error response that editors hide in a log.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// oversized handles a message of length bytes that the stream skipped for
// being over limit bytes, given its first bytes. For a didOpen, the document is not opened
// and gets a file-too-large diagnostic. For a didChange of an open document,
// the server's copy can no longer follow the client's, so the document is
// closed (later changes are ignored and requests find nothing) and the user
// is told to reopen it once it is smaller.
func (s *server) oversized(head []byte, length, limit int64) {
	method, u := peekDocument(head)
	if u == "" || s.lifecycle() != stateRunning ||
		(method != protocol.MethodTextDocumentDidOpen && method != protocol.MethodTextDocumentDidChange) {
		return
	}
	if method == protocol.MethodTextDocumentDidChange {
		if doc := s.docs.remove(u); doc != nil {
			s.publish(documentEvent{kind: documentClosed, doc: doc})
		}
		msg := fmt.Sprintf("planls stopped following %s: a change of %s exceeds the limit of %s for one message. Close and reopen the file once it is smaller.",
			u, byteSize(length), byteSize(limit))
		s.clientLogf(protocol.MessageTypeWarning, "%s", msg)
		_ = s.conn.Notify(context.Background(), protocol.MethodWindowShowMessage,
			&protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: msg})
		return
	}
	s.clientLogf(protocol.MessageTypeWarning, "not opening %s: %s exceeds the limit of %s for one message", u, byteSize(length), byteSize(limit))
	root, _ := s.ws.locate(u)
	sev := s.ws.settings(root).SeverityOf("file-too-large")
	if sev == analysis.SeverityOff {
		return
	}
	s.notifyDiagnostics(u, nil, []protocol.Diagnostic{{
		Severity:        protocol.DiagnosticSeverity(sev),
		Code:            protocol.String("file-too-large"),
		CodeDescription: protocol.CodeDescription{Href: uri.URI(analysis.DocsURL("file-too-large"))},
		Source:          protocol.NewOptional("planls"),
		Message: protocol.String(fmt.Sprintf("File too large for planls: the editor sent %s, above the limit of %s for one message. planls does not analyse it; split the file to get its features back.",
			byteSize(length), byteSize(limit))),
	}})
}

// peekDocument reads the method of a JSON-RPC message and the URI of its
// params.textDocument from the first bytes of the message, which may be cut
// anywhere. Either is "" when it is not found in those bytes.
func peekDocument(head []byte) (method string, u uri.URI) {
	// frame is one object or array being read: for an object, the key of
	// the value being read and whether a key comes next.
	type frame struct {
		object, wantKey bool
		key             string
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(head))
	for method == "" || u == "" {
		tok, err := dec.Token()
		if err != nil {
			return method, u
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, frame{object: d == '{', wantKey: d == '{'})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		} else if top := len(stack) - 1; top >= 0 && stack[top].wantKey {
			stack[top].key, _ = tok.(string)
			stack[top].wantKey = false
			continue
		} else if str, ok := tok.(string); ok {
			switch {
			case len(stack) == 1 && stack[0].key == "method":
				method = str
			case len(stack) == 3 && stack[0].key == "params" && stack[1].key == "textDocument" && stack[2].key == "uri":
				u = uri.URI(str)
			}
		}
		// A value has been read: its object's next token is a key.
		if top := len(stack) - 1; top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
	return method, u
}

// byteSize formats a size in bytes for a message: in MiB from 1 MiB on.
func byteSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
