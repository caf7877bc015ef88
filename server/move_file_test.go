package server

// This file runs the marker files of testdata/actions-xfile (moves to a section
// of another plan file) against the real server: the workspace is written to a
// temporary folder, the file with the markers is opened, and for each marker
// the client asks textDocument/codeAction, resolves the action when it came
// without an edit, applies the multi-document WorkspaceEdit itself (checking
// version 1 for open documents and null for files it has not opened) and
// compares every changed file with the goldens want/ID/PATH. It runs once with
// UTF-16, lazy resolution and the target files closed, and once with UTF-8,
// edits in the answer and every Markdown file open. It also covers
// planls.moveTask with a file argument and the refusal of edits computed for
// text that is no longer on disk.

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/planls/planls/analysis/markers"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/txtar"
)

// xfileWorkspace is a testdata/actions-xfile archive written to disk.
type xfileWorkspace struct {
	root string
	// texts are the files as written, by slash path.
	texts map[string]string
	// marked is the file with the markers (stripped on disk), and ms its markers.
	marked string
	ms     []*markers.Action
	// wants are the goldens: ID → path → text with LF line breaks.
	wants map[string]map[string]string
}

// writeXfileWorkspace writes the workspace of an archive (not its goldens)
// into dir, stripping the markers and converting *.crlf.md and <TAB> as the
// analysis runner does.
func writeXfileWorkspace(t *testing.T, path, dir string) *xfileWorkspace {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &xfileWorkspace{root: dir, texts: map[string]string{}, wants: map[string]map[string]string{}}
	for _, f := range ar.Files {
		name, data := f.Name, strings.ReplaceAll(string(f.Data), "<TAB>", "\t")
		if rest, ok := strings.CutPrefix(name, "want/"); ok {
			id, file, _ := strings.Cut(rest, "/")
			if w.wants[id] == nil {
				w.wants[id] = map[string]string{}
			}
			w.wants[id][file] = string(f.Data)
			continue
		}
		if strings.HasSuffix(name, ".md") {
			text, ms, err := markers.Actions(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) > 0 {
				data, w.ms = text, ms
				w.marked = strings.TrimSuffix(name, ".crlf.md")
				if w.marked != name {
					w.marked += ".md"
				}
			}
		}
		if base, ok := strings.CutSuffix(name, ".crlf.md"); ok {
			data = strings.ReplaceAll(data, "\n", "\r\n")
			name = base + ".md"
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		w.texts[name] = data
	}
	if w.marked == "" {
		t.Fatal("no file holds markers")
	}
	return w
}

// rel returns the workspace path of a file URI.
func (w *xfileWorkspace) rel(t *testing.T, u uri.URI) string {
	t.Helper()
	r, err := filepath.Rel(w.root, u.FsPath())
	if err != nil || strings.HasPrefix(r, "..") {
		t.Fatalf("edit of a file outside the workspace: %s", u)
	}
	return filepath.ToSlash(r)
}

// applyMulti applies a WorkspaceEdit of several documents to the workspace's
// texts and returns the changed files (LF line breaks). open holds the paths
// the client has open, all at version 1.
func (w *xfileWorkspace) applyMulti(t *testing.T, c *lspClient, we *protocol.WorkspaceEdit, open map[string]bool) map[string]string {
	t.Helper()
	if we == nil {
		t.Fatal("code action without an edit")
	}
	if len(we.Changes) > 0 {
		t.Fatal("server used changes although the client supports documentChanges")
	}
	changed := map[string]string{}
	seen := map[string]bool{}
	for _, dc := range we.DocumentChanges {
		te, ok := dc.(*protocol.TextDocumentEdit)
		if !ok {
			t.Fatalf("unexpected document change %T", dc)
		}
		path := w.rel(t, te.TextDocument.URI)
		if seen[path] {
			t.Errorf("two edits of %s in one WorkspaceEdit", path)
		}
		seen[path] = true
		switch v := te.TextDocument.Version; {
		case open[path] && (v == nil || *v != 1):
			t.Errorf("%s: open document edited at version %v, want 1", path, v)
		case !open[path] && v != nil:
			t.Errorf("%s: closed file edited at version %d, want null", path, *v)
		}
		text, ok := w.texts[path]
		if !ok {
			t.Fatalf("edit of %s, which does not exist", path)
		}
		got := applyLSPEdits(t, c, text, te.Edits)
		if strings.Contains(text, "\r\n") && strings.Contains(strings.ReplaceAll(got, "\r\n", ""), "\n") {
			t.Errorf("%s: a CRLF file got a bare LF", path)
		}
		if got != text {
			changed[path] = strings.ReplaceAll(got, "\r\n", "\n")
		}
	}
	return changed
}

// compare compares the changed files of one action with its goldens.
func (w *xfileWorkspace) compare(t *testing.T, id string, changed map[string]string) {
	t.Helper()
	want := w.wants[id]
	var paths []string
	for p := range changed {
		paths = append(paths, p)
	}
	for p := range want {
		if _, ok := changed[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		got, have := changed[p]
		w, ok := want[p]
		switch {
		case !ok:
			t.Errorf("%s: the server changes %s, which has no golden", id, p)
		case !have:
			t.Errorf("%s: golden want/%s/%s, but the server leaves %s alone", id, id, p, p)
		case got != w:
			t.Errorf("want/%s/%s differs from the server's result:\n--- got\n%s\n--- want\n%s", id, p, got, w)
		}
	}
}

// xfileCaps are the client capabilities of the cross-file tests; lazy adds
// resolve support for edits.
func xfileCaps(lazy bool) string {
	caps := `{"workspace": {"workspaceEdit": {"documentChanges": true}, "applyEdit": true}`
	if lazy {
		caps += `, "textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": true}}`
	}
	return caps + "}"
}

// codeActionAt asks for the code actions at a marker's selection and returns
// the one titled title (resolved), or nil with the titles offered.
func codeActionAt(t *testing.T, c *lspClient, u uri.URI, text string, m *markers.Action, title string) (*protocol.CodeAction, []string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	starts := make([]int, len(lines))
	at := 0
	for i, l := range lines {
		starts[i] = at
		at += len(l) + 1
	}
	lineEnd := func(n int) int {
		n = min(n, len(lines)-1)
		return starts[n] + len(strings.TrimSuffix(lines[n], "\r"))
	}
	start, end, err := m.Selection(starts[m.Line], strings.TrimSuffix(lines[m.Line], "\r"), lineEnd)
	if err != nil {
		t.Fatal(err)
	}
	var actions []*protocol.CodeAction
	if err := c.call("textDocument/codeAction", &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u},
		Range:        protocol.Range{Start: c.position(text, start), End: c.position(text, end)},
	}, &actions); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
		if a.Title != title {
			continue
		}
		if a.Edit == nil {
			var resolved protocol.CodeAction
			if err := c.call("codeAction/resolve", a, &resolved); err != nil {
				t.Fatalf("resolving %q: %v", a.Title, err)
			}
			a = &resolved
		}
		return a, titles
	}
	return nil, titles
}

