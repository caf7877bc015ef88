package server

// This file defines the fuzz targets of the server's input handling:
// FuzzApplyChanges (incremental edits in the three position encodings give
// the same text as the client's full copy) and FuzzStream (random bytes on the
// wire: no panic, bounded memory, every malformed frame answered clearly).

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"golang.org/x/tools/txtar"
)

// fuzzFragments are the texts the edits of FuzzApplyChanges insert, besides
// bytes taken from the fuzzer's input.
var fuzzFragments = []string{
	"", "a", "\n", "\r\n", "\r", "中文", "😀", "👨‍👩‍👧", "é", "* [ ] task\n", "## 4. done\r\n", "\xff", "\x00",
}

// fuzzSeedPlans returns plan texts from testdata to seed the fuzz corpora.
func fuzzSeedPlans(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, name := range []string{"../testdata/examples/wenfh2020-plan.md", "../testdata/plans/personal-cjk.md"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	paths, _ := filepath.Glob("../testdata/parse/*.txtar")
	for _, path := range paths {
		ar, err := txtar.ParseFile(path)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".md") {
				out = append(out, file.Data)
			}
		}
	}
	return out
}

// opReader reads the fuzzer's edit script; it yields zeros once exhausted.
type opReader struct{ b []byte }

// byte returns the next byte of the script.
func (r *opReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// int returns the next two bytes of the script as a number.
func (r *opReader) int() int { return int(r.byte())<<8 | int(r.byte()) }

// bytes returns the next n bytes of the script, or fewer at its end.
func (r *opReader) bytes(n int) []byte {
	n = min(n, len(r.b))
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

// boundaries returns the offsets of text at which a client can put a cursor:
// rune starts (an invalid byte is a rune of its own) that are not between
// the "\r" and "\n" of a line break, and the end.
func boundaries(text []byte) []int {
	var out []int
	for i := range string(text) {
		if i > 0 && text[i-1] == '\r' && text[i] == '\n' {
			continue
		}
		out = append(out, i)
	}
	return append(out, len(text))
}

// FuzzApplyChanges applies a random sequence of LSP content changes, in one
// of the three encodings, with applyChanges and checks that the result is the
// text of a reference client that edits bytes and computes its positions with
// refPosition (mapper_test.go), independently of Mapper:
//
//   - a change at positions of the text gives exactly the client's text and
//     no clamping note;
//   - a change at arbitrary positions (negative, past the end, inside a
//     character or a "\r\n") is clamped as refOffset says, with a note, and
//     never panics;
//   - a whole-document change replaces everything;
//   - the input text is never modified.
//
// The server's copy and the client's copy of the text are the same at the
// end, which is what incremental synchronisation must guarantee.
func FuzzApplyChanges(f *testing.F) {
	for i, p := range fuzzSeedPlans(f) {
		f.Add(p, []byte{2, 0, 10, 0, 20, 5, 3, 1, 0, 0, 30, 6}, uint8(i))
	}
	for i, s := range seeds {
		f.Add([]byte(s), []byte{byte(i), 0, byte(i), 0, byte(2 * i), byte(i)}, uint8(i))
	}
	f.Add([]byte("a😀b\n中文c\r\nxyz"), []byte{1, 255, 255, 0, 7, 0, 0, 0, 2, 4, 0, 0, 1, 0, 0, 2, 3}, uint8(0))
	f.Fuzz(func(t *testing.T, src, script []byte, encByte uint8) {
		enc := encodings[int(encByte)%len(encodings)]
		orig := bytes.Clone(src)
		ops := &opReader{b: script}
		client := bytes.Clone(src) // the client's copy
		server := src              // applyChanges's copy
		var mapper *Mapper
		for step := 0; step < 16 && len(ops.b) > 0; step++ {
			kind := ops.byte() % 8
			var repl []byte
			if k := ops.byte(); k < 200 {
				repl = []byte(fuzzFragments[int(k)%len(fuzzFragments)])
			} else {
				repl = ops.bytes(int(k - 200))
			}
			text := string(repl)
			var c contentChange
			wantNote := false
			switch kind {
			case 0: // The whole document.
				c = contentChange{Text: &text}
				client = bytes.Clone(repl)
			case 1: // Arbitrary numbers, clamped.
				l1, c1 := int64(int16(ops.int())), int64(int16(ops.int()))
				l2, c2 := int64(int16(ops.int())), int64(int16(ops.int()))
				if ops.byte()%4 == 0 {
					l2, c2 = l2<<40, c2<<40
				}
				c = contentChange{Range: &changeRange{Start: &changePosition{l1, c1}, End: &changePosition{l2, c2}}, Text: &text}
				a := refOffset(client, clampInt(l1), clampInt(c1), enc)
				b := refOffset(client, clampInt(l2), clampInt(c2), enc)
				wantNote = a > b
				if a > b {
					a, b = b, a
				}
				client = splice(client, a, b, repl)
			default: // Positions of the text.
				bs := boundaries(client)
				a, b := bs[ops.int()%len(bs)], bs[ops.int()%len(bs)]
				if kind == 2 {
					b = a // An insertion.
				}
				if a > b {
					a, b = b, a
				}
				l1, c1, _ := refPosition(client, a, enc)
				l2, c2, _ := refPosition(client, b, enc)
				c = contentChange{Range: &changeRange{
					Start: &changePosition{int64(l1), int64(c1)}, End: &changePosition{int64(l2), int64(c2)}}, Text: &text}
				client = splice(client, a, b, repl)
			}
			if mapper == nil {
				mapper = NewMapper(server)
			}
			// One change at a time, so that a note is tied to its change;
			// the multi-change path is the same loop (TestApplyChanges).
			next, nextMapper, notes := applyChanges(server, mapper, []contentChange{c}, enc)
			if !bytes.Equal(next, client) {
				t.Fatalf("step %d (%v, %s): server text\n%q\nclient text\n%q", step, enc, describeChange(c), next, client)
			}
			if want := NewMapper(next); !slices.Equal(nextMapper.lineStarts, want.lineStarts) || len(next) > 0 && &nextMapper.src[0] != &next[0] {
				t.Fatalf("step %d (%v, %s): the edited mapper's lines %v differ from a new mapper's %v", step, enc, describeChange(c), nextMapper.lineStarts, want.lineStarts)
			}
			if kind >= 2 && len(notes) > 0 {
				t.Fatalf("step %d (%v): a change at positions of the text was noted: %q", step, enc, notes)
			}
			if wantNote && len(notes) == 0 {
				t.Fatalf("step %d (%v): a reversed range was not noted", step, enc)
			}
			if len(next) > 0 && len(server) > 0 && &next[0] == &server[0] {
				t.Fatalf("step %d: the new text shares memory with the old", step)
			}
			server, mapper = next, nextMapper
		}
		if !bytes.Equal(src, orig) {
			t.Fatalf("applyChanges modified its input text")
		}
	})
}

// splice returns a copy of text with [a, b) replaced by repl.
func splice(text []byte, a, b int, repl []byte) []byte {
	out := make([]byte, 0, len(text)-(b-a)+len(repl))
	out = append(out, text[:a]...)
	out = append(out, repl...)
	return append(out, text[b:]...)
}

// describeChange formats a change for failure messages.
func describeChange(c contentChange) string {
	if c.Range == nil {
		return "whole document"
	}
	return formatRange(c.Range)
}

// FuzzStream feeds random bytes to the stream's reader, with the default
// body limit or a tiny one, and checks that:
//
//   - reading never panics and ends with io.EOF or io.ErrUnexpectedEOF once
//     the input ends;
//   - every body returned decodes as one JSON-RPC message and is bytes of the
//     input no longer than the limit;
//   - everything written back is well-framed error responses with a
//     ParseError or InvalidRequest code and a message;
//   - memory allocated stays within a constant plus a multiple of the input's
//     length, whatever Content-Length the input declares.
func FuzzStream(f *testing.F) {
	f.Add([]byte(frame(echoCall(1))+frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)), false)
	f.Add([]byte("Content-Length: 1099511627776\r\n\r\n{\"jsonrpc\""), false)
	f.Add([]byte("Content-Length: 50000000\r\n\r\n"+strings.Repeat("x", 100)), false)
	f.Add([]byte("Content-Length: 999999\r\n\r\n"), false)
	f.Add([]byte(frame(`{"jsonrpc":"2.0","id":1,"method":`)+frame(echoCall(2))), false)
	f.Add([]byte("Content-Length: 10\r\n\r\n"+`{"jsonrpc":"2.0","method":"initialized","params":{}}`), false)
	f.Add([]byte(echoCall(1)+"\r\n"+frame(echoCall(2))), false)
	f.Add([]byte("Content-Type: x\r\ncontent-length:5\r\n\r\n{}{}{"+frame(`[]`)+frame(`{"foo":1}`)+frame(`42`)), true)
	f.Add([]byte("\r\n\r\nContent-Length: 3\r\n\r\nnul"+frame(`{"jsonrpc":"1.0","id":"v1","method":"x"}`)), true)
	f.Add([]byte("Content-Length: 300\r\n\r\n"+strings.Repeat("[", 300)+frame(echoCall(3))), true)
	f.Add([]byte("Content-Length: "+strings.Repeat("9", 30)+"\r\n"+strings.Repeat("h", 5000)+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, tiny bool) {
		var out bytes.Buffer
		st := newStream(io.NopCloser(bytes.NewReader(data)), &out, func(string, ...any) {})
		defer st.Close()
		limit := int64(defaultMaxBody)
		if tiny {
			limit = 64
			st.maxBody = limit
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var err error
		for range len(data) + 2 { // Each frame takes at least one byte.
			var body []byte
			body, _, err = st.ReadFrame(context.Background())
			if err != nil {
				break
			}
			if int64(len(body)) > limit {
				t.Fatalf("body of %d bytes over the limit of %d", len(body), limit)
			}
			if _, derr := jsonrpc2.DecodeMessage(body); derr != nil {
				t.Fatalf("body %q does not decode: %v", body, derr)
			}
			if !bytes.Contains(data, body) {
				t.Fatalf("body %q is not part of the input", body)
			}
		}
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("reading ended with %v, want EOF or unexpected EOF", err)
		}
		// The reusable buffer is at most 1 MiB; a larger body grows with the
		// bytes that arrive; the answers are a few hundred bytes a frame.
		if got, bound := after.TotalAlloc-before.TotalAlloc, uint64(4<<20+64*len(data)); got > bound {
			t.Fatalf("reading %d bytes allocated %d bytes (bound %d)", len(data), got, bound)
		}
		checkAnswers(t, out.Bytes())
	})
}

// checkAnswers checks that wire holds only well-framed error responses to
// malformed input, with a clear message.
func checkAnswers(t *testing.T, wire []byte) {
	t.Helper()
	for len(wire) > 0 {
		head, rest, ok := bytes.Cut(wire, []byte("\r\n\r\n"))
		if !ok || !bytes.HasPrefix(head, []byte("Content-Length: ")) {
			t.Fatalf("bad frame header in the answers: %q", wire)
		}
		n, ok := parseLength(head[len("Content-Length: "):])
		if !ok || int(n) > len(rest) {
			t.Fatalf("bad Content-Length in the answers: %q", head)
		}
		msg, err := jsonrpc2.DecodeMessage(rest[:n])
		if err != nil {
			t.Fatalf("answer %q does not decode: %v", rest[:n], err)
		}
		r, ok := msg.(*jsonrpc2.Response)
		if !ok {
			t.Fatalf("answer %q is not a response", rest[:n])
		}
		var e *jsonrpc2.Error
		if !errors.As(r.Err(), &e) || (e.Code != jsonrpc2.ParseError && e.Code != jsonrpc2.InvalidRequest) || e.Message == "" {
			t.Fatalf("answer %q is not a ParseError or InvalidRequest with a message", rest[:n])
		}
		wire = rest[n:]
	}
}

// TestOpReader checks the decoding of fuzz edit scripts.
func TestOpReader(t *testing.T) {
	r := &opReader{b: []byte{1, 2, 3, 4, 5}}
	if got := r.byte(); got != 1 {
		t.Errorf("byte = %d, want 1", got)
	}
	if got := r.int(); got != 0x0203 {
		t.Errorf("int = %#x, want 0x203", got)
	}
	if got := r.bytes(5); !bytes.Equal(got, []byte{4, 5}) {
		t.Errorf("bytes = %v, want [4 5]", got)
	}
	if got := r.int(); got != 0 {
		t.Errorf("int at the end = %d, want 0", got)
	}
}

// TestBoundaries checks the cursor offsets of the fuzz client.
func TestBoundaries(t *testing.T) {
	tests := []struct {
		text string
		want []int
	}{
		{"", []int{0}},
		{"a\r\nb", []int{0, 1, 3, 4}},
		{"中\xff", []int{0, 3, 4}},
		{"\r", []int{0, 1}},
	}
	for _, tt := range tests {
		if got := boundaries([]byte(tt.text)); !slices.Equal(got, tt.want) {
			t.Errorf("boundaries(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
