// This file defines the tests of planls check and stats: golden outputs in the
// three formats on a fixture workspace, SARIF validated against the SARIF 2.1.0
// schema, and exit codes.

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runIn runs planls with args in directory dir and returns its outputs and exit code.
func runIn(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// golden compares got with testdata/check/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "check", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

const fixtureDir = "../../testdata/check"

func TestCheckText(t *testing.T) {
	out, errOut, code := runIn(t, fixtureDir, "check", "ws")
	if code != 1 {
		t.Errorf("exit code %d, want 1 (stderr %q)", code, errOut)
	}
	golden(t, "text.golden", out)
	for _, want := range []string{
		"ws/plan.md:7:19: warning: No heading or anchor \"#doign\"", // after an emoji: columns are code points
		"ws/plan.md:11:7: warning: Duplicate task",                  // CJK text
		"ws/notes/2024.md:5:58: warning: No heading or anchor \"#nope\" in plan.md",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "drafts/x.md") {
		t.Errorf("ignoreLinks glob not honoured:\n%s", out)
	}
}

func TestCheckJSON(t *testing.T) {
	out, _, code := runIn(t, fixtureDir, "check", "--format", "json", "ws")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	var doc struct {
		Version     int
		Files       int
		Diagnostics []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.Version != 1 || doc.Files != 3 || len(doc.Diagnostics) == 0 {
		t.Errorf("unexpected JSON header: version %d, files %d, %d diagnostics", doc.Version, doc.Files, len(doc.Diagnostics))
	}
	golden(t, "json.golden", out)
}

func TestCheckSARIF(t *testing.T) {
	out, _, _ := runIn(t, fixtureDir, "check", "--format", "sarif", "ws")
	golden(t, "sarif.golden", out)
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(filepath.Join(fixtureDir, "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("SARIF output does not validate against the SARIF 2.1.0 schema: %v", err)
	}
	// A document that breaks the schema must fail, or the validation proves nothing.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"results": "x"}]}`))
	if sch.Validate(bad) == nil {
		t.Error("the schema accepted an invalid document")
	}
}

func TestCheckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"check", "ws/clean.md"}, 0},
		{[]string{"check", "ws"}, 1},
		{[]string{"check", "--fail-on", "error", "ws"}, 0},
		{[]string{"check", "--fail-on", "hint", "ws/clean.md"}, 0},
		{[]string{"check", "--fail-on", "bogus", "ws"}, 2},
		{[]string{"check", "--format", "xml", "ws"}, 2},
		{[]string{"check"}, 2},
		{[]string{"check", "no/such/file.md"}, 2},
		{[]string{"check", "--nope", "ws"}, 2},
		{[]string{"frobnicate"}, 2},
	} {
		_, _, code := runIn(t, fixtureDir, tc.args...)
		if code != tc.code {
			t.Errorf("planls %s: exit %d, want %d", strings.Join(tc.args, " "), code, tc.code)
		}
	}
}

func TestStatsExample(t *testing.T) {
	out, _, code := runIn(t, "../../testdata/examples", "stats", "wenfh2020-plan.md")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"doing    11 open     0 done", "wait      3 open     0 done", "plan     16 open     0 done", "done      0 open    66 done"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}
}
