package server

// This file defines the stress and soak tests: thousands of incremental edits
// of a 10,000-task plan, interleaved with completion, codeAction, hover and
// documentSymbol requests (some cancelled), against the built binary over
// stdio and against an in-process server. Afterwards the server's text must
// be the client's (checked black-box), every request answered or cancelled,
// the binary's memory back near its steady state and, in process, no
// goroutine left behind. PLANLS_SOAK=1 runs the long versions.

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// soak reports whether the long versions of the stress and fault tests run
// (PLANLS_SOAK=1).
func soak() bool { return os.Getenv("PLANLS_SOAK") == "1" }

// stressSize is the size of one stress run.
type stressSize struct {
	tasks int // tasks of the generated plan
	edits int // incremental edits
	// requestEvery is the number of edits between two requests; every
	// cancelEvery-th request is cancelled.
	requestEvery, cancelEvery int
}

// stressFragments are what the stress client types: mostly single
// characters, sometimes Markdown that makes or breaks tasks and sections.
var stressFragments = []string{"a", "e", "t", " ", " ", "x", "中", "🎉", "\n", "[", "]", "#", "*"}

// stressClient is the client's side of a stress run: its copy of the text
// and a cursor that moves like a person typing, with jumps.
type stressClient struct {
	rng    *rand.Rand
	text   string
	cursor int
}

// snap moves off back to a position a client can address: a rune start
// that is not between the "\r" and "\n" of a line break.
func (sc *stressClient) snap(off int) int {
	off = max(0, min(off, len(sc.text)))
	for off > 0 && off < len(sc.text) && (!utf8.RuneStart(sc.text[off]) || (sc.text[off-1] == '\r' && sc.text[off] == '\n')) {
		off--
	}
	return off
}

// edit makes one edit of the client's text near the cursor and returns it
// as a change in UTF-16 positions.
func (sc *stressClient) edit(limit int) string {
	if sc.rng.IntN(40) == 0 {
		sc.cursor = sc.rng.IntN(len(sc.text) + 1) // A jump elsewhere.
	}
	sc.cursor = sc.snap(sc.cursor)
	start, end, repl := sc.cursor, sc.cursor, ""
	op := sc.rng.IntN(10)
	if len(sc.text) > limit {
		op = 9 // Deletions keep the text near its size.
	}
	switch {
	case op < 6: // Type.
		repl = stressFragments[sc.rng.IntN(len(stressFragments))]
		if sc.rng.IntN(20) == 0 {
			repl = editFragments[sc.rng.IntN(len(editFragments))]
		}
	case op < 9: // Backspace.
		start = sc.snap(start - 1 - sc.rng.IntN(3))
	default: // Select a few characters and type over them.
		end = sc.snap(end + 1 + sc.rng.IntN(40))
		repl = stressFragments[sc.rng.IntN(len(stressFragments))]
	}
	s, e := utf16Position(sc.text, start), utf16Position(sc.text, end)
	sc.text = sc.text[:start] + repl + sc.text[end:]
	sc.cursor = start + len(repl)
	return change(int(s.Line), int(s.Character), int(e.Line), int(e.Character), repl)
}

// request returns a request about the document u at the cursor, its method
// and params: of the given kind (0 to 3: completion, codeAction, hover,
// documentSymbol), or of a random kind for -1.
func (sc *stressClient) request(u uri.URI, kind int) (string, string) {
	p := utf16Position(sc.text, sc.snap(sc.cursor))
	at := fmt.Sprintf(`{"textDocument":{"uri":%q},"position":{"line":%d,"character":%d}`, u, p.Line, p.Character)
	if kind < 0 {
		// documentSymbol answers megabytes for this plan: less often.
		kind = []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 3}[sc.rng.IntN(10)]
	}
	switch kind {
	case 0:
		return protocol.MethodTextDocumentCompletion, at + "}"
	case 1:
		r := fmt.Sprintf(`{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}}`, p.Line, p.Character, p.Line, p.Character)
		return protocol.MethodTextDocumentCodeAction,
			fmt.Sprintf(`{"textDocument":{"uri":%q},"range":%s,"context":{"diagnostics":[]}}`, u, r)
	case 2:
		return protocol.MethodTextDocumentHover, at + "}"
	}
	return protocol.MethodTextDocumentDocumentSymbol, fmt.Sprintf(`{"textDocument":{"uri":%q}}`, u)
}

