package server

// This file tests document synchronisation: applyChanges on its own, then
// didOpen/didChange/didClose over the connection in every position
// encoding, malformed changes, and 500 rapid random edits.

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// rng builds a contentChange replacing a range.
func rng(l1, c1, l2, c2 int64, text string) contentChange {
	return contentChange{
		Range: &changeRange{Start: &changePosition{l1, c1}, End: &changePosition{l2, c2}},
		Text:  &text,
	}
}

// whole builds a contentChange replacing the whole document.
func whole(text string) contentChange {
	return contentChange{Text: &text}
}

// sample has a surrogate pair, CJK, CRLF and a last line without a break.
// Its lines, with the character offsets of each rune in UTF-16/UTF-8/UTF-32:
//
//	0: a😀b      a=0/0/0 😀=1/1/1 b=3/5/2 end=4/6/3
//	1: 中文c\r\n  中=0/0/0 文=1/3/1 c=2/6/2 end=3/7/3
//	2: xyz
const sample = "a😀b\n中文c\r\nxyz"

func TestApplyChanges(t *testing.T) {
	tests := []struct {
		name    string
		enc     Encoding
		text    string
		changes []contentChange
		want    string
		notes   int
	}{
		{"replace after emoji utf-16", UTF16, sample, []contentChange{rng(0, 3, 0, 4, "B")}, "a😀B\n中文c\r\nxyz", 0},
		{"replace after emoji utf-8", UTF8, sample, []contentChange{rng(0, 5, 0, 6, "B")}, "a😀B\n中文c\r\nxyz", 0},
		{"replace after emoji utf-32", UTF32, sample, []contentChange{rng(0, 2, 0, 3, "B")}, "a😀B\n中文c\r\nxyz", 0},
		{"delete emoji utf-16", UTF16, sample, []contentChange{rng(0, 1, 0, 3, "")}, "ab\n中文c\r\nxyz", 0},
		{"replace CJK utf-16", UTF16, sample, []contentChange{rng(1, 1, 1, 2, "字")}, "a😀b\n中字c\r\nxyz", 0},
		{"replace CJK utf-8", UTF8, sample, []contentChange{rng(1, 3, 1, 6, "字")}, "a😀b\n中字c\r\nxyz", 0},
		{"insert at end of CRLF line", UTF16, sample, []contentChange{rng(1, 3, 1, 3, "!")}, "a😀b\n中文c!\r\nxyz", 0},
		{"join across CRLF", UTF16, sample, []contentChange{rng(1, 3, 2, 0, "")}, "a😀b\n中文cxyz", 0},
		{"join across CRLF utf-8", UTF8, sample, []contentChange{rng(1, 7, 2, 0, " ")}, "a😀b\n中文c xyz", 0},
		{"insert at end of document", UTF16, sample, []contentChange{rng(2, 3, 2, 3, "\n")}, sample + "\n", 0},
		{"insert into empty document", UTF16, "", []contentChange{rng(0, 0, 0, 0, "# plan\n")}, "# plan\n", 0},
		{"changes apply in order", UTF16, "abc", []contentChange{
			rng(0, 0, 0, 1, "x\ny"), // "x\nybc"
			rng(1, 1, 1, 2, "😀"),    // "x\ny😀c"
			rng(1, 3, 1, 4, "d"),    // "x\ny😀d": the emoji is 2 units
		}, "x\ny😀d", 0},
		{"whole document then range", UTF16, "old", []contentChange{whole("新しい\n"), rng(0, 3, 0, 3, "!")}, "新しい!\n", 0},
		{"range then whole document", UTF16, "old", []contentChange{rng(0, 0, 0, 0, "x"), whole("new")}, "new", 0},
		{"no changes", UTF16, "same", nil, "same", 0},

		// Ranges that do not fit are clamped and noted.
		{"character past end of line", UTF16, "ab\ncd", []contentChange{rng(0, 1, 0, 99, "X")}, "aX\ncd", 1},
		{"line past end of document", UTF16, "ab\ncd", []contentChange{rng(1, 1, 7, 0, "X")}, "ab\ncX", 1},
		{"both past end", UTF16, "ab", []contentChange{rng(5, 0, 6, 0, "!")}, "ab!", 1},
		{"negative line", UTF16, "ab\ncd", []contentChange{rng(-1, 0, 0, 1, "X")}, "Xb\ncd", 1},
		{"inside a surrogate pair", UTF16, "a😀b", []contentChange{rng(0, 2, 0, 3, "X")}, "aXb", 1},
		{"inside a UTF-8 sequence", UTF8, "a中b", []contentChange{rng(0, 2, 0, 4, "X")}, "aXb", 1},
		{"end before start", UTF16, "abcd", []contentChange{rng(0, 3, 0, 1, "X")}, "aXd", 1},
		{"huge numbers", UTF16, "ab", []contentChange{rng(1<<40, 1<<40, 1<<40, 1<<40, "!")}, "ab!", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := []byte(tt.text)
			got, m, notes := applyChanges(text, NewMapper(text), tt.changes, tt.enc)
			if string(got) != tt.want {
				t.Errorf("text %q, want %q", got, tt.want)
			}
			if want := NewMapper(got); !slices.Equal(m.lineStarts, want.lineStarts) {
				t.Errorf("mapper lines %v, want %v", m.lineStarts, want.lineStarts)
			}
			if len(notes) != tt.notes {
				t.Errorf("notes %q, want %d", notes, tt.notes)
			}
			if string(text) != tt.text {
				t.Errorf("the original text was modified: %q", text)
			}
		})
	}
}

