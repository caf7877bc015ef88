package server

// This file extends the stdio tests of the built binary to every method of
// the handler table: the lifecycle answers and bad params of each request and
// notification, cancellation of a slow request, 500 rapid incremental edits
// checked black-box against the analysis package, a client that goes away in
// the middle of a request, and a flood of notifications.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// writeFiles writes files (slash names to contents) into a new temporary
// folder and returns its path.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// initializeRoot runs initialize with root as the workspace folder and no
// client capabilities beyond the position encodings offered, if any, then
// initialized, and returns the initialize result.
func (c *testClient) initializeRoot(root string, encodings ...string) protocol.InitializeResult {
	c.t.Helper()
	caps := map[string]any{}
	if len(encodings) > 0 {
		caps["general"] = map[string]any{"positionEncodings": encodings}
	}
	params, _ := json.Marshal(map[string]any{"processId": nil, "rootUri": string(uri.File(root)), "capabilities": caps})
	r := c.call(num(1000), protocol.MethodInitialize, string(params))
	if r.Err() != nil {
		c.t.Fatalf("initialize: %v", r.Err())
	}
	var res protocol.InitializeResult
	if err := protocol.Unmarshal(r.Result(), &res); err != nil {
		c.t.Fatalf("initialize result %s: %v", r.Result(), err)
	}
	c.notify(protocol.MethodInitialized, `{}`)
	return res
}

// lastPublished returns the last diagnostics published for u, or nil. It is
// called with c.mu held.
func (c *testClient) lastPublished(u uri.URI) *protocol.PublishDiagnosticsParams {
	for i := len(c.notes) - 1; i >= 0; i-- {
		n := c.notes[i]
		if n.Method() != protocol.MethodTextDocumentPublishDiagnostics {
			continue
		}
		var p protocol.PublishDiagnosticsParams
		if err := protocol.Unmarshal(n.Params(), &p); err != nil {
			c.t.Errorf("bad publishDiagnostics %s: %v", n.Params(), err)
			continue
		}
		if p.URI == u {
			return &p
		}
	}
	return nil
}

// waitPublished waits until the last diagnostics published for u are those
// of version and, formatted by formatDiagnostics, equal want. The server
// first publishes without the findings on the line being typed and again
// after a pause, so the wait is for the final state.
func (c *testClient) waitPublished(u uri.URI, version int32, want string) {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	got := "nothing"
	for {
		c.mu.Lock()
		p := c.lastPublished(u)
		ch := c.changed
		c.mu.Unlock()
		if p != nil {
			v, ok := p.Version.Get()
			got = fmt.Sprintf("version %d (set: %v):\n%s", v, ok, formatDiagnostics(p.Diagnostics))
			if ok && v == version && formatDiagnostics(p.Diagnostics) == want {
				return
			}
		}
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("the last diagnostics published for %s are %s\nwant version %d:\n%s", u, got, version, want)
		}
	}
}

// utf16Position returns the LSP position of byte offset off of text, with
// characters counted in UTF-16 code units. It is computed here, independently
// of Mapper, so that the tests check the server's positions: a line ends at
// "\n" (a "\r" before it is part of the line's break).
func utf16Position(text string, off int) protocol.Position {
	before := text[:off]
	start := strings.LastIndexByte(before, '\n') + 1
	return protocol.Position{
		Line:      uint32(strings.Count(before, "\n")),
		Character: uint32(len(utf16.Encode([]rune(before[start:])))),
	}
}

// utf16Range returns the LSP range of a byte span of text in UTF-16.
func utf16Range(text string, sp analysis.Span) protocol.Range {
	return protocol.Range{Start: utf16Position(text, sp.Start), End: utf16Position(text, sp.End)}
}

// formatLSPRange formats an LSP range as line:char-line:char.
func formatLSPRange(r protocol.Range) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

// formatDiagnostics formats LSP diagnostics one a line: range, code, severity
// and message.
func formatDiagnostics(ds []protocol.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		code, _ := d.Code.(protocol.String)
		msg, _ := d.Message.(protocol.String)
		fmt.Fprintf(&b, "%s %s %d %s\n", formatLSPRange(d.Range), code, d.Severity, msg)
	}
	return b.String()
}

// expectedDiagnostics returns, formatted as formatDiagnostics does, the
// diagnostics analysis finds in text, the file name of the workspace folder
// root, with the default settings, at UTF-16 positions.
func expectedDiagnostics(text, root, name string) string {
	s := analysis.DefaultSettings()
	plan := analysis.ParseWith([]byte(text), s)
	var b strings.Builder
	for _, d := range analysis.Diagnose(plan, analysis.Env{Settings: s, FS: os.DirFS(root), Path: name, Root: "."}) {
		fmt.Fprintf(&b, "%s %s %d %s\n", formatLSPRange(utf16Range(text, d.Span)), d.Code, d.Severity, d.Message)
	}
	return b.String()
}

// formatEdits formats LSP text edits one a line.
func formatEdits(edits []protocol.TextEdit) string {
	var b strings.Builder
	for _, e := range edits {
		fmt.Fprintf(&b, "%s %q\n", formatLSPRange(e.Range), e.NewText)
	}
	return b.String()
}

// expectedFixAll returns, formatted as formatEdits does, the fix-all edits of
// text with the default settings, at UTF-16 positions.
func expectedFixAll(text string) string {
	s := analysis.DefaultSettings()
	var b strings.Builder
	for _, e := range analysis.FixAll(analysis.ParseWith([]byte(text), s), s, time.Now()) {
		fmt.Fprintf(&b, "%s %q\n", formatLSPRange(utf16Range(text, e.Span)), e.NewText)
	}
	return b.String()
}

