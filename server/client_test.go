package server

// This file defines testClient, the in-process LSP client of the tests: it
// drives a server over net.Pipe through a jsonrpc2 header stream, records
// every message the server sends, and waits for them with timeouts.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// waitTimeout bounds every wait of the tests, so that no test hangs.
const waitTimeout = 10 * time.Second

// syncBuffer is a bytes.Buffer safe for concurrent use: the server's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testClient is an LSP client connected to an in-process server.
type testClient struct {
	t      *testing.T
	srv    *server         // nil for a server in another process
	in     io.WriteCloser  // the server's input: raw writes, and Close to go away
	stream jsonrpc2.Stream // messages to and from the server
	log    *syncBuffer     // the server's log
	code   chan int        // receives the exit code

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever a message arrives
	resps   map[jsonrpc2.ID]*jsonrpc2.Response
	nulls   []*jsonrpc2.Response // responses with a null id
	notes   []*jsonrpc2.Notification
	readErr error
}

// newTestClient starts a server with the standard handlers plus extra, and a
// client connected to it. The connection is closed when the test ends.
func newTestClient(t *testing.T, extra ...handler) *testClient {
	t.Helper()
	return newConfiguredClient(t, nil, extra...)
}

// newConfiguredClient is newTestClient with a hook, if not nil, that
// configures the server and its stream before the connection starts.
func newConfiguredClient(t *testing.T, configure func(*server, *stream), extra ...handler) *testClient {
	t.Helper()
	cs, ss := net.Pipe()
	log := &syncBuffer{}
	s := newServer(Options{Log: log, Version: "test"}, append(handlers(), extra...))
	st := newStream(ss, ss, s.logf)
	if configure != nil {
		configure(s, st)
	}
	c := &testClient{
		t:       t,
		srv:     s,
		in:      cs,
		stream:  jsonrpc2.NewHeaderStream(cs),
		log:     log,
		code:    make(chan int, 1),
		changed: make(chan struct{}),
		resps:   make(map[jsonrpc2.ID]*jsonrpc2.Response),
	}
	c.start(func() int { return s.run(context.Background(), st, ss) })
	t.Cleanup(func() {
		_ = cs.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", log)
		}
	})
	return c
}

// start runs serve, then the client's read loop.
func (c *testClient) start(serve func() int) {
	go func() { c.code <- serve() }()
	go c.readLoop()
}

