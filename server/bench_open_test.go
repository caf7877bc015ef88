package server

// This file defines BenchmarkServerOpen: what opening a plan costs the server,
// from didOpen to its diagnostics (parse, diagnose, convert, encode), in
// process so that go test -cpuprofile can profile it.

import (
	"fmt"
	"testing"
)

// BenchmarkServerOpen measures didOpen of a plan followed by a diagnostic pull
// answered with its diagnostics, then didClose.
func BenchmarkServerOpen(b *testing.B) {
	for _, n := range benchTasks {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			c, doc := openBenchPlan(b, n)
			c.notify(b, "textDocument/didClose", map[string]any{"textDocument": map[string]string{"uri": doc.uri}})
			text := string(doc.text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				c.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
					"uri": doc.uri, "languageId": "markdown", "version": 1, "text": text}})
				if c.call(b, "textDocument/diagnostic", map[string]any{"textDocument": map[string]string{"uri": doc.uri}}) == nil {
					b.Fatal("diagnostic pull failed")
				}
				c.notify(b, "textDocument/didClose", map[string]any{"textDocument": map[string]string{"uri": doc.uri}})
			}
		})
	}
}
