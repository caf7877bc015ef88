package server

// This file defines textDocument/codeAction and codeAction/resolve: the task
// actions (Move to, Mark done, Reopen, Toggle checkbox), the quick fixes and
// fix-all, computed by analysis.Actions and analysis.FixAllAction, and the
// moves to other plan files (see move_file.go).

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// codeActionCapability announces code actions with their kinds, and resolve
// when the client can resolve edits lazily.
func codeActionCapability(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities) {
	opts := &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{
		protocol.CodeActionKind(analysis.KindQuickFix), protocol.CodeActionKind(analysis.KindMove),
		protocol.CodeActionKind(analysis.KindRewrite), protocol.CodeActionKind(analysis.KindFixAll),
	}}
	if clientResolvesEdits(client) {
		yes := true
		opts.ResolveProvider = &yes
	}
	caps.CodeActionProvider = opts
}

// clientResolvesEdits reports whether the client can resolve a code action's
// edit: it resolves the edit property and keeps an action's data until it
// resolves it (VS Code and Neovim ≥ 0.8 announce both).
func clientResolvesEdits(c *protocol.ClientCapabilities) bool {
	if c == nil || c.TextDocument == nil || c.TextDocument.CodeAction == nil {
		return false
	}
	ca := c.TextDocument.CodeAction
	return slices.Contains(ca.ResolveSupport.Properties, "edit") && ca.DataSupport != nil && *ca.DataSupport
}

// actionData is the data of an action offered without its edit: what
// codeAction/resolve needs to compute that edit again, for the same document
// version and selection.
type actionData struct {
	// URI and Version name the document and the version the action was
	// offered for; resolve refuses any other version.
	URI     uri.URI `json:"uri"`
	Version int32   `json:"version"`
	// Range is the selection the action was offered for.
	Range protocol.Range `json:"range"`
	// ID is the analysis action's ID, or filePrefix and the title for a move
	// to another file.
	ID string `json:"id"`
}

// filePrefix starts the data ID of a move to another plan file, which is
// resolved by its title.
const filePrefix = "file:"

// kindWanted reports whether kind is selected by the only filter of a request
// (an empty filter selects every kind but source actions).
func kindWanted(kind string, only []protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return !strings.HasPrefix(kind, "source")
	}
	for _, o := range only {
		if kind == string(o) || strings.HasPrefix(kind, string(o)+".") {
			return true
		}
	}
	return false
}

// codeAction answers textDocument/codeAction. A client that resolves edits
// gets the actions without them (but quick fixes, which are few and small),
// listed by analysis.ListActions without computing any edit; any other client
// gets every edit, computed by analysis.Actions.
func (s *server) codeAction(ctx context.Context, snap snapshot, p *protocol.CodeActionParams) ([]*protocol.CodeAction, error) {
	out := []*protocol.CodeAction{}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return out, nil
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	sel := s.toSpan(doc, p.Range)
	diags := s.diagnose(doc, env, plan)
	fixed := s.fixedDiagnostics(doc, env, plan, diags)
	now := s.clock()
	lazy := clientResolvesEdits(s.clientCapabilities())
	var actions []analysis.Action
	if lazy {
		actions = analysis.ListActions(plan, sel, env.settings, diags, now)
	} else {
		actions = analysis.Actions(plan, sel, env.settings, diags, now)
	}
	if kindWanted(analysis.KindMove, p.Context.Only) {
		actions = append(actions, s.fileMoveActions(snap, env, plan, sel)...)
	}
	for _, a := range actions {
		if !kindWanted(a.Kind, p.Context.Only) {
			continue
		}
		if lazy && a.Kind != analysis.KindQuickFix {
			ca := s.codeActionOf(a, fixed)
			id := a.ID
			if a.Other != nil || id == "" {
				id = filePrefix + a.Title
			}
			raw, _ := json.Marshal(actionData{URI: doc.uri, Version: doc.version, Range: p.Range, ID: id})
			ca.Data = raw
			out = append(out, ca)
			continue
		}
		if a.Edits == nil && a.Other == nil && a.CreateFile == "" {
			// Listed without its edits: compute them now.
			withEdits, err := analysis.ActionEdits(plan, sel, env.settings, diags, now, a.ID)
			if err != nil {
				s.logf("code action %q left out: %v", a.Title, err)
				continue
			}
			a.Edits = withEdits.Edits
		}
		ca, err := s.toCodeAction(snap, doc, env, a, fixed)
		if err != nil {
			s.logf("code action %q left out: %v", a.Title, err)
			continue
		}
		out = append(out, ca)
	}
	if kindWanted(analysis.KindFixAll, p.Context.Only) && len(p.Context.Only) > 0 {
		if a, ok := analysis.FixAllAction(plan, env.settings, now); ok {
			if ca, err := s.toCodeAction(snap, doc, env, a, nil); err == nil {
				out = append(out, ca)
			}
		}
	}
	return out, nil
}

