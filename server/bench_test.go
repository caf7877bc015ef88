package server

// This file defines the in-process benchmarks of the server: Serve runs on
// pipes, driven by a minimal client, with generated plans of 100, 2,000 and
// 10,000 tasks. BenchmarkServerKeystroke is the server's whole work for one
// typed character (apply the change, reparse, diagnose, convert, encode),
// pulled so no debounce is involved; BenchmarkServerRequest times the
// feature requests. They complement the end-to-end benchmark of
// scripts/bench/e2e with something go test -cpuprofile can profile.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
)

// benchClient is a minimal LSP client of an in-process server.
type benchClient struct {
	w      io.Writer
	wmu    sync.Mutex
	mu     sync.Mutex
	nextID int
	wait   map[string]chan json.RawMessage
	done   chan int
	// lean clients do not decode large answers: of a megabyte of outline
	// they read only the id, so wire benchmarks time the server and the
	// transport rather than the client's JSON decoder.
	lean bool
}

// benchMessage is any message from the server.
type benchMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// startBenchServer runs Serve on pipes and returns its client (a lean one
// when lean is true).
func startBenchServer(b *testing.B, lean bool) *benchClient {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &benchClient{w: inW, wait: map[string]chan json.RawMessage{}, done: make(chan int, 1), lean: lean}
	go func() { c.done <- Serve(context.Background(), inR, outW, Options{}) }()
	go c.readLoop(bufio.NewReaderSize(outR, 1<<16))
	b.Cleanup(func() {
		c.call(b, "shutdown", nil)
		c.notify(b, "exit", nil)
		<-c.done
	})
	return c
}

