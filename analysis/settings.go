// This file defines Settings, the configuration of planls: its defaults, its schema
// (the one table that the README and the editor extensions are generated from or
// checked against), decoding from JSON with warnings instead of errors, the search
// for .planls.json, and the lookups the features need (section roles and states,
// severities, ignored links, excluded paths, host lists).

package analysis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ConfigFileName is the name of the settings file that LoadConfig looks for in the
// checked folder and each of its parents.
const ConfigFileName = ".planls.json"

// maxConfigSize is the size above which a settings file is not read.
const maxConfigSize = 1 << 20

// Severity is the severity of a diagnostic code, or SeverityOff when the code is
// disabled. The values 1 to 4 equal LSP's DiagnosticSeverity numbers.
type Severity int

const (
	// SeverityOff disables a diagnostic code.
	SeverityOff Severity = iota
	// SeverityError reports an error.
	SeverityError
	// SeverityWarning reports a warning.
	SeverityWarning
	// SeverityInformation reports information.
	SeverityInformation
	// SeverityHint reports a hint.
	SeverityHint
)

// severityNames holds the settings names of the severities, indexed by Severity.
var severityNames = [...]string{"off", "error", "warning", "information", "hint"}

// String returns the settings name of the severity: "off", "error", "warning",
// "information" or "hint".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "Severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name, ignoring case and surrounding space.
// Besides the names String returns it accepts "info" and "warn".
func ParseSeverity(name string) (Severity, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "info":
		return SeverityInformation, true
	case "warn":
		return SeverityWarning, true
	}
	for i, s := range severityNames {
		if s == n {
			return Severity(i), true
		}
	}
	return SeverityOff, false
}

// MarshalText encodes the severity as its name, so that a Settings value
// marshals to the same JSON that DecodeSettings reads.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText decodes a severity name as ParseSeverity does.
func (s *Severity) UnmarshalText(text []byte) error {
	v, ok := ParseSeverity(string(text))
	if !ok {
		return fmt.Errorf("unknown severity %q", text)
	}
	*s = v
	return nil
}

// CodeInfo describes a diagnostic code.
type CodeInfo struct {
	// Code is the stable kebab-case code, such as "duplicate-task".
	Code string
	// Default is the severity used when the settings do not name the code.
	Default Severity
	// Description says in one sentence what the code reports.
	Description string
}

// diagnosticCodes is the table of every diagnostic code, in SPEC order. Adding a
// diagnostic means adding a row here, which also adds its severity setting.
var diagnosticCodes = []CodeInfo{
	{"duplicate-task", SeverityWarning, "A task's text equals an earlier task's in the same file."},
	{"duplicate-section", SeverityWarning, "Two sections of the same level have the same name."},
	{"missing-file", SeverityWarning, "A local link's path does not exist."},
	{"missing-anchor", SeverityWarning, "A link's `#fragment` matches no heading or anchor of its target file."},
	{"dead-url", SeverityWarning, "An external link answered 404 or 410, or its host does not exist (needs `checkExternalLinks`)."},
	{"done-outside-done", SeverityInformation, "A closed task (`[x]`, `[-]`) sits in an open section."},
	{"open-in-done", SeverityInformation, "An open task sits in a done section."},
	{"malformed-checkbox", SeverityWarning, "A near-miss checkbox such as `[]`, `[ x]`, `[ ]x` or `［ ］`."},
	{"duplicate-task-workspace", SeverityOff, "A task's text equals a task's in another plan file of the workspace."},
	{"wip-limit", SeverityOff, "An `in_progress` section holds more open tasks than `wipLimit`."},
	{"file-too-large", SeverityInformation, "The file is larger than planls analyses (16 MiB); its other checks and actions are off."},
}

// DiagnosticCodes returns the table of every diagnostic code with its default
// severity, in the order of the SPEC.
func DiagnosticCodes() []CodeInfo { return slices.Clone(diagnosticCodes) }

// The section state types, after Obsidian Tasks' status types.
const (
	// StateTodo is a section of work not started.
	StateTodo = "todo"
	// StateInProgress is a section of work being done.
	StateInProgress = "in_progress"
	// StateOnHold is a section of work waiting or blocked.
	StateOnHold = "on_hold"
	// StateDone is a section of finished work.
	StateDone = "done"
	// StateCancelled is a section of abandoned work.
	StateCancelled = "cancelled"
)

// stateTypes lists the state types in their documented order.
var stateTypes = []string{StateTodo, StateInProgress, StateOnHold, StateDone, StateCancelled}

