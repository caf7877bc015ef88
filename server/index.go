package server

// This file defines the workspace index: every Markdown file of each workspace
// folder parsed once on initialized (in parallel, with $/progress), kept current
// by workspace/didChangeWatchedFiles (registered dynamically), open-document edits
// and workspace/didChangeWorkspaceFolders. Features read it as an
// analysis.Workspace snapshot in which open documents replace their files.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// MaxIndexedFileSize is the size above which a Markdown file is not indexed.
const MaxIndexedFileSize = analysis.MaxTargetSize

// index holds the parsed Markdown files of every workspace folder.
type index struct {
	mu    sync.Mutex
	files map[string]map[string]*analysis.Plan // root → rel path → plan of the file on disk
	snaps map[string]*analysis.Workspace       // root → snapshot with open documents, nil when stale
	ready chan struct{}                        // closed when the first indexing is done
	runs  int                                  // completed indexings, for tests
	once  sync.Once
}

// markReady closes the ready channel once.
func (ix *index) markReady() {
	ix.once.Do(func() { close(ix.ready) })
}

// indexedPlan returns the index's plan of the file of u, or nil.
func (s *server) indexedPlan(u uri.URI) *analysis.Plan {
	root, rel := s.ws.locate(u)
	if root == "" || rel == "" {
		return nil
	}
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	return s.index.files[root][rel]
}

// workspace returns the analysis.Workspace of a root: the indexed files, with the
// open documents' current text in place of their files.
func (s *server) workspaceOf(root string) *analysis.Workspace {
	if root == "" {
		return nil
	}
	ix := &s.index
	ix.mu.Lock()
	if ws := ix.snaps[root]; ws != nil {
		ix.mu.Unlock()
		return ws
	}
	files := ix.files[root]
	plans := make(map[string]*analysis.Plan, len(files)+4)
	for rel, p := range files {
		plans[rel] = p
	}
	ix.mu.Unlock()
	settings := s.ws.settings(root)
	for _, doc := range s.docs.snapshot().docs {
		if r, rel := s.ws.locate(doc.uri); r == root && rel != "" && isMarkdownPath(rel) {
			plans[rel] = s.plan(doc, settings)
		}
	}
	ws := analysis.NewWorkspace(plans)
	ix.mu.Lock()
	if ix.snaps == nil {
		ix.snaps = map[string]*analysis.Workspace{}
	}
	ix.snaps[root] = ws
	ix.mu.Unlock()
	return ws
}

// invalidate marks the snapshot of a root (all roots for "") stale.
func (ix *index) invalidate(root string) {
	ix.mu.Lock()
	if root == "" {
		ix.snaps = nil
	} else {
		delete(ix.snaps, root)
	}
	ix.mu.Unlock()
}

// isMarkdownPath reports whether a path names a Markdown file.
func isMarkdownPath(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".md", ".markdown", ".mdown", ".mkd", ".mkdn":
		return true
	}
	return false
}

// indexAll (re)indexes every workspace folder, reporting progress when the client
// supports it, then refreshes the open documents' diagnostics.
func (s *server) indexAll(ctx context.Context) {
	defer s.index.markReady()
	s.ws.mu.Lock()
	roots := append([]string(nil), s.ws.roots...)
	s.ws.mu.Unlock()
	prog := s.startProgress(ctx, "planls: indexing")
	start := time.Now()
	total := 0
	files := map[string]map[string]*analysis.Plan{}
	for _, root := range roots {
		files[root] = s.indexRoot(root, func(n int) { prog.report(fmt.Sprintf("%d files", total+n)) })
		total += len(files[root])
	}
	s.index.mu.Lock()
	s.index.files = files
	s.index.snaps = nil
	s.index.mu.Unlock()
	msg := fmt.Sprintf("indexed %d Markdown files in %v", total, time.Since(start).Round(time.Millisecond))
	prog.end(msg)
	s.logf("%s", msg)
	s.diag.refreshAll()
	s.index.mu.Lock()
	s.index.runs++
	s.index.mu.Unlock()
}

