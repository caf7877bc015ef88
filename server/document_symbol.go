package server

// This file defines textDocument/documentSymbol: the outline of a plan
// (sections → subsections and tasks → subtasks) computed by analysis.Symbols,
// as hierarchical DocumentSymbols, or flat SymbolInformation for clients
// without hierarchical support. The symbols setting switches it off.

import (
	"context"
	"slices"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// documentSymbolCapability announces document symbols. Capabilities are fixed
// at initialize, before settings are read, so symbols: false makes the
// requests answer nothing rather than withdrawing the capability.
func documentSymbolCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.DocumentSymbolProvider = protocol.Boolean(true)
}

// symbolKinds maps analysis symbol kinds to LSP kinds: a section is a
// namespace of tasks, a task a boolean (its checkbox).
var symbolKinds = map[analysis.SymbolKind]protocol.SymbolKind{
	analysis.SymbolSection: protocol.SymbolKindNamespace,
	analysis.SymbolTask:    protocol.SymbolKindBoolean,
}

// documentSymbol answers textDocument/documentSymbol.
func (s *server) documentSymbol(ctx context.Context, snap snapshot, p *protocol.DocumentSymbolParams) (any, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return []protocol.DocumentSymbol{}, nil
	}
	env := s.envFor(doc.uri)
	if !env.settings.Symbols {
		return []protocol.DocumentSymbol{}, nil
	}
	syms := analysis.Symbols(s.plan(doc, env.settings))
	caps := s.clientCapabilities()
	var symCaps *protocol.DocumentSymbolClientCapabilities
	if caps.TextDocument != nil {
		symCaps = caps.TextDocument.DocumentSymbol
	}
	deprecatedTag := symCaps != nil && slices.Contains(symCaps.TagSupport.ValueSet, protocol.SymbolTagDeprecated)
	tags := func(sym analysis.Symbol) []protocol.SymbolTag {
		if deprecatedTag && sym.Closed {
			return []protocol.SymbolTag{protocol.SymbolTagDeprecated}
		}
		return nil
	}
	if symCaps != nil && symCaps.HierarchicalDocumentSymbolSupport != nil && *symCaps.HierarchicalDocumentSymbolSupport {
		var convert func(syms []analysis.Symbol) []protocol.DocumentSymbol
		convert = func(syms []analysis.Symbol) []protocol.DocumentSymbol {
			out := make([]protocol.DocumentSymbol, 0, len(syms))
			for _, sym := range syms {
				ds := protocol.DocumentSymbol{Name: sym.Name, Kind: symbolKinds[sym.Kind], Tags: tags(sym),
					Range: s.toRange(doc, sym.Span), SelectionRange: s.toRange(doc, sym.NameSpan)}
				if sym.Detail != "" {
					detail := sym.Detail
					ds.Detail = &detail
				}
				if len(sym.Children) > 0 {
					ds.Children = convert(sym.Children)
				}
				out = append(out, ds)
			}
			return out
		}
		return convert(syms), nil
	}
	out := []protocol.SymbolInformation{}
	var flatten func(syms []analysis.Symbol, container string)
	flatten = func(syms []analysis.Symbol, container string) {
		for _, sym := range syms {
			si := protocol.SymbolInformation{
				BaseSymbolInformation: protocol.BaseSymbolInformation{Name: sym.Name, Kind: symbolKinds[sym.Kind], Tags: tags(sym)},
				Location:              protocol.Location{URI: doc.uri, Range: s.toRange(doc, sym.Span)},
			}
			if container != "" {
				c := container
				si.ContainerName = &c
			}
			out = append(out, si)
			flatten(sym.Children, sym.Name)
		}
	}
	flatten(syms, "")
	return out, nil
}