// expectedStats returns the planls.stats result of text, as JSON.
func expectedStats(t *testing.T, text string) string {
	t.Helper()
	secs, total := analysis.Stats(analysis.ParseWith([]byte(text), analysis.DefaultSettings()))
	if secs == nil {
		secs = []analysis.SectionStats{}
	}
	b, err := json.Marshal(statsResult{Open: total.Open, Done: total.Done, Sections: secs})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantServerText checks, black-box, that the server's text of u, the file
// name of the workspace folder root, is text: its fix-all edits
// (textDocument/formatting), pulled diagnostics and planls.stats are those
// analysis computes on text. Request ids are taken from *id.
func (c *testClient) wantServerText(id *int64, u uri.URI, root, name, text string) {
	c.t.Helper()
	next := func() jsonrpc2.ID { *id++; return num(*id) }
	td := fmt.Sprintf(`{"textDocument":{"uri":%q}}`, u)

	r := c.call(next(), protocol.MethodTextDocumentFormatting, td)
	var edits []protocol.TextEdit
	if err := protocol.Unmarshal(r.Result(), &edits); err != nil || r.Err() != nil {
		c.t.Fatalf("formatting: %s %v %v", r.Result(), r.Err(), err)
	}
	if got, want := formatEdits(edits), expectedFixAll(text); got != want {
		c.t.Errorf("formatting edits:\n%s\nwant the fix-all edits of the client's text:\n%s", got, want)
	}

	r = c.call(next(), protocol.MethodTextDocumentDiagnostic, td)
	var report protocol.RelatedFullDocumentDiagnosticReport
	if err := protocol.Unmarshal(r.Result(), &report); err != nil || r.Err() != nil {
		c.t.Fatalf("diagnostic: %s %v %v", r.Result(), r.Err(), err)
	}
	// Pulled diagnostics hold back the findings on the line being typed for a
	// moment, so they are a subset of the full ones.
	if got, want := formatDiagnostics(report.Items), expectedDiagnostics(text, root, name); !subsetLines(got, want) {
		c.t.Errorf("pulled diagnostics:\n%s\nare not among those of the client's text:\n%s", got, want)
	}

	r = c.call(next(), protocol.MethodWorkspaceExecuteCommand,
		fmt.Sprintf(`{"command":"planls.stats","arguments":[{"uri":%q}]}`, u))
	if r.Err() != nil {
		c.t.Fatalf("planls.stats: %v", r.Err())
	}
	if !jsonEqual(c.t, string(r.Result()), expectedStats(c.t, text)) {
		c.t.Errorf("planls.stats: %s\nwant %s", r.Result(), expectedStats(c.t, text))
	}
}

// subsetLines reports whether every line of sub is a line of all, in order.
func subsetLines(sub, all string) bool {
	lines := strings.Split(all, "\n")
	i := 0
	for _, l := range strings.Split(sub, "\n") {
		for i < len(lines) && lines[i] != l {
			i++
		}
		if i == len(lines) {
			return false
		}
		i++
	}
	return true
}

func TestStdioLifecycleEveryMethod(t *testing.T) {
	// Every request of the table is refused before initialize and after
	// shutdown; every notification is dropped then, and the process lives.
	c := startPlanls(t)
	id := int64(0)
	for _, h := range handlers() {
		id++
		if h.call != nil {
			wantError(t, c.call(num(id), h.method, `{}`), jsonrpc2.ServerNotInitialized)
		} else {
			c.notify(h.method, `{}`)
		}
	}
	wantError(t, c.call(num(id+1), "planls/probe", `{}`), jsonrpc2.ServerNotInitialized)
	c.initialize()
	wantResult(t, c.call(num(id+2), protocol.MethodShutdown, nil), `null`)
	for _, h := range handlers() {
		id++
		if h.call != nil {
			wantError(t, c.call(num(id+10), h.method, `{}`), jsonrpc2.InvalidRequest)
		} else {
			c.notify(h.method, `{}`)
		}
	}
	wantError(t, c.call(num(id+11), protocol.MethodShutdown, nil), jsonrpc2.InvalidRequest)
	wantError(t, c.call(num(id+12), protocol.MethodInitialize, initializeParams()), jsonrpc2.InvalidRequest)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

// badParamsPlan is the document the bad-params tests send requests about.
const badParamsPlan = "# 1. doing\n\n* [x] done 🎉\n* [ ] open [x](#nowhere)\n\n# 2. done\n\n* [x] old\n"

// genericBadParams are params that no method accepts: they are either absent
// or not a JSON object.
var genericBadParams = []string{"", "null", "[]", `[{"textDocument":{}}]`, `"x"`, "42", "true"}

// oddParams are objects that no method can use as they are; each method
// answers them with InvalidParams or a result, never another error.
var oddParams = []string{
	`{}`, `{"textDocument":null}`, `{"textDocument":7}`, `{"textDocument":{"uri":7}}`, `{"textDocument":{"uri":null}}`,
	`{"textDocument":{"uri":""}}`, `{"textDocument":{"uri":"not a uri"}}`, `{"textDocument":{"uri":"untitled:Untitled-3"}}`,
	`{"textDocument":{"uri":"file:///"}}`, `{"textDocument":{"uri":"http://example.com/a.md"}}`,
	`{"textDocument":{"uri":"U"},"position":null,"range":null,"context":null,"options":null}`,
	`{"textDocument":{"uri":"U"},"position":{"line":1000000000,"character":1000000000}}`,
	`{"textDocument":{"uri":"U"},"position":{"line":-1,"character":-1}}`,
	`{"textDocument":{"uri":"U"},"range":{"start":{"line":1000000000,"character":0},"end":{"line":0,"character":4294967295}}}`,
	`{"textDocument":{"uri":"U"},"range":{"start":{"line":2,"character":12},"end":{"line":2,"character":12}},"context":{}}`,
	`{"command":null,"arguments":null}`, `{"title":null,"data":null}`, `{"textDocument":{"uri":"U"},"extra":{"deep":[[[[[[[]]]]]]]}}`,
}

// badRequest is a request with bad params and the answer it must get: an
// error code with a message, or invalidOrResult, or else a result compared as
// JSON, or any result when result is empty.
type badRequest struct {
	params string
	code   jsonrpc2.Code
	result string
}

// invalidOrResult is the code of a badRequest that may be answered with
// InvalidParams or with any result.
const invalidOrResult jsonrpc2.Code = -1

func TestStdioBadParamsEveryRequest(t *testing.T) {
	root := writeFiles(t, map[string]string{"plan.md": badParamsPlan})
	u := uri.File(filepath.Join(root, "plan.md"))
	nope := uri.File(filepath.Join(root, "nope.md"))
	// U is the open document and N a file of the workspace that is not open.
	expand := func(s string) string {
		return strings.NewReplacer(`"U"`, fmt.Sprintf("%q", u), `"N"`, fmt.Sprintf("%q", nope)).Replace(s)
	}
	const (
		noItems    = `{"isIncomplete":false,"items":[]}`
		noReport   = `{"kind":"full","items":[]}`
		onTask     = `{"start":{"line":2,"character":2},"end":{"line":2,"character":2}}`
		pastTheEnd = `{"start":{"line":1000000000,"character":0},"end":{"line":1000000000,"character":0}}`
	)
	bad := jsonrpc2.InvalidParams
	// atPosition returns the cases of a request at a position whose answer,
	// when there is nothing there, is empty; extra adds fields to the params.
	atPosition := func(empty, extra string) []badRequest {
		return []badRequest{
			{params: `{"textDocument":{"uri":"N"},"position":{"line":0,"character":3}` + extra + `}`, result: empty},
			{params: `{"textDocument":{"uri":"untitled:Untitled-9"},"position":{"line":0,"character":3}` + extra + `}`, result: empty},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":1000000000,"character":5}` + extra + `}`, result: empty},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":-1,"character":5}` + extra + `}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":1e9,"character":5}` + extra + `}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":4294967296,"character":5}` + extra + `}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":"0:3"` + extra + `}`, code: bad},
			// Inside the surrogate pair of the emoji: clamped.
			{params: `{"textDocument":{"uri":"U"},"position":{"line":2,"character":12}` + extra + `}`},
		}
	}
	// wholeDocument returns the cases of a request about a whole document.
	wholeDocument := func(empty string) []badRequest {
		return []badRequest{
			{params: `{"textDocument":{"uri":"N"}}`, result: empty},
			{params: `{"textDocument":{"uri":"untitled:Untitled-9"}}`, result: empty},
			{params: `{"textDocument":{"uri":"U"},"workDoneToken":{"x":1},"partialResultToken":[]}`, code: bad},
		}
	}
	// cases has bad params for each request method of the table, with the
	// answer each must get. Positions out of the uint32 range, negative or in
	// exponent form do not decode; positions past the end are clamped.
	cases := map[string][]badRequest{
		protocol.MethodTextDocumentCodeAction: {
			{params: `{"textDocument":{"uri":"N"},"range":` + onTask + `,"context":{"diagnostics":[]}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"untitled:Untitled-9"},"range":` + onTask + `,"context":{"diagnostics":[]}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"U"},"range":` + pastTheEnd + `,"context":{"diagnostics":[]}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"U"},"range":` + onTask + `,"context":{"only":["nonsense.kind"]}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"U"},"range":{"start":{"line":-1,"character":0},"end":{"line":0,"character":0}},"context":{}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":{"start":{"line":1e9,"character":0},"end":{"line":0,"character":0}},"context":{}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":{"start":{"line":4294967296,"character":0},"end":{"line":0,"character":0}},"context":{}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":{"start":{"line":1.5,"character":0},"end":{"line":0,"character":0}},"context":{}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":"2:2","context":{}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":` + onTask + `,"context":{"only":"quickfix"}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"range":` + onTask + `,"context":{"diagnostics":[{"range":7}]}}`, code: bad},
			// Inside the surrogate pair of the emoji: clamped, the task's actions.
			{params: `{"textDocument":{"uri":"U"},"range":{"start":{"line":2,"character":12},"end":{"line":2,"character":12}},"context":{}}`},
		},
		protocol.MethodCodeActionResolve: {
			{params: `{}`, code: bad},
			{params: `{"title":"Mark done"}`, code: bad},
			{params: `{"title":7,"data":{}}`, code: bad},
			{params: `{"title":"Mark done","data":"x"}`, code: bad},
			{params: `{"title":"Mark done","data":null}`, code: bad},
			{params: `{"title":"Mark done","data":{"uri":"N","version":1,"range":` + onTask + `}}`, code: bad},
			{params: `{"title":"Mark done","data":{"uri":"U","version":99,"range":` + onTask + `}}`, code: bad},
			{params: `{"title":"Mark done","data":{"uri":"U","version":1,"range":` + pastTheEnd + `}}`, code: bad},
			{params: `{"title":"No such action","data":{"uri":"U","version":1,"range":` + onTask + `}}`, code: bad},
		},
		protocol.MethodTextDocumentCompletion: {
			{params: `{"textDocument":{"uri":"N"},"position":{"line":3,"character":16}}`, result: noItems},
			{params: `{"textDocument":{"uri":"U"}}`, result: noItems},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":1000000000,"character":5}}`, result: noItems},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":3,"character":1000000000}}`, result: noItems},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":-1,"character":5}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":1e9,"character":5}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":4294967296,"character":5}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":"3","character":5}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":3,"character":16},"context":{"triggerKind":"x"}}`, code: bad},
			// Inside the surrogate pair of the emoji: clamped, nothing to complete.
			{params: `{"textDocument":{"uri":"U"},"position":{"line":2,"character":12}}`, result: noItems},
		},
		protocol.MethodTextDocumentDiagnostic: {
			{params: `{"textDocument":{"uri":"N"}}`, result: noReport},
			{params: `{"textDocument":{"uri":"untitled:Untitled-9"}}`, result: noReport},
			{params: `{"textDocument":{"uri":"U"},"previousResultId":7}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"identifier":null,"previousResultId":null}`},
		},
		protocol.MethodTextDocumentFormatting: {
			{params: `{"textDocument":{"uri":"N"},"options":{"tabSize":4,"insertSpaces":true}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"untitled:Untitled-9"},"options":{"tabSize":4,"insertSpaces":true}}`, result: `[]`},
			{params: `{"textDocument":{"uri":"U"},"options":{"tabSize":"four","insertSpaces":true}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"options":{"tabSize":-4,"insertSpaces":true}}`, code: bad},
		},
		protocol.MethodTextDocumentWillSaveWaitUntil: {
			{params: `{"textDocument":{"uri":"N"},"reason":1}`, result: `[]`},
			{params: `{"textDocument":{"uri":"U"},"reason":"manual"}`, code: bad},
			// fixOnSave is off by default: no edits, whatever the reason.
			{params: `{"textDocument":{"uri":"U"},"reason":99}`, result: `[]`},
		},
		protocol.MethodWorkspaceExecuteCommand: {
			{params: `{}`, code: bad},
			{params: `{"command":7,"arguments":[]}`, code: bad},
			{params: `{"command":"planls.markDone"}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[7]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[null]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[{"uri":"U","range":` + onTask + `},{}]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[{"uri":"N","range":` + onTask + `}]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[{"uri":"U"}]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[{"uri":"U","range":{"start":{"line":-1,"character":0},"end":{"line":0,"character":0}}}]}`, code: bad},
			{params: `{"command":"planls.markDone","arguments":[{"uri":"U","range":` + pastTheEnd + `}]}`, code: bad},
			{params: `{"command":"planls.moveTask","arguments":[{"uri":"U","range":` + onTask + `}]}`, code: bad},
			{params: `{"command":"planls.moveTask","arguments":[{"uri":"U","range":` + onTask + `,"section":"no such section"}]}`, code: bad},
			{params: `{"command":"planls.noSuchCommand","arguments":[{"uri":"U","range":` + onTask + `}]}`, code: bad},
			{params: `{"command":"planls.stats","arguments":[{"uri":"N"}]}`, code: bad},
			{params: `{"command":"planls.stats","arguments":[{"uri":"U","range":"whatever"}]}`, code: bad},
			{params: `{"command":"planls.stats","arguments":[{"uri":"U"}]}`, result: expectedStats(t, badParamsPlan)},
		},
		protocol.MethodTextDocumentDocumentSymbol: wholeDocument(`[]`),
		protocol.MethodTextDocumentFoldingRange:   wholeDocument(`[]`),
		protocol.MethodTextDocumentDocumentLink:   wholeDocument(`[]`),
		protocol.MethodTextDocumentCodeLens:       wholeDocument(`[]`),
		protocol.MethodWorkspaceSymbol: {
			{params: `{"query":7}`, code: bad},
			{params: `{"query":null}`, code: bad},
			{params: `{"query":["doing"]}`, code: bad},
			{params: `{"query":"[*"}`, result: `[]`},
			{params: `{"query":"` + strings.Repeat("(", 5000) + `"}`, result: `[]`},
			{params: `{"query":"\u0000\ud800"}`, result: `[]`},
		},
		protocol.MethodTextDocumentHover:         atPosition(`null`, ``),
		protocol.MethodTextDocumentDefinition:    atPosition(`null`, ``),
		protocol.MethodTextDocumentPrepareRename: atPosition(`null`, ``),
		protocol.MethodTextDocumentReferences: append(atPosition(`[]`, `,"context":{"includeDeclaration":true}`),
			badRequest{params: `{"textDocument":{"uri":"U"},"position":{"line":0,"character":3},"context":{"includeDeclaration":"yes"}}`, code: bad}),
		protocol.MethodTextDocumentRename: {
			{params: `{"textDocument":{"uri":"N"},"position":{"line":0,"character":3},"newName":"x"}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":1000000000,"character":3},"newName":"x"}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":-1,"character":3},"newName":"x"}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":2,"character":12},"newName":"x"}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":0,"character":3}}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":0,"character":3},"newName":""}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":0,"character":3},"newName":7}`, code: bad},
			{params: `{"textDocument":{"uri":"U"},"position":{"line":0,"character":3},"newName":"a\nb"}`, code: bad},
		},
	}

	c := startPlanls(t)
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, badParamsPlan))
	id := int64(0)
	for _, h := range handlers() {
		if h.call == nil {
			continue
		}
		specific, ok := cases[h.method]
		if !ok {
			t.Errorf("%s: no bad-params cases: add some to this test", h.method)
		}
		for _, p := range genericBadParams {
			specific = append(specific, badRequest{params: p, code: bad})
		}
		for _, p := range oddParams {
			specific = append(specific, badRequest{params: p, code: invalidOrResult})
		}
		for _, tc := range specific {
			id++
			var params any
			if tc.params != "" {
				params = expand(tc.params)
			}
			r := c.call(num(id), h.method, params)
			var e *jsonrpc2.Error
			switch {
			case tc.code == invalidOrResult:
				if r.Err() != nil && (!errors.As(r.Err(), &e) || e.Code != bad) {
					t.Errorf("%s %s: %v, want InvalidParams or a result", h.method, tc.params, r.Err())
				}
			case tc.code != 0:
				if !errors.As(r.Err(), &e) || e.Code != tc.code {
					t.Errorf("%s %s: got %s %v, want error %d", h.method, tc.params, r.Result(), r.Err(), tc.code)
				} else if strings.TrimSpace(e.Message) == "" || strings.HasPrefix(e.Message, " ") {
					t.Errorf("%s %s: error %d without a clear message: %q", h.method, tc.params, e.Code, e.Message)
				}
			case r.Err() != nil:
				t.Errorf("%s %s: %v, want a result", h.method, tc.params, r.Err())
			case tc.result != "" && !jsonEqual(t, string(r.Result()), tc.result):
				t.Errorf("%s %s: result %s, want %s", h.method, tc.params, r.Result(), tc.result)
			}
		}
		c.probe(id + 100000)
	}
	for m := range cases {
		if h, ok := handlerOf(m); !ok || h.call == nil {
			t.Errorf("cases for %s, which is not a request of the table", m)
		}
	}
	// The document is intact and the server still answers properly.
	c.wantServerText(&id, u, root, "plan.md", badParamsPlan)
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

