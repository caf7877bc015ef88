package server

// This file defines the navigation marker runners against the real server: the
// archives of testdata/{symbols,folding,hover,links,references,rename,codelens}
// (the files the analysis runners use, see analysis/navigation_test.go and
// package markers) are written to a temporary folder without their golden
// sections, a server is started on it, and an LSP client opens each Markdown
// file that holds markers (and only those: the others reach the server through
// its index), asks for what the markers name, converts the answers back to byte
// offsets in its own encoding and renders them with package markers. The result
// must equal the goldens the analysis runner wrote, in UTF-8 and in UTF-16.

import (
	"errors"
	"fmt"
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

// navClientCaps are the client capabilities of the navigation tests.
const navClientCaps = `{
	"workspace": {"workspaceEdit": {"documentChanges": true}, "applyEdit": true},
	"textDocument": {
		"documentSymbol": {"hierarchicalDocumentSymbolSupport": true, "tagSupport": {"valueSet": [1]}},
		"rename": {"prepareSupport": true}
	}
}`

// navWorkspace is a navigation archive written to a folder.
type navWorkspace struct {
	root    string
	mds     []string
	goldens map[string]string
	got     map[string]string
}

// writeNavWorkspace writes the workspace files of an archive (not its goldens)
// into dir, converting *.crlf.md to CRLF and <TAB> to tabs as the analysis
// runners do.
func writeNavWorkspace(t *testing.T, path, dir string) *navWorkspace {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &navWorkspace{root: dir, goldens: map[string]string{}, got: map[string]string{}}
	for _, f := range ar.Files {
		name, data := f.Name, string(f.Data)
		if markers.IsGolden(name) {
			w.goldens[name] = data
			continue
		}
		if strings.HasSuffix(name, ".crlf.md") {
			data = strings.ReplaceAll(data, "\n", "\r\n")
			name = strings.TrimSuffix(name, ".crlf.md") + ".md"
		}
		data = strings.ReplaceAll(data, "<TAB>", "\t")
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".md") {
			w.mds = append(w.mds, name)
		}
	}
	sort.Strings(w.mds)
	return w
}

// text returns a workspace file's text as written.
func (w *navWorkspace) text(t *testing.T, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("reading %s: %v", rel, err)
	}
	return string(data)
}

// rel returns the workspace path of a file URI (its fragment kept).
func (w *navWorkspace) rel(t *testing.T, u string) string {
	t.Helper()
	base, frag, hasFrag := strings.Cut(u, "#")
	r, err := filepath.Rel(w.root, uri.URI(base).FsPath())
	if err != nil || strings.HasPrefix(r, "..") {
		t.Fatalf("URI %s is outside the workspace %s", u, w.root)
	}
	r = filepath.ToSlash(r)
	if hasFrag {
		r += "#" + frag
	}
	return r
}

// set records a rendering.
func (w *navWorkspace) set(t *testing.T, name, text string) {
	t.Helper()
	if _, dup := w.got[name]; dup {
		t.Fatalf("two markers produce golden %s", name)
	}
	w.got[name] = text
}

// check compares the renderings with the goldens.
func (w *navWorkspace) check(t *testing.T) {
	t.Helper()
	for name, text := range w.got {
		want, ok := w.goldens[name]
		switch {
		case !ok:
			t.Errorf("no golden section %s (run go test ./analysis -update); the server gives:\n%s", name, text)
		case want != text:
			t.Errorf("%s: the server gives\n%s\nwant\n%s", name, text, want)
		}
	}
	for name := range w.goldens {
		if _, ok := w.got[name]; !ok {
			t.Errorf("golden %s: the server produced nothing for it", name)
		}
	}
}

// navMarker is a marker of an open document.
type navMarker struct {
	*markers.Nav
	name string // the file
	uri  uri.URI
	text string
}

// pos returns the LSP position of the marker's cursor.
func (m navMarker) pos(c *lspClient) protocol.Position {
	lines := strings.SplitAfter(m.text, "\n")
	off := 0
	for i := 0; i < m.Line && i < len(lines); i++ {
		off += len(lines[i])
	}
	return c.position(m.text, off+m.Col)
}

// params returns the text document position params of the marker.
func (m navMarker) params(c *lspClient) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": string(m.uri)}, "position": m.pos(c)}
}

