package server

// This file tests the background http link check through the real server:
// results merged into the published diagnostics after the quiet pass, with
// $/progress; cached results kept while typing, with no new request; a check
// cancelled by a newer version; nothing checked when checkExternalLinks is off;
// and pull diagnostics refreshed once a check ends. The links point at httptest
// servers on 127.0.0.1, allowed by settings sent as the editor's (network settings
// are not taken from .planls.json); the checker's
// resolver is fake and its dialer connects to 127.0.0.1 only.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planls/planls/server/linkcheck"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// extResolver is the checker's resolver in these tests: every name is
// unknown, so no lookup leaves the process.
type extResolver struct{}

// LookupNetIP implements linkcheck.Resolver.
func (extResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// loopbackDial connects to 127.0.0.1 only.
func loopbackDial(ctx context.Context, network, addr string) (net.Conn, error) {
	if ap, err := netip.ParseAddrPort(addr); err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
		return nil, fmt.Errorf("test dialer: not dialing %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// extClient is an lspClient that also accepts work-done progress and
// diagnostic refresh requests and records them.
type extClient struct {
	*lspClient
	srv *server

	mu       sync.Mutex
	progress []map[string]any
	refresh  int
}

// newExtClient starts a server for root with the test checker options and a
// client with the given capabilities (JSON).
func newExtClient(t *testing.T, root, caps string) *extClient {
	t.Helper()
	c := &extClient{}
	lc, s := startLSPClient(t, root, UTF16, caps,
		func(s *server) {
			s.diag.ext.options = linkcheck.Options{Resolver: extResolver{}, Dial: loopbackDial, PerHostInterval: time.Nanosecond, Timeout: 5 * time.Second}
		},
		func(lc *lspClient) jsonrpc2.Handler {
			c.lspClient = lc
			return c.handle
		})
	c.srv = s
	// Network settings count only from the editor (SECURITY.md): push the
	// workspace's test configuration as the editor's settings.
	if cfg, err := os.ReadFile(filepath.Join(root, ".planls.json")); err == nil {
		s.index.mu.Lock()
		runs := s.index.runs
		s.index.mu.Unlock()
		lc.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"planls": json.RawMessage(cfg)}})
		deadline := time.Now().Add(waitTimeout)
		for {
			// The new settings make the server index again and refresh.
			s.index.mu.Lock()
			applied := s.index.runs > runs
			s.index.mu.Unlock()
			if applied {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("settings were not applied")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return c
}

// handle records progress and refresh requests and passes the rest on.
func (c *extClient) handle(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	switch req.Method() {
	case protocol.MethodWindowWorkDoneProgressCreate:
		return nil, nil
	case protocol.MethodProgress:
		var p struct {
			Value map[string]any `json:"value"`
		}
		_ = json.Unmarshal(req.Params(), &p)
		c.mu.Lock()
		c.progress = append(c.progress, p.Value)
		c.mu.Unlock()
		c.lspClient.mu.Lock()
		c.lspClient.signal()
		c.lspClient.mu.Unlock()
		return nil, nil
	case protocol.MethodWorkspaceDiagnosticRefresh:
		c.mu.Lock()
		c.refresh++
		c.mu.Unlock()
		c.lspClient.mu.Lock()
		c.lspClient.signal()
		c.lspClient.mu.Unlock()
		return nil, nil
	}
	return c.lspClient.handle(ctx, req)
}

// waitUntil waits until cond holds, checking whenever a message arrives.
func (c *extClient) waitUntil(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.lspClient.mu.Lock()
		ch := c.lspClient.changed
		c.lspClient.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// published returns the diagnostics last published for u, and their version.
func (c *extClient) published(u uri.URI) ([]protocol.Diagnostic, int32) {
	c.lspClient.mu.Lock()
	defer c.lspClient.mu.Unlock()
	p := c.diags[u]
	if p == nil {
		return nil, -1
	}
	v, _ := p.Version.Get()
	return p.Diagnostics, v
}

// deadURLs returns "line:severity" of each dead-url diagnostic.
func deadURLs(ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		if code, _ := json.Marshal(d.Code); string(code) == `"dead-url"` {
			out = append(out, fmt.Sprintf("%d:%d", d.Range.Start.Line, d.Severity))
		}
	}
	return out
}

// linkServer serves /ok (200), /gone (404), /forbidden (403) and /slow (waits
// for the client to go away), counting requests.
func linkServer(t *testing.T) (*httptest.Server, *atomic.Int32, chan struct{}) {
	t.Helper()
	var n atomic.Int32
	slow := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		switch r.URL.Path {
		case "/ok":
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
		case "/slow":
			slow <- struct{}{}
			<-r.Context().Done()
			slow <- struct{}{}
		}
	}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	return srv, &n, slow
}

// writeExtWorkspace writes .planls.json and plan.md into a new folder.
func writeExtWorkspace(t *testing.T, config, plan string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".planls.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "plan.md"), []byte(plan), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

const extConfig = `{"checkExternalLinks": true, "allowHosts": ["127.0.0.1"], "severity": {"dead-url": "error"}}`

func TestExternalLinksPublished(t *testing.T) {
	srv, hits, _ := linkServer(t)
	plan := strings.Join([]string{
		"## doing",                           // 0
		"",                                   // 1
		"- [ ] [ok](" + srv.URL + "/ok)",     // 2
		"- [ ] [gone](" + srv.URL + "/gone)", // 3
		"- [ ] [forbidden](" + srv.URL + "/forbidden)", // 4
		"- [ ] [nx](http://nosuch.test/page)",          // 5
		"- [ ] [private](http://10.0.0.1/x)",           // 6
		"- [ ] <" + srv.URL + "/gone>",                 // 7: the same URL again
		"",
	}, "\n")
	root := writeExtWorkspace(t, extConfig, plan)
	c := newExtClient(t, root, `{"window": {"workDoneProgress": true}}`)
	u, _ := c.open("plan.md")
	want := "3:1 4:4 5:1 7:1"
	c.waitUntil("dead-url diagnostics", func() bool {
		ds, _ := c.published(u)
		return strings.Join(deadURLs(ds), " ") == want
	})
	ds, v := c.published(u)
	if v != 1 {
		t.Errorf("published for version %d", v)
	}
	for _, d := range ds {
		msg, _ := json.Marshal(d.Message)
		switch d.Range.Start.Line {
		case 3:
			if !strings.Contains(string(msg), "answered 404 Not Found") {
				t.Errorf("line 3: %s", msg)
			}
		case 4:
			if !strings.Contains(string(msg), "Could not verify") {
				t.Errorf("line 4: %s", msg)
			}
		case 5:
			if !strings.Contains(string(msg), `does not exist`) {
				t.Errorf("line 5: %s", msg)
			}
		}
	}
	// HEAD /ok; HEAD and GET for /gone and /forbidden; nothing for 10.0.0.1.
	if n := hits.Load(); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
	// The progress began and ended with a summary (the refused 10.0.0.1 is
	// known without a visit, so it is not among the links to check).
	c.waitUntil("progress end", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.progress) > 0 && c.progress[len(c.progress)-1]["kind"] == "end"
	})
	c.mu.Lock()
	var kinds []string
	begun := false
	for _, p := range c.progress {
		if p["title"] == "planls: checking links" {
			begun = true
		}
		if begun {
			kinds = append(kinds, fmt.Sprint(p["kind"]))
		}
	}
	last := c.progress[len(c.progress)-1]
	c.mu.Unlock()
	if len(kinds) < 2 || kinds[0] != "begin" || kinds[len(kinds)-1] != "end" {
		t.Errorf("link check progress: %v", kinds)
	}
	if msg, _ := last["message"].(string); msg != "checked 4 links: 2 dead, 1 could not be verified, 0 not checked" {
		t.Errorf("progress ends with %v", last)
	}

	// Typing elsewhere keeps the cached findings in every pass and sends no
	// request; the line being typed holds its finding back until the pause.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": string(u), "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 0, "character": 8}, "end": map[string]any{"line": 0, "character": 8}}, "text": " now"}},
	})
	c.waitDiagnostics(u, 2)
	ds, _ = c.published(u)
	if got := strings.Join(deadURLs(ds), " "); got != want {
		t.Errorf("while typing: dead-url on %q, want %q", got, want)
	}
	time.Sleep(quietDelay + 300*time.Millisecond)
	if n := hits.Load(); n != 5 {
		t.Errorf("%d requests after typing, want still 5", n)
	}
}

