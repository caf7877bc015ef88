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
// same text under a name that is not on disk (parsed afresh). After each close
// of the indexed file the index reads and parses it again in the background,
// which the "indexed" figures include.
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

// BenchmarkServerDidChange measures what the read loop does for one typed
// character (decode the notification, apply the change, derive the line
// table, tell the diagnostics scheduler), without waiting for diagnostics: a
// burst of keystrokes costs this per key before its one diagnostics run. The
// keys alternately insert and delete a character, so the line keeps its length.
func BenchmarkServerDidChange(b *testing.B) {
	for _, n := range benchTasks {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			c, doc := openBenchPlan(b, n)
			insert := true
			b.ReportAllocs()
			for b.Loop() {
				doc.version++
				end, text := doc.col, "x"
				if !insert {
					end, text = doc.col+1, ""
				}
				insert = !insert
				c.notify(b, "textDocument/didChange", map[string]any{
					"textDocument": map[string]any{"uri": doc.uri, "version": doc.version},
					"contentChanges": []any{map[string]any{
						"range": map[string]any{"start": map[string]int{"line": doc.line, "character": doc.col},
							"end": map[string]int{"line": doc.line, "character": end}},
						"text": text}},
				})
			}
			b.StopTimer()
			c.call(b, "textDocument/diagnostic", map[string]any{"textDocument": map[string]string{"uri": doc.uri}})
		})
	}
}
