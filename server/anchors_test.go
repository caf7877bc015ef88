package server

// This file tests that a heading change in one open document refreshes the
// diagnostics of the other open documents that link to it.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestOpenHeadingChangeRefreshesOtherDocuments(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.md": "## doing\n\n- [ ] see [notes](b.md#old)\n",
		"b.md": "# Old\n\ntext\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := newLSPClient(t, dir, UTF16, "")
	a, _ := c.open("a.md")
	b, _ := c.open("b.md")
	if d := c.waitDiagnostics(a, 1); len(d) != 0 {
		t.Fatalf("a.md starts with diagnostics: %v", d)
	}
	c.waitDiagnostics(b, 1)
	// Retitle b.md's heading: the link in a.md now points nowhere.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": string(b), "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{
			"start": map[string]any{"line": 0, "character": 2}, "end": map[string]any{"line": 0, "character": 5}}, "text": "New"}},
	})
	codes := func(u uri.URI) string {
		c.mu.Lock()
		defer c.mu.Unlock()
		var out []string
		if p := c.diags[u]; p != nil {
			for _, d := range p.Diagnostics {
				code, _ := d.Code.(protocol.String)
				out = append(out, string(code))
			}
		}
		return strings.Join(out, ",")
	}
	deadline := time.Now().Add(waitTimeout)
	for codes(a) != "missing-anchor" {
		if time.Now().After(deadline) {
			t.Fatalf("a.md was not refreshed after b.md's heading changed: %q", codes(a))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
