package server

// This file defines the background check of http and https links
// (checkExternalLinks, off by default). It never runs on the typing path:
// once the quiet pass of a document's diagnostics has been published (or, for
// a client that pulls diagnostics, once it has pulled), the links that the
// checker has no cached result for are checked on a goroutine, with $/progress
// when the client supports it, and the document's diagnostics are published
// again (or the client asked to pull again). Every diagnostics pass merges the
// cached results, so dead-url findings do not flicker while the user types; on
// the line being typed they are held back like the other link findings. A newer
// version of the document, closing it, or the end of the connection cancels its
// check. The checker itself, and its safety rules, live in server/linkcheck.

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/planls/planls/analysis"
	"github.com/planls/planls/server/linkcheck"
	"go.lsp.dev/uri"
)

// progressInterval is the least time between two $/progress reports of a check.
const progressInterval = 200 * time.Millisecond

// externalLinks runs the link checks of the open documents.
type externalLinks struct {
	s *server
	d *diagnostics
	// options configure the checker; tests change them before the first check.
	options linkcheck.Options

	once    sync.Once
	checker *linkcheck.Checker // created on first use; its cache lives as long as the server

	mu     sync.Mutex
	runs   map[uri.URI]*externalRun // the running check of each document
	timers map[uri.URI]*time.Timer  // pull mode: a check deferred until typing stops
}

// externalRun is the running check of one document.
type externalRun struct {
	version    int32
	generation int // the settings generation it was started with
	cancel     context.CancelFunc
}

// newExternalLinks returns the link checker of d's server and registers it for
// document events.
func newExternalLinks(d *diagnostics) *externalLinks {
	e := &externalLinks{s: d.s, d: d, runs: map[uri.URI]*externalRun{}, timers: map[uri.URI]*time.Timer{}}
	d.s.listen(e.event)
	return e
}

// checkerFor returns the checker with the host policy of settings.
func (e *externalLinks) checkerFor(settings analysis.Settings) *linkcheck.Checker {
	e.once.Do(func() {
		o := e.options
		if o.UserAgent == "" {
			o.UserAgent = fmt.Sprintf("planls/%s link check (+https://github.com/planls/planls)", e.s.opts.Version)
		}
		e.checker = linkcheck.New(o)
	})
	return e.checker.WithPolicy(linkcheck.Policy{AllowHost: settings.HostAllowed, DenyHost: settings.HostDenied})
}

// event cancels a document's check when it changes or closes. It runs on the
// read loop and only cancels.
func (e *externalLinks) event(ev documentEvent) {
	if ev.kind == documentChanged || ev.kind == documentClosed {
		e.stop(ev.doc.uri)
	}
}

// stop cancels the check of u and its deferred start, if any.
func (e *externalLinks) stop(u uri.URI) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r := e.runs[u]; r != nil {
		r.cancel()
		delete(e.runs, u)
	}
	if t := e.timers[u]; t != nil {
		t.Stop()
		delete(e.timers, u)
	}
}

// cached returns the dead-url diagnostics of plan from the cached results of
// its links (no request is made), or nil when checkExternalLinks is off.
func (e *externalLinks) cached(plan *analysis.Plan, settings analysis.Settings) []analysis.Diagnostic {
	if !settings.CheckExternalLinks {
		return nil
	}
	ts := linkcheck.Targets(plan, settings)
	if len(ts) == 0 {
		return nil
	}
	ch := e.checkerFor(settings)
	results := make(map[string]linkcheck.Result, len(ts))
	for _, u := range linkcheck.URLs(ts) {
		if r, ok := ch.Cached(u); ok {
			results[u] = r
		}
	}
	return linkcheck.Diagnostics(ts, results, settings)
}

