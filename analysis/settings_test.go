// This file tests settings: the txtar scenarios of testdata/settings, every key of
// the schema, the agreement of schema, struct and defaults, the lookups, the
// search for .planls.json, and (by fuzzing) that decoding never panics.

package analysis

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

var updateSettings = flag.Bool("update-settings", false, "rewrite the expected sections of testdata/settings/*.txtar")

// TestSettingsScenarios decodes the input of each testdata/settings/*.txtar file
// and compares the warnings and the changes against the defaults with the
// "warnings" and "changes" sections. An optional "base.json" section is decoded
// first, as .planls.json under editor settings. Run with -update-settings to
// rewrite the expectations.
func TestSettingsScenarios(t *testing.T) {
	files, err := filepath.Glob("../testdata/settings/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			input, ok := sections["settings.json"]
			if !ok {
				t.Fatal("missing section settings.json")
			}
			var got strings.Builder
			base := DefaultSettings()
			if b, ok := sections["base.json"]; ok {
				var ws []Warning
				base, ws = DecodeSettings(b, base)
				for _, w := range ws {
					fmt.Fprintf(&got, "base: %s\n", w)
				}
			}
			s, ws := DecodeSettings(input, base)
			for _, w := range ws {
				got.WriteString(w.String() + "\n")
				if w.Key != "" && !strings.Contains(w.Message, w.Key) {
					t.Errorf("warning %q does not name its key %q", w.Message, w.Key)
				}
			}
			changes := strings.Join(settingsDiff(DefaultSettings(), s), "\n")
			if changes != "" {
				changes += "\n"
			}
			if *updateSettings {
				for i := range ar.Files {
					switch ar.Files[i].Name {
					case "warnings":
						ar.Files[i].Data = []byte(got.String())
					case "changes":
						ar.Files[i].Data = []byte(changes)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := string(sections["warnings"]); got.String() != want {
				t.Errorf("warnings:\n%s\nwant:\n%s", got.String(), want)
			}
			if want := string(sections["changes"]); changes != want {
				t.Errorf("changes:\n%s\nwant:\n%s", changes, want)
			}
		})
	}
}

// settingsDiff lists the dotted keys whose values differ between a and b, as
// "key: old → new", sorted; a missing value is shown as "(unset)".
func settingsDiff(a, b Settings) []string {
	fa, fb := flattenSettings(a), flattenSettings(b)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		va, oka := fa[k]
		vb, okb := fb[k]
		if oka && okb && va == vb {
			continue
		}
		if !oka {
			va = "(unset)"
		}
		if !okb {
			vb = "(unset)"
		}
		out = append(out, fmt.Sprintf("%s: %s → %s", k, va, vb))
	}
	sort.Strings(out)
	return out
}

// flattenSettings maps every dotted key of s's JSON form to its value as compact
// JSON; objects are flattened, arrays are kept whole.
func flattenSettings(s Settings) map[string]string {
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		panic(err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if obj, ok := v.(map[string]any); ok {
			for k, e := range obj {
				walk(prefix+k+".", e)
			}
			return
		}
		out[strings.TrimSuffix(prefix, ".")] = compactJSON(v)
	}
	walk("", doc)
	return out
}

// wrongTypeFor returns a JSON value of the wrong type for a schema entry.
func wrongTypeFor(info SettingInfo) string {
	switch info.Type {
	case "string":
		return "42"
	case "boolean":
		return `"yes"`
	case "integer":
		return `"3"`
	case "array":
		return `"a"`
	case "object":
		return "[1]"
	}
	return "null"
}