// stressRun is what runStress reports.
type stressRun struct {
	edits, requests, cancelled, answeredCancelled int
	storm                                         time.Duration
}

// runStress opens a generated plan in the server of c, runs the storm and
// checks that the server's text is the client's. steady, if not nil, is
// called once the document is open and analysed, before the storm, and
// settled after the storm, once the server's text has been checked.
func runStress(t *testing.T, c *testClient, size stressSize, steady, settled func()) stressRun {
	t.Helper()
	plan := string(generatePlanCached(size.tasks))
	root := writeFiles(t, map[string]string{"plan.md": plan, "other.md": "# Other\n\n## 子 🎉\n"})
	u := uri.File(filepath.Join(root, "plan.md"))
	c.initializeRoot(root)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(string(u), 1, plan))
	c.waitPublished(u, 1, expectedDiagnostics(plan, root, "plan.md"))
	sc := &stressClient{rng: rand.New(rand.NewPCG(uint64(size.edits), 10)), text: plan, cursor: len(plan) / 2}
	// One request of each kind, so that the steady state has seen them all.
	id := int64(0)
	for kind := range 4 {
		id++
		method, params := sc.request(u, kind)
		if r := c.call(num(id), method, params); r.Err() != nil {
			t.Fatalf("%s before the storm: %v", method, r.Err())
		}
	}
	if steady != nil {
		steady()
	}

	var run stressRun
	cancelled := map[jsonrpc2.ID]bool{}
	var sent []jsonrpc2.ID
	version := 1
	limit := len(plan) + 64<<10
	start := time.Now()
	for run.edits < size.edits {
		version++
		changes := []string{sc.edit(limit)}
		run.edits++
		if sc.rng.IntN(8) == 0 && run.edits < size.edits {
			changes = append(changes, sc.edit(limit)) // Positioned in the text the first leaves.
			run.edits++
		}
		c.notify(protocol.MethodTextDocumentDidChange, didChange(string(u), version, changes...))
		if run.edits%size.requestEvery < len(changes) {
			id++
			method, params := sc.request(u, -1)
			c.send(num(id), method, params)
			sent = append(sent, num(id))
			run.requests++
			if run.requests%size.cancelEvery == 0 {
				// Sometimes at once, sometimes once the request is running.
				if sc.rng.IntN(2) == 0 {
					time.Sleep(time.Millisecond)
				}
				c.notify("$/cancelRequest", fmt.Sprintf(`{"id":%d}`, id))
				cancelled[num(id)] = true
				run.cancelled++
			}
		}
	}
	// Every request is answered: with a result, or RequestCancelled if it
	// was cancelled.
	for _, rid := range sent {
		r := c.response(rid)
		if r.Err() == nil {
			continue
		}
		var e *jsonrpc2.Error
		if cancelled[rid] && errors.As(r.Err(), &e) && e.Code == codeRequestCancelled {
			run.answeredCancelled++
			continue
		}
		t.Errorf("request %s (cancelled: %v): %v", idString(rid), cancelled[rid], r.Err())
	}
	run.storm = time.Since(start)

	// The server's text is the client's.
	text := sc.text
	c.waitPublished(u, int32(version), expectedDiagnostics(text, root, "plan.md"))
	id += 10
	c.wantServerText(&id, u, root, "plan.md", text)
	c.mu.Lock()
	for _, n := range c.notes {
		if n.Method() == protocol.MethodWindowLogMessage && strings.Contains(string(n.Params()), "clamped") {
			t.Errorf("a valid edit was clamped: %s", n.Params())
		}
	}
	c.mu.Unlock()
	if c.srv != nil {
		c.wantText(u, text, int32(version))
	}
	if settled != nil {
		settled()
	}
	wantResult(t, c.call(num(id+1), protocol.MethodShutdown, nil), `null`)
	c.notify(protocol.MethodExit, nil)
	t.Logf("%d edits in %d versions, %d requests (%d cancelled, %d answered RequestCancelled) in %v; final text %d bytes",
		run.edits, version-1, run.requests, run.cancelled, run.answeredCancelled, run.storm.Round(time.Millisecond), len(text))
	return run
}

// generatePlanCached returns analysis.GeneratePlan(1, tasks); the 10,000-task
// plan is shared with the other stdio tests.
func generatePlanCached(tasks int) []byte {
	if tasks == 10000 {
		return []byte(slowPlan())
	}
	return analysis.GeneratePlan(1, tasks)
}

