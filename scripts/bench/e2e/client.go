package main

// This file defines client, the editor side of a benchmark run: it answers the
// requests a language server sends to its client (configuration, progress,
// capability registration, and the markdown/* file system requests of VS
// Code's Markdown server), records published diagnostics and progress, and
// pulls diagnostics the way VS Code's language client does when the server
// uses pull diagnostics.

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// eventKind says what an event reports.
type eventKind int

// The event kinds.
const (
	// evDiagnostics: diagnostics of a document version were published or pulled.
	evDiagnostics eventKind = iota
	// evProgressBegin: a $/progress began.
	evProgressBegin
	// evProgressEnd: a $/progress ended.
	evProgressEnd
)

// event is something the server did that a benchmark phase waits for.
type event struct {
	kind    eventKind
	uri     string
	version int // -1 when the server did not say
	count   int // number of diagnostics
	title   string
	at      time.Time
}

// pullState tracks the diagnostic pulls of one document, like the
// DocumentPullStateTracker of vscode-languageclient: at most one pull is in
// flight; a change while one is in flight cancels it and pulls again when it
// returns.
type pullState struct {
	active     bool
	gen        int   // number of the pull in flight
	id         int64 // its request id, 0 while unknown
	reschedule bool
}

// client is the editor side of one server connection.
type client struct {
	c        *conn
	root     string // workspace folder, absolute
	settings map[string]json.RawMessage
	pull     bool   // pull diagnostics (textDocument/diagnostic) instead of waiting for pushes
	diagID   string // the server's diagnostic identifier, for pulls

	events chan event

	mu       sync.Mutex
	versions map[string]int // open documents and their versions
	pulls    map[string]*pullState
	diags    map[string][]json.RawMessage // the latest diagnostics of each document
	titles   map[string]string            // progress token → title
	dynamic  map[string]bool              // methods registered with client/registerCapability
}

// newClient returns the client of c, which must not be running yet.
func newClient(c *conn, root string, settings map[string]json.RawMessage, pull bool) *client {
	cl := &client{
		c: c, root: root, settings: settings, pull: pull,
		events:   make(chan event, 1<<14),
		versions: map[string]int{},
		pulls:    map[string]*pullState{},
		diags:    map[string][]json.RawMessage{},
		titles:   map[string]string{},
		dynamic:  map[string]bool{},
	}
	c.onRequest = cl.handleRequest
	c.onNotify = cl.handleNotification
	return cl
}

// emit records an event without ever blocking the read loop.
func (cl *client) emit(ev event) {
	select {
	case cl.events <- ev:
	default:
	}
}

// drainEvents drops the events recorded so far.
func (cl *client) drainEvents() {
	for {
		select {
		case <-cl.events:
		default:
			return
		}
	}
}

