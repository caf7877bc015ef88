package server

// This file defines textDocument/documentSymbol: the outline of a plan
// (sections → subsections and tasks → subtasks) computed by analysis.Symbols,
// as hierarchical DocumentSymbols, or flat SymbolInformation for clients
// without hierarchical support. The symbols setting switches it off.
//
// The outline of a plan of 10,000 tasks is a megabyte of JSON, and editors ask
// for it again and again for the same version (outline view, breadcrumbs,
// sticky scroll). So the positions are converted in one forward pass of a
// Cursor, the answer is encoded once by a small encoder into a raw JSON
// message, and kept in symbolAnswers with the plan it was computed from: a
// new version or new settings make a new plan, and the answer goes with its
// plan.

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
	"weak"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// documentSymbolCapability announces document symbols. Capabilities are fixed
// at initialize, before settings are read, so symbols: false makes the
// requests answer nothing rather than withdrawing the capability.
func documentSymbolCapability(caps *protocol.ServerCapabilities, _ *protocol.ClientCapabilities) {
	caps.DocumentSymbolProvider = protocol.Boolean(true)
}

// symbolKind maps analysis symbol kinds to LSP kinds: a section is a
// namespace of tasks, a task a boolean (its checkbox).
func symbolKind(k analysis.SymbolKind) protocol.SymbolKind {
	if k == analysis.SymbolSection {
		return protocol.SymbolKindNamespace
	}
	return protocol.SymbolKindBoolean
}

// documentSymbol answers textDocument/documentSymbol.
func (s *server) documentSymbol(ctx context.Context, snap snapshot, p *protocol.DocumentSymbolParams) (any, error) {
	doc := snap.document(p.TextDocument.URI)
	if doc == nil {
		return []protocol.DocumentSymbol{}, nil
	}
	// Only the settings matter here: envFor would also take a snapshot of the
	// workspace index, which a change of the document invalidates.
	root, _ := s.ws.locate(doc.uri)
	settings := s.ws.settings(root)
	if !settings.Symbols {
		return []protocol.DocumentSymbol{}, nil
	}
	plan := s.plan(doc, settings)
	form := s.symbolForm(doc)
	return symbolAnswers.get(plan, form, func() jsonrpc2.RawMessage {
		return encodeSymbols(doc.mapper, form, analysis.Symbols(plan))
	}), nil
}

// symbolForm is what the encoding of an outline depends on besides the plan:
// the document, the position encoding and the client's capabilities.
type symbolForm struct {
	uri uri.URI
	enc Encoding
	// hierarchical: DocumentSymbol trees, else flat SymbolInformation.
	hierarchical bool
	// deprecatedTag: closed tasks are tagged Deprecated (struck through).
	deprecatedTag bool
}

// symbolForm returns the form of doc's outline for this client.
func (s *server) symbolForm(doc *document) symbolForm {
	f := symbolForm{uri: doc.uri, enc: s.positionEncoding()}
	if caps := s.clientCapabilities(); caps.TextDocument != nil {
		if c := caps.TextDocument.DocumentSymbol; c != nil {
			f.hierarchical = c.HierarchicalDocumentSymbolSupport != nil && *c.HierarchicalDocumentSymbolSupport
			f.deprecatedTag = slices.Contains(c.TagSupport.ValueSet, protocol.SymbolTagDeprecated)
		}
	}
	return f
}

// encodeSymbols converts syms, an outline of the document m maps, to the LSP
// form f and encodes it as JSON: DocumentSymbol trees, or SymbolInformation
// in document order with the parent's name as container. The encoder is
// written by hand for these two types, and TestEncodeSymbols checks it
// against protocol.Marshal: building a protocol value per symbol and encoding
// the slice with protocol.Marshal (by reflection) took most of the time of a
// large outline.
func encodeSymbols(m *Mapper, f symbolForm, syms []analysis.Symbol) jsonrpc2.RawMessage {
	n, text := symbolCount(syms)
	e := symbolEncoder{form: f, pos: make([]symbolPositions, 0, n)}
	// The positions, converted in one forward pass: each symbol's start and
	// name, its children, then its end.
	e.convert(m.Cursor(f.enc), syms)
	// A symbol takes about 200 bytes of JSON besides its name, detail and
	// the digits of its four line and four character numbers; flat, 130
	// besides its name, its container's, the URI and two of each number.
	digits := len(strconv.Itoa(m.LineCount()))
	per := 200 + 4*digits + 4*2
	if !f.hierarchical {
		e.uri = appendJSONString(nil, string(f.uri))
		per = 130 + len(e.uri) + 2*digits + 2*2
		text *= 2
	}
	e.buf = make([]byte, 0, per*n+text+2)
	e.buf = append(e.buf, '[')
	e.symbols(syms, "")
	return append(e.buf, ']')
}

