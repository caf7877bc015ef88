package main

// This file defines the workload of one benchmark run against one server
// process: the generated workspace, then start → initialize, open →
// diagnostics, rapid keystrokes → final diagnostics, single keystrokes →
// their diagnostics, the request latencies, peak memory and CPU time, and the
// workspace index run.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
)

// config is what every run of a server shares.
type config struct {
	argv       []string                   // the server command
	pull       bool                       // pull diagnostics instead of waiting for pushes
	settings   map[string]json.RawMessage // settings by section, for workspace/configuration and didChangeConfiguration
	keystrokes int                        // rapid keystrokes per run
	typing     int                        // single keystrokes (each waits for its diagnostics) per run
	requests   int                        // requests of each kind per run
	timeout    time.Duration              // longest wait for one phase
	tmp        string                     // folder for workspaces and logs
	trace      bool                       // write a trace of every message to tmp
}

// runResult is what one run measured. Durations are in milliseconds.
type runResult struct {
	Initialize  float64             `json:"initialize_ms"`
	Open        float64             `json:"open_ms"`
	OpenCPU     float64             `json:"open_cpu_ms"`
	OpenDiags   int                 `json:"open_diagnostics"`
	OpenNew     float64             `json:"open_new_ms"`
	OpenNewCPU  float64             `json:"open_new_cpu_ms"`
	Keys        float64             `json:"keystrokes_ms"`
	KeysCPU     float64             `json:"keystrokes_cpu_ms"`
	KeysAfter   float64             `json:"keystrokes_after_last_ms"`
	Typing      float64             `json:"typing_median_ms"`
	TypingP95   float64             `json:"typing_p95_ms"`
	TypingCPU   float64             `json:"typing_cpu_per_key_ms"`
	Requests    map[string]*latency `json:"requests"`
	PeakRSS     float64             `json:"peak_rss_mb"`
	CPU         float64             `json:"cpu_ms"`
	Wall        float64             `json:"wall_ms"`
	CleanExit   bool                `json:"clean_exit"`
	DiagnosticN int                 `json:"final_diagnostics"`
}

// latency is the latency of one kind of request over a run.
type latency struct {
	P50    float64 `json:"p50_ms"`
	P95    float64 `json:"p95_ms"`
	N      int     `json:"n"`
	Errors int     `json:"errors"`
	Items  int     `json:"items"` // size of the first answer, to show it did something
}

// targetFiles are files some generated links point at; the rest of the links'
// targets are missing. analysis/bench_test.go uses the same set.
var targetFiles = map[string]string{
	"README.md":                  "# readme\n\n## Usage\n\nRun it.\n",
	"docs/setup.md":              "# Setup\n\n## Install\n",
	"docs/a b.md":                "# A b\n",
	"notes/2021-03.md":           "# 2021-03\n\n* [ ] review\n",
	"images/epoll.png":           "\x89PNG\r\n\x1a\n",
	"posts/2020-01-01-tcp.html":  "<h2 id=\"handshake\">Handshake</h2>\n",
	"notes/unrelated/keep.md":    "# keep\n",
	"docs/unrelated/another.md":  "# another\n",
	"images/unrelated/photo.jpg": "\xff\xd8\xff",
}