// afterPublish starts the check of the links of doc that have no cached
// result, unless one is already running for this version and settings. It is
// called after the quiet pass was published (push), or after a pull; then,
// pull is true and the line being typed waits until the user pauses.
func (e *externalLinks) afterPublish(doc *document, pull bool) {
	root, _ := e.s.ws.locate(doc.uri)
	settings := e.s.ws.settings(root)
	if !settings.CheckExternalLinks {
		e.stop(doc.uri)
		return
	}
	plan := e.s.plan(doc, settings)
	ts := linkcheck.Targets(plan, settings)
	var deferUntil time.Time
	if line, until := e.d.typing(doc.uri); pull && line >= 0 && time.Now().Before(until) {
		kept := ts[:0:0]
		for _, t := range ts {
			if plan.LineOf(t.Span.Start) == line {
				deferUntil = until
				continue
			}
			kept = append(kept, t)
		}
		ts = kept
	}
	ch := e.checkerFor(settings)
	var pending []string
	for _, u := range linkcheck.URLs(ts) {
		if _, ok := ch.Cached(u); !ok {
			pending = append(pending, u)
		}
	}
	e.s.ws.mu.Lock()
	gen := e.s.ws.generation
	e.s.ws.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.timers[doc.uri]; t != nil {
		t.Stop()
		delete(e.timers, doc.uri)
	}
	if !deferUntil.IsZero() {
		u, version := doc.uri, doc.version
		e.timers[u] = time.AfterFunc(time.Until(deferUntil)+10*time.Millisecond, func() {
			if cur := e.s.docs.get(u); cur != nil && cur.version == version {
				e.afterPublish(cur, pull)
			}
		})
	}
	if len(pending) == 0 {
		return
	}
	if r := e.runs[doc.uri]; r != nil {
		if r.version == doc.version && r.generation == gen {
			return // already checking this text with these settings
		}
		r.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &externalRun{version: doc.version, generation: gen, cancel: cancel}
	e.runs[doc.uri] = run
	go e.check(ctx, run, doc, ch, pending)
}

// check checks the pending URLs of doc, reporting progress, then publishes
// the document's diagnostics again.
func (e *externalLinks) check(ctx context.Context, run *externalRun, doc *document, ch *linkcheck.Checker, pending []string) {
	defer func() {
		if r := recover(); r != nil {
			_ = e.s.logPanic("external link check", r)
		}
	}()
	defer run.cancel()
	// The check ends with the connection.
	go func() {
		select {
		case <-e.s.conn.Done():
			run.cancel()
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	// Progress notifications must go out even once ctx is cancelled, so that
	// the client's progress ends.
	prog := e.s.startProgress(context.WithoutCancel(ctx), "planls: checking links")
	var last time.Time
	results := ch.Check(ctx, pending, func(done, total int) {
		if done == 0 || total == 0 || (done < total && time.Since(last) < progressInterval) {
			return
		}
		last = time.Now()
		prog.send(map[string]any{"kind": "report", "message": fmt.Sprintf("%d/%d links", done, total), "percentage": done * 100 / total})
	})
	e.mu.Lock()
	if e.runs[doc.uri] == run {
		delete(e.runs, doc.uri)
	}
	e.mu.Unlock()
	if ctx.Err() != nil {
		prog.end("cancelled")
		return
	}
	counts := map[linkcheck.Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	summary := fmt.Sprintf("checked %d links: %d dead, %d could not be verified, %d not checked",
		len(results), counts[linkcheck.Dead], counts[linkcheck.Unknown], counts[linkcheck.Skipped])
	prog.end(summary)
	e.s.logf("%s: %s in %v", doc.uri, summary, time.Since(start).Round(time.Millisecond))
	e.republish(doc)
}

// republish publishes the diagnostics of doc again, now with the new results,
// if it is still the current version; a client that pulls diagnostics is asked
// to pull again instead.
func (e *externalLinks) republish(doc *document) {
	if e.d.pullMode() {
		e.d.refreshAll()
		return
	}
	if cur := e.s.docs.get(doc.uri); cur == nil || cur.version != doc.version {
		return
	}
	items := e.d.compute(doc, e.d.s.envFor(doc.uri), false)
	e.d.mu.Lock()
	_, open := e.d.docs[doc.uri]
	cur := e.s.docs.get(doc.uri)
	e.d.mu.Unlock()
	if !open || cur == nil || cur.version != doc.version {
		return // closed or changed meanwhile: its own pass publishes
	}
	e.s.notifyDiagnostics(doc.uri, &doc.version, items)
}

// typing returns the line being typed in u and until when it counts as being
// typed, or -1.
func (d *diagnostics) typing(u uri.URI) (int, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if st := d.docs[u]; st != nil {
		return st.typingLine, st.typingUntil
	}
	return -1, time.Time{}
}