// Settings is the whole planls configuration: the object under "planls" in an
// editor's settings, or the contents of .planls.json. DefaultSettings gives the
// documented defaults and SettingsSchema describes every key. A Settings value is
// treated as immutable once built: share it freely, and Clone it before changing
// a slice or map.
type Settings struct {
	// Severity maps a diagnostic code to its severity. Codes that are absent use
	// their default (see SeverityOf).
	Severity map[string]Severity `json:"severity"`
	// DoneNames are the section names that make a section a done section.
	DoneNames []string `json:"doneNames"`
	// Sections binds section names to state types (StateTodo …). A done name with
	// no binding has the state StateDone.
	Sections map[string]string `json:"sections"`
	// ReopenSection is the section Reopen moves a task to; "" means the first open
	// section of the file.
	ReopenSection string `json:"reopenSection"`
	// ExtendedStatuses enables the checkboxes [-], [/], [>] and [!].
	ExtendedStatuses bool `json:"extendedStatuses"`
	// Anchors is "auto", "github" or "kramdown": which heading anchors exist.
	Anchors string `json:"anchors"`
	// IgnoreLinks are globs of link destinations that are never checked.
	IgnoreLinks []string `json:"ignoreLinks"`
	// CheckExternalLinks enables the background check of http and https links.
	CheckExternalLinks bool `json:"checkExternalLinks"`
	// AllowHosts are host patterns that are checked even when they are loopback or
	// private addresses or match DenyHosts.
	AllowHosts []string `json:"allowHosts"`
	// DenyHosts are host patterns that are never checked.
	DenyHosts []string `json:"denyHosts"`
	// Exclude are globs of workspace paths that are not indexed.
	Exclude []string `json:"exclude"`
	// WipLimit is the most open tasks an in_progress section may hold; 0 means no
	// limit.
	WipLimit int `json:"wipLimit"`
	// MoveTo is "top" or "bottom": where a moved task lands in its target list.
	MoveTo string `json:"moveTo"`
	// MoveTargets are other plan files (workspace-relative paths) whose sections
	// are offered as move targets.
	MoveTargets []string `json:"moveTargets"`
	// DoneStamp is the text Mark done appends to a task ("" for none), with the
	// placeholders {date} and {section}.
	DoneStamp string `json:"doneStamp"`
	// FixAll selects the parts of source.fixAll.
	FixAll FixAllSettings `json:"fixAll"`
	// FixOnSave makes willSaveWaitUntil return the fixAll edits.
	FixOnSave bool `json:"fixOnSave"`
	// Symbols enables document and workspace symbols.
	Symbols bool `json:"symbols"`
	// CodeLens enables the per-section progress lens.
	CodeLens bool `json:"codeLens"`
	// WellKnownSections are the section names completion offers.
	WellKnownSections []string `json:"wellKnownSections"`
}

// FixAllSettings selects the parts of source.fixAll (and of formatting and
// fixOnSave, which apply the same edits).
type FixAllSettings struct {
	// MoveClosed moves closed tasks out of open sections into the done section.
	MoveClosed bool `json:"moveClosed"`
	// MoveOpen moves open tasks out of done sections into the reopen section.
	MoveOpen bool `json:"moveOpen"`
	// NormalizeCheckboxes rewrites malformed checkboxes.
	NormalizeCheckboxes bool `json:"normalizeCheckboxes"`
	// RemoveDuplicates removes byte-identical duplicate tasks within a section.
	RemoveDuplicates bool `json:"removeDuplicates"`
}

// DefaultSettings returns the documented defaults. Every call returns fresh maps
// and slices.
func DefaultSettings() Settings {
	sev := make(map[string]Severity, len(diagnosticCodes))
	for _, c := range diagnosticCodes {
		sev[c.Code] = c.Default
	}
	return Settings{
		Severity: sev,
		DoneNames: []string{
			"done", "completed", "complete", "finished", "archive", "archived", "完成", "已完成",
		},
		Sections: map[string]string{
			"doing":       StateInProgress,
			"in progress": StateInProgress,
			"wip":         StateInProgress,
			"进行中":         StateInProgress,
			"wait":        StateOnHold,
			"waiting":     StateOnHold,
			"blocked":     StateOnHold,
			"on hold":     StateOnHold,
			"等待":          StateOnHold,
			"plan":        StateTodo,
			"todo":        StateTodo,
			"to do":       StateTodo,
			"backlog":     StateTodo,
			"next":        StateTodo,
			"计划":          StateTodo,
			"待办":          StateTodo,
			"cancelled":   StateCancelled,
			"canceled":    StateCancelled,
			"取消":          StateCancelled,
			"已取消":         StateCancelled,
		},
		ExtendedStatuses: true,
		Anchors:          "auto",
		IgnoreLinks:      []string{},
		AllowHosts:       []string{},
		DenyHosts:        []string{},
		Exclude:          []string{},
		MoveTo:           "top",
		MoveTargets:      []string{},
		FixAll: FixAllSettings{
			MoveClosed:          true,
			MoveOpen:            true,
			NormalizeCheckboxes: true,
			RemoveDuplicates:    true,
		},
		Symbols: true,
		WellKnownSections: []string{
			"doing", "wait", "plan", "done", "todo", "backlog", "blocked", "review", "cancelled", "archive",
		},
	}
}

// Clone returns a deep copy of s.
func (s Settings) Clone() Settings {
	c := s
	c.Severity = cloneMap(s.Severity)
	c.Sections = cloneMap(s.Sections)
	c.DoneNames = slices.Clone(s.DoneNames)
	c.IgnoreLinks = slices.Clone(s.IgnoreLinks)
	c.AllowHosts = slices.Clone(s.AllowHosts)
	c.DenyHosts = slices.Clone(s.DenyHosts)
	c.Exclude = slices.Clone(s.Exclude)
	c.MoveTargets = slices.Clone(s.MoveTargets)
	c.WellKnownSections = slices.Clone(s.WellKnownSections)
	return c
}

// cloneMap copies m; a nil map stays nil.
func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// SeverityOf returns the configured severity of a diagnostic code: the Severity
// map's entry, else the code's default. A code missing from DiagnosticCodes is a
// warning, so that a new check is never silently off.
func (s Settings) SeverityOf(code string) Severity {
	if sev, ok := s.Severity[code]; ok {
		return sev
	}
	for _, c := range diagnosticCodes {
		if c.Code == code {
			return c.Default
		}
	}
	return SeverityWarning
}

// settingNameKey is the comparison form of a section name: white space collapsed,
// Unicode case folded.
func settingNameKey(name string) string {
	return Fold(strings.Join(strings.Fields(name), " "))
}