// writeFiles writes files (slash paths → contents) under dir.
func writeFiles(dir string, files map[string]string) error {
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// typed is what the rapid and single keystrokes type, one rune each: ASCII,
// CJK and an emoji outside the BMP (two UTF-16 units).
var typed = []rune("fix 修复 the bug 🐛 now; ")

// session is one started server with its client.
type session struct {
	cfg    *config
	proc   *serverProc
	conn   *conn
	cl     *client
	caps   map[string]json.RawMessage
	logPth string
}

// start starts the server in root, initializes it and returns the session and
// the time from starting the process to the initialize response.
func start(cfg *config, root string, name string) (*session, time.Duration, error) {
	logPath := filepath.Join(cfg.tmp, name+".log")
	t0 := time.Now()
	proc, err := startServer(cfg.argv, root, logPath)
	if err != nil {
		return nil, 0, err
	}
	c := newConn(proc.stdin)
	if cfg.trace {
		if f, err := os.Create(filepath.Join(cfg.tmp, name+".trace")); err == nil {
			c.trace = f
			defer func() { go func() { <-c.done; f.Close() }() }()
		}
	}
	cl := newClient(c, root, cfg.settings, cfg.pull)
	go c.run(proc.stdout)
	s := &session{cfg: cfg, proc: proc, conn: c, cl: cl, logPth: logPath}
	r, err := c.call("initialize", initializeParams(root, cfg.pull), cfg.timeout)
	if err != nil {
		s.kill()
		return nil, 0, s.fail("initialize", err)
	}
	initTime := r.At.Sub(t0)
	var result struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
	}
	if err := json.Unmarshal(r.Result, &result); err != nil {
		s.kill()
		return nil, 0, s.fail("initialize result", err)
	}
	s.caps = result.Capabilities
	var dp struct {
		Identifier string `json:"identifier"`
	}
	if raw, ok := s.caps["diagnosticProvider"]; ok && json.Unmarshal(raw, &dp) == nil {
		cl.diagID = dp.Identifier
	}
	if cfg.pull && !s.supports("diagnosticProvider") {
		s.kill()
		return nil, 0, errors.New("pull mode: the server announces no diagnosticProvider")
	}
	if err := c.notify("initialized", map[string]any{}); err != nil {
		s.kill()
		return nil, 0, s.fail("initialized", err)
	}
	if len(cfg.settings) > 0 {
		all := map[string]json.RawMessage{}
		for k, v := range cfg.settings {
			all[k] = v
		}
		_ = c.notify("workspace/didChangeConfiguration", map[string]any{"settings": all})
	}
	return s, initTime, nil
}

// initializeParams returns the initialize params of a client like VS Code's:
// UTF-16 positions, incremental sync, versioned push diagnostics, pull
// diagnostics only in pull mode, work done progress and configuration.
func initializeParams(root string, pull bool) map[string]any {
	text := map[string]any{
		"synchronization":    map[string]any{"didSave": true, "dynamicRegistration": false},
		"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": true, "labelDetailsSupport": true}, "contextSupport": true},
		"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
		"documentSymbol":     map[string]any{"hierarchicalDocumentSymbolSupport": true},
		"codeAction":         map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{"valueSet": []string{"", "quickfix", "refactor", "refactor.move", "source", "source.fixAll", "source.organizeImports"}}}, "resolveSupport": map[string]any{"properties": []string{"edit"}}, "dataSupport": true, "isPreferredSupport": true},
		"publishDiagnostics": map[string]any{"versionSupport": true, "relatedInformation": true, "codeDescriptionSupport": true},
	}
	ws := map[string]any{
		"configuration":          true,
		"workspaceFolders":       true,
		"didChangeConfiguration": map[string]any{"dynamicRegistration": false},
		"didChangeWatchedFiles":  map[string]any{"dynamicRegistration": true},
		"applyEdit":              true,
	}
	if pull {
		text["diagnostic"] = map[string]any{"dynamicRegistration": false, "relatedDocumentSupport": false}
		ws["diagnostics"] = map[string]any{"refreshSupport": true}
	}
	return map[string]any{
		"processId":        os.Getpid(),
		"clientInfo":       map[string]string{"name": "planls-bench-e2e"},
		"rootUri":          fileURI(root),
		"workspaceFolders": []any{map[string]string{"uri": fileURI(root), "name": filepath.Base(root)}},
		"capabilities": map[string]any{
			"general":      map[string]any{"positionEncodings": []string{"utf-16"}},
			"textDocument": text,
			"workspace":    ws,
			"window":       map[string]any{"workDoneProgress": true},
		},
	}
}

// supports reports whether the server announced a provider capability.
func (s *session) supports(name string) bool {
	raw, ok := s.caps[name]
	if !ok {
		return false
	}
	v := strings.TrimSpace(string(raw))
	return v != "false" && v != "null"
}

