package server

// This file defines the fault injection tests: workspace files deleted,
// renamed, made unreadable, replaced by a directory or a FIFO while indexed
// or open; a settings file that is a FIFO; symbolic link loops; invalid UTF-8
// and NUL bytes; a 100 MB and a 20 MB Markdown file; a workspace of 50,000
// files; the client going away or closing stdout. Each checks the graceful
// behaviour: the server stays responsive, and its answers are those of what
// is really there.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// faultPlan links to other.md and moved.md, which the faults add and
// remove.
const faultPlan = "## 1. doing\n\n* [ ] see [o](other.md#quux)\n* [ ] and [m](moved.md#quux)\n"

// otherFile is the content of other.md and moved.md.
const otherFile = "# Quux\n\n* [ ] other task\n"

// watched sends workspace/didChangeWatchedFiles with one change of the given
// type (1 created, 2 changed, 3 deleted) for each path.
func (c *testClient) watched(typ int, paths ...string) {
	c.t.Helper()
	var changes []string
	for _, p := range paths {
		changes = append(changes, fmt.Sprintf(`{"uri":%q,"type":%d}`, uri.File(p), typ))
	}
	c.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, `{"changes":[`+strings.Join(changes, ",")+`]}`)
}

// symbolFiles returns the base names of the files of the workspace symbols
// whose name starts with query (the search also finds tasks that merely
// mention it), one for each symbol.
func (c *testClient) symbolFiles(id int64, query string) []string {
	c.t.Helper()
	r := c.call(num(id), protocol.MethodWorkspaceSymbol, fmt.Sprintf(`{"query":%q}`, query))
	var syms []protocol.SymbolInformation
	if err := protocol.Unmarshal(r.Result(), &syms); err != nil || r.Err() != nil {
		c.t.Fatalf("workspace/symbol %q: %s %v %v", query, r.Result(), r.Err(), err)
	}
	var out []string
	for _, s := range syms {
		if strings.HasPrefix(s.Name, query) {
			out = append(out, filepath.Base(s.Location.URI.FsPath()))
		}
	}
	return out
}