// eachNavFixture runs f on every marker of every archive of a testdata folder,
// in both encodings, then checks the goldens.
func eachNavFixture(t *testing.T, folder string, f func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker)) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", folder, "*.txtar"))
	if len(paths) == 0 {
		t.Fatalf("no testdata/%s files", folder)
	}
	for _, path := range paths {
		for _, enc := range []Encoding{UTF16, UTF8} {
			t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar")+"/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				w := writeNavWorkspace(t, path, t.TempDir())
				c := newLSPClient(t, w.root, enc, navClientCaps)
				for _, name := range w.mds {
					ms, err := markers.Navs([]byte(w.text(t, name)))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if len(ms) == 0 {
						continue
					}
					u, text := c.open(name)
					for _, m := range ms {
						f(t, c, w, navMarker{Nav: m, name: name, uri: u, text: text})
					}
				}
				w.check(t)
			})
		}
	}
}

// symbolKindNames maps the LSP kinds planls uses back to analysis kind names.
var symbolKindNames = map[protocol.SymbolKind]string{protocol.SymbolKindNamespace: "section", protocol.SymbolKindBoolean: "task"}

func TestServerSymbolMarkers(t *testing.T) {
	eachNavFixture(t, "symbols", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		switch m.Name {
		case "symbols":
			var syms []protocol.DocumentSymbol
			if err := c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": string(m.uri)}}, &syms); err != nil {
				t.Fatal(err)
			}
			var convert func([]protocol.DocumentSymbol) []markers.Symbol
			convert = func(syms []protocol.DocumentSymbol) []markers.Symbol {
				var out []markers.Symbol
				for _, s := range syms {
					ms := markers.Symbol{Kind: symbolKindNames[s.Kind], Name: s.Name,
						Start: c.offset(m.text, s.Range.Start), End: c.offset(m.text, s.Range.End),
						SelStart: c.offset(m.text, s.SelectionRange.Start), SelEnd: c.offset(m.text, s.SelectionRange.End),
						Children: convert(s.Children)}
					if s.Detail != nil {
						ms.Detail = *s.Detail
					}
					for _, tag := range s.Tags {
						ms.Closed = ms.Closed || tag == protocol.SymbolTagDeprecated
					}
					out = append(out, ms)
				}
				return out
			}
			w.set(t, "symbols/"+m.name, markers.RenderSymbols([]byte(m.text), convert(syms)))
		case "wsymbols":
			var syms []protocol.SymbolInformation
			if err := c.call("workspace/symbol", map[string]any{"query": m.Arg(0)}, &syms); err != nil {
				t.Fatal(err)
			}
			var out []markers.WorkspaceSymbol
			for _, s := range syms {
				path := w.rel(t, string(s.Location.URI))
				text := w.text(t, path)
				ws := markers.WorkspaceSymbol{Kind: symbolKindNames[s.Kind], Name: s.Name, Path: path, Src: []byte(text),
					Start: c.offset(text, s.Location.Range.Start), End: c.offset(text, s.Location.Range.End)}
				if s.ContainerName != nil {
					ws.Container = *s.ContainerName
				}
				out = append(out, ws)
			}
			w.set(t, "wsymbols/"+m.ID(), markers.RenderWorkspaceSymbols(out))
		}
	})
}

func TestServerFoldingMarkers(t *testing.T) {
	eachNavFixture(t, "folding", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		var ranges []protocol.FoldingRange
		if err := c.call("textDocument/foldingRange", map[string]any{"textDocument": map[string]any{"uri": string(m.uri)}}, &ranges); err != nil {
			t.Fatal(err)
		}
		var out [][2]int
		for _, r := range ranges {
			out = append(out, [2]int{int(r.StartLine), int(r.EndLine)})
		}
		if strings.HasPrefix(m.text, "---") && (len(ranges) == 0 || ranges[0].Kind != protocol.FoldingRangeKindComment) {
			t.Errorf("%s: the front matter's range is not of kind comment: %+v", m.name, ranges)
		}
		w.set(t, "fold/"+m.name, markers.RenderFolds([]byte(m.text), out))
	})
}