// kill ends the server.
func (s *session) kill() {
	s.proc.kill()
}

// fail returns an error for a failed step, with the end of the server's log.
func (s *session) fail(step string, err error) error {
	data, _ := os.ReadFile(s.logPth)
	if len(data) > 1500 {
		data = data[len(data)-1500:]
	}
	msg := fmt.Sprintf("%s: %v", step, err)
	select {
	case <-s.conn.done:
		if s.conn.err != nil {
			msg += fmt.Sprintf(" (connection: %v)", s.conn.err)
		}
	default:
	}
	if len(data) > 0 {
		msg += "\nserver log (end):\n" + string(data)
	}
	return errors.New(msg)
}

// cpu returns the server's CPU time so far.
func (s *session) cpu() time.Duration {
	d, _ := cpuTime(s.proc.pid())
	return d
}

// waitEvent waits for an event that satisfies ok.
func (s *session) waitEvent(what string, timeout time.Duration, ok func(event) bool) (event, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case ev := <-s.cl.events:
			if ok(ev) {
				return ev, nil
			}
		case <-s.conn.done:
			return event{}, s.fail(what, errors.New("the server closed the connection"))
		case <-t.C:
			return event{}, s.fail(what, fmt.Errorf("nothing in %v", timeout))
		}
	}
}

// waitDiagnostics waits for the diagnostics of version v of uri.
func (s *session) waitDiagnostics(uri string, v int, since time.Time) (event, error) {
	return s.waitEvent(fmt.Sprintf("diagnostics of version %d", v), s.cfg.timeout, func(ev event) bool {
		return ev.kind == evDiagnostics && ev.uri == uri && (ev.version == v || ev.version == -1 && ev.at.After(since))
	})
}

// settle waits until the server has sent nothing for quiet (at most max),
// then drops the events recorded so far.
func (s *session) settle(quiet, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		if s.conn.quietFor() >= quiet {
			break
		}
		time.Sleep(quiet / 10)
	}
	s.cl.drainEvents()
}

// shutdown asks the server to exit and ends it; it reports whether the server
// exited by itself.
func (s *session) shutdown() bool {
	_, err := s.conn.call("shutdown", nil, 5*time.Second)
	if err == nil {
		_ = s.conn.notify("exit", nil)
	}
	return s.proc.wait(5*time.Second) && err == nil
}

// document is the open plan and where the keystrokes go.
type document struct {
	uri     string
	text    []byte
	version int
	at      int // byte offset where the next character is typed
	line    int // its 0-based line
	col     int // its UTF-16 column
	typed   int // characters typed so far
}

// nextKeystroke returns the didChange params of the next typed character and
// applies it to the document.
func (d *document) nextKeystroke() []byte {
	r := typed[d.typed%len(typed)]
	d.typed++
	d.version++
	ch := string(r)
	params, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"method":  "textDocument/didChange",
		"params": map[string]any{
			"textDocument": map[string]any{"uri": d.uri, "version": d.version},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{
					"start": map[string]int{"line": d.line, "character": d.col},
					"end":   map[string]int{"line": d.line, "character": d.col},
				},
				"text": ch,
			}},
		},
	})
	d.text = slices.Insert(d.text, d.at, []byte(ch)...)
	d.at += len(ch)
	d.col += utf16Len(ch)
	return params
}

