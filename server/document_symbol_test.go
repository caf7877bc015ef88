package server

// This file tests the encoding and the cache of textDocument/documentSymbol:
// encodeSymbols against the plain conversion (OffsetPosition per offset,
// protocol.Marshal), the per-plan cache (shared by concurrent requests,
// dropped with its plan, fresh after a change), and benchmarks the first and
// the repeated request of a version of a 10,000-task plan.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// referenceSymbols converts syms the plain way: every offset on its own with
// OffsetPosition, into protocol values.
func referenceSymbols(m *Mapper, f symbolForm, syms []analysis.Symbol) any {
	rng := func(sp analysis.Span) protocol.Range {
		sl, sc := m.OffsetPosition(sp.Start, f.enc)
		el, ec := m.OffsetPosition(sp.End, f.enc)
		return protocol.Range{Start: protocol.Position{Line: uint32(sl), Character: uint32(sc)},
			End: protocol.Position{Line: uint32(el), Character: uint32(ec)}}
	}
	tags := func(sym analysis.Symbol) []protocol.SymbolTag {
		if f.deprecatedTag && sym.Closed {
			return []protocol.SymbolTag{protocol.SymbolTagDeprecated}
		}
		return nil
	}
	if f.hierarchical {
		var convert func(syms []analysis.Symbol) []protocol.DocumentSymbol
		convert = func(syms []analysis.Symbol) []protocol.DocumentSymbol {
			out := []protocol.DocumentSymbol{}
			for _, sym := range syms {
				ds := protocol.DocumentSymbol{Name: sym.Name, Kind: symbolKind(sym.Kind), Tags: tags(sym),
					Range: rng(sym.Span), SelectionRange: rng(sym.NameSpan)}
				if sym.Detail != "" {
					detail := sym.Detail
					ds.Detail = &detail
				}
				if len(sym.Children) > 0 {
					ds.Children = convert(sym.Children)
				}
				out = append(out, ds)
			}
			return out
		}
		return convert(syms)
	}
	out := []protocol.SymbolInformation{}
	var flatten func(syms []analysis.Symbol, container string)
	flatten = func(syms []analysis.Symbol, container string) {
		for _, sym := range syms {
			si := protocol.SymbolInformation{
				BaseSymbolInformation: protocol.BaseSymbolInformation{Name: sym.Name, Kind: symbolKind(sym.Kind), Tags: tags(sym)},
				Location:              protocol.Location{URI: f.uri, Range: rng(sym.Span)},
			}
			if container != "" {
				c := container
				si.ContainerName = &c
			}
			out = append(out, si)
			flatten(sym.Children, sym.Name)
		}
	}
	flatten(syms, "")
	return out
}

// decodeJSON decodes data into a generic value.
func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("invalid JSON %.200s: %v", data, err)
	}
	return v
}

// symbolTestPlans are the documents of TestEncodeSymbols: generated plans,
// the example and test plans, and text that needs escaping or is not UTF-8.
func symbolTestPlans(t *testing.T) map[string][]byte {
	plans := map[string][]byte{
		"generated-300":  analysis.GeneratePlan(1, 300),
		"generated-2000": analysis.GeneratePlan(7, 2000),
		"empty":          nil,
		"escapes": []byte("# \"quoted\" <b>&amp;</b> \\ back\\slash\n\n- [ ] tab\there \"q\" \\n \u2028 \x01 end\n" +
			"- [x] closed \U0001F680 task\n  - [-] cancelled sub\r\n- [ ] bad \xff\xfe utf-8 \xe4\xb8\n## 2. done\n- [x] d\n"),
		"crlf": []byte("## 1. doing\r\n\r\n- [ ] 完善 TCP / IP 层\r\n  - [x] 😀 sub\r\n\r\n### 1.1. 子任务\r\n\r\n- [/] x\r\n"),
	}
	for _, dir := range []string{"examples", "plans"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.md"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			plans[dir+"/"+filepath.Base(p)] = data
		}
	}
	return plans
}

