// This file tests that the editor configurations agree with SettingsSchema: the
// contributes.configuration section of the VS Code extension's package.json, and
// the commented list of settings and defaults in the Neovim configuration
// (editors/nvim/lsp/planls.lua), which both come from
// editors/vscode/scripts/gen-settings.mjs. It also holds the small Lua table
// reader that the Neovim check needs.

package analysis

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// editorsFix is the advice printed when an editor file drifts from the schema.
const editorsFix = "regenerate with `npm run gen-settings` in editors/vscode (or `node editors/vscode/scripts/gen-settings.mjs`)"

// vscodeOnlySettings are the settings the extension contributes for itself; the
// server never reads them.
var vscodeOnlySettings = []string{"planls.path", "planls.trace.server"}

// vscodeProperty is one entry of contributes.configuration.properties.
type vscodeProperty struct {
	Type                 string          `json:"type"`
	Default              json.RawMessage `json:"default"`
	Enum                 []string        `json:"enum"`
	Items                *vscodeProperty `json:"items"`
	AdditionalProperties *vscodeProperty `json:"additionalProperties"`
	Minimum              *int            `json:"minimum"`
	Description          string          `json:"description"`
	MarkdownDescription  string          `json:"markdownDescription"`
}

// TestVSCodeSettingsMatchSchema checks that package.json contributes every
// setting of SettingsSchema as "planls.<key>" with the same type, default, enum,
// item type, minimum and description, and no other planls setting than the
// extension's own.
func TestVSCodeSettingsMatchSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "editors", "vscode", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Contributes struct {
			Configuration struct {
				Properties map[string]vscodeProperty `json:"properties"`
			} `json:"configuration"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	props := pkg.Contributes.Configuration.Properties
	seen := map[string]bool{}
	for _, info := range SettingsSchema() {
		name := "planls." + info.Key
		seen[name] = true
		p, ok := props[name]
		if !ok {
			t.Errorf("package.json lacks the setting %s; %s", name, editorsFix)
			continue
		}
		for _, problem := range vscodePropertyProblems(info, p) {
			t.Errorf("package.json: %s: %s; %s", name, problem, editorsFix)
		}
	}
	for name := range props {
		if !seen[name] && !slices.Contains(vscodeOnlySettings, name) {
			t.Errorf("package.json contributes %s, which SettingsSchema does not have; %s", name, editorsFix)
		}
	}
	for _, name := range vscodeOnlySettings {
		if _, ok := props[name]; !ok {
			t.Errorf("package.json lacks the extension's own setting %s", name)
		}
	}
}

// vscodePropertyProblems lists how a package.json property differs from its
// schema entry.
func vscodePropertyProblems(info SettingInfo, p vscodeProperty) []string {
	var out []string
	if p.Type != info.Type {
		out = append(out, fmt.Sprintf("type %q, schema %q", p.Type, info.Type))
	}
	var def any
	if err := json.Unmarshal(p.Default, &def); err != nil {
		out = append(out, "default: "+err.Error())
	} else if want := jsonData(info.Default); !reflect.DeepEqual(def, want) {
		out = append(out, fmt.Sprintf("default %s, schema %s", compactJSON(def), compactJSON(want)))
	}
	enum := p.Enum
	var items *vscodeProperty
	switch info.Type {
	case "array":
		items = p.Items
	case "object":
		items = p.AdditionalProperties
		enum = nil
		if items != nil {
			enum = items.Enum
		}
	}
	if !slices.Equal(enum, info.Enum) {
		out = append(out, fmt.Sprintf("enum %q, schema %q", enum, info.Enum))
	}
	if info.Items != "" && (items == nil || items.Type != info.Items) {
		out = append(out, fmt.Sprintf("item type is not %q", info.Items))
	}
	if (p.Minimum == nil) != (info.Minimum == nil) || p.Minimum != nil && *p.Minimum != *info.Minimum {
		out = append(out, "minimum differs")
	}
	desc := p.MarkdownDescription
	if desc == "" {
		desc = p.Description
	}
	if desc != info.Description {
		out = append(out, fmt.Sprintf("description %q, schema %q", desc, info.Description))
	}
	return out
}

// jsonData returns v as encoding/json decodes it into an any (float64 numbers,
// []any, map[string]any), so that it compares with decoded JSON.
func jsonData(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unmarshalable %T", v)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return err.Error()
	}
	return out
}

// TestNvimSettingsMatchSchema checks the Neovim configuration: its settings list
// (the commented Lua table between "-- settings:begin" and "-- settings:end")
// names every setting of SettingsSchema with its default and nothing else, and
// both Neovim configurations start the server the same way.
func TestNvimSettingsMatchSchema(t *testing.T) {
	file := filepath.Join("..", "editors", "nvim", "lsp", "planls.lua")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, err := luaSettingsBlock(string(data))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	listed, err := parseLuaTable("{" + block + "}")
	if err != nil {
		t.Fatalf("%s: the settings list is not a Lua table: %v", file, err)
	}
	table, ok := listed.(map[string]any)
	if !ok {
		t.Fatalf("%s: the settings list is not a table of named settings", file)
	}
	seen := map[string]bool{}
	for _, info := range SettingsSchema() {
		group, leaf, dotted := strings.Cut(info.Key, ".")
		seen[group] = true
		v, ok := table[group]
		if ok && dotted {
			var sub map[string]any
			if sub, ok = v.(map[string]any); ok {
				v, ok = sub[leaf]
			}
		}
		if !ok {
			t.Errorf("%s does not list planls.%s; %s", file, info.Key, editorsFix)
			continue
		}
		if want := jsonData(info.Default); !luaEqual(v, want) {
			t.Errorf("%s lists planls.%s = %s, schema default %s; %s", file, info.Key, compactJSON(v), compactJSON(want), editorsFix)
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("%s lists %s, which SettingsSchema does not have; %s", file, key, editorsFix)
		}
	}

	// The lspconfig variant must start the server like the Neovim 0.11 one.
	other, err := os.ReadFile(filepath.Join("..", "editors", "nvim", "lspconfig", "planls.lua"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"cmd = { 'planls' },",
		"filetypes = { 'markdown' },",
		"root_markers = { '.planls.json', '.git' },",
	} {
		for name, text := range map[string][]byte{"lsp/planls.lua": data, "lspconfig/planls.lua": other} {
			if !strings.Contains(string(text), line) {
				t.Errorf("editors/nvim/%s lacks the line %q", name, line)
			}
		}
	}
}

// luaSettingsBlock returns the Lua text of the commented lines between
// "-- settings:begin" and "-- settings:end", with the comment markers removed.
func luaSettingsBlock(text string) (string, error) {
	_, rest, ok := strings.Cut(text, "-- settings:begin\n")
	if !ok {
		return "", fmt.Errorf("no %q line", "-- settings:begin")
	}
	end := strings.Index(rest, "-- settings:end")
	if end < 0 {
		return "", fmt.Errorf("no %q line", "-- settings:end")
	}
	var b strings.Builder
	for _, line := range strings.Split(rest[:end], "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		body, ok := strings.CutPrefix(line, "--")
		if !ok {
			return "", fmt.Errorf("line %q inside the settings list is not a comment", line)
		}
		b.WriteString(body)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// luaEqual reports whether a value read by parseLuaTable equals JSON data. An
// empty Lua table equals both an empty JSON array and an empty JSON object.
func luaEqual(lua, data any) bool {
	if m, ok := lua.(map[string]any); ok && len(m) == 0 {
		switch d := data.(type) {
		case []any:
			return len(d) == 0
		case map[string]any:
			return len(d) == 0
		}
		return false
	}
	return reflect.DeepEqual(lua, data)
}

// TestParseLuaTable checks the Lua table reader on the forms the settings list
// uses and on malformed input.
func TestParseLuaTable(t *testing.T) {
	tests := []struct {
		in      string
		want    any
		wantErr bool
	}{
		{in: "{}", want: map[string]any{}},
		{in: "{ 'a', \"b\" }", want: []any{"a", "b"}},
		{in: "{ a = true, b = false, }", want: map[string]any{"a": true, "b": false}},
		{in: "{ n = 0, m = 12 }", want: map[string]any{"n": 0.0, "m": 12.0}},
		{in: "{ ['in progress'] = 'x'; ['完成'] = 'y' }", want: map[string]any{"in progress": "x", "完成": "y"}},
		{in: `{ s = 'it\'s \\ \n' }`, want: map[string]any{"s": "it's \\ \n"}},
		{in: "{ g = { k = 'v' }, l = {} }", want: map[string]any{"g": map[string]any{"k": "v"}, "l": map[string]any{}}},
		{in: "{ 'a', b = 1 }", wantErr: true},
		{in: "{ a = 'x', a = 'y' }", wantErr: true},
		{in: "{ a = }", wantErr: true},
		{in: "{ a = 'open", wantErr: true},
		{in: "{ a = 1 } x", wantErr: true},
		{in: "{ a = nil }", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseLuaTable(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseLuaTable(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseLuaTable(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

// luaReader reads the subset of Lua table constructors that the settings list
// uses: strings, numbers, true, false, nested tables, bare and ['…'] keys.
type luaReader struct {
	s   string
	pos int
}

// parseLuaTable reads one Lua table constructor filling all of s. A table with
// named entries becomes a map[string]any, a list a []any, an empty table an
// empty map; strings, float64 and bool are the scalars.
func parseLuaTable(s string) (any, error) {
	r := &luaReader{s: s}
	r.space()
	if !r.peek('{') {
		return nil, r.errorf("expected {")
	}
	v, err := r.value()
	if err != nil {
		return nil, err
	}
	r.space()
	if r.pos != len(r.s) {
		return nil, r.errorf("unexpected text after the table")
	}
	return v, nil
}

// errorf returns an error at the current position.
func (r *luaReader) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", r.pos, fmt.Sprintf(format, args...))
}

// space skips white space.
func (r *luaReader) space() {
	for r.pos < len(r.s) && strings.ContainsRune(" \t\r\n", rune(r.s[r.pos])) {
		r.pos++
	}
}

// peek reports whether the next byte is c.
func (r *luaReader) peek(c byte) bool { return r.pos < len(r.s) && r.s[r.pos] == c }

// expect skips white space and the byte c, or fails.
func (r *luaReader) expect(c byte) error {
	r.space()
	if !r.peek(c) {
		return r.errorf("expected %q", c)
	}
	r.pos++
	return nil
}

// value reads a string, number, boolean or table.
func (r *luaReader) value() (any, error) {
	r.space()
	switch {
	case r.peek('{'):
		return r.table()
	case r.peek('\'') || r.peek('"'):
		return r.str()
	}
	word := r.name()
	switch word {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "":
		start := r.pos
		for r.pos < len(r.s) && strings.ContainsRune("0123456789.-", rune(r.s[r.pos])) {
			r.pos++
		}
		n, err := strconv.ParseFloat(r.s[start:r.pos], 64)
		if err != nil {
			r.pos = start
			return nil, r.errorf("expected a value")
		}
		return n, nil
	}
	return nil, r.errorf("unsupported value %q", word)
}

// name reads an identifier, or returns "".
func (r *luaReader) name() string {
	start := r.pos
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || r.pos > start && '0' <= c && c <= '9' {
			r.pos++
			continue
		}
		break
	}
	return r.s[start:r.pos]
}

// str reads a quoted string with the escapes \\, \', \" and \n.
func (r *luaReader) str() (string, error) {
	quote := r.s[r.pos]
	r.pos++
	var b strings.Builder
	for r.pos < len(r.s) {
		c := r.s[r.pos]
		switch {
		case c == quote:
			r.pos++
			return b.String(), nil
		case c == '\n':
			return "", r.errorf("line break in a string")
		case c == '\\' && r.pos+1 < len(r.s):
			e := r.s[r.pos+1]
			switch e {
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			default:
				return "", r.errorf("unsupported escape \\%c", e)
			}
			r.pos += 2
		default:
			_, size := utf8.DecodeRuneInString(r.s[r.pos:])
			b.WriteString(r.s[r.pos : r.pos+size])
			r.pos += size
		}
	}
	return "", r.errorf("unterminated string")
}

// table reads a table constructor; the reader is at its "{".
func (r *luaReader) table() (any, error) {
	r.pos++
	named := map[string]any{}
	var list []any
	for {
		r.space()
		if r.peek('}') {
			r.pos++
			break
		}
		key, hasKey := "", false
		switch {
		case r.peek('['):
			r.pos++
			r.space()
			if !r.peek('\'') && !r.peek('"') {
				return nil, r.errorf("expected a string key")
			}
			k, err := r.str()
			if err != nil {
				return nil, err
			}
			if err := r.expect(']'); err != nil {
				return nil, err
			}
			if err := r.expect('='); err != nil {
				return nil, err
			}
			key, hasKey = k, true
		default:
			save := r.pos
			if k := r.name(); k != "" && k != "true" && k != "false" {
				r.space()
				if !r.peek('=') {
					return nil, r.errorf("expected = after %q", k)
				}
				r.pos++
				key, hasKey = k, true
			} else {
				r.pos = save
			}
		}
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		if hasKey {
			if _, dup := named[key]; dup {
				return nil, r.errorf("key %q repeated", key)
			}
			named[key] = v
		} else {
			list = append(list, v)
		}
		if len(named) > 0 && len(list) > 0 {
			return nil, r.errorf("table mixes named and positional entries")
		}
		r.space()
		if r.peek(',') || r.peek(';') {
			r.pos++
			continue
		}
		if err := r.expect('}'); err != nil {
			return nil, err
		}
		break
	}
	if list != nil {
		return list, nil
	}
	return named, nil
}