// runSize runs the whole workload once on a plan of the given size.
func runSize(cfg *config, tasks, run int) (res runResult, err error) {
	root, err := os.MkdirTemp(cfg.tmp, fmt.Sprintf("ws-%d-", tasks))
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(root)
	src := generatedPlan(tasks)
	files := maps(targetFiles, "plan.md", string(src))
	if err := writeFiles(root, files); err != nil {
		return res, err
	}
	plan := analysis.Parse(src)
	if len(plan.Tasks) == 0 {
		return res, errors.New("generated plan has no tasks")
	}
	mid := plan.Tasks[len(plan.Tasks)/2]
	line, col := position(src, mid.TextSpan.End)
	doc := &document{uri: fileURI(filepath.Join(root, "plan.md")), text: src, at: mid.TextSpan.End, line: line, col: col}

	wall0 := time.Now()
	s, initTime, err := start(cfg, root, fmt.Sprintf("server-%d-%d", tasks, run))
	if err != nil {
		return res, err
	}
	defer s.kill()
	watchdog := time.AfterFunc(10*cfg.timeout, s.kill)
	defer watchdog.Stop()
	res.Initialize = ms(initTime)
	s.settle(300*time.Millisecond, 20*time.Second)

	// Open → diagnostics.
	doc.version = 1
	s.cl.setVersion(doc.uri, 1)
	openParams := map[string]any{"textDocument": map[string]any{"uri": doc.uri, "languageId": "markdown", "version": 1, "text": string(doc.text)}}
	cpu0 := s.cpu()
	t0 := time.Now()
	if err := s.conn.notify("textDocument/didOpen", openParams); err != nil {
		return res, s.fail("didOpen", err)
	}
	if cfg.pull {
		s.cl.pullDoc(doc.uri)
	}
	ev, err := s.waitDiagnostics(doc.uri, 1, t0)
	if err != nil {
		return res, err
	}
	res.Open, res.OpenCPU, res.OpenDiags = ms(ev.at.Sub(t0)), ms(s.cpu()-cpu0), ev.count
	s.settle(time.Second, 20*time.Second)

	// Open → diagnostics of the same text under a name that is not on disk
	// (an unsaved file): nothing the server read at start can stand in for
	// parsing it.
	fresh := fileURI(filepath.Join(root, "unsaved-plan.md"))
	s.cl.setVersion(fresh, 1)
	openParams = map[string]any{"textDocument": map[string]any{"uri": fresh, "languageId": "markdown", "version": 1, "text": string(doc.text)}}
	cpu0 = s.cpu()
	t0 = time.Now()
	if err := s.conn.notify("textDocument/didOpen", openParams); err != nil {
		return res, s.fail("didOpen", err)
	}
	if cfg.pull {
		s.cl.pullDoc(fresh)
	}
	if ev, err = s.waitDiagnostics(fresh, 1, t0); err != nil {
		return res, err
	}
	res.OpenNew, res.OpenNewCPU = ms(ev.at.Sub(t0)), ms(s.cpu()-cpu0)
	if err := s.conn.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": fresh}}); err != nil {
		return res, s.fail("didClose", err)
	}
	s.settle(time.Second, 20*time.Second)

	// Rapid keystrokes → final diagnostics. The messages are encoded before
	// the clock starts.
	msgs := make([][]byte, cfg.keystrokes)
	for i := range msgs {
		msgs[i] = doc.nextKeystroke()
	}
	cpu0 = s.cpu()
	t0 = time.Now()
	first := doc.version - cfg.keystrokes + 1
	var tLast time.Time
	for i, m := range msgs {
		s.cl.setVersion(doc.uri, first+i)
		if err := s.conn.sendRaw(m); err != nil {
			return res, s.fail("didChange", err)
		}
		if cfg.pull {
			s.cl.pullDoc(doc.uri)
		}
		tLast = time.Now()
	}
	ev, err = s.waitDiagnostics(doc.uri, doc.version, t0)
	if err != nil {
		return res, err
	}
	res.Keys, res.KeysCPU, res.KeysAfter = ms(ev.at.Sub(t0)), ms(s.cpu()-cpu0), ms(ev.at.Sub(tLast))
	s.settle(time.Second, 20*time.Second)

	// Single keystrokes, each waiting for its diagnostics.
	var lat []float64
	cpu0 = s.cpu()
	for range cfg.typing {
		m := doc.nextKeystroke()
		s.cl.setVersion(doc.uri, doc.version)
		t0 := time.Now()
		if err := s.conn.sendRaw(m); err != nil {
			return res, s.fail("didChange", err)
		}
		if cfg.pull {
			s.cl.pullDoc(doc.uri)
		}
		ev, err := s.waitDiagnostics(doc.uri, doc.version, t0)
		if err != nil {
			return res, err
		}
		lat = append(lat, ms(ev.at.Sub(t0)))
	}
	if cfg.typing > 0 {
		res.TypingCPU = ms(s.cpu()-cpu0) / float64(cfg.typing)
		res.Typing, res.TypingP95 = percentile(lat, 50), percentile(lat, 95)
	}
	s.settle(time.Second, 20*time.Second)
	res.DiagnosticN = len(s.cl.lastDiagnostics(doc.uri))

	// Requests.
	res.Requests = map[string]*latency{}
	for _, rq := range requestsFor(doc, s.cl.lastDiagnostics(doc.uri)) {
		if !s.supports(rq.capability) && !s.cl.registered(rq.method) {
			continue
		}
		res.Requests[rq.name] = s.measure(rq.method, rq.params, cfg.requests)
	}

	if rss, err := peakRSS(s.proc.pid()); err == nil {
		res.PeakRSS = float64(rss) / (1 << 20)
	}
	res.CPU = ms(s.cpu())
	res.CleanExit = s.shutdown()
	res.Wall = ms(time.Since(wall0))
	return res, nil
}