// indexRoot walks a folder and parses its Markdown files with all cores.
// progress is called with the number of files parsed so far.
func (s *server) indexRoot(root string, progress func(int)) map[string]*analysis.Plan {
	settings := s.ws.settings(root)
	// Open documents are parsed from the editor's text anyway (and the
	// snapshot uses that): skip their files, which are read when they close.
	open := map[string]bool{}
	for _, doc := range s.docs.snapshot().docs {
		if r, rel := s.ws.locate(doc.uri); r == root {
			open[rel] = true
		}
	}
	var paths []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are skipped
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if p != root && (d.Name() == ".git" || d.Name() == "node_modules" || settings.Excluded(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		// Symbolic links are not followed: no loops, nothing outside the folder.
		if d.Type().IsRegular() && isMarkdownPath(p) && !settings.Excluded(rel) && !open[rel] {
			paths = append(paths, rel)
		}
		return nil
	})
	out := make(map[string]*analysis.Plan, len(paths))
	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	done := 0
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rel := range work {
				p := readPlan(filepath.Join(root, filepath.FromSlash(rel)), settings)
				mu.Lock()
				if p != nil {
					out[rel] = p
				}
				done++
				if done%200 == 0 {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	for _, rel := range paths {
		work <- rel
	}
	close(work)
	wg.Wait()
	return out
}

// readPlan reads and parses a Markdown file, or returns nil when it is not a
// readable regular file or is too large.
func readPlan(path string, settings analysis.Settings) *analysis.Plan {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > MaxIndexedFileSize {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) > MaxIndexedFileSize {
		return nil
	}
	return analysis.ParseWith(data, settings)
}

// indexWork is the pending work of the index, filled by notifications on the read
// loop (which never blocks on it) and drained by one worker in order. Repeated
// events for a file collapse into one.
type indexWork struct {
	mu      sync.Mutex
	signal  chan struct{} // has room for one wake-up
	reindex bool          // index everything again (settings or folders changed)
	roots   []string      // new folders, when not nil
	files   []uri.URI     // changed files, in arrival order, without repeats
	seen    map[uri.URI]bool
}

// add records work and wakes the worker.
func (w *indexWork) add(f func(w *indexWork)) {
	w.mu.Lock()
	f(w)
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
}

// take returns the pending work and clears it.
func (w *indexWork) take() (reindex bool, roots []string, files []uri.URI) {
	w.mu.Lock()
	defer w.mu.Unlock()
	reindex, roots, files = w.reindex, w.roots, w.files
	w.reindex, w.roots, w.files, w.seen = false, nil, nil, nil
	return
}

// didChangeWatchedFiles records files created, changed or deleted on disk; the
// index worker re-reads them and refreshes the open documents' diagnostics.
func (s *server) didChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) {
	s.work.add(func(w *indexWork) {
		for _, c := range p.Changes {
			u := uri.URI(strings.Clone(string(c.URI)))
			if w.seen == nil {
				w.seen = map[uri.URI]bool{}
			}
			if !w.seen[u] {
				w.seen[u] = true
				w.files = append(w.files, u)
			}
		}
	})
}

// didChangeWorkspaceFolders records the new folders; the worker reindexes.
func (s *server) didChangeWorkspaceFolders(ctx context.Context, p *protocol.DidChangeWorkspaceFoldersParams) {
	s.ws.mu.Lock()
	roots := map[string]bool{}
	for _, r := range s.ws.roots {
		roots[r] = true
	}
	s.ws.mu.Unlock()
	s.work.mu.Lock()
	for _, r := range s.work.roots {
		roots[r] = true
	}
	s.work.mu.Unlock()
	for _, f := range p.Event.Removed {
		if path, ok := uriPath(f.URI); ok {
			delete(roots, path)
		}
	}
	for _, f := range p.Event.Added {
		if path, ok := uriPath(f.URI); ok {
			roots[path] = true
		}
	}
	list := []string{}
	for r := range roots {
		list = append(list, r)
	}
	s.work.add(func(w *indexWork) { w.roots, w.reindex = list, true })
}

// runIndexWorker drains the index work until ctx ends: after the first indexing,
// it reindexes when asked and re-reads changed files, then refreshes diagnostics.
func (s *server) runIndexWorker(ctx context.Context) {
	select {
	case <-s.index.ready:
	case <-ctx.Done():
		return
	}
	for {
		select {
		case <-s.work.signal:
		case <-ctx.Done():
			return
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					_ = s.logPanic("index", r)
				}
			}()
			reindex, roots, files := s.work.take()
			if roots != nil {
				s.showWarnings(ctx, s.ws.resetRoots(roots))
			}
			if reindex {
				s.indexAll(ctx)
				return
			}
			if s.updateFiles(files) {
				s.diag.refreshAll()
			}
		}()
	}
}