// fixedDiagnostics returns the function that gives the LSP form of the
// diagnostic diags[i] that an action fixes, converting each one once and only
// when it is asked for: a plan has thousands of diagnostics, an action fixes
// one or two.
func (s *server) fixedDiagnostics(doc *document, env docEnv, plan *analysis.Plan, diags []analysis.Diagnostic) func(i int) (protocol.Diagnostic, bool) {
	done := map[int]protocol.Diagnostic{}
	return func(i int) (protocol.Diagnostic, bool) {
		if i < 0 || i >= len(diags) {
			return protocol.Diagnostic{}, false
		}
		if d, ok := done[i]; ok {
			return d, true
		}
		d := s.toDiagnostics(doc, env, plan, diags[i:i+1])[0]
		done[i] = d
		return d, true
	}
}

// toCodeAction converts an analysis action with its edit; fixed gives the LSP
// forms of the diagnostics given to analysis.Actions, by index (nil for none).
// The error is a ContentModified one when another file the action edits
// changed.
func (s *server) toCodeAction(snap snapshot, doc *document, env docEnv, a analysis.Action, fixed func(int) (protocol.Diagnostic, bool)) (*protocol.CodeAction, error) {
	edit, err := s.actionEdit(snap, doc, env, a)
	if err != nil {
		return nil, err
	}
	ca := s.codeActionOf(a, fixed)
	ca.Edit = edit
	return ca, nil
}

// codeActionOf converts an analysis action without its edit.
func (s *server) codeActionOf(a analysis.Action, fixed func(int) (protocol.Diagnostic, bool)) *protocol.CodeAction {
	kind := protocol.CodeActionKind(a.Kind)
	ca := &protocol.CodeAction{Title: a.Title, Kind: &kind}
	if a.Preferred {
		yes := true
		ca.IsPreferred = &yes
	}
	if fixed != nil {
		for _, i := range a.Diagnostics {
			if d, ok := fixed(i); ok {
				ca.Diagnostics = append(ca.Diagnostics, d)
			}
		}
	}
	return ca
}

// actionEdit returns the WorkspaceEdit of an action of doc: the edits of doc,
// the file it creates, and the edits of the other file it changes, if any.
func (s *server) actionEdit(snap snapshot, doc *document, env docEnv, a analysis.Action) (*protocol.WorkspaceEdit, error) {
	if a.Other != nil {
		files := []analysis.FileEdit{{Path: env.rel, Src: doc.text, Edits: a.Edits}, *a.Other}
		return s.newFileMappers(snap, doc, env).workspaceEdit(files)
	}
	var create uri.URI
	if a.CreateFile != "" && env.root != "" {
		create = uri.File(filepath.Join(env.root, filepath.FromSlash(a.CreateFile)))
	}
	return s.workspaceEdit(doc, a.Edits, create), nil
}

// resolveCodeAction answers codeAction/resolve: the edit of an action offered
// without one, computed for the document version and selection its data
// names. An action offered for another version of the document gets a
// ContentModified error rather than an edit of text the user no longer has; one
// that no longer applies, or whose data is not planls's, gets an InvalidParams
// error.
func (s *server) resolveCodeAction(ctx context.Context, snap snapshot, ca *protocol.CodeAction) (*protocol.CodeAction, error) {
	var data actionData
	if len(ca.Data) == 0 || json.Unmarshal(ca.Data, &data) != nil || data.URI == "" || data.ID == "" {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "code action %q has no planls data to resolve", ca.Title)
	}
	doc := snap.document(data.URI)
	if doc == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "code action %q: %s is not open", ca.Title, data.URI)
	}
	if doc.version != data.Version {
		return nil, jsonrpc2.Errorf(codeContentModified, "the document changed (version %d, now %d) since the action %q was offered; ask for code actions again",
			data.Version, doc.version, ca.Title)
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	sel := s.toSpan(doc, data.Range)
	var a analysis.Action
	if title, ok := strings.CutPrefix(data.ID, filePrefix); ok {
		found := false
		for _, m := range s.fileMoveActions(snap, env, plan, sel) {
			if m.Title == title {
				a, found = m, true
				break
			}
		}
		if !found {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "the action %q no longer applies", ca.Title)
		}
	} else {
		var err error
		a, err = analysis.ActionEdits(plan, sel, env.settings, s.diagnose(doc, env, plan), s.clock(), data.ID)
		if err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "the action %q no longer applies: %v", ca.Title, err)
		}
		if a.Title != ca.Title {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "the action %q no longer applies (it is now %q)", ca.Title, a.Title)
		}
	}
	edit, err := s.actionEdit(snap, doc, env, a)
	if err != nil {
		return nil, err
	}
	ca.Edit = edit
	return ca, nil
}
