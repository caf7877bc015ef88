package server

// This file tests the built planls binary over real stdio: a protocol
// session, malformed frames, bad params, a client that goes away, and exit
// codes. TestMain provides the temporary folder the binary is built into.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// binDir is the temporary folder of the binary built for the stdio tests.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "planls-server-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// planlsBinary builds ./cmd/planls of the module, once, on first use (so
// that tests that do not need it do not wait for it), and returns its path.
func planlsBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %v", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		binPath = filepath.Join(binDir, "planls")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/planls")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/planls: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// pipeRWC joins the process's stdout and stdin into the connection of a
// jsonrpc2 stream.
type pipeRWC struct {
	io.Reader
	io.WriteCloser
}

// startPlanls starts the planls binary with args and returns a client
// talking to it over its stdin and stdout. The process is killed when the
// test ends, if it is still running.
func startPlanls(t *testing.T, args ...string) *testClient {
	t.Helper()
	c, _ := startPlanlsPipes(t, args...)
	return c
}

// startPlanlsPipes is startPlanls that also returns the client's end of the
// process's stdout, so that a test can close it to play a client that
// disappears altogether.
func startPlanlsPipes(t *testing.T, args ...string) (*testClient, *os.File) {
	t.Helper()
	bin := planlsBinary(t)
	// Pipes of our own rather than cmd.StdinPipe/StdoutPipe, so that reading
	// stdout to its end does not race with cmd.Wait closing it.
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	c := &testClient{
		t:       t,
		in:      inW,
		stream:  jsonrpc2.NewHeaderStream(pipeRWC{outR, inW}),
		log:     log,
		code:    make(chan int, 1),
		changed: make(chan struct{}),
		resps:   make(map[jsonrpc2.ID]*jsonrpc2.Response),
	}
	c.start(func() int {
		err := cmd.Wait()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &exit):
			return exit.ExitCode()
		}
		return -1
	})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		inW.Close()
		outR.Close()
		if t.Failed() {
			t.Logf("planls stderr:\n%s", log)
		}
	})
	return c, outR
}

// probe checks that the process is alive and in step: an unknown request
// is answered with MethodNotFound.
func (c *testClient) probe(id int64) {
	c.t.Helper()
	wantError(c.t, c.call(num(id), "planls/probe", `{}`), jsonrpc2.MethodNotFound)
}

// wantExit waits for the process to exit with code, and checks that
// everything it wrote on stdout was well-framed JSON-RPC.
func (c *testClient) wantExit(code int) {
	c.t.Helper()
	if got := c.exitCode(); got != code {
		c.t.Errorf("exit code %d, want %d", got, code)
	}
	c.waitFor("the end of stdout", func() bool { return c.readErr != nil })
	c.mu.Lock()
	err := c.readErr
	c.mu.Unlock()
	if err != io.EOF {
		c.t.Errorf("stdout ended with %v, want a clean end: something other than LSP frames was written", err)
	}
}

func TestStdioSession(t *testing.T) {
	c := startPlanls(t)
	wantError(t, c.call(num(1), "textDocument/hover", `{}`), jsonrpc2.ServerNotInitialized)
	r := c.call(num(2), protocol.MethodInitialize, initializeParams("utf-8", "utf-16"))
	var res protocol.InitializeResult
	if err := protocol.Unmarshal(r.Result(), &res); err != nil {
		t.Fatalf("initialize result %s: %v", r.Result(), err)
	}
	if res.ServerInfo.Name != "planls" || res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF8 {
		t.Errorf("initialize result %s: want serverInfo.name planls and positionEncoding utf-8", r.Result())
	}
	c.notify(protocol.MethodInitialized, `{}`)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen("file:///plan.md", 1, sample))
	c.notify(protocol.MethodTextDocumentDidChange, didChange("file:///plan.md", 2, change(0, 5, 0, 6, "B")))
	c.probe(3)
	wantResult(t, c.call(num(4), protocol.MethodShutdown, nil), `null`)
	wantError(t, c.call(num(5), "textDocument/hover", `{}`), jsonrpc2.InvalidRequest)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

func TestStdioExitCodes(t *testing.T) {
	tests := []struct {
		name string
		run  func(c *testClient)
		want int
	}{
		{"exit without shutdown", func(c *testClient) {
			c.initialize()
			c.notify(protocol.MethodExit, nil)
		}, 1},
		{"exit before initialize", func(c *testClient) {
			c.notify(protocol.MethodExit, nil)
		}, 1},
		{"stdin closed", func(c *testClient) {
			c.initialize()
			c.in.Close()
		}, 1},
		{"stdin closed after shutdown", func(c *testClient) {
			c.initialize()
			c.call(num(1), protocol.MethodShutdown, nil)
			c.in.Close()
		}, 0},
		{"stdin closed in the middle of a request", func(c *testClient) {
			c.initialize()
			c.raw("Content-Length: 200\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":9,")
			c.in.Close()
		}, 1},
		{"stdin closed right after a request", func(c *testClient) {
			c.initialize()
			c.send(num(9), "planls/probe", `{}`)
			c.in.Close()
		}, 1},
		{"stdin closed in the middle of a header", func(c *testClient) {
			c.raw("Content-Len")
			c.in.Close()
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startPlanls(t)
			start := time.Now()
			tt.run(c)
			c.wantExit(tt.want)
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("the process took %v to exit", d)
			}
		})
	}
}

