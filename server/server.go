package server

// This file defines Serve and the connection wiring: the table of LSP methods
// and the capability each announces, the dispatcher that runs requests
// concurrently and notifications in wire order, per-request recovery and
// cancellation.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Options configure a server.
type Options struct {
	// Log receives timestamped log lines. It may be nil: logs are discarded.
	Log io.Writer
	// Version is reported to the client in serverInfo.
	Version string
}

// Serve runs the language server on the given stream until the client exits
// or goes away, returning the process exit code (0 after shutdown+exit, 1
// otherwise).
//
// Serve reads LSP messages from in and writes them to out; nothing else is
// ever written to out. It returns when the client sends exit, when in ends or
// fails, or when ctx is cancelled, and it closes in and out before returning.
func Serve(ctx context.Context, in io.ReadCloser, out io.WriteCloser, opts Options) int {
	s := newServer(opts, handlers())
	return s.run(ctx, newStream(in, out, s.logf), out)
}

// handler is one LSP method that planls implements: a request (call set) or a
// notification (notify set), and the capability it announces, if any.
type handler struct {
	method string
	// call answers a request. It runs on a goroutine of its own, concurrently
	// with later messages, and sees the documents as they were when the
	// request arrived. Its ctx is cancelled by $/cancelRequest.
	call func(s *server, ctx context.Context, snap snapshot, params jsonrpc2.RawMessage) (any, error)
	// notify handles a notification. It runs on the read loop, in wire order,
	// and must return quickly. It cannot fail: it logs what goes wrong.
	notify func(s *server, ctx context.Context, params jsonrpc2.RawMessage)
	// capability, if not nil, sets the method's fields of the capabilities
	// returned by initialize, given the client's capabilities.
	capability func(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities)
}

// handlers returns the table of the LSP methods that planls implements, apart
// from initialize, shutdown, exit and $/cancelRequest, which the dispatcher
// handles itself (lifecycle.go). Capabilities are built from this table only,
// so the server announces exactly what it implements.
//
// Adding a feature means adding its file, server/<method>.go (for example
// code_action.go with a codeAction method on *server and a
// codeActionCapability function), and one line here, such as
//
//	request(protocol.MethodTextDocumentCodeAction, (*server).codeAction, codeActionCapability),
func handlers() []handler {
	return []handler{
		{method: protocol.MethodInitialized, notify: (*server).initialized},
		notification(protocol.MethodTextDocumentDidOpen, (*server).didOpen, syncCapability),
		notification(protocol.MethodTextDocumentDidChange, (*server).didChange, nil),
		notification(protocol.MethodTextDocumentDidSave, (*server).didSave, nil),
		notification(protocol.MethodTextDocumentDidClose, (*server).didClose, nil),
		notification(protocol.MethodWorkspaceDidChangeConfiguration, (*server).didChangeConfiguration, nil),
		notification(protocol.MethodWorkspaceDidChangeWatchedFiles, (*server).didChangeWatchedFiles, nil),
		notification(protocol.MethodWorkspaceDidChangeWorkspaceFolders, (*server).didChangeWorkspaceFolders, workspaceFoldersCapability),
		request(protocol.MethodTextDocumentDiagnostic, (*server).diagnostic, diagnosticCapability),
		request(protocol.MethodTextDocumentCompletion, (*server).completion, completionCapability),
		request(protocol.MethodTextDocumentCodeAction, (*server).codeAction, codeActionCapability),
		request(protocol.MethodCodeActionResolve, (*server).resolveCodeAction, nil),
		request(protocol.MethodTextDocumentFormatting, (*server).formatting, formattingCapability),
		request(protocol.MethodTextDocumentWillSaveWaitUntil, (*server).willSaveWaitUntil, nil),
		request(protocol.MethodWorkspaceExecuteCommand, (*server).executeCommand, executeCommandCapability),
		request(protocol.MethodTextDocumentDocumentSymbol, (*server).documentSymbol, documentSymbolCapability),
		request(protocol.MethodWorkspaceSymbol, (*server).workspaceSymbol, workspaceSymbolCapability),
		request(protocol.MethodTextDocumentFoldingRange, (*server).foldingRange, foldingRangeCapability),
		request(protocol.MethodTextDocumentHover, (*server).hover, hoverCapability),
		request(protocol.MethodTextDocumentDocumentLink, (*server).documentLink, documentLinkCapability),
		request(protocol.MethodTextDocumentDefinition, (*server).definition, definitionCapability),
		request(protocol.MethodTextDocumentReferences, (*server).references, referencesCapability),
		request(protocol.MethodTextDocumentPrepareRename, (*server).prepareRename, nil),
		request(protocol.MethodTextDocumentRename, (*server).rename, renameCapability),
		request(protocol.MethodTextDocumentCodeLens, (*server).codeLens, codeLensCapability),
	}
}