// IsDoneName reports whether a section name (without its enumeration) names a done
// section: it is one of DoneNames, or Sections binds it to StateDone. Names compare
// with Unicode case folding and white space collapsed.
func (s Settings) IsDoneName(name string) bool {
	key := settingNameKey(name)
	for _, n := range s.DoneNames {
		if settingNameKey(n) == key {
			return true
		}
	}
	state, ok := s.sectionBinding(key)
	return ok && state == StateDone
}

// StateOf returns the state type bound to a section name (without its
// enumeration): the Sections binding, else StateDone for a done name. It reports
// false when the name has no state. Names compare as in IsDoneName.
func (s Settings) StateOf(name string) (string, bool) {
	key := settingNameKey(name)
	if state, ok := s.sectionBinding(key); ok {
		return state, true
	}
	for _, n := range s.DoneNames {
		if settingNameKey(n) == key {
			return StateDone, true
		}
	}
	return "", false
}

// sectionBinding looks up the Sections entry whose name has the comparison form
// key. When several entries fold alike, the smallest name wins, so the answer does
// not depend on map order.
func (s Settings) sectionBinding(key string) (string, bool) {
	best, state, found := "", "", false
	for name, st := range s.Sections {
		if st != "" && settingNameKey(name) == key && (!found || name < best) {
			best, state, found = name, st, true
		}
	}
	return state, found
}

// Excluded reports whether the workspace-relative slash path rel, or a folder
// that contains it, matches a pattern of Exclude. See SettingsSchema for the
// glob syntax.
func (s Settings) Excluded(rel string) bool {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	for _, p := range s.Exclude {
		if globMatch(p, rel) {
			return true
		}
	}
	return false
}

// LinkIgnored reports whether a link destination matches a pattern of
// IgnoreLinks. The destination is tried as written, without its #fragment and
// without its ?query.
func (s Settings) LinkIgnored(dest string) bool {
	cands := []string{dest}
	if i := strings.IndexByte(dest, '#'); i >= 0 {
		cands = append(cands, dest[:i])
	}
	if i := strings.IndexAny(dest, "?#"); i >= 0 {
		cands = append(cands, dest[:i])
	}
	for _, p := range s.IgnoreLinks {
		for _, c := range cands {
			if globMatch(p, strings.TrimPrefix(strings.TrimPrefix(c, "./"), "/")) {
				return true
			}
		}
	}
	return false
}

// HostAllowed reports whether host (a URL's host, with or without a port) matches
// a pattern of AllowHosts: it is then checked even when it is a loopback or
// private address or matches DenyHosts.
func (s Settings) HostAllowed(host string) bool { return hostListed(s.AllowHosts, host) }

// HostDenied reports whether host must not be checked: it matches a pattern of
// DenyHosts and none of AllowHosts.
func (s Settings) HostDenied(host string) bool {
	return hostListed(s.DenyHosts, host) && !hostListed(s.AllowHosts, host)
}

// hostListed reports whether host matches one of the patterns: "*" matches every
// host, "*.example.com" every subdomain of example.com, "example.com" only itself,
// "localhost:4000" only that host and port. Case and a trailing dot are ignored.
func hostListed(patterns []string, host string) bool {
	host = strings.ToLower(host)
	name := host
	switch {
	case strings.HasPrefix(host, "["):
		if i := strings.IndexByte(host, ']'); i >= 0 {
			name = host[1:i]
		}
	case strings.Count(host, ":") == 1:
		name = host[:strings.IndexByte(host, ':')]
	}
	name = strings.TrimSuffix(name, ".")
	for _, p := range patterns {
		p = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(p)), ".")
		p = strings.TrimSuffix(strings.TrimPrefix(p, "["), "]")
		switch {
		case p == "*" || p == name || p == host:
			return true
		case strings.HasPrefix(p, "*."):
			if strings.HasSuffix(name, p[1:]) {
				return true
			}
		}
	}
	return false
}

// globMatch matches a slash path against a glob. "*" matches any run of
// characters except "/", "?" one character, "[…]" a class, and a "**" segment any
// number of segments. A pattern without "/" matches any single segment of the
// path ("node_modules", "*.pdf"); a pattern with "/" is anchored at the start
// ("drafts/**", "/notes/old.md", "https://example.com/**"). A pattern also matches
// every path inside what it matches. A malformed pattern matches nothing.
func globMatch(pattern, name string) bool {
	pattern = strings.TrimPrefix(pattern, "./")
	pattern = strings.TrimSuffix(pattern, "/")
	if pattern == "" {
		return false
	}
	names := strings.Split(name, "/")
	if !strings.Contains(pattern, "/") {
		for _, seg := range names {
			if ok, _ := path.Match(pattern, seg); ok {
				return true
			}
		}
		return false
	}
	pats := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	// m[i][j]: pats[:i] matches names[:j].
	m := make([][]bool, len(pats)+1)
	for i := range m {
		m[i] = make([]bool, len(names)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(pats); i++ {
		for j := 0; j <= len(names); j++ {
			if pats[i-1] == "**" {
				m[i][j] = m[i-1][j] || (j > 0 && m[i][j-1])
				continue
			}
			if j > 0 && m[i-1][j-1] {
				ok, _ := path.Match(pats[i-1], names[j-1])
				m[i][j] = ok
			}
		}
	}
	for j := 1; j <= len(names); j++ {
		if m[len(pats)][j] {
			return true
		}
	}
	return false
}

// validGlob reports what is wrong with a glob, or "".
func validGlob(p string) string {
	if strings.TrimSpace(p) == "" {
		return "an empty pattern"
	}
	for _, seg := range strings.Split(p, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Sprintf("%q is not a valid glob", p)
		}
	}
	return ""
}

// validHost reports what is wrong with a host pattern, or "".
func validHost(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "an empty host"
	case strings.Contains(p, "://"):
		return fmt.Sprintf("%q is a URL; give a host such as \"example.com\" or \"*.example.com\"", p)
	case strings.ContainsAny(p, "/@ \t\r\n"):
		return fmt.Sprintf("%q is not a host name", p)
	}
	return ""
}