// readLoop delivers responses (for a lean client, a large answer's result is
// only its length) and answers the server's requests with null.
func (c *benchClient) readLoop(r *bufio.Reader) {
	for {
		n := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length:"); ok {
				n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		if n < 0 {
			return
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return
		}
		var m benchMessage
		if c.lean && n > 1<<16 {
			// A large answer: {"jsonrpc":"2.0","id":N,"result":...}.
			_, rest, _ := strings.Cut(string(body[:64]), `"id":`)
			id, _, _ := strings.Cut(rest, ",")
			m.ID, m.Result = json.RawMessage(id), json.RawMessage(strconv.Itoa(n))
		} else if json.Unmarshal(body, &m) != nil {
			continue
		}
		switch {
		case m.Method != "" && len(m.ID) > 0:
			result := "null"
			if m.Method == "workspace/configuration" {
				result = "[null]"
			}
			c.write(fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":%s}`, m.ID, result))
		case m.Method == "" && len(m.ID) > 0:
			c.mu.Lock()
			ch := c.wait[string(m.ID)]
			delete(c.wait, string(m.ID))
			c.mu.Unlock()
			if ch != nil {
				if len(m.Error) > 0 && string(m.Error) != "null" {
					ch <- nil
				} else {
					ch <- m.Result
				}
			}
		}
	}
}

// write sends one framed message.
func (c *benchClient) write(body string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// notify sends a notification.
func (c *benchClient) notify(b *testing.B, method string, params any) {
	p, err := json.Marshal(params)
	if err != nil {
		b.Fatal(err)
	}
	c.write(fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":%s}`, method, p))
}

// call sends a request and returns its result (nil for an error response).
func (c *benchClient) call(b *testing.B, method string, params any) json.RawMessage {
	p, err := json.Marshal(params)
	if err != nil {
		b.Fatal(err)
	}
	ch := make(chan json.RawMessage, 1)
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.wait[strconv.Itoa(id)] = ch
	c.mu.Unlock()
	c.write(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q,"params":%s}`, id, method, p))
	return <-ch
}

// benchDoc is the open generated plan of a benchmark.
type benchDoc struct {
	uri     string
	text    []byte
	version int
	line    int // line of the middle task
	col     int // UTF-16 column where characters are typed
	at      int // byte offset where characters are typed
}

// openBenchPlan starts a server on a workspace holding the generated plan of
// the given size, initializes it with pull diagnostics and opens the plan.
func openBenchPlan(b *testing.B, tasks int) (*benchClient, *benchDoc) {
	root := b.TempDir()
	src := analysis.GeneratePlan(1, tasks)
	files := map[string]string{
		"plan.md":          string(src),
		"README.md":        "# readme\n\n## Usage\n",
		"docs/setup.md":    "# Setup\n",
		"notes/2021-03.md": "# 2021-03\n",
		"images/epoll.png": "png",
	}
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	plan := analysis.Parse(src)
	if len(plan.Tasks) == 0 {
		b.Fatal("no tasks")
	}
	mid := plan.Tasks[len(plan.Tasks)/2]
	at := mid.TextSpan.End
	lineStart := plan.Lines[plan.LineOf(at)]
	doc := &benchDoc{uri: "file://" + filepath.ToSlash(filepath.Join(root, "plan.md")), text: src, version: 1,
		line: plan.LineOf(at), col: utf16Units(src[lineStart:at]), at: at}

	c := startBenchServer(b, false)
	rootURI := "file://" + filepath.ToSlash(root)
	c.call(b, "initialize", map[string]any{
		"rootUri":          rootURI,
		"workspaceFolders": []any{map[string]string{"uri": rootURI, "name": "bench"}},
		"capabilities": map[string]any{
			"general":      map[string]any{"positionEncodings": []string{"utf-16"}},
			"textDocument": map[string]any{"diagnostic": map[string]any{}, "documentSymbol": map[string]any{"hierarchicalDocumentSymbolSupport": true}},
			"workspace":    map[string]any{"configuration": true},
		},
	})
	c.notify(b, "initialized", map[string]any{})
	c.notify(b, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": doc.uri, "languageId": "markdown", "version": 1, "text": string(src)}})
	if c.call(b, "textDocument/diagnostic", map[string]any{"textDocument": map[string]string{"uri": doc.uri}}) == nil {
		b.Fatal("diagnostic pull failed")
	}
	return c, doc
}

// utf16Units returns the length of s in UTF-16 code units.
func utf16Units(s []byte) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// benchTasks are the plan sizes of the server benchmarks.
var benchTasks = []int{100, 2000, 10000}

// BenchmarkServerKeystroke measures one typed character in the middle task of
// an open plan: didChange, then a diagnostic pull answered with the new
// version's diagnostics. This is the server's whole work per keystroke.
func BenchmarkServerKeystroke(b *testing.B) {
	for _, n := range benchTasks {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			c, doc := openBenchPlan(b, n)
			b.ReportAllocs()
			for b.Loop() {
				doc.version++
				c.notify(b, "textDocument/didChange", map[string]any{
					"textDocument": map[string]any{"uri": doc.uri, "version": doc.version},
					"contentChanges": []any{map[string]any{
						"range": map[string]any{"start": map[string]int{"line": doc.line, "character": doc.col},
							"end": map[string]int{"line": doc.line, "character": doc.col}},
						"text": "x"}},
				})
				doc.col++
				if c.call(b, "textDocument/diagnostic", map[string]any{"textDocument": map[string]string{"uri": doc.uri}}) == nil {
					b.Fatal("diagnostic pull failed")
				}
			}
		})
	}
}

// BenchmarkServerRequest measures the feature requests on an open plan, at the
// positions the end-to-end benchmark uses.
func BenchmarkServerRequest(b *testing.B) {
	for _, n := range benchTasks {
		c, doc := openBenchPlan(b, n)
		td := map[string]string{"uri": doc.uri}
		pos := func(off int) map[string]int {
			line := strings.Count(string(doc.text[:off]), "\n")
			start := strings.LastIndexByte(string(doc.text[:off]), '\n') + 1
			return map[string]int{"line": line, "character": utf16Units(doc.text[start:off])}
		}
		nearest := func(sub string) int {
			mid := len(doc.text) / 2
			if i := strings.Index(string(doc.text[mid:]), sub); i >= 0 {
				return mid + i
			}
			return strings.LastIndex(string(doc.text[:mid]), sub)
		}
		cursor := map[string]int{"line": doc.line, "character": doc.col}
		requests := []struct {
			name, method string
			params       any
		}{
			{"completion", "textDocument/completion", map[string]any{"textDocument": td, "position": pos(nearest("](#") + 3)}},
			{"codeAction", "textDocument/codeAction", map[string]any{"textDocument": td, "range": map[string]any{"start": cursor, "end": cursor},
				"context": map[string]any{"diagnostics": []any{}, "triggerKind": 2}}},
			{"documentSymbol", "textDocument/documentSymbol", map[string]any{"textDocument": td}},
			{"hover", "textDocument/hover", map[string]any{"textDocument": td, "position": pos(nearest("](") + 3)}},
		}
		for _, rq := range requests {
			b.Run(fmt.Sprintf("%s/tasks=%d", rq.name, n), func(b *testing.B) {
				b.ReportAllocs()
				size := 0
				for b.Loop() {
					size = len(c.call(b, rq.method, rq.params))
				}
				b.ReportMetric(float64(size), "resp-bytes")
			})
		}
	}
}