// request returns the handler of a request whose params decode into P. Params
// that are absent, null or do not decode are answered with InvalidParams.
func request[P, R any](method string, f func(*server, context.Context, snapshot, *P) (R, error),
	capability func(*protocol.ServerCapabilities, *protocol.ClientCapabilities)) handler {
	return handler{
		method:     method,
		capability: capability,
		call: func(s *server, ctx context.Context, snap snapshot, raw jsonrpc2.RawMessage) (any, error) {
			var p P
			if err := decodeParams(raw, &p); err != nil {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params for %s: %v", method, err)
			}
			return f(s, ctx, snap, &p)
		},
	}
}

// notification returns the handler of a notification whose params decode
// into P. Params that are absent, null or do not decode are logged and the
// notification is ignored.
func notification[P any](method string, f func(*server, context.Context, *P),
	capability func(*protocol.ServerCapabilities, *protocol.ClientCapabilities)) handler {
	return handler{
		method:     method,
		capability: capability,
		notify: func(s *server, ctx context.Context, raw jsonrpc2.RawMessage) {
			var p P
			if err := decodeParams(raw, &p); err != nil {
				s.clientLogf(protocol.MessageTypeError, "ignoring %s with invalid params: %v", method, err)
				return
			}
			f(s, ctx, &p)
		},
	}
}

// decodeParams decodes the params of a message into p.
func decodeParams(raw jsonrpc2.RawMessage, p any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return errors.New("params are missing")
	}
	return protocol.Unmarshal(raw, p)
}

// codeRequestCancelled is the LSP error code of a request cancelled by the
// client (RequestCancelled); jsonrpc2 has no constant for it.
const codeRequestCancelled jsonrpc2.Code = -32800

// errClientCancelled is the cause of a request context cancelled by
// $/cancelRequest, and errStopping that of one cancelled because the server
// is stopping.
var (
	errClientCancelled = errors.New("cancelled by the client")
	errStopping        = errors.New("the server is stopping")
)

// server is the state of one connection.
type server struct {
	opts      Options
	log       *log.Logger
	clientLog *clientLog
	conn      jsonrpc2.Conn // set before the connection starts

	methods   map[string]handler
	handlers  []handler
	listeners []documentListener

	docs documentStore
	ws   workspace
	diag *diagnostics
	// diagCache holds the analysis diagnostics of each document's latest version.
	diagCache   map[uri.URI]diagnosed
	diagCacheMu sync.Mutex
	index       index
	work        indexWork
	// now is the clock of done-stamps; tests set it.
	now func() time.Time

	mu       sync.Mutex
	state    lifecycleState
	encoding Encoding                     // negotiated at initialize
	client   *protocol.ClientCapabilities // from initialize; nil before
	exited   chan struct{}                // closed by the exit notification
	// pendingWarnings are settings warnings found before the client could be told.
	pendingWarnings []analysis.Warning
	exitOnce        sync.Once

	inflight inflight
}

// newServer returns a server implementing hs.
func newServer(opts Options, hs []handler) *server {
	s := &server{
		opts:      opts,
		log:       newLogger(opts.Log),
		clientLog: newClientLog(),
		methods:   make(map[string]handler),
		handlers:  hs,
		exited:    make(chan struct{}),
	}
	for _, h := range hs {
		s.methods[h.method] = h
	}
	// The index's snapshot of a folder holds the open documents: drop it when
	// one changes, before the diagnostics scheduler hears of the change.
	s.listen(func(ev documentEvent) {
		if root, _ := s.ws.locate(ev.doc.uri); root != "" {
			s.index.invalidate(root)
		}
	})
	s.diag = newDiagnostics(s)
	s.index.ready = make(chan struct{})
	s.work.signal = make(chan struct{}, 1)
	return s
}

// clock returns the current time for done-stamps.
func (s *server) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// listen registers l to be told about every document event. It must be
// called before the connection starts.
func (s *server) listen(l documentListener) {
	s.listeners = append(s.listeners, l)
}

// stopTimeout bounds how long Serve waits, once it is stopping, for handlers
// still running before it closes the stream under them.
const stopTimeout = 2 * time.Second