// validName reports what is wrong with a section name, or "".
func validName(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "an empty name"
	case strings.ContainsAny(p, "\r\n"):
		return fmt.Sprintf("%q spans several lines", p)
	}
	return ""
}

// validPath reports what is wrong with a workspace-relative file path, or "".
func validPath(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "an empty path"
	case strings.ContainsAny(p, "\x00\r\n"):
		return fmt.Sprintf("%q is not a file path", p)
	}
	return ""
}

// validDoneStamp reports what is wrong with a done-stamp template, or "".
func validDoneStamp(t string) string {
	if strings.ContainsAny(t, "\r\n") {
		return "a done stamp must fit on one line"
	}
	rest := t
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return ""
		}
		if ph := rest[i : i+j+1]; ph != "{date}" && ph != "{section}" {
			return fmt.Sprintf("unknown placeholder %s (use {date} or {section})", ph)
		}
		rest = rest[i+j+1:]
	}
}

// validReopen reports what is wrong with a reopen section name, or "".
func validReopen(t string) string {
	if strings.ContainsAny(t, "\r\n") {
		return "a section name must fit on one line"
	}
	return ""
}

// settingDef is one row of the settings table: a key of the Settings JSON object
// and how to document and decode it.
type settingDef struct {
	// key is the dotted JSON path without "planls.", e.g. "fixAll.moveClosed".
	key string
	// desc is the Markdown description.
	desc string
	// enum lists the allowed strings: of the value for a string, of each value for
	// a map.
	enum []string
	// field returns a pointer to the field in s: *bool, *int, *string, *[]string,
	// *map[string]string or *map[string]Severity.
	field func(s *Settings) any
	// check reports what is wrong with a decoded string, or "" (optional).
	check func(v string) string
	// item reports what is wrong with an element of an array or a key of a map,
	// or "" (optional).
	item func(v string) string
}

// settingDefs is the table of every setting, in documentation order. The severity
// row expands to one schema entry per diagnostic code.
var settingDefs = []settingDef{
	{
		key:   "severity",
		desc:  "Severity of each diagnostic code; `off` disables it.",
		enum:  severityNames[:],
		field: func(s *Settings) any { return &s.Severity },
	},
	{
		key:   "doneNames",
		desc:  "Section names that make a section a done section (compared ignoring case; the heading's enumeration such as `4.` is not part of the name). A subsection without a role of its own inherits its parent's.",
		field: func(s *Settings) any { return &s.DoneNames },
		item:  validName,
	},
	{
		key:   "sections",
		desc:  "Binds section names to state types (`todo`, `in_progress`, `on_hold`, `done`, `cancelled`), used by the consistency diagnostics, `wip-limit` and Mark done. Entries merge with the defaults; map a name to `\"\"` to remove a default binding. A done name without a binding is `done`.",
		enum:  append([]string{""}, stateTypes...),
		field: func(s *Settings) any { return &s.Sections },
		item:  validName,
	},
	{
		key:   "reopenSection",
		desc:  "Section that Reopen and fixAll move open tasks to; `\"\"` means the first open section of the file.",
		field: func(s *Settings) any { return &s.ReopenSection },
		check: validReopen,
	},
	{
		key:   "extendedStatuses",
		desc:  "Recognise the extended checkboxes `[-]` cancelled (closed), `[/]` in progress, `[>]` deferred and `[!]` important (open).",
		field: func(s *Settings) any { return &s.ExtendedStatuses },
	},
	{
		key:   "anchors",
		desc:  "Which heading anchors exist: `github` slugs, `kramdown` ids (Jekyll), or `auto` for both (completion then inserts the kramdown form in files with Jekyll front matter, else the GitHub form).",
		enum:  []string{"auto", "github", "kramdown"},
		field: func(s *Settings) any { return &s.Anchors },
	},
	{
		key:   "ignoreLinks",
		desc:  "Globs of link destinations that are never checked, e.g. `\"https://example.com/**\"`, `\"drafts/**\"`, `\"*.pdf\"`. `*` stays within a `/` segment, `**` spans segments; a pattern without `/` matches any segment.",
		field: func(s *Settings) any { return &s.IgnoreLinks },
		item:  validGlob,
	},
	{
		key:   "checkExternalLinks",
		desc:  "Check http and https links in the background and report `dead-url`.",
		field: func(s *Settings) any { return &s.CheckExternalLinks },
	},
	{
		key:   "allowHosts",
		desc:  "Hosts that the external link check visits even when they are loopback or private addresses or match `denyHosts`: `\"example.com\"`, `\"*.example.com\"`, `\"localhost:4000\"`.",
		field: func(s *Settings) any { return &s.AllowHosts },
		item:  validHost,
	},
	{
		key:   "denyHosts",
		desc:  "Hosts that the external link check never visits; `\"*\"` denies every host not in `allowHosts`.",
		field: func(s *Settings) any { return &s.DenyHosts },
		item:  validHost,
	},
	{
		key:   "exclude",
		desc:  "Globs of workspace paths that are not indexed (besides `.git` and `node_modules`), e.g. `\"_site\"`, `\"vendor/**\"`, `\"*.draft.md\"`.",
		field: func(s *Settings) any { return &s.Exclude },
		item:  validGlob,
	},
	{
		key:   "wipLimit",
		desc:  "Most open tasks an `in_progress` section may hold before `wip-limit` reports it (that code is `off` by default); `0` means no limit.",
		field: func(s *Settings) any { return &s.WipLimit },
	},
	{
		key:   "moveTo",
		desc:  "Where a moved task lands in its target section: at the `top` of its first task list, or at the `bottom` of its last.",
		enum:  []string{"top", "bottom"},
		field: func(s *Settings) any { return &s.MoveTo },
	},
	{
		key:   "moveTargets",
		desc:  "Other plan files (workspace-relative paths) whose sections are offered as move targets.",
		field: func(s *Settings) any { return &s.MoveTargets },
		item:  validPath,
	},
	{
		key:   "doneStamp",
		desc:  "Text that Mark done appends to a task and Reopen removes; `\"\"` is off. `{date}` is today's date (YYYY-MM-DD), `{section}` the section the task came from (Reopen then moves it back there). Example: `\" ✅ {date}\"`.",
		field: func(s *Settings) any { return &s.DoneStamp },
		check: validDoneStamp,
	},
	{
		key:   "fixAll.moveClosed",
		desc:  "`source.fixAll` moves closed tasks from open sections to the done section.",
		field: func(s *Settings) any { return &s.FixAll.MoveClosed },
	},
	{
		key:   "fixAll.moveOpen",
		desc:  "`source.fixAll` moves open tasks from done sections to the reopen section.",
		field: func(s *Settings) any { return &s.FixAll.MoveOpen },
	},
	{
		key:   "fixAll.normalizeCheckboxes",
		desc:  "`source.fixAll` rewrites malformed checkboxes.",
		field: func(s *Settings) any { return &s.FixAll.NormalizeCheckboxes },
	},
	{
		key:   "fixAll.removeDuplicates",
		desc:  "`source.fixAll` removes byte-identical duplicate tasks within a section.",
		field: func(s *Settings) any { return &s.FixAll.RemoveDuplicates },
	},
	{
		key:   "fixOnSave",
		desc:  "Apply the `source.fixAll` edits on save through `willSaveWaitUntil` (for clients that cannot run code actions on save).",
		field: func(s *Settings) any { return &s.FixOnSave },
	},
	{
		key:   "symbols",
		desc:  "Provide document and workspace symbols (turn off when the editor's own Markdown support already lists headings).",
		field: func(s *Settings) any { return &s.Symbols },
	},
	{
		key:   "codeLens",
		desc:  "Show a code lens with each section's progress (`3 open · 12 done`).",
		field: func(s *Settings) any { return &s.CodeLens },
	},
	{
		key:   "wellKnownSections",
		desc:  "Section names that completion offers after `#`, besides those used in other plan files.",
		field: func(s *Settings) any { return &s.WellKnownSections },
		item:  validName,
	},
}

