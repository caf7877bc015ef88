package server

// This file defines textDocument/completion: section names, anchors, paths and
// reference labels, computed by analysis.Complete.

import (
	"context"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// completionCapability announces completion, triggered by the characters that
// start what planls completes.
func completionCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: []string{"#", "(", "/", "[", " "}}
}

// completionKinds maps analysis completion kinds to LSP kinds.
var completionKinds = map[analysis.CompletionKind]protocol.CompletionItemKind{
	analysis.CompleteSection:   protocol.CompletionItemKindEnumMember,
	analysis.CompleteAnchor:    protocol.CompletionItemKindReference,
	analysis.CompleteFile:      protocol.CompletionItemKindFile,
	analysis.CompleteFolder:    protocol.CompletionItemKindFolder,
	analysis.CompleteReference: protocol.CompletionItemKindReference,
}

// completion answers textDocument/completion.
func (s *server) completion(ctx context.Context, snap snapshot, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return list, nil
	}
	env := s.envFor(doc.uri)
	plan := s.plan(doc, env.settings)
	off := s.toOffset(doc, p.Position)
	items := analysis.Complete(plan, off, analysis.CompletionEnv{Settings: env.settings, FS: env.fsys, Path: env.rel, Root: ".",
		SectionNames: env.workspace.SectionNames(env.rel), Cache: analysis.NewFileCache(env.workspace)})
	for _, it := range items {
		edit := &protocol.TextEdit{Range: s.toRange(doc, it.Replace), NewText: it.Insert}
		list.Items = append(list.Items, protocol.CompletionItem{
			Label:      it.Label,
			Kind:       completionKinds[it.Kind],
			Detail:     protocol.NewOptional(it.Detail),
			SortText:   protocol.NewOptional(it.Sort),
			FilterText: protocol.NewOptional(it.Filter),
			TextEdit:   edit,
		})
	}
	return list, nil
}