// waitSymbolFiles waits until the workspace symbols matching query lie in
// exactly the files named by want (one entry per symbol, in any order).
func (c *testClient) waitSymbolFiles(id *int64, query string, want ...string) {
	c.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	norm := func(s []string) string {
		out := append([]string(nil), s...)
		for i := range out {
			for j := i; j > 0 && out[j] < out[j-1]; j-- {
				out[j], out[j-1] = out[j-1], out[j]
			}
		}
		return strings.Join(out, " ")
	}
	for {
		*id++
		got := c.symbolFiles(*id, query)
		if norm(got) == norm(want) {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("workspace symbols %q are in %v, want %v", query, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mkfifo makes a FIFO at path, or skips the test where there are none.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("cannot make a FIFO: %v", err)
	}
}

// timed fails the test when the step took longer than limit, and logs it.
func timed(t *testing.T, what string, start time.Time, limit time.Duration) {
	t.Helper()
	d := time.Since(start)
	t.Logf("%s: %v", what, d.Round(time.Millisecond))
	if d > limit {
		t.Errorf("%s took %v, more than %v", what, d, limit)
	}
}

func TestFaultsWorkspaceFiles(t *testing.T) {
	root := writeFiles(t, map[string]string{"plan.md": faultPlan, "other.md": otherFile})
	plan, other, moved := filepath.Join(root, "plan.md"), filepath.Join(root, "other.md"), filepath.Join(root, "moved.md")
	u := uri.File(plan)
	c := newTestClient(t)
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, faultPlan))
	id := int64(0)
	// check waits until the open plan's diagnostics are those of the files
	// on disk now, and the server answers at once.
	check := func(step string) {
		t.Helper()
		t.Logf("step: %s", step)
		c.waitPublished(u, 1, expectedDiagnostics(faultPlan, root, "plan.md"))
		start := time.Now()
		id++
		c.probe(id)
		timed(t, step+": a request", start, time.Second)
	}
	check("initial")
	c.waitSymbolFiles(&id, "Quux", "other.md")

	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: chmod 000 does not deny reads (the FIFO and directory cases stand in)")
		}
		if err := os.Chmod(other, 0); err != nil {
			t.Fatal(err)
		}
		c.watched(2, other)
		check("other.md unreadable")
		c.waitSymbolFiles(&id, "Quux")
		if err := os.Chmod(other, 0o644); err != nil {
			t.Fatal(err)
		}
		c.watched(2, other)
		check("other.md readable again")
		c.waitSymbolFiles(&id, "Quux", "other.md")
	})

	// Replaced by a directory: not indexed, and the link's anchor cannot
	// be found in it.
	must(t, os.Remove(other))
	must(t, os.Mkdir(other, 0o755))
	c.watched(2, other)
	check("other.md replaced by a directory")
	c.waitSymbolFiles(&id, "Quux")

	// Replaced by a FIFO: neither the index nor the link check may open it
	// (opening a FIFO blocks until a writer comes).
	must(t, os.Remove(other))
	mkfifo(t, other)
	c.watched(2, other)
	check("other.md replaced by a FIFO")
	c.waitSymbolFiles(&id, "Quux")

	// Deleted.
	must(t, os.Remove(other))
	c.watched(3, other)
	check("other.md deleted")

	// Back, then renamed: the index follows.
	must(t, os.WriteFile(other, []byte(otherFile), 0o644))
	c.watched(1, other)
	check("other.md created")
	c.waitSymbolFiles(&id, "Quux", "other.md")
	must(t, os.Rename(other, moved))
	c.watched(3, other)
	c.watched(1, moved)
	check("other.md renamed to moved.md")
	c.waitSymbolFiles(&id, "Quux", "moved.md")

	// The open document itself deleted, replaced by a FIFO, by a directory:
	// the server keeps the editor's text, which is what it analyses.
	for _, fault := range []struct {
		name string
		do   func()
	}{
		{"deleted", func() { must(t, os.Remove(plan)) }},
		{"replaced by a FIFO", func() { mkfifo(t, plan) }},
		{"replaced by a directory", func() { must(t, os.Mkdir(plan, 0o755)) }},
	} {
		fault.do()
		c.watched(2, plan)
		check("the open plan.md " + fault.name)
		c.wantServerText(&id, u, root, "plan.md", faultPlan)
		if fault.name == "replaced by a FIFO" {
			must(t, os.Remove(plan))
		}
	}
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestFaultsFIFOsAtStartup(t *testing.T) {
	// A FIFO named like a plan file and one named like the settings file:
	// initialize (which reads .planls.json on the read loop) and indexing
	// must not open them, or the server hangs for good.
	root := writeFiles(t, map[string]string{"plan.md": faultPlan, "other.md": otherFile})
	mkfifo(t, filepath.Join(root, "fifo.md"))
	mkfifo(t, filepath.Join(root, ".planls.json"))
	c := startPlanls(t)
	start := time.Now()
	c.initializeRoot(root)
	timed(t, "initialize with FIFOs in the folder", start, 3*time.Second)
	id := int64(0)
	c.waitSymbolFiles(&id, "Quux", "other.md")
	c.waitFor("a window/showMessage about .planls.json", func() bool {
		for _, n := range c.notes {
			if n.Method() == protocol.MethodWindowShowMessage && strings.Contains(string(n.Params()), "not a regular file") {
				return true
			}
		}
		return false
	})
	u := uri.File(filepath.Join(root, "plan.md"))
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, faultPlan))
	c.waitPublished(u, 1, expectedDiagnostics(faultPlan, root, "plan.md"))
	wantResult(t, c.call(num(100), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

func TestFaultsSymlinkLoops(t *testing.T) {
	text := "## 1. doing\n\n* [ ] [l](loop/loop/loop/plan.md) [a](a/x.md) [s](self.md#x) [o](loop/other.md#quux)\n"
	root := writeFiles(t, map[string]string{"plan.md": text, "other.md": otherFile})
	for link, target := range map[string]string{"loop": ".", "a": "b", "b": "a", "self.md": "self.md", "up": ".."} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Skipf("cannot make symbolic links: %v", err)
		}
	}
	c := newTestClient(t)
	start := time.Now()
	c.initializeRoot(root)
	select {
	case <-c.srv.index.ready:
	case <-time.After(waitTimeout):
		t.Fatal("indexing a folder with symbolic link loops did not end")
	}
	timed(t, "indexing with symbolic link loops", start, 3*time.Second)
	id := int64(0)
	// Walking does not follow links: other.md is indexed once, not once
	// for each way round the loop.
	c.waitSymbolFiles(&id, "Quux", "other.md")
	u := uri.File(filepath.Join(root, "plan.md"))
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
	c.waitPublished(u, 1, expectedDiagnostics(text, root, "plan.md"))
	c.wantServerText(&id, u, root, "plan.md", text)
}