// handlerOf returns the handler of method in the table.
func handlerOf(method string) (handler, bool) {
	for _, h := range handlers() {
		if h.method == method {
			return h, true
		}
	}
	return handler{}, false
}

func TestStdioBadParamsEveryNotification(t *testing.T) {
	root := writeFiles(t, map[string]string{"plan.md": badParamsPlan})
	u := uri.File(filepath.Join(root, "plan.md"))
	us := fmt.Sprintf("%q", u)
	nope := fmt.Sprintf("%q", uri.File(filepath.Join(root, "nope.md")))
	// text is the client's text of u after each case, which the server must
	// also have: changes that do not fit are clamped (past the end, negative)
	// or swapped (reversed), and malformed ones ignored.
	text := badParamsPlan
	version := 1
	type badNote struct {
		params string
		after  string // the text once handled; "" for unchanged
		bump   bool   // whether the version of u advances
	}
	ch := func(v int, changes ...string) string {
		return fmt.Sprintf(`{"textDocument":{"uri":%s,"version":%d},"contentChanges":[%s]}`, us, v, strings.Join(changes, ","))
	}
	rng := func(l1, c1, l2, c2 int64, text string) string {
		b, _ := json.Marshal(text)
		return fmt.Sprintf(`{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},"text":%s}`, l1, c1, l2, c2, b)
	}
	cases := map[string][]badNote{
		protocol.MethodTextDocumentDidOpen: {
			{params: `{"textDocument":{"uri":"","languageId":"markdown","version":1,"text":"x"}}`},
			{params: `{"textDocument":{"uri":"file:///","languageId":"markdown","version":1,"text":"x"}}`},
			{params: `{"textDocument":{"uri":` + nope + `,"languageId":"markdown","version":"1","text":"x"}}`},
			{params: `{"textDocument":{"uri":` + nope + `,"languageId":7,"version":1,"text":"x"}}`},
			{params: `{"textDocument":{"uri":` + nope + `,"languageId":"markdown","version":1,"text":["x"]}}`},
		},
		protocol.MethodTextDocumentDidChange: {
			{params: fmt.Sprintf(`{"textDocument":{"uri":%s,"version":9},"contentChanges":[{"text":"x"}]}`, nope)},
			{params: `{"textDocument":{"uri":"untitled:Untitled-7","version":9},"contentChanges":[{"text":"x"}]}`},
			{params: ch(0, rng(0, 0, 0, 0, "older version "))},
			{params: ch(5, `{"range":{"start":{"line":1e9,"character":0},"end":{"line":1e9,"character":0}},"text":"x"}`)},
			{params: ch(5, `{"range":{"start":{"line":0,"character":0}},"text":"x"}`)},
			{params: ch(5, `{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}}}`)},
			{params: ch(5, `{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":7}`)},
			{params: ch(5, rng(0, 0, 0, 0, "ok "), `{"text":null}`)},
			{params: fmt.Sprintf(`{"textDocument":{"uri":%s,"version":5},"contentChanges":null}`, us)},
			{params: fmt.Sprintf(`{"textDocument":{"uri":%s,"version":5},"contentChanges":{"text":"x"}}`, us)},
			{params: fmt.Sprintf(`{"textDocument":{"uri":%s,"version":"5"},"contentChanges":[]}`, us)},
			// Changes that do not fit the text are clamped or swapped.
			{params: ch(2, rng(1000000000, 0, 1000000000, 0, "* [x] tail\n")), after: badParamsPlan + "* [x] tail\n", bump: true},
			{params: ch(3, rng(-5, -5, -5, -5, "* [ ] head\n")), after: "* [ ] head\n" + badParamsPlan + "* [x] tail\n", bump: true},
			{params: ch(4, rng(1, 1000000000, 1, 0, "")), after: "* [ ] head\n" + badParamsPlan[len("# 1. doing"):] + "* [x] tail\n", bump: true},
			{params: ch(5, rng(-9000000000, 0, 0, 0, "# 1. doing\n")), after: "# 1. doing\n* [ ] head\n" + badParamsPlan[len("# 1. doing"):] + "* [x] tail\n", bump: true},
		},
		protocol.MethodTextDocumentDidSave: {
			{params: `{"textDocument":{"uri":` + nope + `}}`},
			{params: `{"textDocument":{"uri":` + us + `},"text":7}`},
		},
		protocol.MethodTextDocumentDidClose: {
			{params: `{"textDocument":{"uri":` + nope + `}}`},
			{params: `{"textDocument":{"uri":7}}`},
			{params: `{"textDocument":{"uri":"untitled:Untitled-7"}}`},
		},
		protocol.MethodWorkspaceDidChangeConfiguration: {
			{params: `{"settings":null}`},
			{params: `{"settings":"x"}`},
			{params: `{"settings":[1,2]}`},
			{params: `{"settings":{"doneNames":5,"severity":{"duplicate-task":"loud"},"noSuchKey":1}}`},
			{params: `{"settings":{}}`},
		},
		protocol.MethodWorkspaceDidChangeWatchedFiles: {
			{params: `{"changes":null}`},
			{params: `{"changes":{}}`},
			{params: `{"changes":[{"uri":7,"type":1}]}`},
			{params: `{"changes":[{"uri":` + nope + `,"type":"created"}]}`},
			{params: `{"changes":[{"uri":` + nope + `,"type":99},{"uri":"untitled:Untitled-7","type":2},{"uri":"file:///elsewhere/x.md","type":1}]}`},
			{params: `{"changes":[{"uri":` + nope + `,"type":1},{"uri":` + nope + `,"type":3}]}`},
		},
		protocol.MethodWorkspaceDidChangeWorkspaceFolders: {
			{params: `{"event":null}`},
			{params: `{"event":{"added":[{"uri":7,"name":"x"}]}}`},
			{params: `{"event":{"added":{"uri":"file:///x"}}}`},
			{params: `{"event":{"added":[{"uri":"untitled:Untitled-7","name":"x"}],"removed":[{"uri":"file:///","name":"slash"}]}}`},
			// A folder that does not exist replaces the real one, then the
			// real one comes back.
			{params: `{"event":{"added":[{"uri":"file:///planls/does/not/exist","name":"x"}],"removed":[{"uri":` + fmt.Sprintf("%q", uri.File(root)) + `,"name":"root"}]}}`},
			{params: `{"event":{"added":[{"uri":` + fmt.Sprintf("%q", uri.File(root)) + `,"name":"root"}],"removed":[{"uri":"file:///planls/does/not/exist","name":"x"}]}}`},
		},
		protocol.MethodInitialized: {
			{params: `[]`},
		},
	}

	c := startPlanls(t)
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, badParamsPlan))
	id := int64(0)
	for _, h := range handlers() {
		if h.notify == nil {
			continue
		}
		specific, ok := cases[h.method]
		if !ok {
			t.Errorf("%s: no bad-params cases: add some to this test", h.method)
		}
		for _, p := range slices.Concat(genericBadParams, oddParams) {
			if h.method == protocol.MethodInitialized && p != "" && p != "null" {
				continue // initialized is not checked; its params mean nothing
			}
			// Here "U" stands for nope.md: odd params that happen to be a
			// valid didOpen or didClose of plan.md would replace or close it.
			specific = append(specific, badNote{params: strings.ReplaceAll(p, `"U"`, nope)})
		}
		for _, tc := range specific {
			var params any
			if tc.params != "" {
				params = tc.params
			}
			c.notify(h.method, params)
			if tc.after != "" {
				text = tc.after
			}
			if tc.bump {
				version++
			}
			id++
			c.probe(id)
		}
	}
	for m := range cases {
		if h, ok := handlerOf(m); !ok || h.notify == nil {
			t.Errorf("cases for %s, which is not a notification of the table", m)
		}
	}
	// Notifications the table does not have are ignored too.
	for _, m := range []string{"$/cancelRequest", "$/setTrace", "$/noSuchThing", "textDocument/noSuchThing"} {
		for _, p := range []string{"", "null", "[]", `{}`, `{"id":null}`, `{"id":{}}`, `{"id":1.5}`, `{"value":7}`} {
			var params any
			if p != "" {
				params = p
			}
			c.notify(m, params)
		}
	}
	id++
	c.probe(id)
	// A settings warning names the key.
	c.waitFor("a window/showMessage naming doneNames", func() bool {
		for _, n := range c.notes {
			if n.Method() == protocol.MethodWindowShowMessage && strings.Contains(string(n.Params()), "doneNames") {
				return true
			}
		}
		return false
	})
	c.wantServerText(&id, u, root, "plan.md", text)
	c.waitPublished(u, int32(version), expectedDiagnostics(text, root, "plan.md"))
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
	if !strings.Contains(c.log.String(), "invalid params") {
		t.Errorf("stderr does not log the invalid params:\n%s", c.log)
	}
}

