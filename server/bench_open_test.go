package server

// This file defines BenchmarkServerOpen: what opening a plan costs the server,
// from didOpen to its diagnostics (parse, diagnose, convert, encode), in
// process so that go test -cpuprofile can profile it.

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkServerOpen measures didOpen of a plan followed by a diagnostic pull
// answered with its diagnostics, then didClose: "indexed" opens the file of the
// workspace with its text on disk (the index's parse is reused), "fresh" the
// same text under a name that is not on disk (parsed afresh).
func BenchmarkServerOpen(b *testing.B) {
	for _, n := range benchTasks {
		c, doc := openBenchPlan(b, n)
		c.notify(b, "textDocument/didClose", map[string]any{"textDocument": map[string]string{"uri": doc.uri}})
		text := string(doc.text)
		for _, kind := range []string{"indexed", "fresh"} {
			u := doc.uri
			if kind == "fresh" {
				u = strings.TrimSuffix(u, "plan.md") + "unsaved-plan.md"
			}
			b.Run(fmt.Sprintf("%s/tasks=%d", kind, n), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				b.ReportAllocs()
				for b.Loop() {
					c.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
						"uri": u, "languageId": "markdown", "version": 1, "text": text}})
					if c.call(b, "textDocument/diagnostic", map[string]any{"textDocument": map[string]string{"uri": u}}) == nil {
						b.Fatal("diagnostic pull failed")
					}
					c.notify(b, "textDocument/didClose", map[string]any{"textDocument": map[string]string{"uri": u}})
				}
			})
		}
	}
}