func TestServerFileMoveMarkers(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "actions-xfile", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no testdata/actions-xfile files")
	}
	for _, path := range paths {
		for _, mode := range []struct {
			enc     Encoding
			lazy    bool
			openAll bool
		}{{UTF16, true, false}, {UTF8, false, true}} {
			name := strings.TrimSuffix(filepath.Base(path), ".txtar") + "/" + mode.enc.String()
			if mode.openAll {
				name += "/open"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				w := writeXfileWorkspace(t, path, t.TempDir())
				c := newLSPClient(t, w.root, mode.enc, xfileCaps(mode.lazy))
				open := map[string]bool{w.marked: true}
				u, text := c.open(w.marked)
				if mode.openAll {
					for p := range w.texts {
						if strings.HasSuffix(p, ".md") && p != w.marked {
							c.open(p)
							open[p] = true
						}
					}
				}
				for _, m := range w.ms {
					found, titles := codeActionAt(t, c, u, text, m, m.Title)
					if m.Kind == "noaction" {
						if found != nil {
							t.Errorf("line %d: unexpected action %q", m.Line+1, m.Title)
						}
						continue
					}
					if found == nil {
						t.Errorf("line %d: no action %q; have %q", m.Line+1, m.Title, titles)
						continue
					}
					w.compare(t, m.ID, w.applyMulti(t, c, found.Edit, open))
				}
			})
		}
	}
}