// lookupDef returns the row with the given key, or nil.
func lookupDef(key string) *settingDef {
	for i := range settingDefs {
		if settingDefs[i].key == key {
			return &settingDefs[i]
		}
	}
	return nil
}

// isSettingGroup reports whether key is an object of several rows, like "fixAll".
func isSettingGroup(key string) bool {
	for _, d := range settingDefs {
		if strings.HasPrefix(d.key, key+".") {
			return true
		}
	}
	return false
}

// SettingInfo describes one setting for documentation and editor extensions.
type SettingInfo struct {
	// Key is the dotted JSON path below "planls", e.g. "severity.duplicate-task";
	// the VS Code setting is "planls." + Key.
	Key string `json:"key"`
	// Type is the JSON schema type: "string", "boolean", "integer", "array" or
	// "object".
	Type string `json:"type"`
	// Items is the type of an array's elements or an object's values ("string"),
	// else "".
	Items string `json:"items,omitempty"`
	// Default is the default value as plain JSON data: string, bool, int,
	// []string or map[string]string.
	Default any `json:"default"`
	// Enum lists the allowed strings: of the value for a string, of each value for
	// an object; nil when any string is allowed.
	Enum []string `json:"enum,omitempty"`
	// Minimum is the least allowed value of an integer, else nil.
	Minimum *int `json:"minimum,omitempty"`
	// Description is one or two sentences of Markdown (VS Code:
	// markdownDescription).
	Description string `json:"description"`
}

// SettingsSchema returns one entry per setting, in documentation order: every
// key of the Settings JSON object, with the severity map expanded to one entry
// per diagnostic code. Defaults are taken from DefaultSettings.
func SettingsSchema() []SettingInfo {
	def := DefaultSettings()
	var out []SettingInfo
	for _, d := range settingDefs {
		switch p := d.field(&def).(type) {
		case *map[string]Severity:
			for _, c := range diagnosticCodes {
				out = append(out, SettingInfo{
					Key:         d.key + "." + c.Code,
					Type:        "string",
					Default:     (*p)[c.Code].String(),
					Enum:        slices.Clone(d.enum),
					Description: "Severity of `" + c.Code + "`: " + lowerFirst(c.Description),
				})
			}
		case *map[string]string:
			out = append(out, SettingInfo{Key: d.key, Type: "object", Items: "string",
				Default: cloneMap(*p), Enum: slices.Clone(d.enum), Description: d.desc})
		case *[]string:
			out = append(out, SettingInfo{Key: d.key, Type: "array", Items: "string",
				Default: slices.Clone(*p), Description: d.desc})
		case *string:
			out = append(out, SettingInfo{Key: d.key, Type: "string",
				Default: *p, Enum: slices.Clone(d.enum), Description: d.desc})
		case *bool:
			out = append(out, SettingInfo{Key: d.key, Type: "boolean", Default: *p, Description: d.desc})
		case *int:
			zero := 0
			out = append(out, SettingInfo{Key: d.key, Type: "integer", Default: *p,
				Minimum: &zero, Description: d.desc})
		}
	}
	return out
}