// handleNotification records published diagnostics and progress.
func (cl *client) handleNotification(method string, params json.RawMessage, at time.Time) {
	switch method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI         string            `json:"uri"`
			Version     *int              `json:"version"`
			Diagnostics []json.RawMessage `json:"diagnostics"`
		}
		if json.Unmarshal(params, &p) != nil {
			return
		}
		v := -1
		if p.Version != nil {
			v = *p.Version
		}
		cl.mu.Lock()
		cl.diags[p.URI] = p.Diagnostics
		cl.mu.Unlock()
		cl.emit(event{kind: evDiagnostics, uri: p.URI, version: v, count: len(p.Diagnostics), at: at})
	case "$/progress":
		var p struct {
			Token json.RawMessage `json:"token"`
			Value struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"value"`
		}
		if json.Unmarshal(params, &p) != nil {
			return
		}
		token := string(p.Token)
		cl.mu.Lock()
		if p.Value.Kind == "begin" {
			cl.titles[token] = p.Value.Title
		}
		title := cl.titles[token]
		cl.mu.Unlock()
		switch p.Value.Kind {
		case "begin":
			cl.emit(event{kind: evProgressBegin, title: title, at: at})
		case "end":
			cl.emit(event{kind: evProgressEnd, title: title, at: at})
		}
	}
}

// handleRequest answers a request from the server.
func (cl *client) handleRequest(method string, params json.RawMessage) (any, *rpcError) {
	switch method {
	case "workspace/configuration":
		var p struct {
			Items []struct {
				Section string `json:"section"`
			} `json:"items"`
		}
		_ = json.Unmarshal(params, &p)
		out := make([]any, len(p.Items))
		for i, it := range p.Items {
			if v, ok := cl.settings[it.Section]; ok {
				out[i] = v
			}
		}
		return out, nil
	case "client/registerCapability":
		var p struct {
			Registrations []struct {
				Method string `json:"method"`
			} `json:"registrations"`
		}
		_ = json.Unmarshal(params, &p)
		cl.mu.Lock()
		for _, r := range p.Registrations {
			cl.dynamic[r.Method] = true
		}
		cl.mu.Unlock()
		return nil, nil
	case "window/workDoneProgress/create", "client/unregisterCapability", "window/showMessageRequest", "window/showDocument":
		return nil, nil
	case "workspace/workspaceFolders":
		return []any{map[string]string{"uri": fileURI(cl.root), "name": filepath.Base(cl.root)}}, nil
	case "workspace/applyEdit":
		return map[string]any{"applied": false}, nil
	case "workspace/diagnostic/refresh":
		if cl.pull {
			go cl.pullAll()
		}
		return nil, nil
	case "markdown/fs/stat":
		path, ok := cl.pathOf(params)
		if !ok {
			return nil, nil
		}
		fi, err := os.Stat(path)
		if err != nil {
			return nil, nil
		}
		return map[string]bool{"isDirectory": fi.IsDir()}, nil
	case "markdown/fs/readFile":
		path, ok := cl.pathOf(params)
		if !ok {
			return nil, &rpcError{Code: -32603, Message: "outside the workspace"}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &rpcError{Code: -32603, Message: err.Error()}
		}
		// VS Code's client answers with the bytes as a JSON array of numbers.
		nums := make([]int, len(data))
		for i, b := range data {
			nums[i] = int(b)
		}
		return nums, nil
	case "markdown/fs/readDirectory":
		path, ok := cl.pathOf(params)
		if !ok {
			return []any{}, nil
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, &rpcError{Code: -32603, Message: err.Error()}
		}
		out := make([]any, 0, len(entries))
		for _, e := range entries {
			out = append(out, []any{e.Name(), map[string]bool{"isDirectory": e.IsDir()}})
		}
		return out, nil
	case "markdown/findMarkdownFilesInWorkspace":
		return cl.markdownFiles(), nil
	case "markdown/fs/watcher/create", "markdown/fs/watcher/delete":
		return nil, nil
	}
	return nil, &rpcError{Code: codeMethodNotFound, Message: "method not found: " + method}
}

// pathOf returns the file path of the "uri" param, when it is a file URI
// inside the workspace folder: the driver serves no file outside it.
func (cl *client) pathOf(params json.RawMessage) (string, bool) {
	var p struct {
		URI string `json:"uri"`
	}
	if json.Unmarshal(params, &p) != nil {
		return "", false
	}
	u, err := url.Parse(p.URI)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	path := filepath.Clean(u.Path)
	if path != cl.root && !strings.HasPrefix(path, cl.root+string(filepath.Separator)) {
		return "", false
	}
	return path, true
}

// markdownFiles lists the URIs of the Markdown files of the workspace, skipping
// hidden folders and node_modules as VS Code's default excludes do.
func (cl *client) markdownFiles() []string {
	var out []string
	_ = filepath.WalkDir(cl.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != cl.root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".md") {
			out = append(out, fileURI(p))
		}
		return nil
	})
	return out
}

// setVersion records that a document is open at a version (0 closes it).
func (cl *client) setVersion(uri string, v int) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if v == 0 {
		delete(cl.versions, uri)
		return
	}
	cl.versions[uri] = v
}

// registered reports whether the server registered a method dynamically.
func (cl *client) registered(method string) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.dynamic[method]
}

// lastDiagnostics returns the latest diagnostics of a document.
func (cl *client) lastDiagnostics(uri string) []json.RawMessage {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.diags[uri]
}

// pullAll pulls the diagnostics of every open document.
func (cl *client) pullAll() {
	cl.mu.Lock()
	uris := make([]string, 0, len(cl.versions))
	for u := range cl.versions {
		uris = append(uris, u)
	}
	cl.mu.Unlock()
	for _, u := range uris {
		cl.pullDoc(u)
	}
}

// pullDoc pulls the diagnostics of a document, or, when a pull is in flight,
// cancels it and pulls again once it returns (vscode-languageclient's rule).
func (cl *client) pullDoc(uri string) {
	cl.mu.Lock()
	st := cl.pulls[uri]
	if st == nil {
		st = &pullState{}
		cl.pulls[uri] = st
	}
	if st.active {
		cancelID := int64(0)
		if !st.reschedule {
			st.reschedule = true
			cancelID = st.id
		}
		cl.mu.Unlock()
		if cancelID != 0 {
			cl.c.cancel(cancelID)
		}
		return
	}
	st.active, st.reschedule = true, false
	st.gen++
	gen, version := st.gen, cl.versions[uri]
	cl.mu.Unlock()

	params := map[string]any{"textDocument": map[string]string{"uri": uri}}
	if cl.diagID != "" {
		params["identifier"] = cl.diagID
	}
	id, err := cl.c.callAsync("textDocument/diagnostic", params, func(r reply) { cl.pulled(uri, version, gen, r) })
	cl.mu.Lock()
	if err != nil {
		st.active = false
	} else if st.active && st.gen == gen {
		st.id = id
	}
	cl.mu.Unlock()
}

// pulled handles the response to a pull sent at document version version.
func (cl *client) pulled(uri string, version, gen int, r reply) {
	var report struct {
		Kind  string            `json:"kind"`
		Items []json.RawMessage `json:"items"`
	}
	ok := r.Err == nil && json.Unmarshal(r.Result, &report) == nil
	cl.mu.Lock()
	st := cl.pulls[uri]
	again := false
	if st != nil && st.gen == gen {
		again = st.reschedule
		st.active, st.reschedule, st.id = false, false, 0
	}
	if r.Err != nil && r.Err.Code == codeServerCancelled {
		again = true // retriggerRequest defaults to true
	}
	if ok {
		cl.diags[uri] = report.Items
	}
	_, open := cl.versions[uri]
	cl.mu.Unlock()
	if ok {
		cl.emit(event{kind: evDiagnostics, uri: uri, version: version, count: len(report.Items), at: r.At})
	}
	if again && open {
		go cl.pullDoc(uri)
	}
}

// fileURI returns the file URI of an absolute path.
func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}
