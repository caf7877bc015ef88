package server

// This file defines the moves of tasks to a section of another plan file
// (Move to "<file> › <section>", analysis.FileMoveActions) for the files the
// moveTargets setting names: the target's text is the open document's when
// the editor has it open, else the text on disk (the index's plan when it
// still holds that text), so that the edits of a file the editor has not
// opened are never computed for stale text. The WorkspaceEdit touching both
// files is built by fileMappers.workspaceEdit.

import (
	"bytes"
	"io/fs"

	"github.com/planls/planls/analysis"
)

// fileMoveActions returns the moves of the tasks selected in plan (the
// document of env) to the sections of the other plan files the settings name.
func (s *server) fileMoveActions(snap snapshot, env docEnv, plan *analysis.Plan, sel analysis.Span) []analysis.Action {
	if env.root == "" || env.rel == "" || len(env.settings.MoveTargets) == 0 {
		return nil
	}
	targets := s.moveTargetPlans(snap, env)
	if targets.Len() == 0 {
		return nil
	}
	return analysis.FileMoveActions(plan, env.rel, sel, env.settings, targets)
}

// moveTargetPlans returns the plans of the move targets of a document's
// settings: the open document's, else the indexed plan when the file on disk
// still holds its text, else the file on disk parsed now. Files that do not
// exist, are not regular or are too large are left out.
func (s *server) moveTargetPlans(snap snapshot, env docEnv) *analysis.Workspace {
	plans := map[string]*analysis.Plan{}
	for _, rel := range analysis.MoveTargetFiles(env.settings.MoveTargets, env.rel) {
		if doc := snap.document(fileURI(env.root, rel)); doc != nil {
			plans[rel] = s.plan(doc, env.settings)
			continue
		}
		if env.fsys == nil {
			continue
		}
		fi, err := fs.Stat(env.fsys, rel)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > MaxIndexedFileSize {
			continue
		}
		data, err := fs.ReadFile(env.fsys, rel)
		if err != nil {
			continue
		}
		if p := env.workspace.Plan(rel); p != nil && bytes.Equal(p.Src, data) {
			plans[rel] = p
			continue
		}
		plans[rel] = analysis.ParseWith(data, env.settings)
	}
	return analysis.NewWorkspace(plans)
}