// updateFiles re-reads changed files into the index and reports whether any
// lies in a workspace folder.
func (s *server) updateFiles(files []uri.URI) bool {
	touched := false
	for _, u := range files {
		root, rel := s.ws.locate(u)
		if root == "" || rel == "" {
			continue
		}
		touched = true
		if !isMarkdownPath(rel) {
			continue
		}
		plan := readPlan(filepath.Join(root, filepath.FromSlash(rel)), s.ws.settings(root))
		s.index.mu.Lock()
		if s.index.files == nil {
			s.index.files = map[string]map[string]*analysis.Plan{}
		}
		if s.index.files[root] == nil {
			s.index.files[root] = map[string]*analysis.Plan{}
		}
		if plan == nil {
			delete(s.index.files[root], rel)
		} else {
			s.index.files[root][rel] = plan
		}
		delete(s.index.snaps, root)
		s.index.mu.Unlock()
	}
	return touched
}

// registerWatchers asks the client to watch the workspace's files, when it
// supports dynamic registration of didChangeWatchedFiles.
func (s *server) registerWatchers(ctx context.Context) {
	c := s.clientCapabilities()
	if c == nil || c.Workspace == nil || c.Workspace.DidChangeWatchedFiles == nil ||
		c.Workspace.DidChangeWatchedFiles.DynamicRegistration == nil || !*c.Workspace.DidChangeWatchedFiles.DynamicRegistration {
		return
	}
	opts, _ := json.Marshal(map[string]any{"watchers": []map[string]any{{"globPattern": "**/*"}}})
	params := &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "planls-watch", Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: opts}}}
	cctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
	defer cancel()
	if _, err := s.conn.Call(cctx, protocol.MethodClientRegisterCapability, params, nil); err != nil {
		s.logf("registering file watchers failed: %v", err)
	}
}

// progress reports work-done progress for one token, or does nothing when the
// client does not support it.
type progress struct {
	s     *server
	ctx   context.Context
	token protocol.ProgressToken
}

// startProgress creates a progress token and sends its begin report.
func (s *server) startProgress(ctx context.Context, title string) *progress {
	c := s.clientCapabilities()
	if c == nil || c.Window == nil || c.Window.WorkDoneProgress == nil || !*c.Window.WorkDoneProgress {
		return &progress{}
	}
	tok := protocol.String(fmt.Sprintf("planls-%d", time.Now().UnixNano()))
	cctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
	defer cancel()
	if _, err := s.conn.Call(cctx, protocol.MethodWindowWorkDoneProgressCreate, &protocol.WorkDoneProgressCreateParams{Token: tok}, nil); err != nil {
		return &progress{}
	}
	p := &progress{s: s, ctx: ctx, token: tok}
	p.send(map[string]any{"kind": "begin", "title": title, "cancellable": false})
	return p
}

// send sends one progress value.
func (p *progress) send(v map[string]any) {
	if p.s == nil {
		return
	}
	raw, _ := json.Marshal(v)
	_ = p.s.conn.Notify(p.ctx, protocol.MethodProgress, &protocol.ProgressParams{Token: p.token, Value: raw})
}

// report sends a progress message.
func (p *progress) report(msg string) { p.send(map[string]any{"kind": "report", "message": msg}) }

// end ends the progress.
func (p *progress) end(msg string) { p.send(map[string]any{"kind": "end", "message": msg}) }

// workspaceFoldersCapability announces multi-root support with change
// notifications.
func workspaceFoldersCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	yes := true
	caps.Workspace = &protocol.WorkspaceOptions{WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
		Supported: &yes, ChangeNotifications: protocol.Boolean(true)}}
}
