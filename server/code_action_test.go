package server

// This file tests the two ways textDocument/codeAction answers: without edits
// for a client that resolves them (codeAction/resolve computes the one the user
// picks, for the document version and selection its data names, and refuses a
// stale version or data that is not planls's), and with every edit for a client
// that does not.

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// codeActionPlan is the plan of these tests: the cursor goes on "ship it",
// a closed task in an open section (a done-outside-done finding).
const codeActionPlan = "# Plan\n\n## doing\n\n- [ ] write\n- [x] ship it\n\n## wait\n\n- [ ] later\n\n## done\n\n- [x] old\n"

// resolveCaps are the client capabilities of a client that resolves edits.
const resolveCaps = `{"workspace": {"workspaceEdit": {"documentChanges": true}, "applyEdit": true},
	"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": true}}}`

// eagerCaps are the client capabilities of a client that does not.
const eagerCaps = `{"workspace": {"workspaceEdit": {"documentChanges": true}, "applyEdit": true},
	"textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "refactor"]}}}}}`

// openCodeActionPlan starts a server with the given client capabilities and
// opens codeActionPlan; it returns the client, the document and the cursor's
// range on "ship it".
func openCodeActionPlan(t *testing.T, caps string) (*lspClient, uri.URI, protocol.Range) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "plan.md"), []byte(codeActionPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newLSPClient(t, dir, UTF16, caps)
	u, text := c.open("plan.md")
	c.waitDiagnostics(u, 1)
	at := c.position(text, strings.Index(text, "ship it"))
	return c, u, protocol.Range{Start: at, End: at}
}

// codeActionsAt asks for the code actions at rng, with no diagnostics in
// context, and returns them by title.
func codeActionsAt(t *testing.T, c *lspClient, u uri.URI, rng protocol.Range) map[string]*protocol.CodeAction {
	t.Helper()
	var actions []*protocol.CodeAction
	if err := c.call("textDocument/codeAction", &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: rng,
		Context: protocol.CodeActionContext{Diagnostics: []protocol.Diagnostic{}}}, &actions); err != nil {
		t.Fatal(err)
	}
	out := map[string]*protocol.CodeAction{}
	for _, a := range actions {
		out[a.Title] = a
	}
	for _, title := range []string{"Mark done", "Reopen", "Toggle checkbox", `Move to "wait"`, `Move to "done"`} {
		if out[title] == nil {
			t.Fatalf("no action %q among %v", title, out)
		}
	}
	return out
}

// resolveError resolves ca and returns the error code and message of the
// answer, failing the test when the answer is not an error.
func resolveError(t *testing.T, c *lspClient, ca *protocol.CodeAction) (jsonrpc2.Code, string) {
	t.Helper()
	var got protocol.CodeAction
	err := c.call("codeAction/resolve", ca, &got)
	var e *jsonrpc2.Error
	if !errors.As(err, &e) {
		t.Fatalf("resolving %q gave %v, %+v; want an error", ca.Title, err, got.Edit)
	}
	return e.Code, e.Message
}

func TestCodeActionResolve(t *testing.T) {
	c, u, rng := openCodeActionPlan(t, resolveCaps)
	actions := codeActionsAt(t, c, u, rng)
	// Quick fixes (here Mark done, which fixes the done-outside-done on the
	// line) come with their edits; everything else comes with data instead.
	for title, a := range actions {
		if quick := a.Kind != nil && *a.Kind == "quickfix"; quick != (a.Edit != nil) || quick != (len(a.Data) == 0) {
			t.Errorf("%q (%v): edit %v, data %s", title, *a.Kind, a.Edit, a.Data)
		}
		if len(a.Data) == 0 {
			continue
		}
		var data actionData
		if err := json.Unmarshal(a.Data, &data); err != nil || data.URI != u || data.Version != 1 || data.Range != rng || data.ID == "" {
			t.Errorf("%q has data %s (%v)", title, a.Data, err)
		}
	}
	// Resolving a move gives the edit of that move, for version 1.
	var resolved protocol.CodeAction
	if err := c.call("codeAction/resolve", actions[`Move to "wait"`], &resolved); err != nil {
		t.Fatal(err)
	}
	got, _ := c.applyWorkspaceEdit(resolved.Edit, u, codeActionPlan, 1)
	want := strings.Replace(strings.Replace(codeActionPlan, "- [x] ship it\n", "", 1), "## wait\n\n", "## wait\n\n- [x] ship it\n", 1)
	if got != want {
		t.Errorf("Move to \"wait\" gives\n%s\nwant\n%s", got, want)
	}
	if resolved.Title != `Move to "wait"` || resolved.Kind == nil || *resolved.Kind != "refactor.move" {
		t.Errorf("resolve changed the action: %+v", resolved)
	}

	// Data that is not planls's, or names an action that is not offered.
	bad := func(title string, data any) *protocol.CodeAction {
		raw, _ := json.Marshal(data)
		return &protocol.CodeAction{Title: title, Data: raw}
	}
	for _, ca := range []*protocol.CodeAction{
		{Title: "no data"},
		bad("not an object", []int{1, 2}),
		bad("no id", actionData{URI: u, Version: 1, Range: rng}),
		bad("unknown id", actionData{URI: u, Version: 1, Range: rng, ID: "move:99"}),
		bad("not open", actionData{URI: uri.File(filepath.Join(c.root, "other.md")), Version: 1, Range: rng, ID: "done"}),
		bad("Mark done", actionData{URI: u, Version: 1, Range: protocol.Range{}, ID: "done"}), // no task on line 0
		bad(`Move to "elsewhere"`, actionData{URI: u, Version: 1, Range: rng, ID: "move:2"}),  // the title does not match
	} {
		if code, msg := resolveError(t, c, ca); code != jsonrpc2.InvalidParams || msg == "" {
			t.Errorf("resolving %q: error %d %q, want InvalidParams", ca.Title, code, msg)
		}
	}

	// The document changes: an action offered for version 1 is not resolved
	// against version 2, not even when the same action exists there.
	c.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": string(u), "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{
			"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 0, "character": 0}}, "text": "\n"}},
	})
	code, msg := resolveError(t, c, actions[`Move to "done"`])
	if code != codeContentModified || !strings.Contains(msg, "changed") {
		t.Errorf("stale resolve: error %d %q, want ContentModified", code, msg)
	}
	// Asking again gives actions for version 2, which resolve.
	rng.Start.Line++
	rng.End.Line++
	again := codeActionsAt(t, c, u, rng)
	if err := c.call("codeAction/resolve", again[`Move to "done"`], &resolved); err != nil {
		t.Fatalf("resolving at version 2: %v", err)
	}
	if resolved.Edit == nil || len(resolved.Edit.DocumentChanges) != 1 {
		t.Fatalf("no edit at version 2: %+v", resolved.Edit)
	}
	if tde, ok := resolved.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit); !ok || tde.TextDocument.Version == nil || *tde.TextDocument.Version != 2 {
		t.Errorf("edit not for version 2: %+v", resolved.Edit.DocumentChanges[0])
	}
}

