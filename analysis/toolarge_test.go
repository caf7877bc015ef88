// This file tests the degradation above MaxFileSize: no parse, one diagnostic.

package analysis

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTooLarge(t *testing.T) {
	line := []byte("- [ ] a task that repeats to make a very large file\n")
	src := bytes.Repeat(line, MaxFileSize/len(line)+2)
	start := time.Now()
	p := Parse(src)
	if !p.TooLarge || len(p.Tasks) != 0 {
		t.Fatalf("a %d-byte file was analysed", len(src))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Logf("note: degrading took %v", d)
	}
	diags := Diagnose(p, Env{Settings: DefaultSettings()})
	if len(diags) != 1 || diags[0].Code != "file-too-large" || !strings.Contains(diags[0].Message, "too large") {
		t.Fatalf("diagnostics %+v", diags)
	}
	if Reparse(p, append(src, 'x'), DefaultSettings()).TooLarge != true {
		t.Error("Reparse analysed a too-large file")
	}
	if got := Parse(src[:1000]); got.TooLarge {
		t.Error("a small file is marked too large")
	}
}