// didOpen returns didOpen params.
func didOpen(u string, version int, text string) string {
	b, _ := json.Marshal(text)
	return fmt.Sprintf(`{"textDocument":{"uri":%q,"languageId":"markdown","version":%d,"text":%s}}`, u, version, b)
}

// didChange returns didChange params with the given changes, each a JSON
// object.
func didChange(u string, version int, changes ...string) string {
	return fmt.Sprintf(`{"textDocument":{"uri":%q,"version":%d},"contentChanges":[%s]}`, u, version, strings.Join(changes, ","))
}

// change returns a range change as JSON.
func change(l1, c1, l2, c2 int, text string) string {
	b, _ := json.Marshal(text)
	return fmt.Sprintf(`{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},"text":%s}`, l1, c1, l2, c2, b)
}

// wantText checks the server's text and version of document u.
func (c *testClient) wantText(u uri.URI, text string, version int32) {
	c.t.Helper()
	got, v, ok := c.srv.documentText(u)
	switch {
	case !ok:
		c.t.Errorf("%s is not open", u)
	case got != text || v != version:
		c.t.Errorf("%s: version %d %q, want version %d %q", u, v, got, version, text)
	}
}

func TestSyncInEachEncoding(t *testing.T) {
	// The same edit, expressed in each encoding: replace "文c" by "X" and
	// the "b" after the emoji by "B".
	tests := []struct {
		enc     string
		changes []string
	}{
		{"utf-16", []string{change(1, 1, 1, 3, "X"), change(0, 3, 0, 4, "B")}},
		{"utf-8", []string{change(1, 3, 1, 7, "X"), change(0, 5, 0, 6, "B")}},
		{"utf-32", []string{change(1, 1, 1, 3, "X"), change(0, 2, 0, 3, "B")}},
	}
	for _, tt := range tests {
		t.Run(tt.enc, func(t *testing.T) {
			c, _ := newTestServer(t)
			c.initialize(tt.enc)
			const u = "file:///plan.md"
			c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 1, sample))
			c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 2, tt.changes...))
			c.echo(num(1))
			c.wantText(u, "a😀B\n中X\r\nxyz", 2)

			c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 3, `{"text":"whole\r\n"}`))
			c.echo(num(2))
			c.wantText(u, "whole\r\n", 3)

			c.notify(protocol.MethodTextDocumentDidSave, `{"textDocument":{"uri":"file:///plan.md"}}`)
			c.notify(protocol.MethodTextDocumentDidClose, `{"textDocument":{"uri":"file:///plan.md"}}`)
			c.echo(num(3))
			if _, _, ok := c.srv.documentText(u); ok {
				t.Errorf("%s is still open after didClose", u)
			}
		})
	}
}