func TestExternalLinksCancelledByNewVersion(t *testing.T) {
	srv, _, slow := linkServer(t)
	plan := "## doing\n\n- [ ] [slow](" + srv.URL + "/slow)\n"
	root := writeExtWorkspace(t, extConfig, plan)
	c := newExtClient(t, root, `{}`)
	u, _ := c.open("plan.md")
	select {
	case <-slow:
	case <-time.After(waitTimeout):
		t.Fatal("the check did not start")
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": string(u), "version": 2},
		"contentChanges": []any{map[string]any{"text": "## doing\n\n- [ ] no link\n"}},
	})
	select {
	case <-slow: // the handler saw its request cancelled
	case <-time.After(waitTimeout):
		t.Fatal("the check was not cancelled by the newer version")
	}
	c.waitDiagnostics(u, 2)
}

func TestExternalLinksOffByDefault(t *testing.T) {
	srv, hits, _ := linkServer(t)
	plan := "## doing\n\n- [ ] [gone](" + srv.URL + "/gone)\n"
	root := writeExtWorkspace(t, `{"allowHosts": ["127.0.0.1"]}`, plan)
	c := newExtClient(t, root, `{}`)
	u, _ := c.open("plan.md")
	c.waitDiagnostics(u, 1)
	time.Sleep(300 * time.Millisecond)
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests with checkExternalLinks off", n)
	}
	if ds, _ := c.published(u); len(deadURLs(ds)) != 0 {
		t.Errorf("dead-url published: %v", ds)
	}
}