// TestServerFileMoveFreshTarget checks that a move to a file the editor has not
// opened is computed for the text on disk even when the index has not seen its
// latest change (no didChangeWatchedFiles), and that the target's sections
// are those on disk.
func TestServerFileMoveFreshTarget(t *testing.T) {
	dir := t.TempDir()
	writeFilesIn(t, dir, map[string]string{
		".planls.json":   `{"moveTargets": ["notes/other.md"]}`,
		"plan.md":        "## doing\n\n- [ ] go [x](docs/x.md)\n",
		"notes/other.md": "## wait\n\n- [ ] old\n",
	})
	c := newLSPClient(t, dir, UTF16, xfileCaps(false))
	u, text := c.open("plan.md")
	changed := "# Other\n\nA new paragraph.\n\n## later\n\n## wait\n\n- [ ] old\n"
	writeFilesIn(t, dir, map[string]string{"notes/other.md": changed})
	m := &markers.Action{Kind: "codeaction", Line: 2, Lines: 1}
	if a, titles := codeActionAt(t, c, u, text, m, `Move to "notes/other.md › later"`); a == nil {
		t.Fatalf("the section on disk is not offered; have %q", titles)
	}
	a, titles := codeActionAt(t, c, u, text, m, `Move to "notes/other.md › wait"`)
	if a == nil {
		t.Fatalf("no move to wait; have %q", titles)
	}
	w := &xfileWorkspace{root: dir, texts: map[string]string{"plan.md": text, "notes/other.md": changed}}
	got := w.applyMulti(t, c, a.Edit, map[string]bool{"plan.md": true})
	want := map[string]string{
		"plan.md":        "## doing\n",
		"notes/other.md": "# Other\n\nA new paragraph.\n\n## later\n\n## wait\n\n- [ ] go [x](../docs/x.md)\n- [ ] old\n",
	}
	for p, wt := range want {
		if got[p] != wt {
			t.Errorf("%s after the move:\n%s\nwant\n%s", p, got[p], wt)
		}
	}
}

// TestServerMoveTaskCommandToFile runs planls.moveTask with a file argument:
// the server applies one WorkspaceEdit that changes both files; unknown files
// and paths outside the workspace are refused.
func TestServerMoveTaskCommandToFile(t *testing.T) {
	dir := t.TempDir()
	writeFilesIn(t, dir, map[string]string{
		".planls.json":   `{"moveTargets": ["notes/other.md"]}`,
		"plan.md":        "## doing\n\n- [ ] go [x](#doing)\n\n## wait\n",
		"notes/other.md": "## wait\n\n* [ ] old\n",
	})
	c := newLSPClient(t, dir, UTF16, "")
	u, text := c.open("plan.md")
	rng := map[string]any{"start": map[string]any{"line": 2, "character": 0}, "end": map[string]any{"line": 2, "character": 0}}
	run := func(file, section string) error {
		return c.call("workspace/executeCommand", map[string]any{"command": "planls.moveTask",
			"arguments": []any{map[string]any{"uri": string(u), "range": rng, "section": section, "file": file}}}, nil)
	}
	for _, bad := range [][2]string{{"notes/none.md", "wait"}, {"../outside.md", "wait"}, {"notes/other.md", "nope"}} {
		err := run(bad[0], bad[1])
		var je *jsonrpc2.Error
		if err == nil || !errors.As(err, &je) || je.Code != jsonrpc2.InvalidParams {
			t.Errorf("move to %s › %s: err = %v, want InvalidParams", bad[0], bad[1], err)
		}
	}
	if err := run("./notes/other.md", "WAIT"); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	edits := append([]protocol.ApplyWorkspaceEditParams(nil), c.edits...)
	c.mu.Unlock()
	if len(edits) != 1 {
		t.Fatalf("%d applyEdit requests, want 1", len(edits))
	}
	w := &xfileWorkspace{root: dir, texts: map[string]string{"plan.md": text, "notes/other.md": "## wait\n\n* [ ] old\n"}}
	got := w.applyMulti(t, c, &edits[0].Edit, map[string]bool{"plan.md": true})
	if got["plan.md"] != "## doing\n\n## wait\n" || got["notes/other.md"] != "## wait\n\n* [ ] go [x](../plan.md#doing)\n* [ ] old\n" {
		t.Errorf("after planls.moveTask: %q", got)
	}
	// The document's own path is a move within the document.
	if err := run("plan.md", "wait"); err != nil {
		t.Fatal(err)
	}
}

// TestServerRenameStaleIndex checks that a rename refuses (ContentModified)
// to edit a file the editor has not opened when the file on disk no longer
// holds the text the index parsed.
func TestServerRenameStaleIndex(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "plan.md"), []byte("## doing\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.md")
	if err := os.WriteFile(other, []byte("- [ ] [x](plan.md#doing)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newLSPClient(t, dir, UTF16, "")
	u, _ := c.open("plan.md")
	params := map[string]any{"textDocument": map[string]any{"uri": string(u)}, "position": map[string]any{"line": 0, "character": 4}, "newName": "wip"}
	var we protocol.WorkspaceEdit
	if err := c.call("textDocument/rename", params, &we); err != nil || len(we.DocumentChanges) != 2 {
		t.Fatalf("rename: %v, %d document changes", err, len(we.DocumentChanges))
	}
	if err := os.WriteFile(other, []byte("a new line\n- [ ] [x](plan.md#doing)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := c.call("textDocument/rename", params, &we)
	var je *jsonrpc2.Error
	if err == nil || !errors.As(err, &je) || je.Code != codeContentModified {
		t.Errorf("rename with a stale index: err = %v, want ContentModified", err)
	}
}