// TestSettingsEveryKey checks, for every schema entry, that its default decodes
// without warnings in nested and dotted form, that null and a wrong type keep the
// previous value, and that the wrong type gives one warning naming the key.
func TestSettingsEveryKey(t *testing.T) {
	for _, info := range SettingsSchema() {
		t.Run(info.Key, func(t *testing.T) {
			def := compactJSON(info.Default)
			forms := []string{
				nestedJSON(info.Key, def),
				fmt.Sprintf(`{%q: %s}`, info.Key, def),
				fmt.Sprintf(`{%q: %s}`, "planls."+info.Key, def),
				fmt.Sprintf(`{"planls": %s}`, nestedJSON(info.Key, def)),
			}
			for _, in := range forms {
				s, ws := DecodeSettings([]byte(in), DefaultSettings())
				if len(ws) != 0 {
					t.Errorf("%s: unexpected warnings %v", in, ws)
				}
				if d := settingsDiff(DefaultSettings(), s); len(d) != 0 {
					t.Errorf("%s: decoding the default changed %v", in, d)
				}
			}
			for _, in := range []string{nestedJSON(info.Key, "null"), nestedJSON(info.Key, wrongTypeFor(info))} {
				s, ws := DecodeSettings([]byte(in), DefaultSettings())
				if d := settingsDiff(DefaultSettings(), s); len(d) != 0 {
					t.Errorf("%s: changed %v", in, d)
				}
				wantWarnings := 1
				if strings.Contains(in, "null") {
					wantWarnings = 0
				}
				if len(ws) != wantWarnings {
					t.Fatalf("%s: got warnings %v, want %d", in, ws, wantWarnings)
				}
				if wantWarnings == 1 && (ws[0].Key != "planls."+info.Key || !strings.Contains(ws[0].Message, "planls."+info.Key)) {
					t.Errorf("%s: warning %+v does not name planls.%s", in, ws[0], info.Key)
				}
			}
			for _, bad := range []string{`"no-such-value"`} {
				if len(info.Enum) == 0 || info.Type != "string" {
					continue
				}
				_, ws := DecodeSettings([]byte(nestedJSON(info.Key, bad)), DefaultSettings())
				if len(ws) != 1 || ws[0].Key != "planls."+info.Key {
					t.Errorf("bad enum value: got %v", ws)
				}
			}
		})
	}
}

// nestedJSON returns an object that sets a dotted key to a JSON value, nesting
// at each dot of a group ("fixAll.moveClosed") or map ("severity.x").
func nestedJSON(key, value string) string {
	parts := strings.SplitN(key, ".", 2)
	if len(parts) == 1 {
		return fmt.Sprintf(`{%q: %s}`, key, value)
	}
	return fmt.Sprintf(`{%q: {%q: %s}}`, parts[0], parts[1], value)
}

// TestSettingsSchemaDrift checks that the schema and the Settings struct list the
// same keys, with defaults equal to DefaultSettings and types matching the fields.
func TestSettingsSchemaDrift(t *testing.T) {
	leaves := map[string]reflect.Type{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for f := range typ.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "" || tag == "-" {
				t.Errorf("field %s has no json tag", f.Name)
				continue
			}
			switch {
			case f.Type.Kind() == reflect.Struct:
				walk(prefix+tag+".", f.Type)
			case f.Type == reflect.TypeFor[map[string]Severity]():
				for _, c := range DiagnosticCodes() {
					leaves[prefix+tag+"."+c.Code] = reflect.TypeFor[Severity]()
				}
			default:
				leaves[prefix+tag] = f.Type
			}
		}
	}
	walk("", reflect.TypeFor[Settings]())

	defaults := flattenSettings(DefaultSettings())
	seen := map[string]bool{}
	for _, info := range SettingsSchema() {
		if seen[info.Key] {
			t.Errorf("schema lists %s twice", info.Key)
		}
		seen[info.Key] = true
		typ, ok := leaves[info.Key]
		if !ok {
			t.Errorf("schema key %s is not a field of Settings", info.Key)
			continue
		}
		wantType := map[reflect.Kind]string{
			reflect.String: "string", reflect.Bool: "boolean", reflect.Int: "integer",
			reflect.Slice: "array", reflect.Map: "object",
		}[typ.Kind()]
		if typ == reflect.TypeFor[Severity]() {
			wantType = "string"
		}
		if info.Type != wantType {
			t.Errorf("%s: schema type %s, field type %s", info.Key, info.Type, typ)
		}
		if info.Description == "" || !strings.HasSuffix(info.Description, ".") {
			t.Errorf("%s: description %q is not a sentence", info.Key, info.Description)
		}
		var want string
		if info.Type == "object" {
			// A map's entries are flattened by flattenSettings; rebuild it.
			obj := map[string]any{}
			for k, v := range defaults {
				if name, ok := strings.CutPrefix(k, info.Key+"."); ok {
					var x any
					_ = json.Unmarshal([]byte(v), &x)
					obj[name] = x
				}
			}
			want = compactJSON(obj)
		} else {
			want = defaults[info.Key]
		}
		if got := compactJSON(info.Default); got != want {
			t.Errorf("%s: schema default %s, DefaultSettings %s", info.Key, got, want)
		}
		if info.Type == "string" && len(info.Enum) > 0 && !slices.Contains(info.Enum, info.Default.(string)) {
			t.Errorf("%s: default %v not in enum %v", info.Key, info.Default, info.Enum)
		}
	}
	for key := range leaves {
		if !seen[key] {
			t.Errorf("field %s is missing from SettingsSchema", key)
		}
	}
}

