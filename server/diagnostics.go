package server

// This file defines how diagnostics reach the client: pushed with
// textDocument/publishDiagnostics after open and change (computed off the read
// loop by one run at a time per document, which coalesces the changes that
// arrive meanwhile, stale results dropped), or pulled with textDocument/diagnostic
// when the client supports that (and then never pushed). While the user types,
// link and checkbox findings on the line being edited are held back until a
// pause, so a half-typed link is not flagged.

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Timing of the diagnostics after a change.
const (
	// burstGap is the longest a run waits for the next change of a burst:
	// changes that follow each other closer than that (a paste, an editor's
	// multi-cursor edit, keys sent faster than anyone types) are coalesced into
	// one run instead of racing a run per change, which would also slow down
	// applying them. The wait is a quarter of the document's last run, so
	// small documents, whose runs cost little, barely wait. Typing, with tens
	// of milliseconds between keys, waits this once.
	burstGap = 2 * time.Millisecond
	// minWait is the shortest wait worth a sleep.
	minWait = 300 * time.Microsecond
	// quietDelay is the pause after which the line being typed is checked too.
	quietDelay = 800 * time.Millisecond
)

// typingCodes are the codes held back on the line being typed.
var typingCodes = map[string]bool{"missing-file": true, "missing-anchor": true, "malformed-checkbox": true, "dead-url": true}

// diagnostics schedules and publishes the diagnostics of open documents.
type diagnostics struct {
	s *server
	// publishMu orders a run's publication against the clear of a close.
	publishMu sync.Mutex
	// beforePublish, when set (by tests), is called by a run that is about to
	// publish, with publishMu held.
	beforePublish func(uri.URI)
	mu            sync.Mutex
	docs          map[uri.URI]*diagDoc
	ext           *externalLinks // the background http link check (external_links.go)
}

// diagDoc is the diagnostics state of one open document. At most one run per
// document is in flight: a change during a run only marks another run as
// pending, which starts as soon as the current one ends, for the latest text.
// So a burst of keystrokes costs one run at the start and one at the end, and
// the diagnostics follow the last keystroke by at most two runs, without a
// fixed debounce.
type diagDoc struct {
	slow         *time.Timer
	text         []byte        // the text last seen, to find the line being typed
	typingLine   int           // 0-based line of the last edit, -1 when none
	typingUntil  time.Time     // when the typing line counts as finished
	lastChange   time.Time     // when the last change arrived
	cost         time.Duration // how long the last run took
	running      bool          // a run is in flight
	pending      bool          // another run is wanted after it
	pendingQuiet bool          // the pending run is a quiet pass (holds nothing back)
	closed       bool          // the document was closed: runs stop
	anchors      string        // the anchors the last run saw, joined
	anchorsSeen  bool          // anchors holds a run's anchors
}

// newDiagnostics returns the scheduler of s and registers it for document events.
func newDiagnostics(s *server) *diagnostics {
	d := &diagnostics{s: s, docs: map[uri.URI]*diagDoc{}}
	s.listen(d.event)
	d.ext = newExternalLinks(d)
	return d
}

// pullMode reports whether the client pulls diagnostics (textDocument/diagnostic).
func (d *diagnostics) pullMode() bool {
	c := d.s.clientCapabilities()
	return c != nil && c.TextDocument != nil && c.TextDocument.Diagnostic != nil
}

// diagnosticCapability announces pull diagnostics to clients that support them.
func diagnosticCapability(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
	if client != nil && client.TextDocument != nil && client.TextDocument.Diagnostic != nil {
		id := "planls"
		caps.DiagnosticProvider = &protocol.DiagnosticOptions{Identifier: &id, InterFileDependencies: true}
	}
}

// event reacts to a document event on the read loop; it only starts timers.
func (d *diagnostics) event(ev documentEvent) {
	u := ev.doc.uri
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.docs[u]
	switch ev.kind {
	case documentOpened:
		if st != nil {
			st.stop()
		}
		st = &diagDoc{text: ev.doc.text, typingLine: -1}
		d.docs[u] = st
		d.schedule(u, st, false)
	case documentChanged:
		if st == nil {
			st = &diagDoc{typingLine: -1}
			d.docs[u] = st
		}
		st.typingLine = changedLine(st.text, ev.doc.text)
		st.lastChange = time.Now()
		st.typingUntil = st.lastChange.Add(quietDelay)
		st.text = ev.doc.text
		d.schedule(u, st, true)
	case documentClosed:
		if st != nil {
			st.stop()
			delete(d.docs, u)
		}
		d.s.forgetPlan(u)
		if !d.pullMode() {
			// Cleared after any publish in flight (publishMu), and only if
			// the document was not opened again meanwhile.
			go func() {
				d.publishMu.Lock()
				defer d.publishMu.Unlock()
				d.mu.Lock()
				reopened := d.docs[u] != nil
				d.mu.Unlock()
				if !reopened {
					d.s.notifyDiagnostics(u, nil, nil)
				}
			}()
		}
		// The index skips open files: read this one from disk again.
		d.s.work.add(func(w *indexWork) { w.files = append(w.files, u) })
	}
}

