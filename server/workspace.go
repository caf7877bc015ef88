package server

// This file defines the workspace state of a session: the workspace folders
// (from initialize), the settings (defaults, then .planls.json of the folder,
// then the editor's planls settings), the cache of parsed documents, and the
// analysis.Env a document is checked in.

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// workspace holds the folders and settings of a session.
type workspace struct {
	mu sync.Mutex
	// roots are the absolute, cleaned paths of the workspace folders, longest first.
	roots []string
	// fileSettings are the settings of each root's .planls.json (defaults when none).
	fileSettings map[string]analysis.Settings
	// editor is the editor's planls settings as JSON, or nil.
	editor []byte
	// effective caches the merged settings per root ("" for documents outside every root).
	effective map[string]analysis.Settings
	// generation increases whenever settings change, so cached plans are redone.
	generation int
	// plans caches the plan of each open document's latest parsed version.
	plans map[uri.URI]cachedPlan
	// fsys holds the file system of each root, opened with os.OpenRoot so that
	// no path or symbolic link leads outside the folder.
	fsys map[string]fs.FS
}

// rootFS returns the file system of a workspace folder, confined to it.
func (w *workspace) rootFS(root string) fs.FS {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.fsys[root]; ok {
		return f
	}
	var f fs.FS
	if r, err := os.OpenRoot(root); err == nil {
		f = r.FS()
	}
	if w.fsys == nil {
		w.fsys = map[string]fs.FS{}
	}
	w.fsys[root] = f
	return f
}

// cachedPlan is a parsed document version.
type cachedPlan struct {
	doc        *document
	generation int
	plan       *analysis.Plan
}

// setRoots records the workspace folders of initialize and reads their settings
// files, returning the warnings to show.
func (w *workspace) setRoots(p *protocol.InitializeParams) []analysis.Warning {
	var roots []string
	if folders, ok := p.WorkspaceFolders.Get(); ok {
		for _, f := range folders {
			if path, ok := uriPath(f.URI); ok {
				roots = append(roots, path)
			}
		}
	}
	// Clients without workspace folders (older ones, and Neovim 0.7) still send
	// the deprecated rootUri and rootPath: they are the fallback.
	//lint:ignore SA1019 the deprecated field is the fallback for older clients
	rootURI := p.RootURI
	//lint:ignore SA1019 the deprecated field is the fallback for older clients
	rootPath := p.RootPath
	if len(roots) == 0 && rootURI != nil {
		if path, ok := uriPath(*rootURI); ok {
			roots = append(roots, path)
		}
	}
	if rp, ok := rootPath.Get(); ok && len(roots) == 0 && rp != "" && filepath.IsAbs(rp) {
		roots = append(roots, filepath.Clean(rp))
	}
	return w.resetRoots(roots)
}

// resetRoots replaces the roots and rereads their settings files.
func (w *workspace) resetRoots(roots []string) []analysis.Warning {
	// Longest first, so that a nested folder wins over its parent.
	for i := 1; i < len(roots); i++ {
		for j := i; j > 0 && len(roots[j]) > len(roots[j-1]); j-- {
			roots[j], roots[j-1] = roots[j-1], roots[j]
		}
	}
	fileSettings := map[string]analysis.Settings{}
	var warns []analysis.Warning
	for _, r := range roots {
		var s analysis.Settings
		var ws []analysis.Warning
		if r, err := os.OpenRoot(r); err == nil {
			s, _, ws = analysis.LoadConfig(r.FS(), ".")
			_ = r.Close()
		} else {
			s = analysis.DefaultSettings()
		}
		fileSettings[r] = s
		warns = append(warns, ws...)
	}
	w.mu.Lock()
	w.roots = roots
	w.fsys = nil
	w.fileSettings = fileSettings
	w.effective = nil
	w.generation++
	w.mu.Unlock()
	return warns
}

// setEditorSettings records the editor's planls settings (JSON) and returns the
// warnings they produce. It reports whether anything changed.
func (w *workspace) setEditorSettings(raw []byte) ([]analysis.Warning, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Equal(raw, w.editor) {
		return nil, false
	}
	w.editor = bytes.Clone(raw)
	w.effective = nil
	w.generation++
	_, warns := analysis.DecodeSettings(raw, analysis.DefaultSettings())
	return warns, true
}

