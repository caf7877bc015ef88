package server

// This file defines the marker runner against the real server: the workspaces of
// testdata/diagnostics and testdata/completion (the same files the analysis tests
// run) are written to a temporary folder, a server runs in-process over a pipe,
// and an LSP client opens every Markdown file, waits for the published
// diagnostics, asks for completions at the @complete markers, and checks them with
// the shared markers package, in both UTF-8 and UTF-16. Every published
// diagnostic must be claimed by a marker.

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/planls/planls/analysis"
	"github.com/planls/planls/analysis/markers"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"golang.org/x/tools/txtar"
)

// testNow is the clock of the server in marker tests, as in the analysis tests.
var testNow = time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)

// lspClient is a full LSP client of an in-process server: it answers the
// server's requests (applyEdit changes its copy of the documents) and records
// published diagnostics.
type lspClient struct {
	t    testing.TB
	conn jsonrpc2.Conn
	enc  Encoding
	root string

	mu      sync.Mutex
	changed chan struct{}
	diags   map[uri.URI]*protocol.PublishDiagnosticsParams
	texts   map[uri.URI]string
	version map[uri.URI]int32
	edits   []protocol.ApplyWorkspaceEditParams
}

// newLSPClient starts a server and a client connected to it, initialised with
// root as the workspace folder and the given position encoding.
func newLSPClient(t testing.TB, root string, enc Encoding, caps string) *lspClient {
	t.Helper()
	c, _ := startLSPClient(t, root, enc, caps, nil, nil)
	return c
}

// startLSPClient is newLSPClient with two hooks: configure, if not nil, sets up
// the server before it runs; handle, if not nil, answers the server's messages
// instead of the client's own handle (and may delegate to it). It also returns
// the server.
func startLSPClient(t testing.TB, root string, enc Encoding, caps string, configure func(*server),
	handle func(c *lspClient) jsonrpc2.Handler) (*lspClient, *server) {
	t.Helper()
	cs, ss := net.Pipe()
	logBuf := &syncBuffer{}
	s := newServer(Options{Log: logBuf, Version: "test"}, handlers())
	s.now = func() time.Time { return testNow }
	if configure != nil {
		configure(s)
	}
	st := newStream(ss, ss, s.logf)
	done := make(chan int, 1)
	go func() { done <- s.run(context.Background(), st, ss) }()
	c := &lspClient{t: t, enc: enc, root: root, changed: make(chan struct{}),
		diags: map[uri.URI]*protocol.PublishDiagnosticsParams{}, texts: map[uri.URI]string{}, version: map[uri.URI]int32{}}
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewHeaderStream(cs), jsonrpc2.WithCodec(codec{}))
	h := jsonrpc2.Handler(c.handle)
	if handle != nil {
		h = handle(c)
	}
	c.conn.Go(context.Background(), h)
	t.Cleanup(func() {
		_ = c.conn.Close()
		_ = cs.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logBuf)
		}
	})
	if caps == "" {
		caps = `{"workspace": {"workspaceEdit": {"documentChanges": true}, "applyEdit": true}}`
	}
	var capsMap map[string]any
	if err := json.Unmarshal([]byte(caps), &capsMap); err != nil {
		t.Fatal(err)
	}
	capsMap["general"] = map[string]any{"positionEncodings": []string{enc.String()}}
	params := map[string]any{"processId": nil, "rootUri": string(uri.File(root)), "capabilities": capsMap}
	var result map[string]any
	c.call("initialize", params, &result)
	c.notify("initialized", map[string]any{})
	// Wait for the first indexing, so that the first diagnostics already see the
	// other files of the workspace.
	select {
	case <-s.index.ready:
	case <-time.After(waitTimeout):
		t.Fatal("indexing did not finish")
	}
	return c, s
}

// handle answers the server's requests and records its notifications.
func (c *lspClient) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	switch req.Method() {
	case protocol.MethodTextDocumentPublishDiagnostics:
		var p protocol.PublishDiagnosticsParams
		if err := protocol.Unmarshal(req.Params(), &p); err != nil {
			c.t.Errorf("bad publishDiagnostics: %v", err)
			return nil, nil
		}
		c.mu.Lock()
		c.diags[p.URI] = &p
		c.signal()
		c.mu.Unlock()
		return nil, nil
	case protocol.MethodWorkspaceApplyEdit:
		var p protocol.ApplyWorkspaceEditParams
		if err := protocol.Unmarshal(req.Params(), &p); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.edits = append(c.edits, p)
		c.signal()
		c.mu.Unlock()
		return map[string]any{"applied": true}, nil
	case protocol.MethodWorkspaceConfiguration:
		return []any{nil}, nil
	}
	if req.IsCall() {
		return nil, jsonrpc2.NewError(jsonrpc2.MethodNotFound, req.Method())
	}
	return nil, nil
}

// signal wakes waiters; called with c.mu held.
func (c *lspClient) signal() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// call sends a request and decodes its result.
func (c *lspClient) call(method string, params, result any) error {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

// notify sends a notification.
func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatal(err)
	}
}

// open opens a file of the workspace.
func (c *lspClient) open(rel string) (uri.URI, string) {
	c.t.Helper()
	path := filepath.Join(c.root, filepath.FromSlash(rel))
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	u := uri.File(path)
	c.mu.Lock()
	c.texts[u] = string(data)
	c.version[u] = 1
	c.mu.Unlock()
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": string(u), "languageId": "markdown", "version": 1, "text": string(data)}})
	return u, string(data)
}

