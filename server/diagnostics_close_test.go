package server

// This file tests that a closed document keeps no diagnostics: a run that is
// publishing while the document closes must not land after the clear.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func TestNoDiagnosticsAfterClose(t *testing.T) {
	u := uri.URI("file:///tmp/close-race/plan.md")
	reached := make(chan struct{})
	proceed := make(chan struct{})
	var once sync.Once
	th := newTestHandlers(t)
	c := newConfiguredClient(t, func(s *server, _ *stream) {
		s.diag.beforePublish = func(got uri.URI) {
			if got == u {
				once.Do(func() {
					close(reached)
					<-proceed // hold the run at the point of publishing
				})
			}
		}
	}, th.handlers()...)
	c.initialize()
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, "## doing\n\n- [ ] a\n- [ ] a\n"))
	select {
	case <-reached:
	case <-time.After(waitTimeout):
		t.Fatal("the run did not reach its publication")
	}
	// Close while the run is about to publish, and let the close's clear
	// have every chance to go out first.
	c.notify(protocol.MethodTextDocumentDidClose, fmt.Sprintf(`{"textDocument":{"uri":%q}}`, u))
	c.echo(num(7))
	time.Sleep(100 * time.Millisecond)
	close(proceed)
	c.waitFor("the clear after the run's publication", func() bool {
		n := 0
		for _, note := range c.notes {
			if note.Method() == protocol.MethodTextDocumentPublishDiagnostics {
				n++
			}
		}
		return n >= 2
	})
	time.Sleep(100 * time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.lastPublished(u); p == nil || len(p.Diagnostics) != 0 {
		t.Fatalf("the closed document's last diagnostics are not empty: %+v", p)
	}
}