// settings returns the effective settings of a root ("" for none).
func (w *workspace) settings(root string) analysis.Settings {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.effective[root]; ok {
		return s
	}
	base, ok := w.fileSettings[root]
	if !ok {
		base = analysis.DefaultSettings()
	}
	s := base
	editorOnly := analysis.DefaultSettings()
	if len(w.editor) > 0 {
		s, _ = analysis.DecodeSettings(w.editor, base)
		editorOnly, _ = analysis.DecodeSettings(w.editor, editorOnly)
	}
	// Network access is the user's decision, not a repository's: a cloned
	// repository's .planls.json cannot switch external link checks on or allow
	// private hosts (SECURITY.md).
	s.CheckExternalLinks, s.AllowHosts = editorOnly.CheckExternalLinks, editorOnly.AllowHosts
	if w.effective == nil {
		w.effective = map[string]analysis.Settings{}
	}
	w.effective[root] = s
	return s
}

// locate returns the workspace folder holding the document u and its slash path
// relative to it. A file outside every folder is its own workspace only when the
// session has no folders at all (a single file opened on its own); otherwise it
// gets no file system, so planls never reads outside the workspace folders.
func (w *workspace) locate(u uri.URI) (root, rel string) {
	path, ok := uriPath(u)
	if !ok {
		return "", ""
	}
	w.mu.Lock()
	roots := w.roots
	w.mu.Unlock()
	for _, r := range roots {
		if rel, err := filepath.Rel(r, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return r, filepath.ToSlash(rel)
		}
	}
	if len(roots) == 0 {
		return filepath.Dir(path), filepath.Base(path)
	}
	return "", ""
}

// uriPath returns the file system path of a file URI.
func uriPath(u uri.URI) (string, bool) {
	if !u.IsFile() {
		return "", false
	}
	p := u.FsPath()
	if p == "" || !filepath.IsAbs(p) {
		return "", false
	}
	return filepath.Clean(p), true
}

// docEnv is what the features need to know about a document beyond its text.
type docEnv struct {
	settings analysis.Settings
	fsys     fs.FS  // nil outside the workspace
	rel      string // the document's path inside fsys
	root     string // absolute path of the workspace folder, or ""
	// workspace is the index snapshot of the folder, or nil.
	workspace *analysis.Workspace
}

// envFor returns the environment of document u.
func (s *server) envFor(u uri.URI) docEnv {
	root, rel := s.ws.locate(u)
	e := docEnv{settings: s.ws.settings(root), rel: rel, root: root}
	if root != "" {
		e.fsys = s.ws.rootFS(root)
		e.workspace = s.workspaceOf(root)
	}
	return e
}

// analysisEnv returns the analysis.Env of a document.
func (e docEnv) analysisEnv(cache *analysis.FileCache) analysis.Env {
	if cache == nil {
		cache = analysis.NewFileCache(e.workspace)
	}
	return analysis.Env{Settings: e.settings, FS: e.fsys, Path: e.rel, Root: ".", Cache: cache, Workspace: e.workspace}
}

// plan returns the parsed plan of doc, parsing it at most once per version and
// settings generation.
func (s *server) plan(doc *document, settings analysis.Settings) *analysis.Plan {
	s.ws.mu.Lock()
	gen := s.ws.generation
	c, ok := s.ws.plans[doc.uri]
	s.ws.mu.Unlock()
	if ok && c.doc == doc && c.generation == gen {
		return c.plan
	}
	var p *analysis.Plan
	if ok && c.generation == gen && c.doc.version < doc.version {
		// Typing: parse again only the part of the file the edit touched.
		p = analysis.Reparse(c.plan, doc.text, settings)
	} else if ip := s.indexedPlan(doc.uri); ip.Reusable(doc.text, settings) {
		// Opening a file as it is on disk: the index has parsed it already.
		p = ip
	} else {
		p = analysis.ParseWith(doc.text, settings)
	}
	s.ws.mu.Lock()
	if s.ws.plans == nil {
		s.ws.plans = map[uri.URI]cachedPlan{}
	}
	if cur, ok := s.ws.plans[doc.uri]; !ok || cur.doc.version <= doc.version {
		s.ws.plans[doc.uri] = cachedPlan{doc: doc, generation: gen, plan: p}
	}
	s.ws.mu.Unlock()
	return p
}

// forgetPlan drops the cached plan and diagnostics of a closed document.
func (s *server) forgetPlan(u uri.URI) {
	s.ws.mu.Lock()
	delete(s.ws.plans, u)
	s.ws.mu.Unlock()
	s.diagCacheMu.Lock()
	delete(s.diagCache, u)
	s.diagCacheMu.Unlock()
}
