package server

// This file tests what the server does with messages over the size limit
// that open or change a document, and peekDocument, which finds the method
// and document of a message from its first bytes.

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestPeekDocument(t *testing.T) {
	tests := []struct {
		head   string
		method string
		uri    uri.URI
	}{
		{`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.md","languageId":"markdown","version":1,"text":"# a lot`,
			"textDocument/didOpen", "file:///a.md"},
		{`{"params":{"textDocument":{"version":1,"uri":"file:///b.md"},"contentChanges":[{"text":"x`, "", "file:///b.md"},
		{`{"params":{"textDocument":{"version":1,"uri":"file:///b.md"},"contentChanges":[]},"method":"textDocument/didChange"}`,
			"textDocument/didChange", "file:///b.md"},
		// The text comes first: the URI is beyond the bytes kept.
		{`{"method":"textDocument/didOpen","params":{"textDocument":{"text":"# a lot`, "textDocument/didOpen", ""},
		// Keys of the same name elsewhere do not count.
		{`{"params":{"x":{"uri":"file:///no.md"},"textDocument":{"text":"{\"uri\":\"file:///no.md\"}","uri":"file:///yes.md"}},"id":{"method":"no"}`,
			"", "file:///yes.md"},
		{`{"params":{"textDocument":[{"uri":"file:///no.md"}]},"method":["no"]}`, "", ""},
		{`{"method":7,"params":{"textDocument":{"uri":null}}}`, "", ""},
		{`[{"method":"textDocument/didOpen"}]`, "", ""},
		{``, "", ""},
		{`not json`, "", ""},
		{`{"method"`, "", ""},
	}
	for _, tt := range tests {
		method, u := peekDocument([]byte(tt.head))
		if method != tt.method || u != tt.uri {
			t.Errorf("peekDocument(%s) = %q, %q; want %q, %q", tt.head, method, u, tt.method, tt.uri)
		}
	}
}

func TestOversizedMessages(t *testing.T) {
	c := newConfiguredClient(t, func(s *server, st *stream) { st.maxBody = 2000 })
	c.initialize()
	big := strings.Repeat("* [ ] a task\n", 200)

	// A didOpen over the limit: not opened, and a file-too-large diagnostic.
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen("file:///big.md", 1, big))
	p := c.waitCode("file:///big.md", "file-too-large")
	if _, ok := p.Version.Get(); ok || len(p.Diagnostics) != 1 {
		t.Errorf("published %+v, want one diagnostic without a version", p)
	}
	if _, _, ok := c.srv.documentText("file:///big.md"); ok {
		t.Errorf("the oversized document was opened")
	}

	// A didChange over the limit of an open document: the server cannot
	// follow the text any more, so it closes the document and says so.
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen("file:///small.md", 1, "* [ ] a\n"))
	c.probe(1)
	c.notify(protocol.MethodTextDocumentDidChange, didChange("file:///small.md", 2, fmt.Sprintf(`{"text":%q}`, big)))
	c.waitFor("a window/showMessage about small.md", func() bool {
		for _, n := range c.notes {
			if n.Method() == protocol.MethodWindowShowMessage && strings.Contains(string(n.Params()), "stopped following file:///small.md") {
				return true
			}
		}
		return false
	})
	if _, _, ok := c.srv.documentText("file:///small.md"); ok {
		t.Errorf("the document is still open after a change the server could not read")
	}
	// Other messages over the limit are answered and change nothing.
	c.notify("workspace/didChangeConfiguration", fmt.Sprintf(`{"settings":{"x":%q}}`, big))
	c.probe(2)
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0 bytes"}, {2946, "2946 bytes"}, {1 << 20, "1 MiB"}, {100 << 20, "100 MiB"}, {1<<20 - 1, "1048575 bytes"}}
	for _, tt := range tests {
		if got := byteSize(tt.n); got != tt.want {
			t.Errorf("byteSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