// TestSettingsRoundTrip checks that settings marshal to JSON that decodes back to
// the same settings without warnings.
func TestSettingsRoundTrip(t *testing.T) {
	s := DefaultSettings()
	s.Severity["wip-limit"] = SeverityHint
	s.Sections = map[string]string{"review": StateOnHold}
	s.DoneStamp = " ✅ {date}"
	checkRoundTrip(t, s)
	checkRoundTrip(t, DefaultSettings())
}

// checkRoundTrip fails when s does not survive marshalling and decoding over
// empty settings.
func checkRoundTrip(t *testing.T, s Settings) {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, ws := DecodeSettings(data, Settings{})
	if len(ws) != 0 {
		t.Fatalf("round trip of %s: warnings %v", data, ws)
	}
	data2, _ := json.Marshal(back)
	if !bytes.Equal(data, data2) {
		t.Fatalf("round trip changed settings:\n%s\n%s", data, data2)
	}
}

// TestDecodeSettingsMergesOverBase checks the layering: editor settings over file
// settings over defaults, each overriding only what it names.
func TestDecodeSettingsMergesOverBase(t *testing.T) {
	file, ws := DecodeSettings([]byte(`{"wipLimit": 3, "severity": {"wip-limit": "warning"}, "doneNames": ["shipped"], "sections": {"review": "on_hold"}}`), DefaultSettings())
	if len(ws) != 0 {
		t.Fatal(ws)
	}
	editor, ws := DecodeSettings([]byte(`{"moveTo": "bottom", "severity": {"duplicate-task": "error"}, "sections": {"doing": ""}}`), file)
	if len(ws) != 0 {
		t.Fatal(ws)
	}
	got := settingsDiff(DefaultSettings(), editor)
	want := []string{
		`doneNames: ["done","completed","complete","finished","archive","archived","完成","已完成"] → ["shipped"]`,
		`moveTo: "top" → "bottom"`,
		`sections.doing: "in_progress" → (unset)`,
		`sections.review: (unset) → "on_hold"`,
		`severity.duplicate-task: "warning" → "error"`,
		`severity.wip-limit: "off" → "warning"`,
		`wipLimit: 0 → 3`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if file.MoveTo != "top" || file.Sections["doing"] != StateInProgress {
		t.Error("DecodeSettings modified its base")
	}
}

// TestSettingsLookups checks IsDoneName, StateOf and SeverityOf.
func TestSettingsLookups(t *testing.T) {
	s := DefaultSettings()
	s.Sections["Shipped"] = StateDone
	s.Sections["ARCHIVE"] = StateCancelled
	tests := []struct {
		name  string
		done  bool
		state string
	}{
		{"done", true, StateDone},
		{"DONE", true, StateDone},
		{"  Done ", true, StateDone},
		{"已完成", true, StateDone},
		{"shipped", true, StateDone},
		{"archive", true, StateCancelled}, // an explicit binding wins for the state
		{"Doing", false, StateInProgress},
		{"in   Progress", false, StateInProgress},
		{"ＤＯＮＥ", false, ""}, // full-width letters are other characters
		{"review", false, ""},
		{"", false, ""},
		{"\xff", false, ""},
	}
	for _, tt := range tests {
		if got := s.IsDoneName(tt.name); got != tt.done {
			t.Errorf("IsDoneName(%q) = %v, want %v", tt.name, got, tt.done)
		}
		state, ok := s.StateOf(tt.name)
		if state != tt.state || ok != (tt.state != "") {
			t.Errorf("StateOf(%q) = %q, %v, want %q", tt.name, state, ok, tt.state)
		}
	}
	sev := map[string]Severity{
		"duplicate-task": SeverityWarning, "done-outside-done": SeverityInformation,
		"wip-limit": SeverityOff, "no-such-code": SeverityWarning,
	}
	empty := Settings{}
	for code, want := range sev {
		if got := DefaultSettings().SeverityOf(code); got != want {
			t.Errorf("SeverityOf(%q) = %v, want %v", code, got, want)
		}
		if got := empty.SeverityOf(code); got != want {
			t.Errorf("empty settings: SeverityOf(%q) = %v, want %v", code, got, want)
		}
	}
}

// TestSettingsParseSeverity checks severity names and their round trip.
func TestSettingsParseSeverity(t *testing.T) {
	tests := []struct {
		in   string
		want Severity
		ok   bool
	}{
		{"off", SeverityOff, true},
		{"error", SeverityError, true},
		{" Warning ", SeverityWarning, true},
		{"warn", SeverityWarning, true},
		{"information", SeverityInformation, true},
		{"info", SeverityInformation, true},
		{"HINT", SeverityHint, true},
		{"fatal", SeverityOff, false},
		{"", SeverityOff, false},
	}
	for _, tt := range tests {
		got, ok := ParseSeverity(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseSeverity(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for s := SeverityOff; s <= SeverityHint; s++ {
		if back, ok := ParseSeverity(s.String()); !ok || back != s {
			t.Errorf("%v does not round-trip", s)
		}
	}
	if got := Severity(9).String(); got != "Severity(9)" {
		t.Errorf("Severity(9).String() = %q", got)
	}
	if _, err := Severity(-1).MarshalText(); err == nil {
		t.Error("MarshalText accepted an invalid severity")
	}
}

// TestSettingsGlobMatch checks the glob syntax of exclude and ignoreLinks.
func TestSettingsGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"node_modules", "a/node_modules/b.md", true},
		{"node_modules", "node_modules", true},
		{"node_modules", "a/node_modulesx/b.md", false},
		{"*.pdf", "docs/a.pdf", true},
		{"*.pdf", "https://x.com/a.pdf", true},
		{"*.pdf", "docs/a.pdf.md", false},
		{"drafts/**", "drafts/a/b.md", true},
		{"drafts/**", "notes/drafts/a.md", false},
		{"drafts/", "drafts/a.md", true},
		{"/notes/old.md", "notes/old.md", true},
		{"./notes/old.md", "notes/old.md", true},
		{"notes/*.md", "notes/a.md", true},
		{"notes/*.md", "notes/x/a.md", false},
		{"**/a.md", "a.md", true},
		{"**/a.md", "x/y/a.md", true},
		{"x/**/a.md", "x/a.md", true},
		{"x/**/a.md", "x/1/2/a.md", true},
		{"x/**/a.md", "y/1/a.md", false},
		{"https://example.com/**", "https://example.com/a/b", true},
		{"https://example.com/*", "https://example.com/a", true},
		{"https://example.com", "https://example.com/a", true},
		{"https://example.com/**", "https://example.org/a", false},
		{"#L*", "#L10", true},
		{"[", "[", false},
		{"a/[", "a/[", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// TestSettingsExcludedAndIgnored checks Excluded and LinkIgnored.
func TestSettingsExcludedAndIgnored(t *testing.T) {
	s := DefaultSettings()
	s.Exclude = []string{"_site", "vendor/**", "*.draft.md"}
	s.IgnoreLinks = []string{"https://twitter.com/**", "private/*.md", "*.pdf"}
	excluded := map[string]bool{
		"_site/index.md": true, "a/_site/x.md": true, "vendor/a/b.md": true, "plan.draft.md": true,
		"./vendor/x.md": true, "plan.md": false, "docs/vendor.md": false, "": false,
	}
	for p, want := range excluded {
		if got := s.Excluded(p); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", p, got, want)
		}
	}
	ignored := map[string]bool{
		"https://twitter.com/x/status/1": true, "https://twitter.com": true,
		"private/a.md#top": true, "./private/a.md": true, "/private/a.md": true,
		"docs/a.pdf?page=2": true, "https://github.com/x": false, "private/a/b.md": false,
	}
	for dest, want := range ignored {
		if got := s.LinkIgnored(dest); got != want {
			t.Errorf("LinkIgnored(%q) = %v, want %v", dest, got, want)
		}
	}
}

// TestSettingsHosts checks AllowHosts and DenyHosts matching.
func TestSettingsHosts(t *testing.T) {
	s := DefaultSettings()
	s.AllowHosts = []string{"localhost:4000", "*.Example.com", "::1"}
	s.DenyHosts = []string{"*"}
	tests := []struct {
		host            string
		allowed, denied bool
	}{
		{"localhost:4000", true, false},
		{"localhost:5000", false, true},
		{"localhost", false, true},
		{"a.example.com", true, false},
		{"A.B.EXAMPLE.COM.", true, false},
		{"example.com", false, true},
		{"badexample.com", false, true},
		{"[::1]:8080", true, false},
		{"", false, true},
	}
	for _, tt := range tests {
		if got := s.HostAllowed(tt.host); got != tt.allowed {
			t.Errorf("HostAllowed(%q) = %v, want %v", tt.host, got, tt.allowed)
		}
		if got := s.HostDenied(tt.host); got != tt.denied {
			t.Errorf("HostDenied(%q) = %v, want %v", tt.host, got, tt.denied)
		}
	}
	if DefaultSettings().HostDenied("example.com") {
		t.Error("default settings deny a host")
	}
}

// TestSettingsStripJSONC checks that comments and trailing commas become spaces while
// strings and offsets are kept.
func TestSettingsStripJSONC(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a": 1}`, `{"a": 1}`},
		{"{\"a\": 1 // c\n}", "{\"a\": 1     \n}"},
		{`{"a": /* c */ 1}`, `{"a":         1}`},
		{`{"a": "// not /* a comment", }`, `{"a": "// not /* a comment"  }`},
		{`[1, 2, ]`, `[1, 2  ]`},
		{"[1, // c\n]", "[1      \n]"},
		{`{"a\"b,": 1}`, `{"a\"b,": 1}`},
		{"\xef\xbb\xbf{}", "   {}"},
		{"{/* open", "{       "},
		{`"unterminated\`, `"unterminated\`},
	}
	for _, tt := range tests {
		if got := string(stripJSONC([]byte(tt.in))); got != tt.want {
			t.Errorf("stripJSONC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSettingsSuggest checks the "did you mean" hints.
func TestSettingsSuggest(t *testing.T) {
	keys := allSettingKeys()
	tests := map[string]string{
		"wiplimit":   ` (did you mean "wipLimit"?)`,
		"fixOnsave":  ` (did you mean "fixOnSave"?)`,
		"symbol":     ` (did you mean "symbols"?)`,
		"colour":     "",
		"":           "",
		"doneStamps": ` (did you mean "doneStamp"?)`,
	}
	for in, want := range tests {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSettingsParseInt checks the integer rule of wipLimit.
func TestSettingsParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 3, true}, {"0", 0, true}, {"3.0", 3, true}, {"1e2", 100, true},
		{"-1", 0, false}, {"2.5", 0, false}, {"1e40", 0, false}, {"99999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSettingInt(json.Number(tt.in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseSettingInt(%s) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestFindConfig checks the upward search for .planls.json in an fs.FS.
func TestFindConfig(t *testing.T) {
	fsys := fstest.MapFS{
		".planls.json":                 {Data: []byte(`{}`)},
		"home/me/notes/plan.md":        {Data: []byte("# x")},
		"home/me/work/.planls.json":    {Data: []byte(`{"wipLimit": 2}`)},
		"home/me/work/a/b/plan.md":     {Data: []byte("# x")},
		"home/me/dir/.planls.json/x":   {Data: []byte("a folder named like the file")},
		"home/me/dir/sub/plan.md":      {Data: []byte("# x")},
		"srv/.planls.json":             {Data: []byte(`{"wipLimit": "x", "nope": 1}`)},
		"srv/plans/plan.md":            {Data: []byte("# x")},
		"broken/.planls.json":          {Data: []byte(`{"wipLimit": `)},
		"empty/.planls.json":           {Data: []byte("  \n")},
		"big/.planls.json":             {Data: bytes.Repeat([]byte(" "), maxConfigSize+1)},
		"home/me/work/a/b/c/d/e/f.txt": {Data: []byte("deep")},
	}
	tests := []struct{ dir, want string }{
		{".", ".planls.json"},
		{"", ".planls.json"},
		{"/", ".planls.json"},
		{"home/me/notes", ".planls.json"},
		{"home/me/notes/plan.md", ".planls.json"},
		{"home/me/work/a/b", "home/me/work/.planls.json"},
		{"/home/me/work/a/b/plan.md", "home/me/work/.planls.json"},
		{"home/me/work/a/b/c/d/e", "home/me/work/.planls.json"},
		{"home/me/work/does/not/exist", "home/me/work/.planls.json"},
		{"home/me/work/", "home/me/work/.planls.json"},
		{"home/me/work/x/../a", "home/me/work/.planls.json"},
		{"home/me/dir/sub", ".planls.json"}, // a folder named .planls.json is skipped
	}
	for _, tt := range tests {
		got, ok := FindConfig(fsys, tt.dir)
		if !ok || got != tt.want {
			t.Errorf("FindConfig(%q) = %q, %v, want %q", tt.dir, got, ok, tt.want)
		}
	}
	noRoot := fstest.MapFS{"a/b/plan.md": {Data: []byte("x")}}
	if got, ok := FindConfig(noRoot, "a/b"); ok {
		t.Errorf("FindConfig found %q in a tree without a settings file", got)
	}
	if _, ok := FindConfig(nil, "."); ok {
		t.Error("FindConfig(nil) found a file")
	}

	s, p, ws := LoadConfig(fsys, "home/me/work/a/b")
	if p != "home/me/work/.planls.json" || s.WipLimit != 2 || len(ws) != 0 {
		t.Errorf("LoadConfig(work) = %d, %q, %v", s.WipLimit, p, ws)
	}
	s, p, ws = LoadConfig(noRoot, "a")
	if p != "" || len(ws) != 0 || settingsDiff(DefaultSettings(), s) != nil {
		t.Errorf("LoadConfig without a file = %q, %v", p, ws)
	}
	loadWarnings := map[string][]string{
		"srv/plans": {
			`srv/.planls.json: planls.nope: unknown setting; ignored`,
			`srv/.planls.json: planls.wipLimit: expected an integer ≥ 0, got the string "x"; keeping 0`,
		},
		"broken": {`broken/.planls.json: settings are not valid JSON: unexpected end of input at line 1, column 14; ignored`},
		"empty":  nil,
		"big":    {fmt.Sprintf("big/.planls.json: settings file is larger than %d bytes; ignored", maxConfigSize)},
	}
	for dir, want := range loadWarnings {
		_, _, ws := LoadConfig(fsys, dir)
		var got []string
		for _, w := range ws {
			got = append(got, w.String())
		}
		if !slices.Equal(got, want) {
			t.Errorf("LoadConfig(%q) warnings:\n%s\nwant:\n%s", dir, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestSettingsMarkdown checks the shape of the generated reference table.
func TestSettingsMarkdown(t *testing.T) {
	md := SettingsMarkdown()
	lines := strings.Split(strings.TrimSuffix(md, "\n"), "\n")
	schema := SettingsSchema()
	if len(lines) != len(schema)+2 {
		t.Fatalf("%d lines for %d settings", len(lines), len(schema))
	}
	for i, line := range lines {
		if cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); cells != 5 {
			t.Errorf("line %d has %d cell separators: %s", i+1, cells, line)
		}
		if i >= 2 && !strings.HasPrefix(line, "| `planls."+schema[i-2].Key+"` |") {
			t.Errorf("line %d does not document %s: %s", i+1, schema[i-2].Key, line)
		}
	}
	for _, want := range []string{
		"| `planls.moveTo` | `\"top\"` \\| `\"bottom\"` | `\"top\"` |",
		"| `planls.severity.wip-limit` |",
		"| `planls.wipLimit` | integer | `0` |",
		"| `planls.fixAll.moveClosed` | boolean | `true` |",
		"| `planls.ignoreLinks` | string[] | `[]` |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// FuzzDecodeSettings checks that decoding never panics, that every warning names
// a key of its own message, and that the result survives a JSON round trip.
func FuzzDecodeSettings(f *testing.F) {
	files, _ := filepath.Glob("../testdata/settings/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".json") {
				f.Add(file.Data)
			}
		}
	}
	f.Add([]byte(`{"planls": {"severity": {"duplicate-task": "off"}}, "planls.wipLimit": 2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ws := DecodeSettings(data, DefaultSettings())
		for _, w := range ws {
			if w.Message == "" || (w.Key != "" && !strings.Contains(w.Message, w.Key)) {
				t.Errorf("bad warning %+v", w)
			}
		}
		checkRoundTrip(t, s)
	})
}