// TestEncodeSymbols checks that the answer encodeSymbols builds (Cursor,
// generated encoders) decodes to the same JSON value as the plain conversion
// encoded by protocol.Marshal, in every encoding and client form.
func TestEncodeSymbols(t *testing.T) {
	for name, src := range symbolTestPlans(t) {
		m := NewMapper(src)
		for _, enc := range encodings {
			for _, form := range []symbolForm{{hierarchical: true}, {hierarchical: true, deprecatedTag: true}, {}, {deprecatedTag: true}} {
				form.enc, form.uri = enc, "file:///w/plan.md"
				t.Run(fmt.Sprintf("%s/%v/%+v", name, enc, form), func(t *testing.T) {
					got := encodeSymbols(m, form, analysis.Symbols(analysis.Parse(src)))
					want, err := protocol.Marshal(referenceSymbols(m, form, analysis.Symbols(analysis.Parse(src))))
					if err != nil {
						t.Fatal(err)
					}
					if g, w := decodeJSON(t, got), decodeJSON(t, want); !reflect.DeepEqual(g, w) {
						t.Errorf("encodeSymbols differs from protocol.Marshal of the plain conversion\ngot:  %.600s\nwant: %.600s", got, want)
					}
				})
			}
		}
	}
}

// checkJSONString checks that appendJSONString(s) is valid JSON that decodes
// to the same string as encoding/json's encoding of s.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	got := appendJSONString([]byte("x"), s)[1:]
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var g, w string
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("appendJSONString(%q) = %s: %v", s, got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if g != w {
		t.Errorf("appendJSONString(%q) = %s decodes to %q, encoding/json's to %q", s, got, g, w)
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back\slash`, "tab\t nl\n cr\r \x00 \x01 \x1f \x7f",
		"<b>&amp;</b>", "中文 😀 \u2028 \u2029", "\xff\xfe", "\xe4\xb8", "a\xe4\xb8\xadb\xed\xa0\x80c\xf0\x9f\x98",
		string(utf8.RuneError), "\xc0\x80"} {
		checkJSONString(t, s)
	}
}

// FuzzAppendJSONString checks appendJSONString against encoding/json on
// arbitrary bytes.
func FuzzAppendJSONString(f *testing.F) {
	f.Add("a\"b\\c\x01中\xff")
	f.Fuzz(checkJSONString)
}

// TestSymbolCache checks that an answer is computed once per plan and form,
// also by concurrent requests, and dropped when its plan is collected.
func TestSymbolCache(t *testing.T) {
	var c symbolCache
	p := analysis.Parse([]byte("## doing\n- [ ] a\n"))
	var computed atomic.Int32
	compute := func() jsonrpc2.RawMessage {
		computed.Add(1)
		time.Sleep(10 * time.Millisecond) // Let the other requests arrive meanwhile.
		return jsonrpc2.RawMessage(`[]`)
	}
	form := symbolForm{uri: "file:///plan.md", hierarchical: true}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if raw := c.get(p, form, compute); string(raw) != "[]" {
				t.Errorf("get = %s", raw)
			}
		})
	}
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("8 concurrent requests computed the answer %d times, want once", n)
	}
	if c.get(p, form, compute); computed.Load() != 1 {
		t.Errorf("a repeated request computed the answer again")
	}
	form.enc = UTF8
	if c.get(p, form, compute); computed.Load() != 2 {
		t.Errorf("another form did not compute a new answer")
	}
	other := analysis.Parse([]byte("## doing\n- [ ] a\n"))
	if c.get(other, form, compute); computed.Load() != 3 {
		t.Errorf("another plan did not compute a new answer")
	}
	runtime.KeepAlive(other)
	if n := c.len(); n != 2 {
		t.Errorf("%d answers cached, want 2", n)
	}
	p, other = nil, nil
	for deadline := time.Now().Add(10 * time.Second); c.len() > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("%d answers still cached after their plans were collected", c.len())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// TestDocumentSymbolVersions checks over the wire that a repeated request
// gets the same answer and that a change of the document is seen at once.
func TestDocumentSymbolVersions(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "plan.md"), []byte("## 1. doing\n\n- [ ] first\n- [x] second\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newLSPClient(t, dir, UTF16, `{"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}}`)
	u, _ := c.open("plan.md")
	outline := func() string {
		var raw json.RawMessage
		if err := c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": string(u)}}, &raw); err != nil {
			t.Fatal(err)
		}
		var syms []protocol.DocumentSymbol
		if err := protocol.Unmarshal(raw, &syms); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		var walk func([]protocol.DocumentSymbol)
		walk = func(syms []protocol.DocumentSymbol) {
			for _, s := range syms {
				fmt.Fprintf(&b, "%s@%d:%d-%d:%d ", s.Name, s.Range.Start.Line, s.Range.Start.Character, s.Range.End.Line, s.Range.End.Character)
				walk(s.Children)
			}
		}
		walk(syms)
		return strings.TrimSpace(b.String())
	}
	want := "1. doing@0:0-3:12 first@2:0-2:11 second@3:0-3:12"
	for i := range 3 {
		if got := outline(); got != want {
			t.Fatalf("request %d: outline %q, want %q", i+1, got, want)
		}
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": string(u), "version": 2},
		"contentChanges": []any{map[string]any{
			"range": map[string]any{"start": map[string]int{"line": 2, "character": 6}, "end": map[string]int{"line": 2, "character": 11}},
			"text":  "premier 🚀"}},
	})
	want = "1. doing@0:0-3:12 premier 🚀@2:0-2:16 second@3:0-3:12"
	for i := range 2 {
		if got := outline(); got != want {
			t.Fatalf("request %d after the change: outline %q, want %q", i+1, got, want)
		}
	}
}

