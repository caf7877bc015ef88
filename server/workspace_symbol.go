package server

// This file defines workspace/symbol: a fuzzy search over the sections and
// tasks of every file of every workspace folder, computed by
// analysis.WorkspaceSymbols on the index. The symbols setting switches it off.

import (
	"context"
	"sort"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// maxWorkspaceSymbols caps the answer to workspace/symbol.
const maxWorkspaceSymbols = 200

// workspaceSymbolCapability announces workspace symbols.
func workspaceSymbolCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.WorkspaceSymbolProvider = protocol.Boolean(true)
}

// workspaceSymbol answers workspace/symbol.
func (s *server) workspaceSymbol(ctx context.Context, snap snapshot, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	s.ws.mu.Lock()
	roots := append([]string(nil), s.ws.roots...)
	s.ws.mu.Unlock()
	type found struct {
		root string
		sym  analysis.WorkspaceSymbol
	}
	var all []found
	for _, root := range roots {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !s.ws.settings(root).Symbols {
			continue
		}
		for _, sym := range analysis.WorkspaceSymbols(s.workspaceOf(root), p.Query, maxWorkspaceSymbols) {
			all = append(all, found{root, sym})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.sym.Score != b.sym.Score {
			return a.sym.Score > b.sym.Score
		}
		if a.root != b.root {
			return a.root < b.root
		}
		if a.sym.Path != b.sym.Path {
			return a.sym.Path < b.sym.Path
		}
		return a.sym.Span.Start < b.sym.Span.Start
	})
	if len(all) > maxWorkspaceSymbols {
		all = all[:maxWorkspaceSymbols]
	}
	out := make([]protocol.SymbolInformation, 0, len(all))
	mappers := map[string]*fileMappers{}
	for _, f := range all {
		m := mappers[f.root]
		if m == nil {
			m = &fileMappers{s: s, snap: snap, root: f.root, mappers: map[string]*Mapper{}}
			mappers[f.root] = m
		}
		container := f.sym.Container
		out = append(out, protocol.SymbolInformation{
			BaseSymbolInformation: protocol.BaseSymbolInformation{Name: f.sym.Name, Kind: symbolKind(f.sym.Kind), ContainerName: &container},
			Location:              m.location(analysis.Location{Path: f.sym.Path, Span: f.sym.Span, Src: f.sym.Src}),
		})
	}
	return out, nil
}