func TestServerHoverMarkers(t *testing.T) {
	eachNavFixture(t, "hover", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		var raw jsonrpc2.RawMessage
		if err := c.call("textDocument/hover", m.params(c), &raw); err != nil {
			t.Fatal(err)
		}
		text := "(none)\n"
		if string(raw) != "null" {
			var h protocol.Hover
			if err := protocol.Unmarshal(raw, &h); err != nil {
				t.Fatal(err)
			}
			mc, ok := h.Contents.(*protocol.MarkupContent)
			if !ok || mc.Kind != protocol.MarkupKindMarkdown || h.Range == nil {
				t.Fatalf("hover is not Markdown with a range: %s", raw)
			}
			text = markers.RenderHover([]byte(m.text), c.offset(m.text, h.Range.Start), c.offset(m.text, h.Range.End), mc.Value)
		}
		w.set(t, "hover/"+m.ID(), text)
	})
}

func TestServerLinkMarkers(t *testing.T) {
	eachNavFixture(t, "links", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		switch m.Name {
		case "links":
			var links []protocol.DocumentLink
			if err := c.call("textDocument/documentLink", map[string]any{"textDocument": map[string]any{"uri": string(m.uri)}}, &links); err != nil {
				t.Fatal(err)
			}
			var out []markers.Link
			for _, l := range links {
				if l.Target == nil {
					t.Fatalf("link without target: %+v", l)
				}
				out = append(out, markers.Link{Start: c.offset(m.text, l.Range.Start), End: c.offset(m.text, l.Range.End), Target: w.rel(t, string(*l.Target))})
			}
			w.set(t, "links/"+m.name, markers.RenderLinks([]byte(m.text), out))
		case "def":
			var raw jsonrpc2.RawMessage
			if err := c.call("textDocument/definition", m.params(c), &raw); err != nil {
				t.Fatal(err)
			}
			got := "-"
			if string(raw) != "null" {
				var loc protocol.Location
				if err := protocol.Unmarshal(raw, &loc); err != nil {
					t.Fatal(err)
				}
				got = fmt.Sprintf("%s:%d", w.rel(t, string(loc.URI)), loc.Range.Start.Line+1)
			}
			if got != m.Arg(1) {
				t.Errorf("%s:%d: definition at %q is %s, want %s", m.name, m.Line+1, m.Arg(0), got, m.Arg(1))
			}
		}
	})
}

// locations converts LSP locations into the markers form, reading the files.
func (w *navWorkspace) locations(t *testing.T, c *lspClient, locs []protocol.Location) []markers.Location {
	var out []markers.Location
	for _, l := range locs {
		path := w.rel(t, string(l.URI))
		text := w.text(t, path)
		out = append(out, markers.Location{Path: path, Src: []byte(text), Start: c.offset(text, l.Range.Start), End: c.offset(text, l.Range.End)})
	}
	return out
}

func TestServerReferenceMarkers(t *testing.T) {
	eachNavFixture(t, "references", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		params := m.params(c)
		params["context"] = map[string]any{"includeDeclaration": m.Opts["decl"] != "false"}
		var locs []protocol.Location
		if err := c.call("textDocument/references", params, &locs); err != nil {
			t.Fatal(err)
		}
		text := "(none)\n"
		if len(locs) > 0 {
			text = markers.RenderLocations(w.locations(t, c, locs))
		}
		w.set(t, "refs/"+m.ID(), text)
	})
}