// slowPlan is a generated plan of 10,000 tasks (630 KB): a code action on a
// selection covering all of it takes seconds.
var slowPlan = sync.OnceValue(func() string { return string(analysis.GeneratePlan(1, 10000)) })

// wholeRange returns the LSP range covering all of text.
func wholeRange(text string) string {
	end := utf16Position(text, len(text))
	return fmt.Sprintf(`{"start":{"line":0,"character":0},"end":{"line":%d,"character":%d}}`, end.Line, end.Character)
}

func TestStdioCancel(t *testing.T) {
	text := slowPlan()
	root := writeFiles(t, map[string]string{"big.md": text})
	u := uri.File(filepath.Join(root, "big.md"))
	c := startPlanls(t)
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
	c.probe(1)

	// A code action on the whole file, cancelled at once, with a number id
	// and then a string id: each gets an answer (RequestCancelled, or its
	// result if it won the race) long before the work would end.
	action := fmt.Sprintf(`{"textDocument":{"uri":%q},"range":%s,"context":{"diagnostics":[]}}`, u, wholeRange(text))
	for _, id := range []jsonrpc2.ID{num(10), str("cancel-me")} {
		start := time.Now()
		c.send(id, protocol.MethodTextDocumentCodeAction, action)
		c.notify("$/cancelRequest", map[string]any{"id": idValue(id)})
		r := c.response(id)
		d := time.Since(start)
		var e *jsonrpc2.Error
		switch {
		case r.Err() == nil:
			t.Logf("request %s finished before its cancellation arrived (%v)", idString(id), d)
		case !errors.As(r.Err(), &e) || e.Code != codeRequestCancelled:
			t.Errorf("cancelled request %s: %v, want RequestCancelled (-32800) or a result", idString(id), r.Err())
		case d > 3*time.Second:
			t.Errorf("cancelled request %s answered after %v", idString(id), d)
		}
	}
	// Cancelling requests that are over, or were never sent, does nothing.
	c.notify("$/cancelRequest", `{"id":10}`)
	c.notify("$/cancelRequest", `{"id":12345}`)
	c.notify("$/cancelRequest", `{"id":"never"}`)
	c.probe(11)

	// A fix-all code action, cancelled while it runs.
	fixAll := fmt.Sprintf(`{"textDocument":{"uri":%q},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"context":{"diagnostics":[],"only":["source.fixAll.planls"]}}`, u)
	c.send(num(12), protocol.MethodTextDocumentCodeAction, fixAll)
	time.Sleep(20 * time.Millisecond)
	c.notify("$/cancelRequest", `{"id":12}`)
	if r := c.response(num(12)); r.Err() != nil {
		wantError(t, r, codeRequestCancelled)
	}

	// The server is alive and answers properly.
	c.probe(13)
	r := c.call(num(14), protocol.MethodTextDocumentCompletion,
		fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":0,"character":0}}`, u))
	if r.Err() != nil {
		t.Errorf("completion after the cancellations: %v", r.Err())
	}
	wantResult(t, c.call(num(15), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	start := time.Now()
	c.wantExit(0)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("exit took %v with cancelled work still running", d)
	}
}

// idValue returns the JSON value of a request id.
func idValue(id jsonrpc2.ID) any {
	if s, ok := id.StringValue(); ok {
		return s
	}
	n, _ := id.Number()
	return n
}

func TestStdioClientGoneMidRequest(t *testing.T) {
	text := slowPlan()
	tests := []struct {
		name string
		// gone plays the client going away once the slow request is sent.
		gone func(c *testClient, out *os.File)
		want int // the exit code, or -2 for any
	}{
		{"stdin closed", func(c *testClient, out *os.File) { c.in.Close() }, 1},
		// The server's writes then fail (EPIPE, or SIGPIPE for stdout): any
		// exit will do, as long as it is prompt.
		{"stdin and stdout closed", func(c *testClient, out *os.File) {
			out.Close()
			c.in.Close()
		}, -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeFiles(t, map[string]string{"big.md": text})
			u := uri.File(filepath.Join(root, "big.md"))
			c, out := startPlanlsPipes(t)
			c.initializeRoot(root)
			c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
			c.probe(1)
			c.send(num(2), protocol.MethodTextDocumentCodeAction,
				fmt.Sprintf(`{"textDocument":{"uri":%q},"range":%s,"context":{"diagnostics":[]}}`, u, wholeRange(text)))
			time.Sleep(100 * time.Millisecond) // let it start
			start := time.Now()
			tt.gone(c, out)
			code := c.exitCode()
			if tt.want != -2 && code != tt.want {
				t.Errorf("exit code %d, want %d", code, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the process took %v to exit", d)
			}
		})
	}

	t.Run("stdin closed while the server waits for the client", func(t *testing.T) {
		// workspace/executeCommand waits for the client's answer to
		// workspace/applyEdit, which never comes.
		root := writeFiles(t, map[string]string{"plan.md": badParamsPlan})
		u := uri.File(filepath.Join(root, "plan.md"))
		c := startPlanls(t)
		c.initializeRoot(root)
		c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, badParamsPlan))
		c.send(num(2), protocol.MethodWorkspaceExecuteCommand, fmt.Sprintf(
			`{"command":"planls.toggleTask","arguments":[{"uri":%q,"range":{"start":{"line":2,"character":0},"end":{"line":2,"character":0}}}]}`, u))
		c.waitFor("the server's workspace/applyEdit", func() bool { return c.readErr != nil })
		start := time.Now()
		c.in.Close()
		if code := c.exitCode(); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the process took %v to exit", d)
		}
	})
}