// maps returns a copy of m with one more entry.
func maps(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// request is one kind of request the benchmark times.
type request struct {
	name, method, capability string
	params                   any
}

// requestsFor returns the timed requests on the current text of doc: completion
// of anchors after the "](#" nearest the middle, code actions on the line being
// typed (with its diagnostics, as an editor sends them), the document's
// symbols, and hover on the destination of the link nearest the middle.
func requestsFor(doc *document, diags []json.RawMessage) []request {
	td := map[string]string{"uri": doc.uri}
	pos := func(off int) map[string]int {
		l, c := position(doc.text, off)
		return map[string]int{"line": l, "character": c}
	}
	var out []request
	if off := nearest(doc.text, "](#"); off >= 0 {
		out = append(out, request{"completion", "textDocument/completion", "completionProvider", map[string]any{
			"textDocument": td, "position": pos(off + 3),
			"context": map[string]any{"triggerKind": 2, "triggerCharacter": "#"},
		}})
	}
	cursor := map[string]int{"line": doc.line, "character": doc.col}
	var onLine []json.RawMessage
	for _, d := range diags {
		var x struct {
			Range struct {
				Start struct{ Line int } `json:"start"`
				End   struct{ Line int } `json:"end"`
			} `json:"range"`
		}
		if json.Unmarshal(d, &x) == nil && x.Range.Start.Line <= doc.line && doc.line <= x.Range.End.Line {
			onLine = append(onLine, d)
		}
	}
	if onLine == nil {
		onLine = []json.RawMessage{}
	}
	out = append(out, request{"codeAction", "textDocument/codeAction", "codeActionProvider", map[string]any{
		"textDocument": td, "range": map[string]any{"start": cursor, "end": cursor},
		"context": map[string]any{"diagnostics": onLine, "triggerKind": 2},
	}})
	out = append(out, request{"documentSymbol", "textDocument/documentSymbol", "documentSymbolProvider", map[string]any{"textDocument": td}})
	if off := nearest(doc.text, "]("); off >= 0 {
		out = append(out, request{"hover", "textDocument/hover", "hoverProvider", map[string]any{"textDocument": td, "position": pos(off + 3)}})
	}
	return out
}

// measure sends n requests one after the other and returns their latency.
func (s *session) measure(method string, params any, n int) *latency {
	l := &latency{}
	var times []float64
	for i := range n {
		t0 := time.Now()
		r, err := s.conn.call(method, params, s.cfg.timeout)
		if err != nil {
			l.Errors++
			continue
		}
		times = append(times, ms(r.At.Sub(t0)))
		if i == 0 {
			l.Items = resultSize(r.Result)
		}
	}
	l.N = len(times)
	l.P50, l.P95 = percentile(times, 50), percentile(times, 95)
	return l
}

// resultSize returns the number of elements of a result: the length of an
// array, of a completion list's items, or 1 for any other non-null value.
func resultSize(raw json.RawMessage) int {
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) == nil {
		return len(arr)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
	}
	if json.Unmarshal(raw, &list) == nil && list.Items != nil {
		return len(list.Items)
	}
	if s := strings.TrimSpace(string(raw)); s == "" || s == "null" {
		return 0
	}
	return 1
}

