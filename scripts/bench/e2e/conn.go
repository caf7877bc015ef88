package main

// This file defines conn, a minimal JSON-RPC 2.0 connection with LSP's
// Content-Length framing over a server's stdin and stdout: requests with
// callbacks or blocking waits, notifications, cancellation, and the dispatch of
// the server's own requests and notifications. It uses encoding/json only.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int64           `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Error returns the code and message.
func (e *rpcError) Error() string { return fmt.Sprintf("jsonrpc error %d: %s", e.Code, e.Message) }

// JSON-RPC and LSP error codes the driver uses.
const (
	codeMethodNotFound   = -32601
	codeRequestCancelled = -32800
	codeServerCancelled  = -32802
)

// message is any incoming JSON-RPC message.
type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// reply is what a request's callback receives: the result or the error, and
// when the response was read.
type reply struct {
	Result json.RawMessage
	Err    *rpcError
	At     time.Time
}

// conn is a JSON-RPC connection to one language server process.
type conn struct {
	w   io.Writer
	wmu sync.Mutex

	nextID atomic.Int64

	mu      sync.Mutex
	pending map[int64]func(reply)
	closed  bool

	// onRequest answers a request from the server. It runs on a goroutine of
	// its own.
	onRequest func(method string, params json.RawMessage) (any, *rpcError)
	// onNotify handles a notification from the server, on the read loop.
	onNotify func(method string, params json.RawMessage, at time.Time)

	// trace, when not nil, receives one line per message read or written.
	trace   io.Writer
	traceMu sync.Mutex
	start   time.Time

	lastRecv atomic.Int64 // UnixNano of the last message read
	done     chan struct{}
	err      error // why the read loop stopped, set before done is closed
}

// newConn returns a connection writing to w; run must be called with the
// server's output to start reading.
func newConn(w io.Writer) *conn {
	return &conn{w: w, pending: map[int64]func(reply){}, done: make(chan struct{}), start: time.Now()}
}

// traceMessage writes a trace line for a message: the time since the
// connection started, the direction, and the start of the message.
func (c *conn) traceMessage(dir string, body []byte) {
	if c.trace == nil {
		return
	}
	head := body
	if len(head) > 160 {
		head = head[:160]
	}
	c.traceMu.Lock()
	fmt.Fprintf(c.trace, "%10.3f ms %s %7d %s\n", float64(time.Since(c.start))/1e6, dir, len(body), head)
	c.traceMu.Unlock()
}

// readMessage reads one framed message body from r.
func readMessage(r *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		}
	}
	if length < 0 {
		return nil, errors.New("message without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// writeMessage writes one framed message.
func writeMessage(w io.Writer, body []byte) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	_, err := w.Write(buf.Bytes())
	return err
}

// run reads and dispatches messages until r ends or fails.
func (c *conn) run(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<16)
	var err error
	for {
		var body []byte
		body, err = readMessage(br)
		if err != nil {
			break
		}
		at := time.Now()
		c.lastRecv.Store(at.UnixNano())
		c.traceMessage("<-", body)
		var m message
		if err = json.Unmarshal(body, &m); err != nil {
			err = fmt.Errorf("undecodable message %.200q: %v", body, err)
			break
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			go c.answer(m)
		case m.Method != "":
			if c.onNotify != nil {
				c.onNotify(m.Method, m.Params, at)
			}
		default:
			c.deliver(m, at)
		}
	}
	c.mu.Lock()
	c.closed = true
	pending := c.pending
	c.pending = map[int64]func(reply){}
	c.mu.Unlock()
	for _, f := range pending {
		f(reply{Err: &rpcError{Code: -32099, Message: "connection closed"}, At: time.Now()})
	}
	c.err = err
	close(c.done)
}

// deliver hands a response to the callback of its request.
func (c *conn) deliver(m message, at time.Time) {
	id, err := strconv.ParseInt(string(m.ID), 10, 64)
	if err != nil {
		return // not one of ours: the driver only sends numeric ids
	}
	c.mu.Lock()
	f := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if f != nil {
		f(reply{Result: m.Result, Err: m.Error, At: at})
	}
}

// answer runs onRequest for a request from the server and sends the response.
func (c *conn) answer(m message) {
	var result any
	var rerr *rpcError
	if c.onRequest == nil {
		rerr = &rpcError{Code: codeMethodNotFound, Message: "no handler"}
	} else {
		result, rerr = c.onRequest(m.Method, m.Params)
	}
	resp := map[string]any{"jsonrpc": "2.0", "id": m.ID}
	if rerr != nil {
		resp["error"] = rerr
	} else {
		resp["result"] = result
	}
	_ = c.send(resp)
}

// send encodes and writes one message.
func (c *conn) send(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.sendRaw(body)
}

// sendRaw writes one message that is already encoded.
func (c *conn) sendRaw(body []byte) error {
	c.traceMessage("->", body)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return writeMessage(c.w, body)
}

// notify sends a notification.
func (c *conn) notify(method string, params any) error {
	return c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// callAsync sends a request and returns its id; f is called on the read loop
// with the response (or a connection-closed error). f must not block.
func (c *conn) callAsync(method string, params any, f func(reply)) (int64, error) {
	id := c.nextID.Add(1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, errors.New("connection closed")
	}
	c.pending[id] = f
	c.mu.Unlock()
	if err := c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		return 0, err
	}
	return id, nil
}

// cancel sends $/cancelRequest for a request.
func (c *conn) cancel(id int64) {
	_ = c.notify("$/cancelRequest", map[string]any{"id": id})
}

// call sends a request and waits up to timeout for its response, cancelling
// the request when the time runs out.
func (c *conn) call(method string, params any, timeout time.Duration) (reply, error) {
	ch := make(chan reply, 1)
	id, err := c.callAsync(method, params, func(r reply) { ch <- r })
	if err != nil {
		return reply{}, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.Err != nil {
			return r, r.Err
		}
		return r, nil
	case <-t.C:
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		c.cancel(id)
		return reply{}, fmt.Errorf("%s: no response in %v", method, timeout)
	}
}

// quietFor reports how long ago the last message was read.
func (c *conn) quietFor() time.Duration {
	return time.Since(time.Unix(0, c.lastRecv.Load()))
}