// lowerFirst lower-cases the first letter of s.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// SettingsMarkdown returns the settings reference as a Markdown table (setting,
// type, default, description), one row per SettingsSchema entry, ending with a
// line break. The README embeds it between <!-- settings:begin --> and
// <!-- settings:end -->.
func SettingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| Setting | Type | Default | Description |\n")
	b.WriteString("|---|---|---|---|\n")
	for _, info := range SettingsSchema() {
		typ := info.Type
		switch {
		case info.Type == "array":
			typ = "string[]"
		case info.Type == "object" && len(info.Enum) > 0:
			typ = "object (name → " + strings.Join(quoteAll(nonEmpty(info.Enum), "`"), " \\| ") + ")"
		case len(info.Enum) > 0:
			typ = strings.Join(quoteAll(info.Enum, "`\""), " \\| ")
		}
		fmt.Fprintf(&b, "| `planls.%s` | %s | `%s` | %s |\n",
			info.Key, typ, mdCell(compactJSON(info.Default)), mdCell(info.Description))
	}
	return b.String()
}

// nonEmpty returns the non-empty strings of list.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// quoteAll wraps every string in q on the left and q reversed on the right.
func quoteAll(list []string, q string) []string {
	r := []rune(q)
	slices.Reverse(r)
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = q + s + string(r)
	}
	return out
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.Join(strings.Fields(s), " ")
}

// compactJSON returns v as compact JSON without HTML escaping.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Warning is a problem found in settings. The setting it concerns keeps its
// previous value; warnings are meant for window/showMessage or stderr.
type Warning struct {
	// File is the settings file, or "" for settings from the editor.
	File string
	// Key is the dotted key with its "planls." prefix ("planls.wipLimit"), or ""
	// for a problem with the whole document.
	Key string
	// Message is a full sentence naming the key.
	Message string
}

// String returns the message, prefixed with the file when there is one.
func (w Warning) String() string {
	if w.File != "" {
		return w.File + ": " + w.Message
	}
	return w.Message
}

// DecodeSettings reads settings JSON over base and returns the result with a
// warning per problem. Only the keys present change: values merge over base, so
// that editor settings decoded over .planls.json settings decoded over
// DefaultSettings override exactly what they name. Objects (severity, sections,
// fixAll) merge entry by entry; arrays replace the whole list; null means "not
// set" and keeps base.
//
// The data is the settings object itself — what an editor returns for the
// configuration section "planls" — or an object wrapping it as {"planls": {…}}
// (the form of didChangeConfiguration and of settings files). Dotted keys such
// as "fixAll.moveClosed" or "planls.wipLimit" are accepted as in VS Code's
// settings.json, as are // and /* */ comments and trailing commas.
//
// An unknown key, a value of the wrong type or outside its enum, or an unknown
// diagnostic code gives a warning naming the key, and that key keeps its base
// value. Invalid JSON gives one warning and returns base. DecodeSettings never
// panics; base is not modified.
func DecodeSettings(data []byte, base Settings) (Settings, []Warning) {
	d := &settingsDecoder{s: base.Clone()}
	clean := stripJSONC(data)
	if len(bytes.TrimSpace(clean)) == 0 {
		return d.s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(clean))
	dec.UseNumber()
	var doc any
	err := dec.Decode(&doc)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = fmt.Errorf("unexpected data after the settings object%s", atOffset(clean, dec.InputOffset()))
		}
	} else {
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			err = fmt.Errorf("%v%s", syn, atOffset(clean, syn.Offset))
		case errors.Is(err, io.ErrUnexpectedEOF):
			err = fmt.Errorf("unexpected end of input%s", atOffset(clean, int64(len(clean))))
		}
	}
	if err != nil {
		return base.Clone(), []Warning{{Message: "settings are not valid JSON: " + err.Error() + "; ignored"}}
	}
	switch v := doc.(type) {
	case nil:
	case map[string]any:
		d.object(v, "", true)
	default:
		return d.s, []Warning{{Message: "settings must be a JSON object, not " + describeJSON(v) + "; ignored"}}
	}
	return d.s, d.warnings
}

// atOffset formats a byte offset of data as " at line L, column C".
func atOffset(data []byte, off int64) string {
	if off < 0 || off > int64(len(data)) {
		return ""
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf(" at line %d, column %d", line, col)
}

// settingsDecoder accumulates the decoded settings and the warnings.
type settingsDecoder struct {
	s        Settings
	warnings []Warning
}

// warn records a warning about key (without "planls.").
func (d *settingsDecoder) warn(key, format string, args ...any) {
	full := "planls." + key
	d.warnings = append(d.warnings, Warning{Key: full, Message: full + ": " + fmt.Sprintf(format, args...)})
}

// object decodes the members of obj, whose keys are below prefix ("" or
// "fixAll."), in sorted order so that warnings are stable. At the top level a
// "planls" member or a "planls." key prefix is unwrapped.
func (d *settingsDecoder) object(obj map[string]any, prefix string, top bool) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		if top && k == "planls" {
			switch inner := v.(type) {
			case nil:
			case map[string]any:
				d.object(inner, "", false)
			default:
				d.warnings = append(d.warnings, Warning{Key: "planls",
					Message: "planls: expected the settings object, got " + describeJSON(v) + "; ignored"})
			}
			continue
		}
		if top {
			k = strings.TrimPrefix(k, "planls.")
		}
		d.value(prefix+k, v)
	}
}