// nearest returns the offset of the occurrence of sub nearest after the middle
// of text (or the last one before it), or -1.
func nearest(text []byte, sub string) int {
	mid := len(text) / 2
	if i := strings.Index(string(text[mid:]), sub); i >= 0 {
		return mid + i
	}
	return strings.LastIndex(string(text[:mid]), sub)
}

// position returns the 0-based line and UTF-16 column of byte offset off.
func position(text []byte, off int) (line, col int) {
	off = min(max(off, 0), len(text))
	start := 0
	for i := 0; i < off; i++ {
		if text[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, utf16Len(string(text[start:off]))
}

// utf16Len returns the length of s in UTF-16 code units (invalid bytes count
// as one U+FFFD each).
func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// indexResult is what one workspace index run measured.
type indexResult struct {
	Method string  `json:"method"` // how the end of indexing was seen
	Time   float64 `json:"time_ms"`
	CPU    float64 `json:"cpu_ms"`
	RSS    float64 `json:"peak_rss_mb"`
}

// indexWorkspace returns the files of the index benchmark: the same 1,000
// generated plans (about 10 MB) as BenchmarkIndex in analysis/bench_test.go.
func indexWorkspace(n int) (map[string]string, int) {
	files := make(map[string]string, n)
	total := 0
	for i := range n {
		src := analysis.GeneratePlan(int64(i), 121+i%71)
		files[fmt.Sprintf("dir%02d/plan%04d.md", i%50, i)] = string(src)
		total += len(src)
	}
	return files, total
}

// runIndex measures how long the server takes to index a workspace of files
// after initialized: until the end of its work done progress whose title
// mentions indexing, or, for a server that reports none within two seconds
// but answers workspace/symbol (VS Code's reads every file for its first
// one), the time that first workspace/symbol request takes.
func runIndex(cfg *config, files map[string]string, run int) (res indexResult, err error) {
	root, err := os.MkdirTemp(cfg.tmp, "index-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(root)
	if err := writeFiles(root, files); err != nil {
		return res, err
	}
	s, _, err := start(cfg, root, fmt.Sprintf("index-%d", run))
	if err != nil {
		return res, err
	}
	defer s.kill()
	t0 := time.Now() // initialized was sent by start
	cpu0 := s.cpu()
	begun := false
	ev, err := s.waitEvent("indexing progress", 2*time.Second, func(ev event) bool {
		return ev.kind == evProgressBegin && strings.Contains(strings.ToLower(ev.title), "index")
	})
	begun = err == nil
	switch {
	case begun:
		title := ev.title
		ev, err = s.waitEvent("end of indexing", cfg.timeout, func(ev event) bool {
			return ev.kind == evProgressEnd && ev.title == title
		})
		if err != nil {
			return res, err
		}
		res.Method, res.Time = "work done progress", ms(ev.at.Sub(t0))
	case s.supports("workspaceSymbolProvider"):
		cpu0 = s.cpu()
		t1 := time.Now()
		r, err := s.conn.call("workspace/symbol", map[string]string{"query": ""}, cfg.timeout)
		if err != nil {
			return res, s.fail("workspace/symbol", err)
		}
		res.Method, res.Time = "first workspace/symbol", ms(r.At.Sub(t1))
	default:
		return res, errors.New("the server reports no indexing progress and has no workspace/symbol")
	}
	res.CPU = ms(s.cpu() - cpu0)
	if rss, err := peakRSS(s.proc.pid()); err == nil {
		res.RSS = float64(rss) / (1 << 20)
	}
	s.shutdown()
	return res, nil
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// generatedPlan returns the plan of the given size that runSize opens.
func generatedPlan(tasks int) []byte { return analysis.GeneratePlan(1, tasks) }