func TestExternalLinksPull(t *testing.T) {
	srv, hits, _ := linkServer(t)
	plan := "## doing\n\n- [ ] [gone](" + srv.URL + "/gone)\n"
	root := writeExtWorkspace(t, extConfig, plan)
	c := newExtClient(t, root, `{"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}`)
	u, _ := c.open("plan.md")
	pull := func() []protocol.Diagnostic {
		var report struct {
			Items []protocol.Diagnostic `json:"items"`
		}
		if err := c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": string(u)}}, &report); err != nil {
			t.Fatal(err)
		}
		return report.Items
	}
	c.mu.Lock()
	before := c.refresh // indexing asks for one too
	c.mu.Unlock()
	if got := deadURLs(pull()); len(got) != 0 {
		t.Errorf("first pull already has %v", got)
	}
	c.waitUntil("a diagnostic refresh", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.refresh > before
	})
	if got := strings.Join(deadURLs(pull()), " "); got != "2:1" {
		t.Errorf("second pull: dead-url on %q, want 2:1", got)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestExternalLinksPullWaitsForTypingToStop(t *testing.T) {
	srv, hits, _ := linkServer(t)
	root := writeExtWorkspace(t, extConfig, "## doing\n\n")
	c := newExtClient(t, root, `{"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}`)
	u, _ := c.open("plan.md")
	pull := func() []string {
		var report struct {
			Items []protocol.Diagnostic `json:"items"`
		}
		if err := c.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": string(u)}}, &report); err != nil {
			t.Fatal(err)
		}
		return deadURLs(report.Items)
	}
	pull()
	// The user types a link; the client pulls at once, while the line is
	// still being typed: the link is not checked yet.
	line := "- [ ] [gone](" + srv.URL + "/gone)\n"
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": string(u), "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 2, "character": 0},
			"end": map[string]any{"line": 2, "character": 0}}, "text": line}},
	})
	c.mu.Lock()
	before := c.refresh
	c.mu.Unlock()
	typed := time.Now()
	if got := pull(); len(got) != 0 {
		t.Errorf("pull while typing: %v", got)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests while typing", n)
	}
	// Once the user pauses, the link is checked and the client asked to pull.
	c.waitUntil("a diagnostic refresh", func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.refresh > before
	})
	if d := time.Since(typed); d < quietDelay-100*time.Millisecond {
		t.Errorf("checked %v after the keystroke, before the pause of %v", d, quietDelay)
	}
	if got := strings.Join(pull(), " "); got != "2:1" {
		t.Errorf("after the pause: dead-url on %q, want 2:1", got)
	}
}