func TestSyncOddChanges(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	const u = "file:///plan.md"
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 5, "ab\ncd"))

	// A version going backwards is ignored: the last good text stays.
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 4, change(0, 0, 0, 0, "old ")))
	c.echo(num(1))
	c.wantText(u, "ab\ncd", 5)
	c.waitLogMessage("older than the current version")

	// A range past the end is clamped.
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 6, change(1, 1, 9, 9, "X")))
	c.echo(num(2))
	c.wantText(u, "ab\ncX", 6)
	c.waitLogMessage("clamped")

	// A negative line is clamped, not taken for a whole-document change
	// (which protocol's union decoder would do).
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 7, change(-1, 0, 0, 1, "Y")))
	c.echo(num(3))
	c.wantText(u, "Yb\ncX", 7)

	// Malformed changes: the whole notification is ignored.
	for i, bad := range []string{
		`{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":1}}}`,
		`{"range":{"start":{"line":0,"character":0}},"text":"x"}`,
		`{"range":{"start":{"line":"0","character":0},"end":{"line":0,"character":1}},"text":"x"}`,
		`{"range":{"start":{"line":0.5,"character":0},"end":{"line":0,"character":1}},"text":"x"}`,
		`{"foo":1}`,
		`null`,
		`"text"`,
	} {
		c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 8+i, change(0, 0, 0, 0, "ok"), bad))
	}
	c.notify(protocol.MethodTextDocumentDidChange, `{"textDocument":{"uri":"file:///plan.md","version":20}}`)
	c.notify(protocol.MethodTextDocumentDidChange, `{"textDocument":{"uri":"file:///plan.md","version":"21"},"contentChanges":[]}`)
	c.notify(protocol.MethodTextDocumentDidChange, `{"textDocument":5}`)
	c.notify(protocol.MethodTextDocumentDidChange, `[]`)
	c.notify(protocol.MethodTextDocumentDidChange, nil)
	c.echo(num(4))
	c.wantText(u, "Yb\ncX", 7)

	// The same version again is applied (and logged).
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 7, change(0, 0, 0, 0, ">")))
	c.echo(num(5))
	c.wantText(u, ">Yb\ncX", 7)

	// Changes, saves and closes of documents that are not open are ignored.
	const other = "file:///other.md"
	c.notify(protocol.MethodTextDocumentDidChange, didChange(other, 2, change(0, 0, 0, 0, "x")))
	c.notify(protocol.MethodTextDocumentDidSave, `{"textDocument":{"uri":"file:///other.md"}}`)
	c.notify(protocol.MethodTextDocumentDidClose, `{"textDocument":{"uri":"file:///other.md"}}`)
	c.echo(num(6))
	if _, _, ok := c.srv.documentText(other); ok {
		t.Errorf("a change opened %s", other)
	}
	c.waitLogMessage("which is not open")

	// Bad didOpen params are ignored.
	for _, bad := range []string{
		`{"textDocument":{"uri":"file:///bad.md","languageId":"markdown","version":1,"text":5}}`,
		`{"textDocument":{"uri":"file:///bad.md","languageId":"markdown","version":-1.5,"text":"x"}}`,
		`{"textDocument":"file:///bad.md"}`,
		`{"textDocument":{"uri":"","languageId":"markdown","version":1,"text":"x"}}`,
		`{"textDocument":{"languageId":"markdown","version":1,"text":"x"}}`,
	} {
		c.notify(protocol.MethodTextDocumentDidOpen, bad)
	}
	c.notify(protocol.MethodTextDocumentDidOpen, nil)
	c.echo(num(7))
	for _, u := range []uri.URI{"file:///bad.md", "file:///", ""} {
		if _, _, ok := c.srv.documentText(u); ok {
			t.Errorf("a bad didOpen opened %q", u)
		}
	}

	// Reopening replaces the document.
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 1, "new"))
	c.echo(num(8))
	c.wantText(u, "new", 1)
}

func TestURIsAreCanonical(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	// Editors spell the same file in different ways; protocol canonicalises
	// URIs on decode, and the store must see one document.
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen("file:///C:/My Plans/plan.md", 1, "a"))
	c.notify(protocol.MethodTextDocumentDidChange, didChange("file:///c%3A/My%20Plans/plan.md", 2, change(0, 1, 0, 1, "b")))
	c.echo(num(1))
	c.wantText("file:///c%3A/My%20Plans/plan.md", "ab", 2)
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen("untitled:Untitled-1", 1, "u"))
	c.echo(num(2))
	c.wantText("untitled:Untitled-1", "u", 1)
}

func TestDocumentListener(t *testing.T) {
	th := newTestHandlers(t)
	// The listener must be registered before the connection starts, so this
	// test builds its client by hand.
	var mu sync.Mutex
	var events []string
	c := newConfiguredClient(t, func(s *server, _ *stream) {
		s.listen(func(ev documentEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, fmt.Sprintf("%v %s v%d %q", ev.kind, ev.doc.uri, ev.doc.version, ev.doc.text))
		})
		s.listen(func(ev documentEvent) { panic("a bad listener") })
	}, th.handlers()...)
	c.initialize()
	const u = "file:///plan.md"
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 1, "a"))
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 2, change(0, 1, 0, 1, "b")))
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 1, change(0, 1, 0, 1, "ignored")))
	c.notify(protocol.MethodTextDocumentDidSave, `{"textDocument":{"uri":"file:///plan.md"}}`)
	c.notify(protocol.MethodTextDocumentDidClose, `{"textDocument":{"uri":"file:///plan.md"}}`)
	c.echo(num(1))
	mu.Lock()
	got := strings.Join(events, "\n")
	mu.Unlock()
	want := strings.Join([]string{
		`opened file:///plan.md v1 "a"`,
		`changed file:///plan.md v2 "ab"`,
		`saved file:///plan.md v2 "ab"`,
		`closed file:///plan.md v2 "ab"`,
	}, "\n")
	if got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
}