func TestStdioExitWhileStdinStaysOpen(t *testing.T) {
	// The client sends exit but keeps stdin open: the process must not wait
	// for stdin to end.
	c := startPlanls(t)
	c.initialize()
	c.call(num(1), protocol.MethodShutdown, nil)
	c.notify(protocol.MethodExit, nil)
	if code := c.exitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

func TestStdioMalformedFrames(t *testing.T) {
	big := `{"jsonrpc":"2.0","id":77,"method":"planls/probe","params":"` + strings.Repeat("x", defaultMaxBody) + `"}`
	tests := []struct {
		name  string
		input string
		nulls []jsonrpc2.Code
	}{
		{"bad JSON body", frame(`{"jsonrpc":"2.0","id":1,"method":`), []jsonrpc2.Code{jsonrpc2.ParseError}},
		{"wrong Content-Length", fmt.Sprintf("Content-Length: 10\r\n\r\n%s", `{"jsonrpc":"2.0","method":"initialized","params":{}}`),
			[]jsonrpc2.Code{jsonrpc2.ParseError, jsonrpc2.ParseError}},
		{"missing header", `{"jsonrpc":"2.0","id":1,"method":"shutdown"}` + "\r\n", []jsonrpc2.Code{jsonrpc2.ParseError}},
		{"JSON batch array", frame(`[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]`), []jsonrpc2.Code{jsonrpc2.InvalidRequest}},
		{"body over 64 MiB", frame(big), []jsonrpc2.Code{jsonrpc2.InvalidRequest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startPlanls(t)
			c.initialize()
			c.raw(tt.input)
			c.probe(100)
			rs := c.nullResponses(len(tt.nulls))
			var codes []jsonrpc2.Code
			for _, r := range rs {
				code, _ := errorCode(t, r)
				codes = append(codes, code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(tt.nulls) {
				t.Errorf("null-id error codes %v, want %v", codes, tt.nulls)
			}
			// The malformed shutdown requests must not have been obeyed.
			wantResult(t, c.call(num(101), protocol.MethodShutdown, nil), `null`)
			c.notify(protocol.MethodExit, nil)
			c.wantExit(0)
		})
	}
}

func TestStdioHugeContentLength(t *testing.T) {
	c := startPlanls(t)
	c.initialize()
	c.raw("Content-Length: 1099511627776\r\n\r\n{")
	rs := c.nullResponses(1)
	if msg := wantError(t, rs[0], jsonrpc2.InvalidRequest); !strings.Contains(msg, "exceeds") {
		t.Errorf("error %q does not say the message is too large", msg)
	}
	c.in.Close()
	c.wantExit(1)
}

func TestStdioBadParams(t *testing.T) {
	c := startPlanls(t)
	wantError(t, c.call(num(1), protocol.MethodInitialize, `{"capabilities":"none"}`), jsonrpc2.InvalidParams)
	wantError(t, c.call(num(2), protocol.MethodInitialize, `[]`), jsonrpc2.InvalidParams)
	c.initialize()
	c.notify(protocol.MethodTextDocumentDidOpen, `{"textDocument":{"uri":"file:///a.md","text":7}}`)
	c.notify(protocol.MethodTextDocumentDidOpen, `"file:///a.md"`)
	c.notify(protocol.MethodTextDocumentDidChange, `{"textDocument":{"uri":"file:///a.md","version":2},"contentChanges":[{"range":5,"text":"x"}]}`)
	c.notify(protocol.MethodTextDocumentDidChange, `{"textDocument":null}`)
	c.notify(protocol.MethodTextDocumentDidClose, `{}`)
	c.notify("$/cancelRequest", `{"id":[1]}`)
	c.probe(3)
	wantError(t, c.call(num(4), "workspace/unknownThing", `{}`), jsonrpc2.MethodNotFound)
	wantError(t, c.call(str("s"), "textDocument/definitelyNot", nil), jsonrpc2.MethodNotFound)
	c.call(num(5), protocol.MethodShutdown, nil)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
	if !bytes.Contains([]byte(c.log.String()), []byte("invalid params")) {
		t.Errorf("stderr does not log the invalid params:\n%s", c.log)
	}
}