// editFragments are the texts the random edits insert: Markdown that makes and
// breaks tasks, sections, links and checkboxes, CJK, emoji (a ZWJ sequence
// and a flag), a combining mark, tabs and both line breaks.
var editFragments = []string{
	"a", "x", " ", "\t", "\n", "\n", "\r\n", "\r\n\r\n", "中文", "任务", "完成。", "🎉", "👨‍👩‍👧", "🇨🇳", "é", "ｘ",
	"* [ ] ", "* [x] ", "- [ ] 写代码 ", "\n* [x] 已完成 ✅\n", "\n* [ ] 重复任务\n", "[ x]", "[]",
	"## 1. doing\n", "## 4. done\n", "\n## 3. plan\r\n\r\n",
	"[l](#nowhere)", "[o](other.md)", "[s](other.md#子-)", "[m](missing.md)", "](#", "[d](#1-doing)", "**b**", "~~s~~",
}

// randomEdit returns a random change of text: the byte span it replaces and
// the replacement. Offsets are at rune boundaries and never between "\r" and
// "\n", so the change has exact UTF-16 positions.
func randomEdit(rng *rand.Rand, text string) (start, end int, repl string) {
	var bounds []int
	for i := range text {
		if i > 0 && text[i-1] == '\r' && text[i] == '\n' {
			continue
		}
		bounds = append(bounds, i)
	}
	bounds = append(bounds, len(text))
	i := rng.IntN(len(bounds))
	start, end = bounds[i], bounds[i]
	op := rng.IntN(10)
	if len(text) > 3000 {
		op = 9 // deletions keep the text small
	}
	if op >= 5 {
		end = bounds[min(i+1+rng.IntN(12), len(bounds)-1)]
	}
	if op < 8 {
		repl = editFragments[rng.IntN(len(editFragments))]
	}
	return start, end, repl
}

