package server

// This file tests that opening a file whose text is the one on disk reuses the
// workspace index's parse of it, and that any other text is parsed afresh.

import (
	"path/filepath"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestOpenReusesIndexedPlan(t *testing.T) {
	text := "## 1. doing\n\n* [ ] a [x](other.md#quux)\n\n## 2. done\n\n* [x] b\n"
	root := writeFiles(t, map[string]string{"plan.md": text, "other.md": otherFile})
	c := newTestClient(t)
	c.initializeRoot(root)
	select {
	case <-c.srv.index.ready:
	case <-time.After(waitTimeout):
		t.Fatal("indexing did not end")
	}
	u := uri.File(filepath.Join(root, "plan.md"))
	indexed := c.srv.indexedPlan(u)
	if indexed == nil {
		t.Fatal("plan.md is not indexed")
	}

	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
	c.waitPublished(u, 1, expectedDiagnostics(text, root, "plan.md"))
	doc := c.srv.docs.get(u)
	env := c.srv.envFor(u)
	if got := c.srv.plan(doc, env.settings); got != indexed {
		t.Errorf("opening the file as it is on disk parsed it again instead of reusing the index's plan")
	}

	// Other text, or other parse settings: a fresh parse.
	c.notify(protocol.MethodTextDocumentDidClose, `{"textDocument":{"uri":"`+string(u)+`"}}`)
	changed := text + "* [x] c\n"
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 2, changed))
	c.waitPublished(u, 2, expectedDiagnostics(changed, root, "plan.md"))
	doc = c.srv.docs.get(u)
	if got := c.srv.plan(doc, env.settings); got == indexed || string(got.Src) != changed {
		t.Errorf("a text that differs from the file on disk used the index's plan")
	}
	s := env.settings
	s.ExtendedStatuses = !s.ExtendedStatuses
	if indexed.Reusable(indexed.Src, s) {
		t.Errorf("a plan is reusable under settings that parse differently")
	}
}