// clientModel is the client's copy of a document, with positions computed
// independently of Mapper: straight from the LSP definition.
type clientModel struct {
	text string
	enc  string
}

// position returns the LSP position of byte offset off of m.text, which is
// at a rune boundary and not inside a "\r\n".
func (m *clientModel) position(off int) (line, char int) {
	for _, r := range m.text[:off] {
		switch {
		case r == '\n':
			line, char = line+1, 0
		case m.enc == "utf-8":
			char += utf8.RuneLen(r)
		case m.enc == "utf-16":
			char += len(utf16.Encode([]rune{r}))
		default:
			char++
		}
	}
	return line, char
}

// randomOffset returns a random rune-boundary offset of m.text that is not
// between the '\r' and '\n' of a line break.
func (m *clientModel) randomOffset(r *rand.Rand) int {
	for {
		off := r.IntN(len(m.text) + 1)
		if off == len(m.text) {
			return off
		}
		if !utf8.RuneStart(m.text[off]) || (off > 0 && m.text[off-1] == '\r' && m.text[off] == '\n') {
			continue
		}
		return off
	}
}

// randomChange makes a random edit of m and returns it as JSON.
func (m *clientModel) randomChange(r *rand.Rand) string {
	inserts := []string{"", "x", "中文", "😀", "\n", "\r\n", "* [ ] task\n", "é", "## 4. done\r\n"}
	a, b := m.randomOffset(r), m.randomOffset(r)
	if a > b {
		a, b = b, a
	}
	if r.IntN(3) == 0 {
		b = a // a pure insertion
	}
	ins := inserts[r.IntN(len(inserts))]
	l1, c1 := m.position(a)
	l2, c2 := m.position(b)
	m.text = m.text[:a] + ins + m.text[b:]
	return change(l1, c1, l2, c2, ins)
}

func TestRapidIncrementalEdits(t *testing.T) {
	for _, enc := range []string{"utf-16", "utf-8", "utf-32"} {
		t.Run(enc, func(t *testing.T) {
			c, _ := newTestServer(t)
			c.initialize(enc)
			r := rand.New(rand.NewPCG(1, uint64(len(enc))))
			m := &clientModel{text: "# plan\r\n\n## 1. doing\n\n* [ ] 写代码 😀\n", enc: enc}
			const u = "file:///rapid.md"
			c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 1, m.text))
			version := 1
			for i := range 500 {
				version++
				changes := []string{m.randomChange(r)}
				if i%7 == 0 {
					// Several changes in one notification, each relative to
					// the text left by the one before.
					changes = append(changes, m.randomChange(r), m.randomChange(r))
				}
				c.notify(protocol.MethodTextDocumentDidChange, didChange(u, version, changes...))
			}
			c.echo(num(1))
			c.wantText(u, m.text, int32(version))
			if strings.Contains(c.log.String(), "clamped") {
				t.Errorf("a valid edit was clamped")
			}
		})
	}
}

func TestRequestSeesDocumentsAsTheyWereOnArrival(t *testing.T) {
	c, th := newTestServer(t)
	c.initialize()
	const u = "file:///plan.md"
	c.notify(protocol.MethodTextDocumentDidOpen, didOpen(u, 1, "before"))
	c.send(num(1), "test/docLater", `{"uri":"file:///plan.md"}`)
	th.waitStarted(t)
	c.notify(protocol.MethodTextDocumentDidChange, didChange(u, 2, `{"text":"after"}`))
	wantResult(t, c.call(num(2), "test/doc", `{"uri":"file:///plan.md"}`), `{"version":2,"text":"after"}`)
	th.gate <- struct{}{}
	wantResult(t, c.response(num(1)), `{"version":1,"text":"before"}`)
}

func TestRequestParamsAreChecked(t *testing.T) {
	c, _ := newTestServer(t)
	c.initialize()
	for i, bad := range []any{nil, `null`, `[]`, `{"uri":5}`, `"file:///plan.md"`} {
		msg := wantError(t, c.call(num(int64(i)), "test/doc", bad), jsonrpc2.InvalidParams)
		if !strings.Contains(msg, "test/doc") {
			t.Errorf("InvalidParams message %q does not name the method", msg)
		}
	}
	wantError(t, c.call(num(10), "test/doc", `{"uri":"file:///nope.md"}`), jsonrpc2.InvalidParams)
}