// rapidPlan is the text the rapid-edits test starts from: front matter,
// CRLF and LF lines, CJK and emoji, duplicates and dead links.
const rapidPlan = "---\r\ntitle: 计划\r\n---\r\n\r\n## 1. doing\r\n\r\n* [ ] 写代码 🎉 [坏](#nowhere)\r\n* [x] 已完成的任务 ✅\r\n" +
	"* [ ] 写代码 🎉 [坏](#nowhere)\n\n## 2. plan\n\n- [ ] 👨‍👩‍👧 family [o](other.md#子-) [m](missing.md)\n- [ ] é combining\n\n## 4. done\n\n* [ ] open in done\n* [x] 旧任务\n"

func TestStdioRapidEdits(t *testing.T) {
	root := writeFiles(t, map[string]string{"plan.md": rapidPlan, "other.md": "# Other\n\n## 子 🎉\n"})
	u := uri.File(filepath.Join(root, "plan.md"))
	c := startPlanls(t)
	res := c.initializeRoot(root)
	if res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Fatalf("positionEncoding %q, want utf-16 for a client that offers none", res.Capabilities.PositionEncoding)
	}
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, rapidPlan))

	// 500 edits in 400 didChange notifications (some carry two changes, the
	// second positioned in the text the first leaves), sent back to back.
	rng := rand.New(rand.NewPCG(500, 16))
	text, version := rapidPlan, 1
	var sent strings.Builder
	for edits := 0; edits < 500; {
		n := 1
		if rng.IntN(4) == 0 && edits < 499 {
			n = 2
		}
		var changes []string
		for range n {
			start, end, repl := randomEdit(rng, text)
			s, e := utf16Position(text, start), utf16Position(text, end)
			changes = append(changes, change(int(s.Line), int(s.Character), int(e.Line), int(e.Character), repl))
			text = text[:start] + repl + text[end:]
			edits++
		}
		version++
		c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), version, changes...))
		fmt.Fprintf(&sent, "v%d %s\n", version, strings.Join(changes, " "))
	}
	// Then a closed task in an open section, so that fix-all has work to do.
	end := utf16Position(text, len(text))
	tail := "\n\n## 7. doing\n\n* [x] 收尾 🎉 final\n"
	version++
	c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), version,
		change(int(end.Line), int(end.Character), int(end.Line), int(end.Character), tail)))
	text += tail
	if !utf8.ValidString(text) || !strings.Contains(text, "\r\n") || !strings.Contains(text, "🎉") {
		t.Fatalf("the edits should leave valid UTF-8 with CRLF and emoji:\n%q", text)
	}
	if expectedFixAll(text) == "" || expectedDiagnostics(text, root, "plan.md") == "" {
		t.Fatalf("the final text has no diagnostics or no fix-all edits, so the test checks little:\n%s", text)
	}
	c.probe(1)
	t.Logf("%d bytes, %d diagnostic lines, %d fix-all edit lines", len(text),
		strings.Count(expectedDiagnostics(text, root, "plan.md"), "\n"), strings.Count(expectedFixAll(text), "\n"))

	defer func() {
		if t.Failed() {
			t.Logf("client text:\n%s\nchanges sent:\n%s", text, sent.String())
		}
	}()
	c.waitPublished(u, int32(version), expectedDiagnostics(text, root, "plan.md"))
	id := int64(10)
	c.wantServerText(&id, u, root, "plan.md", text)
	c.wantSameLines(&id, u, version+1, text)
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

