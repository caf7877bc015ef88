package server

// This file defines workspace/executeCommand: the commands key bindings run
// (planls.toggleTask, planls.markDone, planls.reopen, planls.moveTask), applied
// with workspace/applyEdit, and planls.stats for status bars.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// CommandStats returns the open/done counts of a document.
const CommandStats = "planls.stats"

// commandNames are the commands the server executes.
var commandNames = []string{analysis.CommandToggle, analysis.CommandMarkDone, analysis.CommandReopen, analysis.CommandMove, CommandStats}

// executeCommandCapability announces the commands.
func executeCommandCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.ExecuteCommandProvider = protocol.ExecuteCommandOptions{Commands: commandNames}
}

// commandArgs is the one argument every planls command takes. File, for
// planls.moveTask only, is the workspace path of another plan file (one the
// moveTargets setting names) whose section the tasks move to.
type commandArgs struct {
	URI     uri.URI         `json:"uri"`
	Range   *protocol.Range `json:"range"`
	Section string          `json:"section"`
	File    string          `json:"file"`
}

// statsResult is the result of planls.stats.
type statsResult struct {
	Open     int                     `json:"open"`
	Done     int                     `json:"done"`
	Sections []analysis.SectionStats `json:"sections"`
}

// executeCommand answers workspace/executeCommand.
func (s *server) executeCommand(ctx context.Context, snap snapshot, p *protocol.ExecuteCommandParams) (any, error) {
	if !slices.Contains(commandNames, p.Command) {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q; planls executes %s", p.Command, strings.Join(commandNames, ", "))
	}
	if len(p.Arguments) != 1 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s takes one argument {uri, range, section}", p.Command)
	}
	var args commandArgs
	if err := json.Unmarshal(p.Arguments[0], &args); err != nil || args.URI == "" {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: the argument must be {uri, range, section}: %v", p.Command, err)
	}
	doc := snap.document(args.URI)
	if doc == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %s is not open", p.Command, args.URI)
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	if p.Command == CommandStats {
		secs, total := analysis.Stats(plan)
		if secs == nil {
			secs = []analysis.SectionStats{}
		}
		return statsResult{Open: total.Open, Done: total.Done, Sections: secs}, nil
	}
	if args.Range == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s needs a range", p.Command)
	}
	var found *analysis.Action
	sel := s.toSpan(doc, *args.Range)
	actions := analysis.Actions(plan, sel, env.settings, nil, s.clock())
	file := ""
	if p.Command == analysis.CommandMove && args.File != "" {
		files := analysis.MoveTargetFiles([]string{args.File}, "")
		if len(files) != 1 {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %q is not a workspace path", p.Command, args.File)
		}
		// The document's own path means a move within the document.
		if files[0] != env.rel {
			file = files[0]
			actions = s.fileMoveActions(snap, env, plan, sel)
		}
	}
	for _, a := range actions {
		inFile := (a.Other == nil && file == "") || (a.Other != nil && a.Other.Path == file)
		if a.Command == p.Command && (p.Command != analysis.CommandMove || inFile && analysis.Fold(a.Section) == analysis.Fold(args.Section)) {
			found = &a
			break
		}
	}
	if found == nil {
		what := "no task at the given range"
		if p.Command == analysis.CommandMove {
			what = "no task at the given range, or no section named " + args.Section
			if args.File != "" {
				what += " in " + args.File + " (which the moveTargets setting must name)"
			}
		}
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: %s", p.Command, what)
	}
	edit, err := s.actionEdit(snap, doc, env, *found)
	if err != nil {
		return nil, err
	}
	label := found.Title
	var result protocol.ApplyWorkspaceEditResult
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), clientCallTimeout)
	defer cancel()
	if _, err := s.conn.Call(cctx, protocol.MethodWorkspaceApplyEdit, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: *edit}, &result); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: workspace/applyEdit failed: %v", p.Command, err)
	}
	if !result.Applied {
		reason := "the client did not apply the edit"
		if result.FailureReason != nil && *result.FailureReason != "" {
			reason = *result.FailureReason
		}
		return nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: %s", p.Command, reason)
	}
	return nil, nil
}
