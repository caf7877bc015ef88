package server

// This file tests the connection wiring and the lifecycle in process:
// lifecycle order and errors, exit codes, unknown methods, panics and
// cancellation.

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

func TestLifecycle(t *testing.T) {
	c, _ := newTestServer(t)

	// Before initialize: requests are refused, notifications dropped.
	wantError(t, c.call(num(1), "textDocument/hover", `{}`), jsonrpc2.ServerNotInitialized)
	wantError(t, c.call(str("a"), "test/echo", `{}`), jsonrpc2.ServerNotInitialized)
	wantError(t, c.call(num(2), "no/such/method", `{}`), jsonrpc2.ServerNotInitialized)
	wantError(t, c.call(num(3), protocol.MethodShutdown, nil), jsonrpc2.ServerNotInitialized)
	c.notify(protocol.MethodTextDocumentDidOpen, `{"textDocument":{"uri":"file:///early.md","languageId":"markdown","version":1,"text":"x"}}`)

	r := c.call(num(4), protocol.MethodInitialize, initializeParams())
	checkInitializeResult(t, r)
	if _, _, ok := c.srv.documentText("file:///early.md"); ok {
		t.Errorf("didOpen sent before initialize was not dropped")
	}

	// A second initialize is an error and changes nothing.
	wantError(t, c.call(num(5), protocol.MethodInitialize, initializeParams("utf-8")), jsonrpc2.InvalidRequest)
	if enc := c.srv.positionEncoding(); enc != UTF16 {
		t.Errorf("second initialize changed the encoding to %v", enc)
	}
	c.notify(protocol.MethodInitialized, `{}`)

	// Unknown requests are MethodNotFound; unknown notifications are ignored.
	msg := wantError(t, c.call(num(6), "no/such/method", `{}`), jsonrpc2.MethodNotFound)
	if !strings.Contains(msg, "no/such/method") {
		t.Errorf("MethodNotFound message %q does not name the method", msg)
	}
	wantError(t, c.call(num(7), "$/unknownRequest", nil), jsonrpc2.MethodNotFound)
	c.notify("$/setTrace", `{"value":"verbose"}`)
	c.notify("$/unknown", nil)
	c.notify("no/such/notification", `[1,2]`)
	c.echo(num(8))

	// Shutdown, then requests are InvalidRequest and notifications dropped.
	wantResult(t, c.call(num(9), protocol.MethodShutdown, nil), `null`)
	wantError(t, c.call(num(10), "test/echo", `{}`), jsonrpc2.InvalidRequest)
	wantError(t, c.call(num(11), protocol.MethodShutdown, nil), jsonrpc2.InvalidRequest)
	wantError(t, c.call(num(12), protocol.MethodInitialize, initializeParams()), jsonrpc2.InvalidRequest)
	c.notify(protocol.MethodTextDocumentDidOpen, `{"textDocument":{"uri":"file:///late.md","languageId":"markdown","version":1,"text":"x"}}`)
	wantError(t, c.call(num(13), "test/echo", `{}`), jsonrpc2.InvalidRequest)
	if _, _, ok := c.srv.documentText("file:///late.md"); ok {
		t.Errorf("didOpen sent after shutdown was not dropped")
	}

	c.notify(protocol.MethodExit, nil)
	if code := c.exitCode(); code != 0 {
		t.Errorf("exit after shutdown: code %d, want 0", code)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		run  func(c *testClient)
		want int
	}{
		{"exit before initialize", func(c *testClient) {
			c.notify(protocol.MethodExit, nil)
		}, 1},
		{"exit without shutdown", func(c *testClient) {
			c.initialize()
			c.notify(protocol.MethodExit, nil)
		}, 1},
		{"shutdown and exit", func(c *testClient) {
			c.initialize()
			c.call(num(1), protocol.MethodShutdown, nil)
			c.notify(protocol.MethodExit, nil)
		}, 0},
		{"end of input", func(c *testClient) {
			c.initialize()
			c.in.Close()
		}, 1},
		{"end of input after shutdown", func(c *testClient) {
			c.initialize()
			c.call(num(1), protocol.MethodShutdown, nil)
			c.in.Close()
		}, 0},
		{"end of input inside a frame", func(c *testClient) {
			c.initialize()
			c.raw("Content-Length: 100\r\n\r\n{\"jsonrpc\"")
			c.in.Close()
		}, 1},
		{"exit while a request ignores its cancellation", func(c *testClient) {
			c.initialize()
			c.send(num(1), "test/block", `1`)
			c.call(num(2), protocol.MethodShutdown, nil)
			c.notify(protocol.MethodExit, nil)
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestServer(t)
			start := time.Now()
			tt.run(c)
			if code := c.exitCode(); code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
			if d := time.Since(start); d > stopTimeout+time.Second {
				t.Errorf("Serve took %v to return", d)
			}
		})
	}
}