// stop stops the document's timer and runs.
func (st *diagDoc) stop() {
	st.closed = true
	if st.slow != nil {
		st.slow.Stop()
	}
}

// schedule asks for a run of u's diagnostics: at once, or after the run in
// flight. After a keystroke (typing), the run holds back the findings on the
// typing line, and a quiet pass that holds back nothing follows once the user
// pauses for quietDelay. Called with d.mu held.
func (d *diagnostics) schedule(u uri.URI, st *diagDoc, typing bool) {
	if d.pullMode() {
		return
	}
	if typing {
		if st.slow != nil {
			st.slow.Stop()
		}
		st.slow = time.AfterFunc(quietDelay, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if d.docs[u] == st {
				d.schedule(u, st, false)
			}
		})
	}
	if st.running {
		// A keystroke makes the pending run a typing one again (its quiet
		// pass comes with the pause); only a request without typing is quiet.
		st.pendingQuiet = !typing
		st.pending = true
		return
	}
	st.running = true
	go d.loop(u, st, !typing)
}

// loop runs u's diagnostics, then again while runs were asked for meanwhile.
// Each run first waits until no change has arrived for burstGap.
func (d *diagnostics) loop(u uri.URI, st *diagDoc, quiet bool) {
	for {
		for {
			d.mu.Lock()
			wait := min(burstGap, st.cost/4) - time.Since(st.lastChange)
			d.mu.Unlock()
			if wait < minWait {
				break // a sleep this short would last about a millisecond
			}
			time.Sleep(wait)
		}
		start := time.Now()
		d.run(u, st, !quiet)
		cost := time.Since(start)
		d.mu.Lock()
		st.cost = cost
		if !st.pending || st.closed {
			st.running = false
			d.mu.Unlock()
			return
		}
		quiet = st.pendingQuiet
		st.pending, st.pendingQuiet = false, false
		d.mu.Unlock()
	}
}