// reportCPU starts measuring the CPU time of the process, every thread (the
// garbage collector's too); the function it returns reports it per
// operation as "cpu-ns/op". On a busy machine it varies less than the time.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkDocumentSymbol measures the outline of the 10,000-task plan:
// "compute" is the server's work for the first request of a version without
// the transport (analysis.Symbols and encodeSymbols); "first" is the first
// request of a new version over the wire (the change, and the diagnostics
// pull that parses it, are not timed); "cached" is a repeated request over
// the wire. The client of the wire benchmarks reads the answer but does not
// decode it.
func BenchmarkDocumentSymbol(b *testing.B) {
	const tasks = 10000
	src := analysis.GeneratePlan(1, tasks)
	plan := analysis.Parse(src)
	m := NewMapper(src)
	form := symbolForm{uri: "file:///w/plan.md", enc: UTF16, hierarchical: true}
	b.Run(fmt.Sprintf("compute/tasks=%d", tasks), func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		size := 0
		for b.Loop() {
			size = len(encodeSymbols(m, form, analysis.Symbols(plan)))
		}
		b.ReportMetric(float64(size), "resp-bytes")
	})

	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "plan.md"), src, 0o644); err != nil {
		b.Fatal(err)
	}
	c := startBenchServer(b, true)
	rootURI := "file://" + filepath.ToSlash(root)
	docURI := rootURI + "/plan.md"
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
		"uri": docURI, "languageId": "markdown", "version": 1, "text": string(src)}})
	params := map[string]any{"textDocument": map[string]string{"uri": docURI}}
	if c.call(b, "textDocument/diagnostic", params) == nil {
		b.Fatal("diagnostic pull failed")
	}
	// Type into the first task of an open section, which the outline lists.
	var line, col int
	for _, t := range plan.Tasks {
		if t.Section != nil && t.Section.Role != analysis.RoleDone {
			line = plan.LineOf(t.TextSpan.End)
			col = utf16Units(src[plan.Lines[line]:t.TextSpan.End])
			break
		}
	}
	version := 1
	b.Run(fmt.Sprintf("first/tasks=%d", tasks), func(b *testing.B) {
		b.ReportAllocs()
		last := 0
		for b.Loop() {
			b.StopTimer()
			version++
			c.notify(b, "textDocument/didChange", map[string]any{
				"textDocument": map[string]any{"uri": docURI, "version": version},
				"contentChanges": []any{map[string]any{
					"range": map[string]any{"start": map[string]int{"line": line, "character": col},
						"end": map[string]int{"line": line, "character": col}},
					"text": "x"}},
			})
			col++
			if c.call(b, "textDocument/diagnostic", params) == nil {
				b.Fatal("diagnostic pull failed")
			}
			b.StartTimer()
			// The lean client reports the length of the message: one more
			// character in a task's name each time.
			size, _ := strconv.Atoi(string(c.call(b, "textDocument/documentSymbol", params)))
			if size <= last {
				b.Fatalf("the answer (%d bytes) did not grow with the document (%d bytes before)", size, last)
			}
			last = size
		}
	})
	b.Run(fmt.Sprintf("cached/tasks=%d", tasks), func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if c.call(b, "textDocument/documentSymbol", params) == nil {
				b.Fatal("documentSymbol failed")
			}
		}
	})
}
