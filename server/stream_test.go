package server

// This file tests the framing of stream in process: malformed frames are
// answered and skipped, and the connection goes on.

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// frame frames body with a correct header.
func frame(body string) string {
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)
}

// echoCall is the body of a test/echo request with the given id.
func echoCall(id int) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"test/echo","params":{"n":%d}}`, id, id)
}

func TestMalformedFrames(t *testing.T) {
	tests := []struct {
		name  string
		input string
		// nulls are the codes of the responses with a null id, in order.
		nulls []jsonrpc2.Code
		// answered and lost are the test/echo ids that must and must not be
		// answered.
		answered, lost []int
	}{
		{
			name:     "bad JSON body",
			input:    frame(`{"jsonrpc":"2.0","id":1,"method":`) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name:     "batch array",
			input:    frame(`[`+echoCall(1)+`,`+echoCall(2)+`]`) + frame(echoCall(3)),
			nulls:    []jsonrpc2.Code{jsonrpc2.InvalidRequest},
			answered: []int{3}, lost: []int{1, 2},
		},
		{
			name:     "empty batch array",
			input:    frame(`[]`) + frame(echoCall(3)),
			nulls:    []jsonrpc2.Code{jsonrpc2.InvalidRequest},
			answered: []int{3},
		},
		{
			name:     "JSON that is not a message",
			input:    frame(`{"foo":1}`) + frame(`42`) + frame(`{"jsonrpc":"1.0","method":"initialized"}`) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.InvalidRequest, jsonrpc2.InvalidRequest, jsonrpc2.InvalidRequest},
			answered: []int{2},
		},
		{
			name:     "empty body",
			input:    "Content-Length: 0\r\n\r\n" + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2},
		},
		{
			name:     "no header at all",
			input:    echoCall(1) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name:     "no header, own line",
			input:    echoCall(1) + "\r\n" + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name:     "header block without Content-Length",
			input:    "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + echoCall(1) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name:     "non-numeric Content-Length",
			input:    "Content-Length: ten\r\n\r\n" + echoCall(1) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name:     "negative Content-Length",
			input:    "Content-Length: -5\r\n\r\n" + echoCall(1) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name: "Content-Length too short",
			input: fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(echoCall(1))-10, echoCall(1)) +
				frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError, jsonrpc2.ParseError},
			answered: []int{2}, lost: []int{1},
		},
		{
			name: "Content-Length too long",
			input: fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(echoCall(1))+30, echoCall(1)) +
				frame(echoCall(2)) + frame(echoCall(3)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError, jsonrpc2.ParseError},
			answered: []int{3}, lost: []int{1, 2},
		},
		{
			name:     "overlong header line",
			input:    "X-Junk: " + strings.Repeat("j", 10000) + "\r\n" + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.ParseError},
			answered: []int{2},
		},
		{
			name:     "body over the size limit",
			input:    frame(`{"jsonrpc":"2.0","id":1,"method":"test/echo","params":"`+strings.Repeat("x", 5000)+`"}`) + frame(echoCall(2)),
			nulls:    []jsonrpc2.Code{jsonrpc2.InvalidRequest},
			answered: []int{2}, lost: []int{1},
		},
		{
			name: "well-formed variants",
			input: "\r\n\r\n" + // stray blank lines between frames
				fmt.Sprintf("content-length: %d\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n%s", len(echoCall(1)), echoCall(1)) +
				fmt.Sprintf("Content-Length:%d\n\n%s", len(echoCall(2)), echoCall(2)) + // bare LF, no space
				frame("  "+echoCall(3)+"\n"),
			answered: []int{1, 2, 3},
		},
		{
			name:     "request with a bad version keeps its id",
			input:    frame(`{"jsonrpc":"1.0","id":7,"method":"test/echo"}`) + frame(echoCall(2)),
			answered: []int{2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newTestHandlers(t)
			c := newConfiguredClient(t, func(_ *server, st *stream) { st.maxBody = 4096 }, th.handlers()...)
			c.initialize()
			c.raw(tt.input)
			for _, id := range tt.answered {
				wantResult(t, c.response(num(int64(id))), fmt.Sprintf(`{"n":%d}`, id))
			}
			// The connection is alive and in step.
			c.echo(num(100))
			if tt.nulls != nil {
				c.nullResponses(len(tt.nulls))
			}
			c.mu.Lock()
			nulls := c.nulls
			var lost []int
			for _, id := range tt.lost {
				if c.resps[num(int64(id))] != nil {
					lost = append(lost, id)
				}
			}
			c.mu.Unlock()
			if len(lost) > 0 {
				t.Errorf("requests %v were answered, want them lost", lost)
			}
			var codes []jsonrpc2.Code
			for _, r := range nulls {
				code, _ := errorCode(t, r)
				codes = append(codes, code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(tt.nulls) {
				t.Errorf("null-id error codes %v, want %v", codes, tt.nulls)
			}
		})
	}
}

func TestBadVersionRequestAnsweredWithItsID(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	c.raw(frame(`{"jsonrpc":"1.0","id":"v1","method":"test/echo"}`))
	wantError(t, c.response(str("v1")), jsonrpc2.InvalidRequest)
	c.raw(frame(`{"id":8,"method":"test/echo"}`))
	wantError(t, c.response(num(8)), jsonrpc2.InvalidRequest)
	c.echo(num(1))
}

func TestHugeContentLengthIsNotAllocated(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	// 1 TiB: allocating it would crash the process. The server answers at
	// once, then discards the body as it arrives.
	c.raw("Content-Length: 1099511627776\r\n\r\n{\"jsonrpc\"")
	rs := c.nullResponses(1)
	msg := wantError(t, rs[0], jsonrpc2.InvalidRequest)
	if !strings.Contains(msg, "exceeds") {
		t.Errorf("error %q does not say the message is too large", msg)
	}
	// The body never comes: the client goes away.
	c.in.Close()
	if code := c.exitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestHeaderErrorThenEndOfInput(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	c.raw("Garbage without a header\r\n")
	c.nullResponses(1)
	c.in.Close()
	if code := c.exitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
}

func TestParseLength(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"999999999999999999", 999999999999999999, true},
		{"9999999999999999999", 0, false}, // 19 digits could overflow
		{"", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1 2", 0, false},
		{"0x10", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseLength([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseLength(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIsToken(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Content-Length", true},
		{"X-Custom_1.2", true},
		{"", false},
		{"Content Length", false},
		{`{"jsonrpc"`, false},
		{"Näme", false},
	}
	for _, tt := range tests {
		if got := isToken([]byte(tt.in)); got != tt.want {
			t.Errorf("isToken(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