// run serves st until the client exits or goes away, then closes st and out
// and returns the exit code.
func (s *server) run(ctx context.Context, st *stream, out io.Closer) int {
	st.oversized = s.oversized
	// conn.Done fires only once every running request has returned, so the
	// end of the input is watched separately: a client that goes away in the
	// middle of a long request must not keep the process alive.
	in := &inputWatch{stream: st, ended: make(chan struct{})}
	conn := jsonrpc2.NewConn(in, jsonrpc2.WithCodec(codec{}))
	s.conn = conn
	s.clientLog.start(conn)
	s.logf("planls %s: serving LSP", s.opts.Version)
	conn.Go(ctx, s.handle)
	queueCtx, stopQueue := context.WithCancel(context.Background())
	defer stopQueue()
	go s.runIndexWorker(queueCtx)

	var why string
	select {
	case <-conn.Done():
		why = "the connection ended"
		if err := conn.Err(); err != nil {
			why += ": " + err.Error()
		}
	case <-in.ended:
		why = "the input ended"
		// Requests still running may finish and be answered, for a while.
		select {
		case <-conn.Done():
		case <-time.After(stopTimeout):
		}
	case <-s.exited:
		why = "exit notification"
	case <-ctx.Done():
		why = "cancelled"
	}

	// Stop: cancel requests still running, then let the connection drain and
	// close the stream; force the stream closed if a handler does not return.
	s.clientLog.close()
	s.inflight.cancelAll(errStopping)
	closed := make(chan struct{})
	go func() {
		_ = conn.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(stopTimeout):
		s.logf("handlers still running after %v; closing the stream under them", stopTimeout)
		_ = st.Close()
	}
	_ = st.Close()
	// A notification may still be being written (diagnostics are published
	// from goroutines of their own): let it finish, so that the output never
	// ends inside a frame, unless the client stopped reading.
	locked := st.wmu.TryLock()
	for deadline := time.Now().Add(stopTimeout); !locked && time.Now().Before(deadline); locked = st.wmu.TryLock() {
		time.Sleep(time.Millisecond)
	}
	_ = out.Close()
	if locked {
		st.wmu.Unlock()
	}

	code := s.exitCode()
	s.logf("stopping (%s); exit code %d", why, code)
	return code
}

// inputWatch is the stream as the connection sees it: it closes ended when
// reading fails (the client closed its end or went away).
type inputWatch struct {
	*stream
	once  sync.Once
	ended chan struct{}
}

// ReadFrame implements the connection's raw-frame extension of the stream.
func (w *inputWatch) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	body, n, err := w.stream.ReadFrame(ctx)
	if err != nil {
		w.once.Do(func() { close(w.ended) })
	}
	return body, n, err
}

// handle is the connection's jsonrpc2.Handler. It never panics and never
// fails a notification, either of which would fail the connection.
func (s *server) handle(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
	if !req.IsCall() {
		defer func() {
			if r := recover(); r != nil {
				s.logPanic(req.Method(), r)
			}
		}()
		s.handleNotification(ctx, req)
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, s.logPanic(req.Method(), r)
		}
	}()
	result, err = s.handleCall(ctx, req)
	return result, wireError(err)
}

// handleCall answers a request. Lifecycle checks and state changes happen
// here, on the read loop, in wire order; the method's handler then runs
// concurrently.
func (s *server) handleCall(ctx context.Context, req *jsonrpc2.Request) (any, error) {
	method := req.Method()
	if method == protocol.MethodInitialize {
		return s.initialize(req.Params())
	}
	switch s.lifecycle() {
	case stateNew:
		return nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "%s before initialize", method)
	case stateShutdown:
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s after shutdown", method)
	}
	if method == protocol.MethodShutdown {
		return s.shutdown()
	}
	h, ok := s.methods[method]
	if !ok || h.call == nil {
		s.logf("unknown request %s", method)
		return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", method)
	}
	// The params borrow the read buffer; the handler may outlive it.
	params := jsonrpc2.RawMessage(bytes.Clone(req.Params()))
	snap := s.docs.snapshot()
	return s.runRequest(ctx, req, func(ctx context.Context) (any, error) {
		return h.call(s, ctx, snap, params)
	})
}