// waitDiagnostics waits for the diagnostics of u at version.
func (c *lspClient) waitDiagnostics(u uri.URI, version int32) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		p := c.diags[u]
		ch := c.changed
		c.mu.Unlock()
		if p != nil {
			if v, ok := p.Version.Get(); ok && v == version {
				return p.Diagnostics
			}
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("no diagnostics for %s version %d", u, version)
		}
	}
}

// offset converts an LSP position into a byte offset of text, in the client's encoding.
func (c *lspClient) offset(text string, p protocol.Position) int {
	return NewMapper([]byte(text)).PositionOffset(int(p.Line), int(p.Character), c.enc)
}

// position converts a byte offset of text into an LSP position.
func (c *lspClient) position(text string, off int) protocol.Position {
	l, ch := NewMapper([]byte(text)).OffsetPosition(off, c.enc)
	return protocol.Position{Line: uint32(l), Character: uint32(ch)}
}

// writeWorkspace writes the files of a txtar workspace into dir and returns the
// Markdown files' names.
func writeWorkspace(t *testing.T, path, dir string) []string {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var mds []string
	for _, f := range ar.Files {
		name, data := f.Name, f.Data
		if strings.HasSuffix(name, ".crlf.md") {
			data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
			name = strings.TrimSuffix(name, ".crlf.md") + ".md"
		}
		data = []byte(strings.ReplaceAll(string(data), "<TAB>", "\t"))
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".md") {
			mds = append(mds, name)
		}
	}
	sort.Strings(mds)
	return mds
}

// eachFixture runs f on every txtar of a testdata folder, in both encodings.
func eachFixture(t *testing.T, folder string, f func(t *testing.T, c *lspClient, mds []string)) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", folder, "*.txtar"))
	if len(paths) == 0 {
		t.Fatalf("no testdata/%s files", folder)
	}
	for _, path := range paths {
		for _, enc := range []Encoding{UTF16, UTF8} {
			name := strings.TrimSuffix(filepath.Base(path), ".txtar") + "/" + enc.String()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				mds := writeWorkspace(t, path, dir)
				f(t, newLSPClient(t, dir, enc, ""), mds)
			})
		}
	}
}

func TestServerDiagnosticMarkers(t *testing.T) {
	eachFixture(t, "diagnostics", func(t *testing.T, c *lspClient, mds []string) {
		for _, name := range mds {
			u, text := c.open(name)
			diags := c.waitDiagnostics(u, 1)
			src := []byte(text)
			ms, err := markers.Diags(src)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(text, "\n")
			for _, d := range diags {
				if src, _ := d.Source.Get(); src != "planls" {
					t.Errorf("%s: diagnostic without source planls: %+v", name, d)
				}
				code, _ := d.Code.(protocol.String)
				msg, _ := d.Message.(protocol.String)
				if href := string(d.CodeDescription.Href); href != analysis.DocsURL(string(code)) {
					t.Errorf("%s: codeDescription.href %q, want %q", name, href, analysis.DocsURL(string(code)))
				}
				start, end := c.offset(text, d.Range.Start), c.offset(text, d.Range.End)
				line := int(d.Range.Start.Line)
				ls := start - c.offset(text, protocol.Position{Line: uint32(line)})
				lineText := strings.TrimSuffix(lines[line], "\r")
				if !markers.Claim(ms, line, lineText, ls, ls+end-start, string(code), string(msg)) {
					t.Errorf("%s:%d: unclaimed diagnostic %s at %q: %s", name, line+1, code, text[start:end], msg)
				}
			}
			for _, m := range ms {
				if !m.Used {
					t.Errorf("%s:%d: marker @diag(%s, %q) matched no published diagnostic", name, m.Line+1, m.Code, m.Text)
				}
			}
		}
	})
}

func TestServerCompletionMarkers(t *testing.T) {
	eachFixture(t, "completion", func(t *testing.T, c *lspClient, mds []string) {
		for _, name := range mds {
			u, text := c.open(name)
			ms, err := markers.Completes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			lineStart := 0
			lines := strings.SplitAfter(text, "\n")
			starts := make([]int, len(lines))
			for i, l := range lines {
				starts[i] = lineStart
				lineStart += len(l)
			}
			for _, m := range ms {
				off := starts[m.Line] + m.Col
				pos := c.position(text, off)
				var list protocol.CompletionList
				if err := c.call("textDocument/completion", map[string]any{
					"textDocument": map[string]any{"uri": string(u)}, "position": pos}, &list); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, it := range list.Items {
					te, ok := it.TextEdit.(*protocol.TextEdit)
					if !ok {
						t.Fatalf("%s:%d: item %q has no TextEdit", name, m.Line+1, it.Label)
					}
					if te.Range.End != pos {
						t.Errorf("%s:%d: item %q replaces a range ending at %v, not at the cursor %v", name, m.Line+1, it.Label, te.Range.End, pos)
					}
					got = append(got, te.NewText)
				}
				if strings.Join(got, "|") != strings.Join(m.Want, "|") {
					t.Errorf("%s:%d: after %q got %q, want %q", name, m.Line+1, m.Prefix, got, m.Want)
				}
			}
		}
	})
}