func TestStdioStress(t *testing.T) {
	if testing.Short() {
		t.Skip("the stress test runs the binary for a minute")
	}
	size := stressSize{tasks: 10000, edits: 10000, requestEvery: 20, cancelEvery: 4}
	if soak() {
		size.edits = 100000
	}
	c := startPlanls(t)
	pid := planlsPID(t)
	var before int64
	run := runStress(t, c, size, func() {
		before = settledRSS(t, pid, 0)
	}, func() {
		// Memory returns to its steady state: the storm made 10,000
		// versions of a 630 KB text; keeping even a small share of them
		// would show.
		bound := 2*before + 64<<20
		t.Logf("CPU time of planls: %v", cpuTime(t, pid))
		after := settledRSS(t, pid, bound)
		t.Logf("RSS before the storm %d MiB, after %d MiB (bound %d MiB)", before>>20, after>>20, bound>>20)
		if after > bound {
			t.Errorf("RSS %d MiB after the storm, over the bound of %d MiB (steady state %d MiB)", after>>20, bound>>20, before>>20)
		}
	})
	c.wantExit(0)
	if run.requests == 0 || run.cancelled == 0 {
		t.Errorf("the storm sent %d requests, %d cancelled", run.requests, run.cancelled)
	}
}

func TestInProcessStressLeaksNoGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("the stress test runs for a while")
	}
	// Under the race detector (CI), a smaller plan (the detector makes
	// parsing tens of times slower): the point is the races between edits,
	// requests and cancellations, and the goroutines they leave.
	size := stressSize{tasks: 1000, edits: 3000, requestEvery: 10, cancelEvery: 3}
	if soak() {
		size.edits = 20000
	}
	base := runtime.NumGoroutine()
	c := newTestClient(t)
	var steady int
	runStress(t, c, size, func() {
		steady = settledGoroutines(t, 0)
	}, func() {
		if n := settledGoroutines(t, steady); n > steady {
			t.Errorf("%d goroutines after the storm, %d before:\n%s", n, steady, goroutineDump())
		}
	})
	if code := c.exitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	_ = c.in.Close()
	if n := settledGoroutines(t, base); n > base {
		t.Errorf("%d goroutines after the server stopped, %d before it started:\n%s", n, base, goroutineDump())
	}
}

// settledGoroutines waits, for up to 10 seconds, until at most want
// goroutines run (want 0: until the number stops changing for half a
// second), and returns the number.
func settledGoroutines(t *testing.T, want int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last, stable := -1, time.Now()
	for {
		n := runtime.NumGoroutine()
		if n != last {
			last, stable = n, time.Now()
		}
		switch {
		case want > 0 && n <= want:
			return n
		case want == 0 && time.Since(stable) > 500*time.Millisecond:
			return n
		case time.Now().After(deadline):
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// goroutineDump returns the stacks of every goroutine, for a failure message.
func goroutineDump() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// planlsPID returns the process id of the planls binary that the test
// started: the one child of the test process running it. Stdio tests do not
// run in parallel, so there is exactly one.
func planlsPID(t *testing.T) int {
	t.Helper()
	bin, err := filepath.EvalSymlinks(planlsBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var pids []int
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && exe == bin {
				pids = append(pids, pid)
			}
		}
	}
	if len(pids) != 1 {
		t.Skipf("cannot tell the planls process among the test's children (%v): /proc is needed", pids)
	}
	return pids[0]
}

// rss returns the resident set size of process pid, in bytes.
func rss(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the memory of planls: %v", err)
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("bad VmRSS line %q", line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

// settledRSS waits until the resident set of pid is at most bound (bound 0:
// until it stops shrinking for two seconds), for up to 30 seconds, and
// returns it. The Go runtime gives memory back to the system gradually.
func settledRSS(t *testing.T, pid int, bound int64) int64 {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	low, since := rss(t, pid), time.Now()
	for {
		time.Sleep(100 * time.Millisecond)
		n := rss(t, pid)
		if n < low-(1<<20) {
			low, since = n, time.Now()
		}
		switch {
		case bound > 0 && n <= bound:
			return n
		case bound == 0 && time.Since(since) > 2*time.Second:
			return n
		case time.Now().After(deadline):
			return n
		}
	}
}

// cpuTime returns the user and system CPU time process pid has used.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("reading the CPU time of planls: %v", err)
	}
	// The fields after the command name, which is in parentheses.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(fields) < 13 {
		t.Fatalf("short /proc/%d/stat: %s", pid, b)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}
