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

// clientResolvesEdits reports whether the client can resolve a code action's edit.
func clientResolvesEdits(c *protocol.ClientCapabilities) bool {
	if c == nil || c.TextDocument == nil || c.TextDocument.CodeAction == nil {
		return false
	}
	return slices.Contains(c.TextDocument.CodeAction.ResolveSupport.Properties, "edit")
}

// actionData is the data of an action whose edit is resolved later.
type actionData struct {
	URI     uri.URI        `json:"uri"`
	Version int32          `json:"version"`
	Range   protocol.Range `json:"range"`
	Title   string         `json:"title"`
}

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

// codeAction answers textDocument/codeAction.
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
	pdiags := s.toDiagnostics(doc, env, plan, diags)
	now := s.clock()
	lazy := clientResolvesEdits(s.clientCapabilities())
	actions := analysis.Actions(plan, sel, env.settings, diags, now)
	if kindWanted(analysis.KindMove, p.Context.Only) {
		actions = append(actions, s.fileMoveActions(snap, env, plan, sel)...)
	}
	for _, a := range actions {
		if !kindWanted(a.Kind, p.Context.Only) {
			continue
		}
		if lazy && a.Kind != analysis.KindQuickFix {
			ca := s.codeActionOf(a, pdiags)
			raw, _ := json.Marshal(actionData{URI: doc.uri, Version: doc.version, Range: p.Range, Title: a.Title})
			ca.Data = raw
			out = append(out, ca)
			continue
		}
		ca, err := s.toCodeAction(snap, doc, env, a, pdiags)
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

// toCodeAction converts an analysis action with its edit; pdiags are the LSP
// forms of the diagnostics given to analysis.Actions, in the same order. The
// error is a ContentModified one when another file the action edits changed.
func (s *server) toCodeAction(snap snapshot, doc *document, env docEnv, a analysis.Action, pdiags []protocol.Diagnostic) (*protocol.CodeAction, error) {
	edit, err := s.actionEdit(snap, doc, env, a)
	if err != nil {
		return nil, err
	}
	ca := s.codeActionOf(a, pdiags)
	ca.Edit = edit
	return ca, nil
}

// codeActionOf converts an analysis action without its edit.
func (s *server) codeActionOf(a analysis.Action, pdiags []protocol.Diagnostic) *protocol.CodeAction {
	kind := protocol.CodeActionKind(a.Kind)
	ca := &protocol.CodeAction{Title: a.Title, Kind: &kind}
	if a.Preferred {
		yes := true
		ca.IsPreferred = &yes
	}
	for _, i := range a.Diagnostics {
		if i >= 0 && i < len(pdiags) {
			ca.Diagnostics = append(ca.Diagnostics, pdiags[i])
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
// without one, recomputed for the same document version and selection.
func (s *server) resolveCodeAction(ctx context.Context, snap snapshot, ca *protocol.CodeAction) (*protocol.CodeAction, error) {
	var data actionData
	if len(ca.Data) == 0 || json.Unmarshal(ca.Data, &data) != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "code action %q has no planls data to resolve", ca.Title)
	}
	doc := snap.document(data.URI)
	if doc == nil || doc.version != data.Version {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "the document changed since the action %q was offered; ask again", ca.Title)
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	diags := s.diagnose(doc, env, plan)
	sel := s.toSpan(doc, data.Range)
	actions := analysis.Actions(plan, sel, env.settings, diags, s.clock())
	if strings.HasPrefix(ca.Title, "Move to ") {
		actions = append(actions, s.fileMoveActions(snap, env, plan, sel)...)
	}
	for _, a := range actions {
		if a.Title == ca.Title {
			edit, err := s.actionEdit(snap, doc, env, a)
			if err != nil {
				return nil, err
			}
			ca.Edit = edit
			return ca, nil
		}
	}
	return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "the action %q no longer applies", ca.Title)
}