// symbolCount returns the number of symbols in syms, their children
// included, and the total length of their names and details.
func symbolCount(syms []analysis.Symbol) (n, text int) {
	for i := range syms {
		c, l := symbolCount(syms[i].Children)
		n += 1 + c
		text += len(syms[i].Name) + len(syms[i].Detail) + l
	}
	return n, text
}

// symbolPositions are the LSP positions of a symbol's span and name span.
type symbolPositions struct {
	start, end, nameStart, nameEnd protocol.Position
}

// symbolEncoder writes the JSON of an outline.
type symbolEncoder struct {
	form symbolForm
	// pos holds the positions of every symbol, in pre-order.
	pos  []symbolPositions
	next int // the index in pos of the next symbol to write
	uri  []byte
	buf  []byte
}

// convert appends the positions of syms and their children to e.pos, in
// pre-order.
func (e *symbolEncoder) convert(c *Cursor, syms []analysis.Symbol) {
	at := func(off int) protocol.Position {
		line, char := c.Position(off)
		return protocol.Position{Line: uint32(line), Character: uint32(char)}
	}
	for i := range syms {
		sym := &syms[i]
		e.pos = append(e.pos, symbolPositions{start: at(sym.Span.Start), nameStart: at(sym.NameSpan.Start), nameEnd: at(sym.NameSpan.End)})
		k := len(e.pos) - 1
		e.convert(c, sym.Children)
		e.pos[k].end = at(sym.Span.End)
	}
}

// symbols writes syms, separated by commas: hierarchically with their
// children, else flat with their children after them, in container.
func (e *symbolEncoder) symbols(syms []analysis.Symbol, container string) {
	for i := range syms {
		sym := &syms[i]
		p := &e.pos[e.next]
		// Siblings are separated by commas; flat, every symbol but the first.
		if i > 0 || (!e.form.hierarchical && e.next > 0) {
			e.buf = append(e.buf, ',')
		}
		e.next++
		e.buf = append(e.buf, `{"name":`...)
		e.buf = appendJSONString(e.buf, sym.Name)
		if sym.Detail != "" && e.form.hierarchical {
			e.buf = append(e.buf, `,"detail":`...)
			e.buf = appendJSONString(e.buf, sym.Detail)
		}
		e.buf = append(e.buf, `,"kind":`...)
		e.buf = strconv.AppendUint(e.buf, uint64(symbolKind(sym.Kind)), 10)
		if e.form.deprecatedTag && sym.Closed {
			e.buf = append(e.buf, `,"tags":[`...)
			e.buf = strconv.AppendUint(e.buf, uint64(protocol.SymbolTagDeprecated), 10)
			e.buf = append(e.buf, ']')
		}
		if !e.form.hierarchical {
			if container != "" {
				e.buf = append(e.buf, `,"containerName":`...)
				e.buf = appendJSONString(e.buf, container)
			}
			e.buf = append(e.buf, `,"location":{"uri":`...)
			e.buf = append(e.buf, e.uri...)
			e.buf = append(e.buf, `,"range":`...)
			e.buf = appendRange(e.buf, p.start, p.end)
			e.buf = append(e.buf, `}}`...)
			e.symbols(sym.Children, sym.Name)
			continue
		}
		e.buf = append(e.buf, `,"range":`...)
		e.buf = appendRange(e.buf, p.start, p.end)
		e.buf = append(e.buf, `,"selectionRange":`...)
		e.buf = appendRange(e.buf, p.nameStart, p.nameEnd)
		if len(sym.Children) > 0 {
			e.buf = append(e.buf, `,"children":[`...)
			e.symbols(sym.Children, sym.Name)
			e.buf = append(e.buf, ']')
		}
		e.buf = append(e.buf, '}')
	}
}