// value decodes the value of one dotted key.
func (d *settingsDecoder) value(key string, v any) {
	if v == nil {
		return
	}
	if def := lookupDef(key); def != nil {
		d.leaf(def, key, v)
		return
	}
	if isSettingGroup(key) {
		obj, ok := v.(map[string]any)
		if !ok {
			d.warn(key, "expected an object, got %s; ignored", describeJSON(v))
			return
		}
		d.object(obj, key+".", false)
		return
	}
	// "severity.duplicate-task", "sections.in progress": one entry of a map.
	for i := range settingDefs {
		def := &settingDefs[i]
		if name, ok := strings.CutPrefix(key, def.key+"."); ok {
			switch def.field(&d.s).(type) {
			case *map[string]Severity, *map[string]string:
				d.mapEntry(def, name, v)
				return
			}
		}
	}
	d.warn(key, "unknown setting%s; ignored", suggest(key, allSettingKeys()))
}

// allSettingKeys returns every key and group name, for suggestions.
func allSettingKeys() []string {
	var keys []string
	for _, d := range settingDefs {
		keys = append(keys, d.key)
		if i := strings.IndexByte(d.key, '.'); i > 0 && !slices.Contains(keys, d.key[:i]) {
			keys = append(keys, d.key[:i])
		}
	}
	for _, c := range diagnosticCodes {
		keys = append(keys, "severity."+c.Code)
	}
	return keys
}

// leaf decodes the value of a row's key into its field.
func (d *settingsDecoder) leaf(def *settingDef, key string, v any) {
	switch p := def.field(&d.s).(type) {
	case *bool:
		b, ok := v.(bool)
		if !ok {
			d.warn(key, "expected true or false, got %s; keeping %v", describeJSON(v), *p)
			return
		}
		*p = b
	case *int:
		n, ok := v.(json.Number)
		if !ok {
			d.warn(key, "expected an integer ≥ 0, got %s; keeping %d", describeJSON(v), *p)
			return
		}
		i, ok := parseSettingInt(n)
		if !ok {
			d.warn(key, "expected an integer ≥ 0, got %s; keeping %d", n, *p)
			return
		}
		*p = i
	case *string:
		s, ok := v.(string)
		if !ok {
			d.warn(key, "expected a string, got %s; keeping %q", describeJSON(v), *p)
			return
		}
		if def.enum != nil {
			canon, ok := matchEnum(def.enum, s)
			if !ok {
				d.warn(key, "%q is not one of %s; keeping %q", s, enumList(def.enum), *p)
				return
			}
			s = canon
		}
		if def.check != nil {
			if problem := def.check(s); problem != "" {
				d.warn(key, "%s; keeping %q", problem, *p)
				return
			}
		}
		*p = s
	case *[]string:
		arr, ok := v.([]any)
		if !ok {
			d.warn(key, "expected an array of strings, got %s; keeping %s", describeJSON(v), shortJSON(*p))
			return
		}
		list := make([]string, 0, len(arr))
		for i, e := range arr {
			s, ok := e.(string)
			if !ok {
				d.warn(key, "element %d: expected a string, got %s; keeping %s", i, describeJSON(e), shortJSON(*p))
				return
			}
			if def.item != nil {
				if problem := def.item(s); problem != "" {
					d.warn(key, "element %d: %s; keeping %s", i, problem, shortJSON(*p))
					return
				}
			}
			list = append(list, s)
		}
		*p = list
	case *map[string]Severity, *map[string]string:
		obj, ok := v.(map[string]any)
		if !ok {
			d.warn(key, "expected an object, got %s; ignored", describeJSON(v))
			return
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, name := range names {
			d.mapEntry(def, name, obj[name])
		}
	}
}

// mapEntry decodes one entry of the severity or sections map.
func (d *settingsDecoder) mapEntry(def *settingDef, name string, v any) {
	key := def.key + "." + name
	if v == nil {
		return
	}
	switch p := def.field(&d.s).(type) {
	case *map[string]Severity:
		known := slices.ContainsFunc(diagnosticCodes, func(c CodeInfo) bool { return c.Code == name })
		if !known {
			codes := make([]string, len(diagnosticCodes))
			for i, c := range diagnosticCodes {
				codes[i] = c.Code
			}
			d.warn(key, "unknown diagnostic code%s; ignored", suggest(name, codes))
			return
		}
		old := d.s.SeverityOf(name)
		s, ok := v.(string)
		if !ok {
			d.warn(key, "expected a severity (%s), got %s; keeping %q", enumList(def.enum), describeJSON(v), old)
			return
		}
		sev, ok := ParseSeverity(s)
		if !ok {
			d.warn(key, "%q is not one of %s; keeping %q", s, enumList(def.enum), old)
			return
		}
		if *p == nil {
			*p = map[string]Severity{}
		}
		(*p)[name] = sev
	case *map[string]string:
		if problem := def.item(name); problem != "" {
			d.warn(key, "%s; ignored", problem)
			return
		}
		keep := "ignored"
		if old, ok := d.s.sectionBinding(settingNameKey(name)); ok {
			keep = fmt.Sprintf("keeping %q", old)
		}
		s, ok := v.(string)
		if !ok {
			d.warn(key, "expected a state type (%s), got %s; %s", enumList(stateTypes), describeJSON(v), keep)
			return
		}
		state, ok := parseState(s)
		if !ok {
			d.warn(key, "%q is not one of %s (or \"\" to remove the binding); %s", s, enumList(stateTypes), keep)
			return
		}
		if *p == nil {
			*p = map[string]string{}
		}
		nameKey := settingNameKey(name)
		for k := range *p {
			if settingNameKey(k) == nameKey {
				delete(*p, k)
			}
		}
		if state != "" {
			(*p)[strings.TrimSpace(name)] = state
		}
	}
}

// parseState parses a state type, ignoring case and accepting "-" or a space for
// "_" and the spelling "canceled"; "" (removal) is valid.
func parseState(s string) (string, bool) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	if n == "canceled" {
		n = StateCancelled
	}
	if n == "" || slices.Contains(stateTypes, n) {
		return n, true
	}
	return "", false
}