// wantSameLines checks, destroying the document u at version-1, that the
// server's text has exactly the lines of the client's text. No LSP request
// returns a document's text, so one didChange replaces the content of each
// line, as the client sees it, by a heading (line 0) or a closed task naming
// the line: a server line longer than the client's would keep a residue in the
// task's text, and a shorter one would make the server clamp the range and
// warn. Fix-all then moves every task to a new done section, and its edits
// carry the tasks' text back to the client.
func (c *testClient) wantSameLines(id *int64, u uri.URI, version int, text string) {
	c.t.Helper()
	lines := strings.Split(text, "\n")
	var changes []string
	for i := len(lines) - 1; i >= 0; i-- {
		content := strings.TrimSuffix(lines[i], "\r")
		n := len(utf16.Encode([]rune(content)))
		repl := fmt.Sprintf("* [x] line %d", i)
		if i == 0 {
			repl = "## 1. doing"
		}
		changes = append(changes, change(i, 0, i, n, repl))
		lines[i] = repl + lines[i][len(content):]
	}
	after := strings.Join(lines, "\n")
	c.mu.Lock()
	notes := len(c.notes)
	c.mu.Unlock()
	c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), version, changes...))
	*id++
	r := c.call(num(*id), protocol.MethodTextDocumentFormatting, fmt.Sprintf(`{"textDocument":{"uri":%q}}`, u))
	var edits []protocol.TextEdit
	if err := protocol.Unmarshal(r.Result(), &edits); err != nil || r.Err() != nil {
		c.t.Fatalf("formatting: %s %v %v", r.Result(), r.Err(), err)
	}
	if got, want := formatEdits(edits), expectedFixAll(after); got != want {
		c.t.Errorf("the server's lines differ from the client's: fix-all edits\n%s\nwant\n%s", got, want)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.notes[notes:] {
		if n.Method() == protocol.MethodWindowLogMessage && strings.Contains(string(n.Params()), "clamped") {
			c.t.Errorf("the server's lines differ from the client's: %s", n.Params())
		}
	}
}