func TestInitializeErrors(t *testing.T) {
	tests := []struct {
		name, params string
	}{
		{"no params", ""},
		{"null params", "null"},
		{"params not an object", `"hello"`},
		{"processId a string", `{"processId":"x","capabilities":{}}`},
		{"capabilities a number", `{"processId":1,"capabilities":5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestServer(t)
			var params any
			if tt.params != "" {
				params = tt.params
			}
			wantError(t, c.call(num(1), protocol.MethodInitialize, params), jsonrpc2.InvalidParams)
			// A failed initialize leaves the server uninitialized; a good
			// one then works.
			wantError(t, c.call(num(2), "test/echo", `{}`), jsonrpc2.ServerNotInitialized)
			c.initialize()
			c.echo(num(3))
		})
	}
}

func TestClientCapabilitiesAreKept(t *testing.T) {
	c, _ := newTestServer(t)
	if caps := c.srv.clientCapabilities(); caps == nil || caps.Workspace != nil {
		t.Errorf("before initialize: client capabilities %+v, want empty", caps)
	}
	c.call(num(1), protocol.MethodInitialize, `{"processId":1,"capabilities":{"workspace":{"workspaceEdit":{"documentChanges":true}}}}`)
	caps := c.srv.clientCapabilities()
	if caps.Workspace == nil || caps.Workspace.WorkspaceEdit == nil || caps.Workspace.WorkspaceEdit.DocumentChanges == nil || !*caps.Workspace.WorkspaceEdit.DocumentChanges {
		t.Errorf("workspace.workspaceEdit.documentChanges was not kept")
	}
}

func TestPositionEncodingNegotiation(t *testing.T) {
	tests := []struct {
		offered []string
		want    string
	}{
		{nil, "utf-16"},
		{[]string{}, "utf-16"},
		{[]string{"utf-16"}, "utf-16"},
		{[]string{"utf-8"}, "utf-8"},
		{[]string{"utf-16", "utf-8"}, "utf-8"},
		{[]string{"utf-32", "utf-16"}, "utf-32"},
		{[]string{"utf-16", "utf-32"}, "utf-16"},
		{[]string{"utf-32", "utf-8"}, "utf-8"},
		{[]string{"utf-7", "latin-1"}, "utf-16"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.offered, ","), func(t *testing.T) {
			c, _ := newTestServer(t)
			params := initializeParams(tt.offered...)
			if tt.offered != nil && len(tt.offered) == 0 {
				params = `{"processId":null,"rootUri":null,"capabilities":{"general":{"positionEncodings":[]}}}`
			}
			r := c.call(num(1), protocol.MethodInitialize, params)
			var res protocol.InitializeResult
			if err := protocol.Unmarshal(r.Result(), &res); err != nil {
				t.Fatalf("initialize result %s: %v", r.Result(), err)
			}
			if got := string(res.Capabilities.PositionEncoding); got != tt.want {
				t.Errorf("negotiated %q, want %q", got, tt.want)
			}
			if got := c.srv.positionEncoding().String(); got != tt.want {
				t.Errorf("server uses %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCancelRequest(t *testing.T) {
	tests := []struct {
		name     string
		id       jsonrpc2.ID
		cancelID string
		method   string
	}{
		{"numeric id", num(41), `41`, "test/slow"},
		{"string id", str("req-41"), `"req-41"`, "test/slow"},
		{"large numeric id", num(1 << 40), `1099511627776`, "test/slow"},
		{"handler ignoring its context", num(42), `42`, "test/block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, th := newTestServer(t)
			c.initialize()
			c.send(tt.id, tt.method, `"`+tt.name+`"`)
			th.waitStarted(t)
			// The read loop is free while the request runs.
			c.echo(num(1))
			c.notify(protocol.MethodCancelRequest, `{"id":`+tt.cancelID+`}`)
			wantError(t, c.response(tt.id), codeRequestCancelled)
			c.echo(num(2))
		})
	}
}

func TestCancelRequestOddCases(t *testing.T) {
	c, th := newTestServer(t)
	c.initialize()

	// Cancelling an answered request, an unknown id, or with bad params
	// changes nothing and sends nothing.
	c.echo(num(1))
	c.notify(protocol.MethodCancelRequest, `{"id":1}`)
	c.notify(protocol.MethodCancelRequest, `{"id":"nope"}`)
	c.notify(protocol.MethodCancelRequest, `{"id":{"x":1}}`)
	c.notify(protocol.MethodCancelRequest, `{"id":1.5}`)
	c.notify(protocol.MethodCancelRequest, `{}`)
	c.notify(protocol.MethodCancelRequest, nil)

	// A string id "7" and a numeric id 7 are different requests.
	c.send(str("7"), "test/slow", `"s"`)
	th.waitStarted(t)
	c.send(num(7), "test/slow", `"n"`)
	th.waitStarted(t)
	c.notify(protocol.MethodCancelRequest, `{"id":7}`)
	wantError(t, c.response(num(7)), codeRequestCancelled)
	c.echo(num(2))
	c.mu.Lock()
	_, answered := c.resps[str("7")]
	c.mu.Unlock()
	if answered {
		t.Errorf("cancelling id 7 also answered id \"7\"")
	}
	c.notify(protocol.MethodCancelRequest, `{"id":"7"}`)
	wantError(t, c.response(str("7")), codeRequestCancelled)

	c.mu.Lock()
	n := len(c.resps) + len(c.nulls)
	c.mu.Unlock()
	// initialize, echo 1, echo 2, num 7, str "7".
	if n != 5 {
		t.Errorf("got %d responses, want 5", n)
	}
}

func TestRequestsRunConcurrently(t *testing.T) {
	c, th := newTestServer(t)
	c.initialize()
	c.send(num(1), "test/block", `1`)
	c.send(num(2), "test/block", `2`)
	// Neither returns until the test ends: both must be running at once.
	th.waitStarted(t)
	th.waitStarted(t)
	c.echo(num(3))
}

func TestPanicsAreRecovered(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	msg := wantError(t, c.call(num(1), "test/panic", `{}`), jsonrpc2.InternalError)
	if !strings.Contains(msg, "boom") {
		t.Errorf("InternalError message %q does not carry the panic", msg)
	}
	c.notify("test/panicNote", `{}`)
	c.echo(num(2))
	c.waitLogMessage("note boom")
	if !strings.Contains(c.log.String(), "goroutine") {
		t.Errorf("the log has no stack trace of the panic")
	}
}

func TestLogHasTimestamps(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	c.echo(num(1))
	line, _, _ := strings.Cut(c.log.String(), "\n")
	// log.Ldate|log.Ltime|log.Lmicroseconds: "2006/01/02 15:04:05.000000 ".
	if _, err := time.Parse("2006/01/02 15:04:05.000000", line[:min(len(line), 26)]); err != nil {
		t.Errorf("log line %q does not start with a timestamp: %v", line, err)
	}
}

// providerMethods maps each capability the server may announce to the method
// that must then be implemented.
var providerMethods = map[string]string{
	"completionProvider":         protocol.MethodTextDocumentCompletion,
	"codeActionProvider":         protocol.MethodTextDocumentCodeAction,
	"documentFormattingProvider": protocol.MethodTextDocumentFormatting,
	"executeCommandProvider":     protocol.MethodWorkspaceExecuteCommand,
	"diagnosticProvider":         protocol.MethodTextDocumentDiagnostic,
	"documentSymbolProvider":     protocol.MethodTextDocumentDocumentSymbol,
	"workspaceSymbolProvider":    protocol.MethodWorkspaceSymbol,
	"foldingRangeProvider":       protocol.MethodTextDocumentFoldingRange,
	"hoverProvider":              protocol.MethodTextDocumentHover,
	"documentLinkProvider":       protocol.MethodTextDocumentDocumentLink,
	"definitionProvider":         protocol.MethodTextDocumentDefinition,
	"referencesProvider":         protocol.MethodTextDocumentReferences,
	"renameProvider":             protocol.MethodTextDocumentRename,
	"codeLensProvider":           protocol.MethodTextDocumentCodeLens,
	"workspace":                  protocol.MethodWorkspaceDidChangeWorkspaceFolders,
}

// checkInitializeResult checks the initialize result of a client without
// capabilities: the encoding, the synchronisation, the server's name, and that
// every announced capability is backed by a handler (the capabilities are honest).
func checkInitializeResult(t *testing.T, r *jsonrpc2.Response) {
	t.Helper()
	if r.Err() != nil {
		t.Fatalf("initialize failed: %v", r.Err())
	}
	var result struct {
		Capabilities map[string]json.RawMessage
		ServerInfo   struct{ Name, Version string }
	}
	if err := json.Unmarshal(r.Result(), &result); err != nil {
		t.Fatal(err)
	}
	if result.ServerInfo.Name != "planls" || result.ServerInfo.Version != "test" {
		t.Errorf("serverInfo %+v", result.ServerInfo)
	}
	if enc := string(result.Capabilities["positionEncoding"]); enc != `"utf-16"` {
		t.Errorf("positionEncoding %s, want utf-16", enc)
	}
	if !jsonEqual(t, string(result.Capabilities["textDocumentSync"]), `{"openClose": true, "change": 2, "save": {"includeText": false}}`) {
		t.Errorf("textDocumentSync %s", result.Capabilities["textDocumentSync"])
	}
	methods := map[string]bool{}
	for _, h := range handlers() {
		methods[h.method] = true
	}
	for key := range result.Capabilities {
		if key == "positionEncoding" || key == "textDocumentSync" {
			continue
		}
		m, ok := providerMethods[key]
		if !ok {
			t.Errorf("initialize announces %q, which the test does not know", key)
		} else if !methods[m] {
			t.Errorf("initialize announces %q but %s has no handler", key, m)
		}
	}
	for key, m := range providerMethods {
		if _, announced := result.Capabilities[key]; methods[m] && !announced && key != "diagnosticProvider" {
			t.Errorf("%s has a handler but %q is not announced", m, key)
		}
	}
}