// appendRange appends the JSON of the LSP range from start to end.
func appendRange(dst []byte, start, end protocol.Position) []byte {
	dst = append(dst, `{"start":{"line":`...)
	dst = strconv.AppendUint(dst, uint64(start.Line), 10)
	dst = append(dst, `,"character":`...)
	dst = strconv.AppendUint(dst, uint64(start.Character), 10)
	dst = append(dst, `},"end":{"line":`...)
	dst = strconv.AppendUint(dst, uint64(end.Line), 10)
	dst = append(dst, `,"character":`...)
	dst = strconv.AppendUint(dst, uint64(end.Character), 10)
	return append(dst, `}}`...)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, each byte that is not valid UTF-8 replaced by
// U+FFFD (as encoding/json does), everything else verbatim.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	done := 0 // s[:done] is written
	for i := 0; i < len(s); {
		b := s[i]
		if jsonPlain[b] {
			i++
			continue
		}
		if b >= utf8.RuneSelf {
			// The valid two- and three-byte sequences are recognised inline
			// (E0 and ED lead bytes restrict their continuations).
			if b >= 0xE1 && b <= 0xEF && b != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				i += 3
				continue
			}
			if b >= 0xC2 && b <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
				i += 2
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[done:i]...)
				dst = append(dst, `\ufffd`...)
				done = i + 1
			}
			i += size
			continue
		}
		dst = append(dst, s[done:i]...)
		switch b {
		case '"', '\\':
			dst = append(dst, '\\', b)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xf])
		}
		i++
		done = i
	}
	dst = append(dst, s[done:]...)
	return append(dst, '"')
}

// jsonPlain tells the bytes that stand for themselves in a JSON string:
// printable ASCII but the quote and the backslash.
var jsonPlain = func() (plain [256]bool) {
	for b := ' '; b < utf8.RuneSelf; b++ {
		plain[b] = b != '"' && b != '\\'
	}
	return plain
}()

// symbolCache keeps the encoded outline of each plan. A plan is one version
// of one document under one generation of settings, so a change of either
// finds no answer; the answer is dropped when its plan is garbage collected,
// which happens once the server's plan cache has moved on to a newer version
// and no request uses the plan any more.
type symbolCache struct {
	mu      sync.Mutex
	answers map[weak.Pointer[analysis.Plan]]*symbolAnswer
}

// symbolAnswer is the outline of one plan in one form, computed once even
// when several requests ask for it at the same time.
type symbolAnswer struct {
	form symbolForm
	once sync.Once
	raw  jsonrpc2.RawMessage
}

// symbolAnswers is the outline cache of every server of the process; plans
// are never shared between servers.
var symbolAnswers symbolCache

// get returns the answer of plan p in form f, computing it with compute
// unless it is cached.
func (c *symbolCache) get(p *analysis.Plan, f symbolForm, compute func() jsonrpc2.RawMessage) jsonrpc2.RawMessage {
	if p == nil {
		return compute()
	}
	key := weak.Make(p)
	c.mu.Lock()
	a, ok := c.answers[key]
	if !ok || a.form != f {
		if c.answers == nil {
			c.answers = map[weak.Pointer[analysis.Plan]]*symbolAnswer{}
		}
		if !ok {
			runtime.AddCleanup(p, c.forget, key)
		}
		a = &symbolAnswer{form: f}
		c.answers[key] = a
	}
	c.mu.Unlock()
	a.once.Do(func() { a.raw = compute() })
	return a.raw
}

// forget drops the answer of a plan that has been garbage collected.
func (c *symbolCache) forget(key weak.Pointer[analysis.Plan]) {
	c.mu.Lock()
	delete(c.answers, key)
	c.mu.Unlock()
}

// len returns the number of cached answers.
func (c *symbolCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.answers)
}
