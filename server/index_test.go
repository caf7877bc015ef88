package server

// This file tests that the workspace index follows the files on disk: a linked
// file created, deleted, renamed (deleted and created in one notification) or
// given other headings, announced by workspace/didChangeWatchedFiles, refreshes
// the missing-file and missing-anchor diagnostics of the open documents that
// link to it.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// linkFindings returns the missing-file and missing-anchor diagnostics of a
// list as "code text" strings, where text is what the range covers, sorted.
func linkFindings(c *lspClient, text string, diags []protocol.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		code, _ := d.Code.(protocol.String)
		if code != "missing-file" && code != "missing-anchor" {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s", code, text[c.offset(text, d.Range.Start):c.offset(text, d.Range.End)]))
	}
	sort.Strings(out)
	return out
}

// waitPublished waits until the latest diagnostics published for u satisfy
// ok, and reports false when they do not within waitTimeout.
func (c *lspClient) waitPublished(u uri.URI, ok func([]protocol.Diagnostic) bool) bool {
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		p := c.diags[u]
		ch := c.changed
		c.mu.Unlock()
		if p != nil && ok(p.Diagnostics) {
			return true
		}
		select {
		case <-ch:
		case <-deadline:
			return false
		}
	}
}

// waitLinkFindings waits until the latest published diagnostics of u (whose
// text is text) have exactly the link findings want.
func (c *lspClient) waitLinkFindings(u uri.URI, text string, want ...string) {
	c.t.Helper()
	sort.Strings(want)
	var got []string
	if !c.waitPublished(u, func(ds []protocol.Diagnostic) bool {
		got = linkFindings(c, text, ds)
		return strings.Join(got, "|") == strings.Join(want, "|")
	}) {
		c.t.Fatalf("diagnostics of %s: have %q, want %q", u, got, want)
	}
}

// fileEvent is one change of a watched file: a workspace path and
// protocol.FileChangeType (1 created, 2 changed, 3 deleted).
type fileEvent struct {
	path string
	typ  int
}

// watched sends workspace/didChangeWatchedFiles for the events.
func (c *lspClient) watched(events ...fileEvent) {
	c.t.Helper()
	var changes []map[string]any
	for _, e := range events {
		changes = append(changes, map[string]any{"uri": string(uri.File(filepath.Join(c.root, filepath.FromSlash(e.path)))), "type": e.typ})
	}
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": changes})
}

// writeFilesIn writes files (slash path → text) under dir.
func writeFilesIn(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIndexFollowsLinkedFiles(t *testing.T) {
	for _, enc := range []Encoding{UTF16, UTF8} {
		t.Run(enc.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFilesIn(t, dir, map[string]string{
				"plan.md": "## doing\n\n" +
					"- [ ] [a](notes/a.md#intro) and [new](notes/new.md) ✅\n" +
					"- [ ] [c](notes/c.md#intro) and [c, nope](notes/c.md#nope)\n",
				"notes/a.md": "# A\n\n## Intro\n",
			})
			c := newLSPClient(t, dir, enc, "")
			u, text := c.open("plan.md")
			c.waitLinkFindings(u, text, "missing-file notes/new.md", "missing-file notes/c.md#intro", "missing-file notes/c.md#nope")

			// Created: the missing file appears.
			writeFilesIn(t, dir, map[string]string{"notes/new.md": "# New\n"})
			c.watched(fileEvent{"notes/new.md", 1})
			c.waitLinkFindings(u, text, "missing-file notes/c.md#intro", "missing-file notes/c.md#nope")

			// Deleted: it is missing again.
			if err := os.Remove(filepath.Join(dir, "notes", "new.md")); err != nil {
				t.Fatal(err)
			}
			c.watched(fileEvent{"notes/new.md", 3})
			c.waitLinkFindings(u, text, "missing-file notes/new.md", "missing-file notes/c.md#intro", "missing-file notes/c.md#nope")

			// Renamed (a deletion and a creation in one notification): links to
			// the old name break, links to the new one resolve, and their
			// anchors are checked against the renamed file.
			if err := os.Rename(filepath.Join(dir, "notes", "a.md"), filepath.Join(dir, "notes", "c.md")); err != nil {
				t.Fatal(err)
			}
			c.watched(fileEvent{"notes/a.md", 3}, fileEvent{"notes/c.md", 1})
			c.waitLinkFindings(u, text, "missing-file notes/a.md#intro", "missing-file notes/new.md", "missing-anchor #nope")

			// Changed headings: the anchor disappears, then comes back.
			writeFilesIn(t, dir, map[string]string{"notes/c.md": "# C\n\n## Overview\n"})
			c.watched(fileEvent{"notes/c.md", 2})
			c.waitLinkFindings(u, text, "missing-file notes/a.md#intro", "missing-file notes/new.md", "missing-anchor #intro", "missing-anchor #nope")
			writeFilesIn(t, dir, map[string]string{"notes/c.md": "# C\n\n## Intro\n\n## Nope\n"})
			c.watched(fileEvent{"notes/c.md", 2})
			c.waitLinkFindings(u, text, "missing-file notes/a.md#intro", "missing-file notes/new.md")

			// A change outside the workspace folders and a non-Markdown file
			// are harmless.
			c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{
				{"uri": string(uri.File(filepath.Join(t.TempDir(), "x.md"))), "type": 1},
				{"uri": string(uri.File(filepath.Join(dir, "notes", "img.png"))), "type": 1},
			}})
			var echo any
			if err := c.call("workspace/symbol", map[string]any{"query": "doing"}, &echo); err != nil {
				t.Fatal(err)
			}
			c.waitLinkFindings(u, text, "missing-file notes/a.md#intro", "missing-file notes/new.md")
		})
	}
}