// TestCodeActionQuickFixEager checks that a quick fix comes with its edit even
// for a client that resolves: Mark done fixing the done-outside-done in context.
func TestCodeActionQuickFixEager(t *testing.T) {
	c, u, rng := openCodeActionPlan(t, resolveCaps)
	published := c.waitDiagnostics(u, 1)
	var inContext []protocol.Diagnostic
	for _, d := range published {
		if d.Range.Start.Line == rng.Start.Line {
			inContext = append(inContext, d)
		}
	}
	if len(inContext) != 1 || inContext[0].Code != protocol.String("done-outside-done") {
		t.Fatalf("diagnostics on the cursor's line: %+v", inContext)
	}
	var actions []*protocol.CodeAction
	if err := c.call("textDocument/codeAction", &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Range: rng,
		Context: protocol.CodeActionContext{Diagnostics: inContext}}, &actions); err != nil {
		t.Fatal(err)
	}
	for _, a := range actions {
		if a.Title != "Mark done" {
			continue
		}
		if a.Kind == nil || *a.Kind != "quickfix" || a.Edit == nil || len(a.Diagnostics) != 1 || a.Diagnostics[0].Code != inContext[0].Code {
			t.Errorf("Mark done as a quick fix: %+v", a)
		}
		return
	}
	t.Fatal("no Mark done")
}

// TestCodeActionEager checks that a client without resolve support gets every
// edit and no data, and that the server does not announce resolve to it.
func TestCodeActionEager(t *testing.T) {
	c, u, rng := openCodeActionPlan(t, eagerCaps)
	for title, a := range codeActionsAt(t, c, u, rng) {
		if a.Edit == nil || len(a.Data) != 0 {
			t.Errorf("%q: edit %v, data %s; want an edit and no data", title, a.Edit, a.Data)
		}
		if title == "Toggle checkbox" {
			got, _ := c.applyWorkspaceEdit(a.Edit, u, codeActionPlan, 1)
			if want := strings.Replace(codeActionPlan, "[x] ship it", "[ ] ship it", 1); got != want {
				t.Errorf("Toggle checkbox gives\n%s", got)
			}
		}
	}
}

// TestCodeActionCapability checks that resolve is announced only to clients
// that resolve edits and keep data.
func TestCodeActionCapability(t *testing.T) {
	for _, tc := range []struct {
		caps string
		want bool
	}{
		{resolveCaps, true},
		{eagerCaps, false},
		{`{"textDocument": {"codeAction": {"resolveSupport": {"properties": ["command"]}, "dataSupport": true}}}`, false},
		{`{"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}`, false}, // data would be lost
		{`{}`, false},
	} {
		var client protocol.ClientCapabilities
		if err := json.Unmarshal([]byte(tc.caps), &client); err != nil {
			t.Fatal(err)
		}
		var caps protocol.ServerCapabilities
		codeActionCapability(&caps, &client)
		opts, ok := caps.CodeActionProvider.(*protocol.CodeActionOptions)
		if !ok {
			t.Fatalf("%s: provider %T", tc.caps, caps.CodeActionProvider)
		}
		if got := opts.ResolveProvider != nil && *opts.ResolveProvider; got != tc.want {
			t.Errorf("%s: resolveProvider %v, want %v", tc.caps, got, tc.want)
		}
	}
}