// refreshAll recomputes the diagnostics of every open document (after a settings
// change), or asks a pulling client to pull again.
func (d *diagnostics) refreshAll() {
	if d.pullMode() {
		c := d.s.clientCapabilities()
		if c != nil && c.Workspace != nil && c.Workspace.Diagnostics != nil && c.Workspace.Diagnostics.RefreshSupport != nil && *c.Workspace.Diagnostics.RefreshSupport {
			ctx, cancel := context.WithTimeout(context.Background(), clientCallTimeout)
			defer cancel()
			_, _ = d.s.conn.Call(ctx, protocol.MethodWorkspaceDiagnosticRefresh, nil, nil)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for u, st := range d.docs {
		d.schedule(u, st, false)
	}
}

// run computes and publishes the diagnostics of u, unless the document changed
// meanwhile (the change has asked for a run of its own). Only loop calls it, so
// the runs of one document never overlap and publish in order.
func (d *diagnostics) run(u uri.URI, own *diagDoc, holdTyping bool) {
	defer func() {
		if r := recover(); r != nil {
			_ = d.s.logPanic("diagnostics", r)
		}
	}()
	doc := d.s.docs.get(u)
	if doc == nil {
		return
	}
	env := d.s.envFor(doc.uri)
	items := d.compute(doc, env, holdTyping)
	// The checks and the publication happen under publishMu, which a close
	// takes too before clearing: a closed document never gets diagnostics
	// after its clear.
	d.publishMu.Lock()
	d.mu.Lock()
	if st := d.docs[u]; st != own || st.closed {
		d.mu.Unlock()
		d.publishMu.Unlock()
		return // closed, or closed and opened again (the new state has its own runs)
	}
	if d.s.docs.get(u) != doc {
		d.mu.Unlock()
		d.publishMu.Unlock()
		return // stale: a newer version has its own run coming
	}
	d.mu.Unlock()
	if d.beforePublish != nil {
		d.beforePublish(u)
	}
	d.s.notifyDiagnostics(u, &doc.version, items)
	d.publishMu.Unlock()
	if !holdTyping {
		d.ext.afterPublish(doc, false) // the quiet pass: check http links in the background
	}
	d.anchorsChanged(doc, env)
}

// anchorsChanged refreshes the other open documents of doc's folder when doc's
// anchors differ from those its last run saw: their links into doc may have
// become valid or broken. Documents whose anchors stay the same (the usual
// keystroke) cause no extra work.
func (d *diagnostics) anchorsChanged(doc *document, env docEnv) {
	if env.root == "" {
		return
	}
	sig := strings.Join(analysis.AnchorNames(d.s.plan(doc, env.settings), "auto"), "\x00")
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.docs[doc.uri]
	if st == nil || st.anchors == sig {
		return
	}
	first := !st.anchorsSeen
	st.anchors, st.anchorsSeen = sig, true
	if first {
		return
	}
	if d.pullMode() {
		go d.refreshAll() // asks the client to pull again
		return
	}
	for u, other := range d.docs {
		if u != doc.uri {
			if root, _ := d.s.ws.locate(u); root == env.root {
				d.schedule(u, other, false)
			}
		}
	}
}

// compute returns the LSP diagnostics of doc in env; with holdTyping, findings on the
// line being typed are held back if the user is still typing.
func (d *diagnostics) compute(doc *document, env docEnv, holdTyping bool) []protocol.Diagnostic {
	plan := d.s.plan(doc, env.settings)
	diags := d.s.diagnose(doc, env, plan)
	if ext := d.ext.cached(plan, env.settings); len(ext) > 0 {
		diags = append(diags, ext...)
		analysis.SortDiagnostics(diags)
	}
	if holdTyping {
		d.mu.Lock()
		line := -1
		if st := d.docs[doc.uri]; st != nil && time.Now().Before(st.typingUntil) {
			line = st.typingLine
		}
		d.mu.Unlock()
		if line >= 0 {
			kept := diags[:0:0]
			for _, x := range diags {
				if !(typingCodes[x.Code] && plan.LineOf(x.Span.Start) == line) {
					kept = append(kept, x)
				}
			}
			diags = kept
		}
	}
	return d.s.toDiagnostics(doc, env, plan, diags)
}

// notifyDiagnostics publishes the diagnostics of u (an empty list clears them).
func (s *server) notifyDiagnostics(u uri.URI, version *int32, items []protocol.Diagnostic) {
	if items == nil {
		items = []protocol.Diagnostic{}
	}
	p := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: items}
	if version != nil {
		p.Version = protocol.NewOptional(*version)
	}
	if err := s.conn.Notify(context.Background(), protocol.MethodTextDocumentPublishDiagnostics, p); err != nil {
		s.logf("publishDiagnostics %s: %v", u, err)
	}
}

// diagnostic answers textDocument/diagnostic (pull diagnostics).
func (s *server) diagnostic(ctx context.Context, snap snapshot, p *protocol.DocumentDiagnosticParams) (*protocol.RelatedFullDocumentDiagnosticReport, error) {
	doc := snap.document(p.TextDocument.URI)
	report := &protocol.RelatedFullDocumentDiagnosticReport{FullDocumentDiagnosticReport: protocol.FullDocumentDiagnosticReport{Kind: "full", Items: []protocol.Diagnostic{}}}
	if doc == nil {
		return report, nil
	}
	report.Items = s.diag.compute(doc, s.envFor(doc.uri), true)
	s.diag.ext.afterPublish(doc, true)
	return report, nil
}

// changedLine returns the 0-based line of the first byte where new differs from
// old, or -1 when they are equal.
func changedLine(old, new []byte) int {
	n := min(len(old), len(new))
	i := 0
	const chunk = 4096
	for i+chunk <= n && bytes.Equal(old[i:i+chunk], new[i:i+chunk]) {
		i += chunk
	}
	for i < n && old[i] == new[i] {
		i++
	}
	if i == len(old) && i == len(new) {
		return -1
	}
	return bytes.Count(new[:i], []byte{'\n'})
}

// diagnosed caches the analysis diagnostics of a document version, so that
// code actions and the diagnostics run share one computation.
type diagnosed struct {
	doc   *document
	plan  *analysis.Plan
	ws    *analysis.Workspace
	diags []analysis.Diagnostic
}

// diagnose returns analysis.Diagnose of doc's plan, computed once per document
// version, settings and workspace snapshot.
func (s *server) diagnose(doc *document, env docEnv, plan *analysis.Plan) []analysis.Diagnostic {
	s.diagCacheMu.Lock()
	c, ok := s.diagCache[doc.uri]
	s.diagCacheMu.Unlock()
	if ok && c.doc == doc && c.plan == plan && c.ws == env.workspace {
		return c.diags
	}
	diags := analysis.Diagnose(plan, env.analysisEnv(nil))
	s.diagCacheMu.Lock()
	if s.diagCache == nil {
		s.diagCache = map[uri.URI]diagnosed{}
	}
	if cur, ok := s.diagCache[doc.uri]; !ok || cur.doc.version <= doc.version {
		s.diagCache[doc.uri] = diagnosed{doc: doc, plan: plan, ws: env.workspace, diags: diags}
	}
	s.diagCacheMu.Unlock()
	return diags
}