// handleNotification handles a notification, on the read loop.
func (s *server) handleNotification(ctx context.Context, req *jsonrpc2.Request) {
	method := req.Method()
	if method == protocol.MethodExit {
		s.exit()
		return
	}
	switch s.lifecycle() {
	case stateNew:
		s.logf("dropping %s before initialize", method)
		return
	case stateShutdown:
		s.logf("dropping %s after shutdown", method)
		return
	}
	if method == protocol.MethodCancelRequest {
		s.cancelRequest(req.Params())
		return
	}
	h, ok := s.methods[method]
	if !ok || h.notify == nil {
		s.logf("ignoring unknown notification %s", method)
		return
	}
	h.notify(s, ctx, req.Params())
}

// runRequest runs call on a goroutine of its own and releases the read loop,
// so the request runs concurrently with later messages. It answers
// RequestCancelled as soon as the client cancels the request, without
// waiting for call to notice.
func (s *server) runRequest(ctx context.Context, req *jsonrpc2.Request, call func(context.Context) (any, error)) (any, error) {
	method := strings.Clone(req.Method())
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// Registered before the read loop is released, so that a $/cancelRequest
	// that follows the request on the wire finds it.
	defer s.inflight.add(req.ID(), cancel)()
	jsonrpc2.Async(ctx)

	type outcome struct {
		result any
		err    error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{err: s.logPanic(method, r)}
			}
		}()
		result, err := call(ctx)
		done <- outcome{result, err}
	}()

	select {
	case o := <-done:
		if o.err != nil && ctx.Err() != nil {
			return nil, cancelledError(ctx, method)
		}
		return o.result, o.err
	case <-ctx.Done():
		return nil, cancelledError(ctx, method)
	}
}

// cancelledError is the answer to a request whose context was cancelled.
func cancelledError(ctx context.Context, method string) error {
	return jsonrpc2.Errorf(codeRequestCancelled, "%s: %v", method, context.Cause(ctx))
}

// wireError gives err a JSON-RPC error code: jsonrpc2 sends an error that
// has none with code 0.
func wireError(err error) error {
	if err == nil {
		return nil
	}
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return err
	}
	return jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
}

// logPanic logs a recovered panic with its stack and returns the error that
// answers the request.
func (s *server) logPanic(method string, r any) error {
	s.clientLogf(protocol.MessageTypeError, "internal error in %s: %v", method, r)
	s.logf("%s", debug.Stack())
	return jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
}

// cancelRequest handles $/cancelRequest, whose id is a number or a string.
func (s *server) cancelRequest(raw jsonrpc2.RawMessage) {
	var p struct {
		ID protocol.LSPAny `json:"id"`
	}
	if err := decodeParams(raw, &p); err != nil {
		s.logf("ignoring $/cancelRequest with invalid params: %v", err)
		return
	}
	id, ok := parseID(p.ID)
	if !ok {
		s.logf("ignoring $/cancelRequest with invalid id %s", p.ID)
		return
	}
	if !s.inflight.cancel(id, errClientCancelled) {
		s.logf("$/cancelRequest for %v: not running", id)
	}
}

// parseID parses a JSON-RPC request id: an integer or a string.
func parseID(raw []byte) (jsonrpc2.ID, bool) {
	if len(raw) > 0 && raw[0] == '"' {
		var str string
		if protocol.Unmarshal(raw, &str) != nil {
			return jsonrpc2.ID{}, false
		}
		return jsonrpc2.NewStringID(str), true
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return jsonrpc2.ID{}, false
	}
	return jsonrpc2.NewNumberID(n), true
}

// inflight tracks the requests being answered, so that $/cancelRequest can
// cancel them.
type inflight struct {
	mu   sync.Mutex
	reqs map[jsonrpc2.ID]*inflightRequest
}

// inflightRequest is one running request.
type inflightRequest struct {
	cancel context.CancelCauseFunc
}

// add registers request id and returns the function that unregisters it. A
// client that reuses the id of a running request gets the new one cancelled.
func (f *inflight) add(id jsonrpc2.ID, cancel context.CancelCauseFunc) (remove func()) {
	r := &inflightRequest{cancel: cancel}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reqs == nil {
		f.reqs = make(map[jsonrpc2.ID]*inflightRequest)
	}
	f.reqs[id] = r
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.reqs[id] == r {
			delete(f.reqs, id)
		}
	}
}

// cancel cancels request id with cause and reports whether it was running.
func (f *inflight) cancel(id jsonrpc2.ID, cause error) bool {
	f.mu.Lock()
	r := f.reqs[id]
	f.mu.Unlock()
	if r == nil {
		return false
	}
	r.cancel(cause)
	return true
}

// cancelAll cancels every running request with cause.
func (f *inflight) cancelAll(cause error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.reqs {
		r.cancel(cause)
	}
}