// readLoop records every message the server sends until the stream ends.
func (c *testClient) readLoop() {
	for {
		msg, _, err := c.stream.Read(context.Background())
		c.mu.Lock()
		switch m := msg.(type) {
		case *jsonrpc2.Response:
			if m.ID().IsValid() {
				c.resps[m.ID()] = m
			} else {
				c.nulls = append(c.nulls, m)
			}
		case *jsonrpc2.Notification:
			// Its method and params borrow the stream's buffer.
			c.notes = append(c.notes, jsonrpc2.NewNotification(strings.Clone(m.Method()), bytes.Clone(m.Params())))
		case *jsonrpc2.Call:
			c.readErr = errors.New("unexpected call from the server: " + m.Method())
		}
		if err != nil {
			c.readErr = err
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// waitFor waits until cond, called with c.mu held, is true.
func (c *testClient) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		ok := cond()
		ch := c.changed
		c.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// encodeParams encodes params: a string is raw JSON, nil is no params,
// anything else goes through protocol.Marshal.
func encodeParams(t *testing.T, params any) jsonrpc2.RawMessage {
	t.Helper()
	switch p := params.(type) {
	case nil:
		return nil
	case string:
		return jsonrpc2.RawMessage(p)
	}
	b, err := protocol.Marshal(params)
	if err != nil {
		t.Fatalf("marshal params: %v", err)
	}
	return b
}

// send sends a request without waiting for the answer.
func (c *testClient) send(id jsonrpc2.ID, method string, params any) {
	c.t.Helper()
	if _, err := c.stream.Write(context.Background(), jsonrpc2.NewCall(id, method, encodeParams(c.t, params))); err != nil {
		c.t.Fatalf("send %s: %v", method, err)
	}
}

// notify sends a notification.
func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if _, err := c.stream.Write(context.Background(), jsonrpc2.NewNotification(method, encodeParams(c.t, params))); err != nil {
		c.t.Fatalf("notify %s: %v", method, err)
	}
}

// raw writes bytes as they are.
func (c *testClient) raw(b string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(b)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// response waits for the response to request id.
func (c *testClient) response(id jsonrpc2.ID) *jsonrpc2.Response {
	c.t.Helper()
	var r *jsonrpc2.Response
	c.waitFor("the response to "+idString(id), func() bool {
		r = c.resps[id]
		return r != nil
	})
	return r
}

// call sends a request and waits for its response.
func (c *testClient) call(id jsonrpc2.ID, method string, params any) *jsonrpc2.Response {
	c.t.Helper()
	c.send(id, method, params)
	return c.response(id)
}

// nullResponses waits until the server has sent n responses with a null id,
// and returns them.
func (c *testClient) nullResponses(n int) []*jsonrpc2.Response {
	c.t.Helper()
	var rs []*jsonrpc2.Response
	c.waitFor("responses with a null id", func() bool {
		rs = append([]*jsonrpc2.Response(nil), c.nulls...)
		return len(rs) >= n
	})
	return rs
}

// waitLogMessage waits for a window/logMessage containing substr.
func (c *testClient) waitLogMessage(substr string) {
	c.t.Helper()
	c.waitFor("a window/logMessage containing "+substr, func() bool {
		for _, n := range c.notes {
			if n.Method() == protocol.MethodWindowLogMessage && strings.Contains(string(n.Params()), substr) {
				return true
			}
		}
		return false
	})
}

// exitCode waits for Serve to return and returns its code.
func (c *testClient) exitCode() int {
	c.t.Helper()
	select {
	case code := <-c.code:
		return code
	case <-time.After(waitTimeout):
		c.t.Fatalf("Serve did not return")
		return -1
	}
}

// idString formats an id for messages.
func idString(id jsonrpc2.ID) string {
	if s, ok := id.StringValue(); ok {
		return `"` + s + `"`
	}
	n, _ := id.Number()
	b, _ := json.Marshal(n)
	return string(b)
}

// num and str make request ids.
func num(n int64) jsonrpc2.ID  { return jsonrpc2.NewNumberID(n) }
func str(s string) jsonrpc2.ID { return jsonrpc2.NewStringID(s) }

// errorCode returns the error code and message of r, failing the test when r
// is a success.
func errorCode(t *testing.T, r *jsonrpc2.Response) (jsonrpc2.Code, string) {
	t.Helper()
	var e *jsonrpc2.Error
	if !errors.As(r.Err(), &e) {
		t.Fatalf("response %s: got result %s, want an error", idString(r.ID()), r.Result())
	}
	return e.Code, e.Message
}

// wantError checks that r is an error with code.
func wantError(t *testing.T, r *jsonrpc2.Response, code jsonrpc2.Code) string {
	t.Helper()
	got, msg := errorCode(t, r)
	if got != code {
		t.Fatalf("response %s: error code %d (%s), want %d", idString(r.ID()), got, msg, code)
	}
	return msg
}

// wantResult checks that r is a success whose result equals want, compared
// as JSON values.
func wantResult(t *testing.T, r *jsonrpc2.Response, want string) {
	t.Helper()
	if r.Err() != nil {
		t.Fatalf("response %s: error %v, want result %s", idString(r.ID()), r.Err(), want)
	}
	got := string(r.Result())
	if got == "" {
		got = "null"
	}
	if !jsonEqual(t, got, want) {
		t.Fatalf("response %s: result\n%s\nwant\n%s", idString(r.ID()), got, want)
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// initializeParams returns initialize params offering the position
// encodings given, or none.
func initializeParams(encodings ...string) string {
	if len(encodings) == 0 {
		return `{"processId":null,"rootUri":null,"capabilities":{}}`
	}
	b, _ := json.Marshal(encodings)
	return `{"processId":null,"rootUri":null,"capabilities":{"general":{"positionEncodings":` + string(b) + `}}}`
}

// initialize runs initialize and initialized, offering the given encodings.
func (c *testClient) initialize(encodings ...string) {
	c.t.Helper()
	r := c.call(num(1000), protocol.MethodInitialize, initializeParams(encodings...))
	if r.Err() != nil {
		c.t.Fatalf("initialize: %v", r.Err())
	}
	c.notify(protocol.MethodInitialized, `{}`)
}

// echo calls test/echo and checks the answer. Notifications are handled in
// wire order before the request, so once it is answered every notification
// sent before has been handled.
func (c *testClient) echo(id jsonrpc2.ID) {
	c.t.Helper()
	wantResult(c.t, c.call(id, "test/echo", `{"x":1}`), `{"x":1}`)
}

// testHandlers are the methods that tests add to the server.
type testHandlers struct {
	started  chan string   // receives the params of each test/slow, test/block or test/docLater request once running
	released chan struct{} // closed to let test/block requests return
	gate     chan struct{} // receives a value to let one test/docLater request go on
}

// handlers returns the test methods:
//   - test/echo answers its params;
//   - test/slow waits for its context to be cancelled;
//   - test/block ignores its context and waits until released;
//   - test/panic and the notification test/panicNote panic;
//   - test/doc answers the version and text of a document of its snapshot,
//     and test/docLater does the same once let through the gate.
func (th *testHandlers) handlers() []handler {
	doc := func(snap snapshot, p *protocol.TextDocumentIdentifier) (any, error) {
		d := snap.document(p.URI)
		if d == nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is not open", p.URI)
		}
		return map[string]any{"version": d.version, "text": string(d.text)}, nil
	}
	return []handler{
		request("test/doc", func(s *server, ctx context.Context, snap snapshot, p *protocol.TextDocumentIdentifier) (any, error) {
			return doc(snap, p)
		}, nil),
		request("test/docLater", func(s *server, ctx context.Context, snap snapshot, p *protocol.TextDocumentIdentifier) (any, error) {
			th.started <- string(p.URI)
			select {
			case <-th.gate:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return doc(snap, p)
		}, nil),
		{method: "test/echo", call: func(s *server, ctx context.Context, snap snapshot, params jsonrpc2.RawMessage) (any, error) {
			return params, nil
		}},
		{method: "test/slow", call: func(s *server, ctx context.Context, snap snapshot, params jsonrpc2.RawMessage) (any, error) {
			th.started <- string(params)
			<-ctx.Done()
			return nil, ctx.Err()
		}},
		{method: "test/block", call: func(s *server, ctx context.Context, snap snapshot, params jsonrpc2.RawMessage) (any, error) {
			th.started <- string(params)
			<-th.released
			return "released", nil
		}},
		{method: "test/panic", call: func(s *server, ctx context.Context, snap snapshot, params jsonrpc2.RawMessage) (any, error) {
			panic("boom")
		}},
		{method: "test/panicNote", notify: func(s *server, ctx context.Context, params jsonrpc2.RawMessage) {
			panic("note boom")
		}},
	}
}

// waitStarted waits until a test/slow or test/block request runs.
func (th *testHandlers) waitStarted(t *testing.T) {
	t.Helper()
	select {
	case <-th.started:
	case <-time.After(waitTimeout):
		t.Fatal("the request did not start")
	}
}

// newTestHandlers returns the test methods' state; test/block requests are
// released when the test ends.
func newTestHandlers(t *testing.T) *testHandlers {
	th := &testHandlers{started: make(chan string, 10), released: make(chan struct{}), gate: make(chan struct{})}
	t.Cleanup(func() { close(th.released) })
	return th
}

// newTestServer starts a server with the test handlers and a client.
func newTestServer(t *testing.T) (*testClient, *testHandlers) {
	th := newTestHandlers(t)
	return newTestClient(t, th.handlers()...), th
}