func TestUTF16PositionHelper(t *testing.T) {
	text := "a🎉b\r\n中\n\nx👨‍👩‍👧"
	tests := []struct {
		off        int
		line, char uint32
	}{
		{0, 0, 0}, {1, 0, 1}, {5, 0, 3}, {6, 0, 4}, {8, 1, 0}, {11, 1, 1}, {12, 2, 0}, {13, 3, 0}, {14, 3, 1}, {len(text), 3, 9},
	}
	for _, tt := range tests {
		got := utf16Position(text, tt.off)
		if got.Line != tt.line || got.Character != tt.char {
			t.Errorf("utf16Position(%d) = %d:%d, want %d:%d", tt.off, got.Line, got.Character, tt.line, tt.char)
		}
	}
}

func TestSubsetLines(t *testing.T) {
	tests := []struct {
		sub, all string
		want     bool
	}{
		{"", "", true},
		{"", "a\n", true},
		{"a\nc\n", "a\nb\nc\n", true},
		{"c\na\n", "a\nb\nc\n", false},
		{"a\na\n", "a\nb\n", false},
		{"d\n", "a\nb\n", false},
	}
	for _, tt := range tests {
		if got := subsetLines(tt.sub, tt.all); got != tt.want {
			t.Errorf("subsetLines(%q, %q) = %v, want %v", tt.sub, tt.all, got, tt.want)
		}
	}
}

func TestStdioNotificationFloodKeepsServerResponsive(t *testing.T) {
	// Notifications are handled on the read loop: work they start must not
	// hold it, or the server turns deaf while a burst of file events (a git
	// checkout, say) is processed, and cannot even see its client go away.
	root := writeFiles(t, map[string]string{"big.md": slowPlan(), "plan.md": badParamsPlan})
	event := fmt.Sprintf(`{"changes":[{"uri":%q,"type":2}]}`, uri.File(filepath.Join(root, "big.md")))
	tests := []struct {
		name       string
		initialize func(c *testClient)
	}{
		{"after initialized", func(c *testClient) { c.initializeRoot(root) }},
		// A client that never sends initialized: the index is never built.
		{"without initialized", func(c *testClient) {
			params, _ := json.Marshal(map[string]any{"processId": nil, "rootUri": string(uri.File(root)), "capabilities": map[string]any{}})
			if r := c.call(num(1000), protocol.MethodInitialize, string(params)); r.Err() != nil {
				t.Fatal(r.Err())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startPlanls(t)
			tt.initialize(c)
			for range 200 {
				c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, event)
			}
			start := time.Now()
			c.probe(1)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("a request after 200 didChangeWatchedFiles was answered after %v", d)
			}
			wantResult(t, c.call(num(2), protocol.MethodShutdown, nil), `null`)
			c.notify(protocol.MethodExit, nil)
			c.wantExit(0)
		})
	}
}
