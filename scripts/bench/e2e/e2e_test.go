package main

// This file holds the table tests of the driver's helpers: framing, /proc
// parsing, positions, statistics and the BENCHMARKS.md section update.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestFraming(t *testing.T) {
	var buf bytes.Buffer
	bodies := []string{`{"a":1}`, `{"b":"修复 🐛"}`, `{}`}
	for _, b := range bodies {
		if err := writeMessage(&buf, []byte(b)); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for _, want := range bodies {
		got, err := readMessage(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("read %q, want %q", got, want)
		}
	}
	if _, err := readMessage(r); err == nil {
		t.Error("reading past the end gave no error")
	}
}

func TestReadMessageErrors(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"no length", "Content-Type: x\r\n\r\n{}"},
		{"bad length", "Content-Length: x\r\n\r\n{}"},
		{"negative length", "Content-Length: -1\r\n\r\n{}"},
		{"no colon", "Content-Length 2\r\n\r\n{}"},
		{"short body", "Content-Length: 10\r\n\r\n{}"},
	}
	for _, tt := range tests {
		if _, err := readMessage(bufio.NewReader(strings.NewReader(tt.in))); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"123 (planls) S 1 123 123 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 1000 0 0", 3 * time.Second, true},
		{"7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0", 30 * time.Millisecond, true},
		{"garbage", 0, false},
		{"1 (x) S 1 2 3", 0, false},
		{"1 (x) S 1 1 1 0 -1 0 0 0 0 0 a b 0 0", 0, false},
	}
	for _, tt := range tests {
		got, err := parseStatCPU([]byte(tt.in))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseStatCPU(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseStatusKB(t *testing.T) {
	status := "Name:\tplanls\nVmPeak:\t  900 kB\nVmHWM:\t   14336 kB\nVmRSS:\t 12000 kB\n"
	tests := []struct {
		name string
		want int64
		ok   bool
	}{
		{"VmHWM", 14336 * 1024, true},
		{"VmRSS", 12000 * 1024, true},
		{"VmSwap", 0, false},
	}
	for _, tt := range tests {
		got, err := parseStatusKB([]byte(status), tt.name)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: got %d, %v; want %d, ok %v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}

func TestPosition(t *testing.T) {
	text := []byte("ab\n修复🐛x\n\nz")
	tests := []struct {
		off, line, col int
	}{
		{0, 0, 0},
		{2, 0, 2},
		{3, 1, 0},
		{6, 1, 1},  // after 修
		{9, 1, 2},  // after 复
		{13, 1, 4}, // after the emoji: a surrogate pair
		{14, 1, 5},
		{16, 3, 0},
		{99, 3, 1}, // clamped to the end
		{-5, 0, 0}, // clamped to the start
	}
	for _, tt := range tests {
		line, col := position(text, tt.off)
		if line != tt.line || col != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"修复", 2}, {"🐛", 2}, {"a🐛b", 4}, {"\xff", 1},
	}
	for _, tt := range tests {
		if got := utf16Len(tt.in); got != tt.want {
			t.Errorf("utf16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestPercentileAndMedian(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	tests := []struct {
		p, want float64
	}{
		{50, 5}, {95, 10}, {90, 9}, {10, 1}, {0, 1}, {100, 10},
	}
	for _, tt := range tests {
		if got := percentile(xs, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(nil, 50); got != missing {
		t.Errorf("percentile of nothing = %v, want missing", got)
	}
	medians := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}, {nil, missing},
	}
	for _, tt := range medians {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	tests := []struct {
		text, sub string
		want      int
	}{
		{"a](#x) b](#y) c](#z)", "](#", 15},
		{"](#x) ......", "](#", 0},
		{"nothing here", "](#", -1},
	}
	for _, tt := range tests {
		if got := nearest([]byte(tt.text), tt.sub); got != tt.want {
			t.Errorf("nearest(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestResultSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`[1,2,3]`, 3}, {`[]`, 0}, {`{"isIncomplete":false,"items":[{},{}]}`, 2}, {`null`, 0}, {`{"contents":"x"}`, 1},
	}
	for _, tt := range tests {
		if got := resultSize(json.RawMessage(tt.in)); got != tt.want {
			t.Errorf("resultSize(%s) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestFmtRatio(t *testing.T) {
	tests := []struct {
		a, b float64
		want string
	}{
		{2, 50, "25×"}, {10, 15, "1.5×"}, {0, 5, "n/a"}, {5, missing, "n/a"},
	}
	for _, tt := range tests {
		if got := fmtRatio(tt.a, tt.b); got != tt.want {
			t.Errorf("fmtRatio(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReplaceSection(t *testing.T) {
	doc := "intro\n<!-- bench:results:begin -->\nold\n<!-- bench:results:end -->\nrest\n"
	got, err := replaceSection(doc, "results", "new table")
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n<!-- bench:results:begin -->\nnew table\n<!-- bench:results:end -->\nrest\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := replaceSection(doc, "go", "x"); err == nil {
		t.Error("missing markers gave no error")
	}
}

func TestNextKeystroke(t *testing.T) {
	d := &document{uri: "file:///p.md", text: []byte("* [ ] a\n"), at: 7, line: 0, col: 7, version: 1}
	var lastCol int
	for range len(typed) {
		lastCol = d.col
		msg := d.nextKeystroke()
		var m struct {
			Params struct {
				TextDocument   struct{ Version int }
				ContentChanges []struct {
					Range struct{ Start struct{ Line, Character int } }
					Text  string
				}
			}
		}
		if err := json.Unmarshal(msg, &m); err != nil {
			t.Fatal(err)
		}
		c := m.Params.ContentChanges[0]
		if c.Range.Start.Character != lastCol || m.Params.TextDocument.Version != d.version {
			t.Fatalf("change at %d (version %d), want %d (version %d)", c.Range.Start.Character, m.Params.TextDocument.Version, lastCol, d.version)
		}
	}
	want := "* [ ] a" + string(typed) + "\n"
	if string(d.text) != want {
		t.Errorf("text %q, want %q", d.text, want)
	}
	if d.col != 7+utf16Len(string(typed)) {
		t.Errorf("column %d, want %d", d.col, 7+utf16Len(string(typed)))
	}
}