func TestFaultsInvalidUTF8AndNUL(t *testing.T) {
	// On disk, bytes no editor would send: invalid UTF-8 and NUL.
	bad := "# Bad\x00 heading \xc3\x28\xff\xfe\n\n* [ ] a\x00b \xed\xa0\x80 surrogate\n* [x] \x00\n"
	root := writeFiles(t, map[string]string{"bad.md": bad, "other.md": otherFile})
	c := newTestClient(t)
	c.initializeRoot(root, "utf-8")
	id := int64(0)
	c.waitSymbolFiles(&id, "Quux", "other.md")
	c.waitSymbolFiles(&id, "Bad", "bad.md")

	// Over the wire, a didOpen whose JSON string holds NUL (escaped),
	// lone surrogates and raw invalid UTF-8: the JSON decoder turns the
	// invalid parts into U+FFFD, so the server's text is what a conforming
	// decoder makes of the message.
	u := uri.File(filepath.Join(root, "plan.md"))
	body := `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + string(u) +
		`","languageId":"markdown","version":1,"text":"## 1. doing\n\n* [ ] nul \u0000 here [b](bad.md#bad-heading)\n* [ ] lone \ud800 and raw ` +
		"\xff\xfe\xc3\x28" + `\n* [x] done \u0000\n"}}}`
	var msg struct {
		Params struct {
			TextDocument struct {
				Text string `json:"text"`
			} `json:"textDocument"`
		} `json:"params"`
	}
	if err := json.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatal(err)
	}
	text := msg.Params.TextDocument.Text
	if !strings.Contains(text, "\x00") || !strings.Contains(text, "\uFFFD") {
		t.Fatalf("the decoded text should hold NUL and U+FFFD: %q", text)
	}
	c.raw(frame(body))
	c.waitPublished(u, 1, expectedDiagnosticsIn(text, root, "plan.md", "utf-8"))
	for _, req := range []struct{ method, params string }{
		{protocol.MethodTextDocumentHover, `{"textDocument":{"uri":"U"},"position":{"line":2,"character":10}}`},
		{protocol.MethodTextDocumentCompletion, `{"textDocument":{"uri":"U"},"position":{"line":2,"character":32}}`},
		{protocol.MethodTextDocumentDocumentSymbol, `{"textDocument":{"uri":"U"}}`},
		{protocol.MethodTextDocumentFoldingRange, `{"textDocument":{"uri":"U"}}`},
		{protocol.MethodTextDocumentDocumentLink, `{"textDocument":{"uri":"U"}}`},
		{protocol.MethodTextDocumentCodeAction, `{"textDocument":{"uri":"U"},"range":{"start":{"line":3,"character":0},"end":{"line":4,"character":0}},"context":{"diagnostics":[]}}`},
		{protocol.MethodTextDocumentFormatting, `{"textDocument":{"uri":"U"},"options":{"tabSize":2,"insertSpaces":true}}`},
	} {
		id++
		r := c.call(num(id), req.method, strings.ReplaceAll(req.params, `"U"`, fmt.Sprintf("%q", u)))
		if r.Err() != nil {
			t.Errorf("%s: %v", req.method, r.Err())
		}
	}
}