// parseSettingInt parses a JSON number as an integer in [0, MaxInt32]; an
// integral float such as 3.0 or 1e2 is accepted.
func parseSettingInt(n json.Number) (int, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return int(i), i >= 0 && i <= math.MaxInt32
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f < 0 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// matchEnum finds s among the allowed values ignoring case and surrounding space
// and returns the canonical spelling.
func matchEnum(enum []string, s string) (string, bool) {
	t := strings.TrimSpace(s)
	for _, e := range enum {
		if strings.EqualFold(e, t) {
			return e, true
		}
	}
	return "", false
}

// enumList formats allowed values as `"a", "b" or "c"`.
func enumList(enum []string) string {
	q := quoteAll(nonEmpty(enum), "\"")
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// describeJSON names the JSON type of a decoded value, with the value when short.
func describeJSON(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case json.Number:
		return "the number " + string(x)
	case string:
		if utf8.RuneCountInString(x) > 40 {
			return "a string"
		}
		return fmt.Sprintf("the string %q", x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// shortJSON formats a value as compact JSON, shortened to about 60 characters.
func shortJSON(v any) string {
	s := compactJSON(v)
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "…"
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to key, or ""
// when none is close.
func suggest(key string, candidates []string) string {
	best, bestDist := "", math.MaxInt
	k := strings.ToLower(key)
	for _, c := range candidates {
		dist := editDistance(k, strings.ToLower(c))
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	limit := max(1, utf8.RuneCountInString(key)/3)
	if best == "" || bestDist > limit {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance returns the Levenshtein distance between a and b in runes. Inputs
// longer than 200 runes are not compared (the distance is reported as large).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 200 || len(rb) > 200 {
		return math.MaxInt / 2
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// stripJSONC returns a copy of data in which comments (// and /* */), trailing
// commas before } or ], and a leading byte order mark are replaced by spaces, so
// that byte offsets, and with them line numbers, stay the same.
func stripJSONC(data []byte) []byte {
	out := bytes.Clone(data)
	if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		copy(out, "   ")
	}
	blank := func(from, to int) {
		for k := from; k < to; k++ {
			if out[k] != '\n' && out[k] != '\r' {
				out[k] = ' '
			}
		}
	}
	lastComma := -1 // offset of a comma that only white space and comments follow
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case c == '"':
			lastComma = -1
			i++
			for i < len(out) && out[i] != '"' {
				if out[i] == '\\' {
					i++
				}
				i++
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			end := bytes.IndexByte(out[i:], '\n')
			if end < 0 {
				end = len(out) - i
			}
			blank(i, i+end)
			i += end - 1
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			end := bytes.Index(out[i+2:], []byte("*/"))
			if end < 0 {
				blank(i, len(out))
				i = len(out)
				break
			}
			blank(i, i+2+end+2)
			i += 2 + end + 1
		case c == ',':
			lastComma = i
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
			}
			lastComma = -1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			lastComma = -1
		}
	}
	return out
}

// FindConfig looks for ConfigFileName in dir and each of its parents up to the
// root of fsys and returns the path of the first one found. dir is a slash path
// in fsys ("." is the root; a leading "/" is ignored, so an absolute path works
// with os.DirFS("/")); when it names a file, the search starts in its folder.
func FindConfig(fsys fs.FS, dir string) (string, bool) {
	dir = path.Clean("/" + strings.TrimSpace(dir))
	dir = strings.TrimPrefix(dir, "/")
	if dir == "" {
		dir = "."
	}
	if !fs.ValidPath(dir) || fsys == nil {
		return "", false
	}
	if info, err := fs.Stat(fsys, dir); err == nil && !info.IsDir() {
		dir = path.Dir(dir)
	}
	for {
		p := path.Join(dir, ConfigFileName)
		if info, err := fs.Stat(fsys, p); err == nil && !info.IsDir() {
			return p, true
		}
		if dir == "." {
			return "", false
		}
		dir = path.Dir(dir)
	}
}

// LoadConfig finds the settings file for startDir (see FindConfig) and decodes it
// over DefaultSettings. It returns the settings, the file's path in fsys ("" when
// there is none, and then the defaults) and the warnings, each naming the file.
func LoadConfig(fsys fs.FS, startDir string) (Settings, string, []Warning) {
	s := DefaultSettings()
	p, ok := FindConfig(fsys, startDir)
	if !ok {
		return s, "", nil
	}
	fail := func(msg string) (Settings, string, []Warning) {
		return s, p, []Warning{{File: p, Message: msg}}
	}
	if info, err := fs.Stat(fsys, p); err == nil && !info.Mode().IsRegular() {
		// Reading a FIFO or a device would block or never end.
		return fail("settings file is not a regular file; ignored")
	} else if err == nil && info.Size() > maxConfigSize {
		return fail(fmt.Sprintf("settings file is larger than %d bytes; ignored", maxConfigSize))
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return fail("cannot read settings: " + err.Error())
	}
	s, warnings := DecodeSettings(data, s)
	for i := range warnings {
		warnings[i].File = p
	}
	return s, p, warnings
}
