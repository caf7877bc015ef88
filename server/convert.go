package server

// This file defines the conversions between analysis's byte spans and LSP
// ranges, diagnostics and edits. Positions go through the document's Mapper in
// the negotiated encoding and nowhere else.

import (
	"encoding/json"
	"path/filepath"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// toRange converts a byte span of doc into an LSP range.
func (s *server) toRange(doc *document, sp analysis.Span) protocol.Range {
	enc := s.positionEncoding()
	sl, sc := doc.mapper.OffsetPosition(sp.Start, enc)
	el, ec := doc.mapper.OffsetPosition(sp.End, enc)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(sl), Character: uint32(sc)},
		End:   protocol.Position{Line: uint32(el), Character: uint32(ec)},
	}
}

// toSpan converts an LSP range of doc into a byte span (clamped; a reversed
// range is made empty at its start).
func (s *server) toSpan(doc *document, r protocol.Range) analysis.Span {
	enc := s.positionEncoding()
	start, end := doc.mapper.RangeOffsets(int(r.Start.Line), int(r.Start.Character), int(r.End.Line), int(r.End.Character), enc)
	if end < start {
		end = start
	}
	return analysis.Span{Start: start, End: end}
}

// toOffset converts an LSP position of doc into a byte offset (clamped).
func (s *server) toOffset(doc *document, p protocol.Position) int {
	return doc.mapper.PositionOffset(int(p.Line), int(p.Character), s.positionEncoding())
}

// diagnosticData is the data field of a published diagnostic: what a quick fix
// needs, so that a client can hand it back with codeAction.
type diagnosticData struct {
	Code      string `json:"code"`
	Replace   string `json:"replace,omitempty"`
	KeepLine  *int   `json:"keepLine,omitempty"`
	Identical bool   `json:"identical,omitempty"`
	Create    string `json:"create,omitempty"`
}

// toDiagnostics converts analysis diagnostics of doc into LSP diagnostics.
func (s *server) toDiagnostics(doc *document, env docEnv, plan *analysis.Plan, diags []analysis.Diagnostic) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := protocol.Diagnostic{
			Range:           s.toRange(doc, d.Span),
			Severity:        protocol.DiagnosticSeverity(d.Severity),
			Code:            protocol.String(d.Code),
			CodeDescription: protocol.CodeDescription{Href: uri.URI(analysis.DocsURL(d.Code))},
			Source:          protocol.NewOptional("planls"),
			Message:         protocol.String(d.Message),
		}
		for _, r := range d.Related {
			loc := protocol.Location{URI: doc.uri, Range: s.toRange(doc, r.Span)}
			if r.Path != "" {
				if env.root == "" {
					continue
				}
				loc.URI = uri.File(filepath.Join(env.root, filepath.FromSlash(r.Path)))
				pos := protocol.Position{Line: uint32(max(r.Line, 0))}
				loc.Range = protocol.Range{Start: pos, End: pos}
			}
			pd.RelatedInformation = append(pd.RelatedInformation, protocol.DiagnosticRelatedInformation{Location: loc, Message: r.Message})
		}
		data := diagnosticData{Code: d.Code}
		if f := d.Fix; f != nil {
			data.Replace, data.Identical, data.Create = f.Replace, f.Identical, f.Path
			if f.Keep != (analysis.Span{}) {
				line := plan.LineOf(f.Keep.Start)
				data.KeepLine = &line
			}
		}
		if raw, err := json.Marshal(data); err == nil {
			pd.Data = raw
		}
		out = append(out, pd)
	}
	return out
}

// toTextEdits converts byte edits of doc into LSP text edits.
func (s *server) toTextEdits(doc *document, edits []analysis.TextEdit) []protocol.TextEdit {
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: s.toRange(doc, e.Span), NewText: e.NewText})
	}
	return out
}

// workspaceEdit builds the edit of one document: documentChanges with the
// version the edits were computed for when the client supports it, else changes.
// create, if not "", is a file to create first (CreateFile resource operation).
func (s *server) workspaceEdit(doc *document, edits []analysis.TextEdit, create uri.URI) *protocol.WorkspaceEdit {
	tes := s.toTextEdits(doc, edits)
	if !s.supportsDocumentChanges() {
		we := &protocol.WorkspaceEdit{}
		if len(tes) > 0 {
			we.Changes = map[uri.URI][]protocol.TextEdit{doc.uri: tes}
		}
		return we
	}
	we := &protocol.WorkspaceEdit{}
	if create != "" {
		ignore := true
		we.DocumentChanges = append(we.DocumentChanges, &protocol.CreateFile{Kind: "create", URI: create,
			Options: &protocol.CreateFileOptions{IgnoreIfExists: &ignore}})
	}
	if len(tes) > 0 {
		version := doc.version
		elems := make([]protocol.TextDocumentEditElement, 0, len(tes))
		for i := range tes {
			elems = append(elems, &tes[i])
		}
		we.DocumentChanges = append(we.DocumentChanges, &protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: doc.uri}, Version: &version},
			Edits: elems,
		})
	}
	return we
}

// supportsDocumentChanges reports whether the client accepts documentChanges.
func (s *server) supportsDocumentChanges() bool {
	c := s.clientCapabilities()
	return c != nil && c.Workspace != nil && c.Workspace.WorkspaceEdit != nil &&
		c.Workspace.WorkspaceEdit.DocumentChanges != nil && *c.Workspace.WorkspaceEdit.DocumentChanges
}