// expectedDiagnosticsIn is expectedDiagnostics with positions in the given
// encoding ("utf-8" or "utf-16").
func expectedDiagnosticsIn(text, root, name, enc string) string {
	want := expectedDiagnostics(text, root, name)
	if enc != "utf-8" {
		return want
	}
	// Re-express each range: expectedDiagnostics computes UTF-16 columns.
	m := NewMapper([]byte(text))
	var b strings.Builder
	for _, line := range strings.SplitAfter(want, "\n") {
		if line == "" {
			continue
		}
		var l1, c1, l2, c2 int
		rangePart, rest, _ := strings.Cut(line, " ")
		fmt.Sscanf(rangePart, "%d:%d-%d:%d", &l1, &c1, &l2, &c2)
		s := m.PositionOffset(l1, c1, UTF16)
		e := m.PositionOffset(l2, c2, UTF16)
		sl, sc := m.OffsetPosition(s, UTF8)
		el, ec := m.OffsetPosition(e, UTF8)
		fmt.Fprintf(&b, "%d:%d-%d:%d %s", sl, sc, el, ec, rest)
	}
	return b.String()
}

// hugePlan returns a plan of about n bytes: one task a line.
func hugePlan(n int) string {
	line := "* [ ] a task of a huge plan\n"
	return "## 1. doing\n\n" + strings.Repeat(line, n/len(line))
}

// waitCode waits for diagnostics published for u that contain code, and
// returns them.
func (c *testClient) waitCode(u uri.URI, code string) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	var p *protocol.PublishDiagnosticsParams
	c.waitFor("diagnostics with "+code+" for "+string(u), func() bool {
		p = c.lastPublished(u)
		return p != nil && strings.Contains(formatDiagnostics(p.Diagnostics), " "+code+" ")
	})
	return p
}

func TestFaultsHugeFiles(t *testing.T) {
	root := writeFiles(t, map[string]string{"plan.md": faultPlan})
	c := startPlanls(t)
	c.initializeRoot(root)
	id := int64(0)

	t.Run("100 MB: over the message limit", func(t *testing.T) {
		// The didOpen is a 100 MB message, over the 64 MiB the server reads:
		// skipped without being stored, and the document gets the
		// file-too-large diagnostic.
		text := hugePlan(100 << 20)
		u := uri.File(filepath.Join(root, "huge.md"))
		params := didOpen(string(u), 1, text)
		start := time.Now()
		c.notify(protocol.MethodTextDocumentDidOpen, params)
		p := c.waitCode(u, "file-too-large")
		timed(t, "the file-too-large diagnostic of a 100 MB didOpen", start, 10*time.Second)
		if msg := formatDiagnostics(p.Diagnostics); !strings.Contains(msg, "File too large") || len(p.Diagnostics) != 1 {
			t.Errorf("diagnostics of the 100 MB file:\n%s", msg)
		}
		// The document is not open: requests find nothing, edits are ignored.
		c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), 2, change(0, 0, 0, 0, "x")))
		start = time.Now()
		id++
		wantResult(t, c.call(num(id), protocol.MethodTextDocumentDocumentSymbol, fmt.Sprintf(`{"textDocument":{"uri":%q}}`, u)), `[]`)
		timed(t, "a request after the 100 MB didOpen", start, time.Second)
	})

	t.Run("20 MB: over the analysis limit", func(t *testing.T) {
		// Read and kept, but not analysed: the one diagnostic says so, and
		// every request is answered at once.
		text := hugePlan(20 << 20)
		u := uri.File(filepath.Join(root, "big.md"))
		start := time.Now()
		c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
		c.waitPublished(u, 1, expectedDiagnostics(text, root, "big.md"))
		timed(t, "the diagnostics of a 20 MB didOpen", start, 10*time.Second)
		if !strings.Contains(expectedDiagnostics(text, root, "big.md"), "file-too-large") {
			t.Fatalf("a 20 MB plan should get file-too-large")
		}
		start = time.Now()
		for v := 2; v <= 11; v++ {
			c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), v, change(2, 0, 2, 0, "x")))
		}
		for _, m := range []string{protocol.MethodTextDocumentHover, protocol.MethodTextDocumentCompletion} {
			id++
			r := c.call(num(id), m, fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":2,"character":3}}`, u))
			if r.Err() != nil {
				t.Errorf("%s on the 20 MB file: %v", m, r.Err())
			}
		}
		timed(t, "10 edits and 2 requests on the 20 MB file", start, 5*time.Second)
		c.waitCode(u, "file-too-large")
	})
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

func TestFaultsHugeWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50,000 files")
	}
	const dirs, perDir = 100, 500
	root := t.TempDir()
	start := time.Now()
	for d := range dirs {
		dir := filepath.Join(root, fmt.Sprintf("d%02d", d))
		must(t, os.Mkdir(dir, 0o755))
		for f := range perDir {
			text := fmt.Sprintf("# File %d %d\n\n## 1. doing\n\n* [ ] task %d of %d [up](../d00/f000.md#file-0-0)\n", d, f, f, d)
			if d == dirs-1 && f == perDir-1 {
				text += "\n## Needle\n"
			}
			must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.md", f)), []byte(text), 0o644))
		}
	}
	t.Logf("wrote %d files in %v", dirs*perDir, time.Since(start).Round(time.Millisecond))

	c := startPlanls(t)
	pid := planlsPID(t)
	wantError(t, c.call(num(0), "planls/probe", `{}`), jsonrpc2.ServerNotInitialized) // running
	idle := rss(t, pid)
	start = time.Now()
	c.initializeRoot(root)
	// While indexing runs, requests are answered at once.
	id := int64(0)
	var slowest time.Duration
	u := uri.File(filepath.Join(root, "d00", "f000.md"))
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, "# File 0 0\n\n* [ ] open\n"))
	for indexed := false; !indexed; {
		if time.Since(start) > 2*time.Minute {
			t.Fatalf("indexing 50,000 files did not end in 2 minutes")
		}
		t0 := time.Now()
		id++
		c.probe(id)
		id++
		c.call(num(id), protocol.MethodTextDocumentHover, fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":2,"character":7}}`, u))
		slowest = max(slowest, time.Since(t0))
		id++
		indexed = len(c.symbolFiles(id, "Needle")) > 0
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("indexed %d files in %v; slowest request during indexing %v", dirs*perDir, time.Since(start).Round(time.Millisecond), slowest)
	if slowest > 2*time.Second {
		t.Errorf("a request took %v during indexing", slowest)
	}
	after := settledRSS(t, pid, 0)
	t.Logf("RSS idle %d MiB, with 50,000 files indexed %d MiB", idle>>20, after>>20)
	if after > 1<<30 {
		t.Errorf("RSS %d MiB with 50,000 small files indexed: over 1 GiB", after>>20)
	}
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	c.wantExit(0)
}

func TestFaultsStdoutClosed(t *testing.T) {
	// The client closes its end of the server's stdout but keeps stdin
	// open: the server's next write fails, and it must exit at once (a
	// broken stdout is fatal by default in Go), without a panic or a hang.
	root := writeFiles(t, map[string]string{"plan.md": faultPlan})
	c, out := startPlanlsPipes(t)
	c.initializeRoot(root)
	out.Close()
	start := time.Now()
	c.send(num(1), protocol.MethodTextDocumentHover, `{"textDocument":{"uri":"file:///x.md"},"position":{"line":0,"character":0}}`)
	code := c.exitCode()
	timed(t, "exit after stdout closed", start, 5*time.Second)
	if code == 0 {
		t.Errorf("exit code 0 after stdout was closed, want a failure")
	}
	if strings.Contains(c.log.String(), "panic") || strings.Contains(c.log.String(), "goroutine ") {
		t.Errorf("stderr shows a panic:\n%s", c.log)
	}
}

func TestFaultsClientKilledMidRequest(t *testing.T) {
	// The client dies (both pipes close at once) while a long request and
	// a storm of edits are under way: the server exits promptly.
	text := slowPlan()
	root := writeFiles(t, map[string]string{"big.md": text})
	u := uri.File(filepath.Join(root, "big.md"))
	c, out := startPlanlsPipes(t)
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, text))
	c.probe(1)
	c.send(num(2), protocol.MethodTextDocumentCodeAction,
		fmt.Sprintf(`{"textDocument":{"uri":%q},"range":%s,"context":{"diagnostics":[]}}`, u, wholeRange(text)))
	for v := 2; v < 50; v++ {
		c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), v, change(0, 0, 0, 0, "x")))
	}
	start := time.Now()
	out.Close()
	c.in.Close()
	c.exitCode()
	timed(t, "exit after the client died mid-request", start, 5*time.Second)
	if strings.Contains(c.log.String(), "panic:") {
		t.Errorf("stderr shows a panic:\n%s", c.log)
	}
}
