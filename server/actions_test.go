package server

// This file runs the code action marker files of testdata/actions against the
// real server: each plan (markers stripped) is opened in a temporary workspace,
// the client asks textDocument/codeAction for each marker's selection (passing
// the published diagnostics of those lines, as editors do), resolves the action
// when it came without an edit, applies the WorkspaceEdit itself and compares
// the text with the golden section; @fixall markers go through
// textDocument/formatting. Both UTF-8 and UTF-16 are run.

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/planls/planls/analysis/markers"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/txtar"
)

// applyLSPEdits applies text edits (positions in the client's encoding) to text.
func (c *lspClient) applyLSPEdits(text string, edits []protocol.TextEdit) string {
	type edit struct {
		start, end int
		text       string
	}
	var es []edit
	for _, e := range edits {
		es = append(es, edit{c.offset(text, e.Range.Start), c.offset(text, e.Range.End), e.NewText})
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
	for i := 1; i < len(es); i++ {
		if es[i].start < es[i-1].end {
			c.t.Fatalf("overlapping edits %+v and %+v", es[i-1], es[i])
		}
	}
	var b strings.Builder
	at := 0
	for _, e := range es {
		b.WriteString(text[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// applyWorkspaceEdit applies the edits of we to the document u (text at
// version), checking the version the server named, and reports a created file.
func (c *lspClient) applyWorkspaceEdit(we *protocol.WorkspaceEdit, u uri.URI, text string, version int32) (string, string) {
	c.t.Helper()
	created := ""
	if we == nil {
		c.t.Fatal("code action without an edit")
	}
	if len(we.Changes) > 0 {
		c.t.Fatal("server used changes although the client supports documentChanges")
	}
	for _, dc := range we.DocumentChanges {
		switch d := dc.(type) {
		case *protocol.TextDocumentEdit:
			if d.TextDocument.URI != u {
				c.t.Fatalf("edit of another document %s", d.TextDocument.URI)
			}
			if d.TextDocument.Version == nil || *d.TextDocument.Version != version {
				c.t.Fatalf("edit for version %v, document is at %d", d.TextDocument.Version, version)
			}
			var tes []protocol.TextEdit
			for _, e := range d.Edits {
				switch te := e.(type) {
				case *protocol.TextEdit:
					tes = append(tes, *te)
				case *protocol.AnnotatedTextEdit:
					tes = append(tes, te.TextEdit)
				}
			}
			text = c.applyLSPEdits(text, tes)
		case *protocol.CreateFile:
			rel, err := filepath.Rel(c.root, d.URI.FsPath())
			if err != nil {
				c.t.Fatal(err)
			}
			created = filepath.ToSlash(rel)
		default:
			c.t.Fatalf("unexpected document change %T", dc)
		}
	}
	return text, created
}

func TestServerActionMarkers(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "actions", "*.txtar"))
	if len(paths) == 0 {
		t.Fatal("no testdata/actions files")
	}
	for _, path := range paths {
		for _, enc := range []Encoding{UTF16, UTF8} {
			t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar")+"/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				runServerActionFile(t, path, enc)
			})
		}
	}
}

// runServerActionFile runs the markers of one action file against a server.
func runServerActionFile(t *testing.T, path string, enc Encoding) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[f.Name] = f.Data
	}
	planName, crlf := "plan.md", false
	if _, ok := files["plan.crlf.md"]; ok {
		planName, crlf = "plan.crlf.md", true
	}
	text, ms, err := markers.Actions(string(files[planName]))
	if err != nil {
		t.Fatal(err)
	}
	text = strings.ReplaceAll(text, "<TAB>", "\t")
	if crlf {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	dir := t.TempDir()
	for name, data := range files {
		if name == planName || strings.HasPrefix(name, "want/") {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "plan.md"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newLSPClient(t, dir, enc, `{"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}, "applyEdit": true},
		"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": true}}}`)
	u, _ := c.open("plan.md")
	published := c.waitDiagnostics(u, 1)
	lines := strings.Split(text, "\n")
	lineStarts := make([]int, len(lines))
	at := 0
	for i, l := range lines {
		lineStarts[i] = at
		at += len(l) + 1
	}
	lineEnd := func(n int) int {
		n = min(n, len(lines)-1)
		return lineStarts[n] + len(strings.TrimSuffix(lines[n], "\r"))
	}
	for _, m := range ms {
		var got string
		switch m.Kind {
		case "fixall":
			var edits []protocol.TextEdit
			if err := c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": string(u)},
				"options": map[string]any{"tabSize": 4, "insertSpaces": true}}, &edits); err != nil {
				t.Fatal(err)
			}
			got = c.applyLSPEdits(text, edits)
		default:
			start, end, err := m.Selection(lineStarts[m.Line], strings.TrimSuffix(lines[m.Line], "\r"), lineEnd)
			if err != nil {
				t.Fatal(err)
			}
			rng := protocol.Range{Start: c.position(text, start), End: c.position(text, end)}
			var inContext []protocol.Diagnostic
			for _, d := range published {
				if d.Range.Start.Line <= rng.End.Line && d.Range.End.Line >= rng.Start.Line {
					inContext = append(inContext, d)
				}
			}
			var actions []*protocol.CodeAction
			if err := c.call("textDocument/codeAction", &protocol.CodeActionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: rng,
				Context: protocol.CodeActionContext{Diagnostics: inContext}}, &actions); err != nil {
				t.Fatal(err)
			}
			var found *protocol.CodeAction
			var titles []string
			for _, a := range actions {
				titles = append(titles, a.Title)
				if a.Title == m.Title && found == nil {
					found = a
				}
			}
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
			if found.Edit == nil {
				var resolved protocol.CodeAction
				if err := c.call("codeAction/resolve", found, &resolved); err != nil {
					t.Fatalf("resolving %q: %v", found.Title, err)
				}
				found = &resolved
			}
			var created string
			got, created = c.applyWorkspaceEdit(found.Edit, u, text, 1)
			if created != "" {
				got = "create " + created + "\n" + got
			}
		}
		if crlf {
			got = strings.ReplaceAll(got, "\r\n", "\n")
		}
		want, ok := files["want/"+m.ID]
		if !ok {
			t.Errorf("no golden section want/%s", m.ID)
			continue
		}
		if got != string(want) {
			t.Errorf("want/%s differs from the server's result:\n--- got\n%s\n--- want\n%s", m.ID, got, want)
		}
	}
}