func TestServerRenameMarkers(t *testing.T) {
	eachNavFixture(t, "rename", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		switch m.Name {
		case "prepare":
			var raw jsonrpc2.RawMessage
			if err := c.call("textDocument/prepareRename", m.params(c), &raw); err != nil {
				t.Fatal(err)
			}
			got := "-"
			if string(raw) != "null" {
				var pr protocol.PrepareRenamePlaceholder
				if err := protocol.Unmarshal(raw, &pr); err != nil {
					t.Fatal(err)
				}
				got = pr.Placeholder
				if span := m.text[c.offset(m.text, pr.Range.Start):c.offset(m.text, pr.Range.End)]; span != got {
					t.Errorf("%s:%d: placeholder %q but range covers %q", m.name, m.Line+1, got, span)
				}
			}
			if got != m.Arg(1) {
				t.Errorf("%s:%d: prepareRename at %q offers %q, want %q", m.name, m.Line+1, m.Arg(0), got, m.Arg(1))
			}
		case "rename":
			params := m.params(c)
			params["newName"] = m.Arg(1)
			var we protocol.WorkspaceEdit
			err := c.call("textDocument/rename", params, &we)
			if want, refused := m.Opts["error"]; refused {
				var je *jsonrpc2.Error
				if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &je) || je.Code != jsonrpc2.InvalidParams {
					t.Errorf("%s:%d: rename to %q: got error %v, want InvalidParams containing %q", m.name, m.Line+1, m.Arg(1), err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s:%d: rename to %q: %v", m.name, m.Line+1, m.Arg(1), err)
			}
			id := m.Opts["id"]
			if id == "" {
				id = m.Arg(1)
			}
			if len(we.Changes) > 0 {
				t.Errorf("rename answered with changes although the client supports documentChanges")
			}
			for _, dc := range we.DocumentChanges {
				te, ok := dc.(*protocol.TextDocumentEdit)
				if !ok {
					t.Fatalf("unexpected document change %T", dc)
				}
				path := w.rel(t, string(te.TextDocument.URI))
				open := path == m.name
				switch v := te.TextDocument.Version; {
				case open && (v == nil || *v != 1):
					t.Errorf("%s: open document edited at version %v, want 1", path, v)
				case !open && v != nil:
					t.Errorf("%s: closed file edited at version %d, want null", path, *v)
				}
				text := w.text(t, path)
				w.set(t, "rename/"+id+"/"+path, applyLSPEdits(t, c, text, te.Edits))
			}
		}
	})
}

// applyLSPEdits applies text edits (in the client's encoding) to text.
func applyLSPEdits(t *testing.T, c *lspClient, text string, elems []protocol.TextDocumentEditElement) string {
	t.Helper()
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, el := range elems {
		te, ok := el.(*protocol.TextEdit)
		if !ok {
			t.Fatalf("unexpected edit %T", el)
		}
		edits = append(edits, edit{c.offset(text, te.Range.Start), c.offset(text, te.Range.End), te.NewText})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	for i, e := range edits {
		if i > 0 && e.end > edits[i-1].start {
			t.Fatalf("overlapping edits: %+v", edits)
		}
		text = text[:e.start] + e.text + text[e.end:]
	}
	return text
}

func TestServerCodeLensMarkers(t *testing.T) {
	eachNavFixture(t, "codelens", func(t *testing.T, c *lspClient, w *navWorkspace, m navMarker) {
		var lenses []protocol.CodeLens
		if err := c.call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": string(m.uri)}}, &lenses); err != nil {
			t.Fatal(err)
		}
		var out []markers.Lens
		for _, l := range lenses {
			out = append(out, markers.Lens{Start: c.offset(m.text, l.Range.Start), End: c.offset(m.text, l.Range.End), Title: l.Command.Title})
		}
		w.set(t, "lens/"+m.name, markers.RenderLenses([]byte(m.text), out))
	})
}

// TestServerNavigationOddParams sends the navigation requests about documents
// that are not open, positions past the end and inside a surrogate pair, and
// params that do not decode: each gets an empty answer or InvalidParams, never
// another error, and the server keeps answering.
func TestServerNavigationOddParams(t *testing.T) {
	dir := t.TempDir()
	const plan = "# 1. doing 🎉\n\n* [x] done 🎉\n* [ ] open [x](#nowhere)\n"
	if err := os.WriteFile(filepath.Join(dir, "plan.md"), []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newLSPClient(t, dir, UTF16, navClientCaps)
	u, _ := c.open("plan.md")
	notOpen := string(uri.File(filepath.Join(dir, "other.md")))
	doc := func(u string) map[string]any { return map[string]any{"uri": u} }
	at := func(u string, line, char int) map[string]any {
		return map[string]any{"textDocument": doc(u), "position": map[string]any{"line": line, "character": char}}
	}
	with := func(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }
	for _, tc := range []struct {
		method string
		params any
		want   string // the result as JSON, or "error" for InvalidParams
	}{
		{"textDocument/documentSymbol", map[string]any{"textDocument": doc(notOpen)}, `[]`},
		{"textDocument/foldingRange", map[string]any{"textDocument": doc(notOpen)}, `[]`},
		{"textDocument/documentLink", map[string]any{"textDocument": doc(notOpen)}, `[]`},
		{"textDocument/codeLens", map[string]any{"textDocument": doc(string(u))}, `[]`},
		{"textDocument/hover", at(notOpen, 0, 0), `null`},
		{"textDocument/hover", at(string(u), 1000000, 5), `null`},
		{"textDocument/hover", at(string(u), -1, 0), "error"},
		{"textDocument/definition", at(string(u), 0, 12), `null`},
		{"textDocument/definition", at(notOpen, 0, 0), `null`},
		{"textDocument/references", with(at(notOpen, 0, 0), "context", map[string]any{"includeDeclaration": true}), `[]`},
		{"textDocument/references", with(at(string(u), 3, 10000), "context", map[string]any{}), `[]`},
		{"textDocument/prepareRename", at(string(u), 2, 3), `null`},
		{"textDocument/prepareRename", at(notOpen, 0, 0), `null`},
		{"textDocument/rename", with(at(string(u), 2, 3), "newName", "x"), "error"},
		{"textDocument/rename", with(at(notOpen, 0, 0), "newName", "x"), "error"},
		{"textDocument/rename", at(string(u), 0, 12), "error"}, // no newName: empty
		{"textDocument/rename", with(at(string(u), 0, 12), "newName", 7), "error"},
		{"workspace/symbol", map[string]any{"query": "zzz"}, `[]`},
		{"workspace/symbol", map[string]any{"query": 7}, "error"},
	} {
		var raw jsonrpc2.RawMessage
		err := c.call(tc.method, tc.params, &raw)
		var je *jsonrpc2.Error
		switch {
		case tc.want == "error":
			if !errors.As(err, &je) || je.Code != jsonrpc2.InvalidParams {
				t.Errorf("%s %v: got %s, %v; want InvalidParams", tc.method, tc.params, raw, err)
			}
		case err != nil:
			t.Errorf("%s %v: %v", tc.method, tc.params, err)
		case string(raw) != tc.want && !(tc.want == `[]` && string(raw) == `null`):
			t.Errorf("%s %v: got %s, want %s", tc.method, tc.params, raw, tc.want)
		}
	}
	// Inside the surrogate pair of the heading's emoji: clamped, still the heading.
	var pr protocol.PrepareRenamePlaceholder
	if err := c.call("textDocument/prepareRename", at(string(u), 0, 12), &pr); err != nil || pr.Placeholder != "doing 🎉" {
		t.Errorf("prepareRename inside a surrogate pair: %+v, %v", pr, err)
	}
}

// TestServerFlatSymbols checks the SymbolInformation answer of clients without
// hierarchical document symbols, and the unversioned changes of rename for
// clients without documentChanges.
func TestServerFlatSymbols(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"plan.md":  "## 1. doing\n\n- [ ] a\n  - [x] b\n",
		"other.md": "- [ ] [x](plan.md#1-doing)\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := newLSPClient(t, dir, UTF16, `{}`)
	u, _ := c.open("plan.md")
	var syms []protocol.SymbolInformation
	if err := c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": string(u)}}, &syms); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range syms {
		container := ""
		if s.ContainerName != nil {
			container = *s.ContainerName
		}
		got = append(got, fmt.Sprintf("%s<%s>@%d", s.Name, container, s.Location.Range.Start.Line))
		if len(s.Tags) > 0 {
			t.Errorf("%s: tags sent to a client without tag support", s.Name)
		}
	}
	if want := "1. doing<>@0 a<1. doing>@2 b<a>@3"; strings.Join(got, " ") != want {
		t.Errorf("flat symbols %q, want %q", strings.Join(got, " "), want)
	}
	var we protocol.WorkspaceEdit
	params := map[string]any{"textDocument": map[string]any{"uri": string(u)}, "position": map[string]any{"line": 0, "character": 6}, "newName": "now"}
	if err := c.call("textDocument/rename", params, &we); err != nil {
		t.Fatal(err)
	}
	if len(we.DocumentChanges) > 0 || len(we.Changes) != 2 {
		t.Fatalf("rename without documentChanges support: %+v", we)
	}
	for u, edits := range we.Changes {
		rel := filepath.Base(u.FsPath())
		text := applyLSPEdits(t, c, files[rel], func() []protocol.TextDocumentEditElement {
			var out []protocol.TextDocumentEditElement
			for i := range edits {
				out = append(out, &edits[i])
			}
			return out
		}())
		want := map[string]string{"plan.md": "## 1. now\n\n- [ ] a\n  - [x] b\n", "other.md": "- [ ] [x](plan.md#1-now)\n"}[rel]
		if text != want {
			t.Errorf("%s after rename: %q, want %q", rel, text, want)
		}
	}
}
