// Package analysis is the plan model of planls and every feature computed from it,
// as pure functions of text: parsing, diagnostics, task moves and fixes, completion
// and symbols.
//
// Architecture invariant: this package knows nothing about LSP or JSON-RPC. It speaks
// in byte offsets into the source (half-open [Start, End) spans), labels and plain
// structs. It is the only package that imports goldmark, and it reaches files only
// through an fs.FS handed to it.
package analysis

// This file defines the plan model: the plain data that Parse produces.

import "bytes"

// Span is a half-open range [Start, End) of byte offsets into a document's source.
type Span struct {
	Start, End int
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// Contains reports whether offset off lies inside the span (Start <= off < End).
func (s Span) Contains(off int) bool { return s.Start <= off && off < s.End }

// Covers reports whether the span fully contains t.
func (s Span) Covers(t Span) bool { return s.Start <= t.Start && t.End <= s.End }

// Plan is the parsed model of one plan file. Every slice is in document order.
// A Plan is immutable once Parse returns it and may be shared between goroutines.
type Plan struct {
	// Src is the source the plan was parsed from. It is not copied: callers must
	// not modify it afterwards.
	Src []byte
	// Lines holds the byte offset at which each line starts; Lines[0] == 0.
	// A line break is "\n" or "\r\n"; a lone "\r" is not one.
	Lines []int
	// CRLF is true when the majority of line breaks are "\r\n".
	CRLF bool
	// FrontMatter is the YAML (---) or TOML (+++) block at byte 0, or nil.
	FrontMatter *FrontMatter
	// Headings lists every ATX and setext heading outside code, HTML and front matter,
	// including headings nested in lists and block quotes.
	Headings []*Heading
	// Sections lists the sections opened by the top-level headings.
	Sections []*Section
	// Tasks lists every task item, nested ones included, in document order.
	Tasks []*Task
	// Lists lists every list that holds at least one task, nested ones included.
	Lists []*List
	// Links lists every link, image, autolink, bare URL and HTML <a href>.
	Links []*Link
	// RefDefs lists the link reference definitions ([label]: destination).
	RefDefs []*RefDef
	// Anchors lists every anchor a heading or HTML element provides.
	Anchors []*Anchor
	// Breaks lists the top-level thematic breaks (---, ***, ___).
	Breaks []Span
	// Code lists the spans of code blocks, code spans, HTML blocks, HTML comments and
	// the front matter: regions whose text is never a task, heading or link.
	Code []Span
	// Malformed lists list items whose first line looks like a checkbox but is not
	// a valid one (see MalformedCheckbox).
	Malformed []*MalformedCheckbox
	// Err is set when parsing hit an internal error; the model is then empty.
	Err string
	// TooLarge is set when the file is larger than MaxFileSize and was not
	// analysed; the model is then empty.
	TooLarge bool

	// html are the anchors of HTML id/name attributes, which derive merges
	// with the heading anchors into Anchors.
	html []*Anchor
	// parsedWith is parseKey of the settings the plan was derived with.
	parsedWith string
}

// Reusable reports whether p is what ParseWith(src, s) returns: a complete model
// of the same text, derived with settings that parse alike. A plan is never
// modified once returned, so a reusable one can stand in for a new parse (the
// server reuses its workspace index's plan of a file the editor opens).
func (p *Plan) Reusable(src []byte, s Settings) bool {
	return p != nil && p.Err == "" && !p.TooLarge && p.parsedWith != "" &&
		p.parsedWith == parseKey(s) && bytes.Equal(p.Src, src)
}

// FrontMatter is a YAML or TOML block at the very start of the file.
type FrontMatter struct {
	// Span covers the whole block, both delimiter lines and the line break after
	// the closing one.
	Span Span
	// Format is "yaml" (delimited by ---) or "toml" (delimited by +++).
	Format string
	// Jekyll is true for YAML front matter that has a "layout:" key, the marker of a
	// Jekyll/kramdown site, whose anchors are kramdown ids.
	Jekyll bool
}

// Heading is an ATX (## x) or setext (x / ===) heading.
type Heading struct {
	// Span covers the whole heading: every line, without the final line break.
	Span Span
	// Level is 1 to 6.
	Level int
	// Setext is true for underlined headings.
	Setext bool
	// TextSpan covers the raw inline text (without # markers, closing sequence,
	// attribute block or setext underline).
	TextSpan Span
	// Text is the plain text with inline markup removed, as a renderer shows it.
	Text string
	// Slug is the GitHub anchor, with -1, -2 suffixes for repeats.
	Slug string
	// KramdownID is the kramdown (Jekyll) anchor, with -1, -2 suffixes for repeats.
	KramdownID string
	// ID is the explicit {#id} given after the heading, or "".
	ID string
	// TopLevel is true when the heading is a direct child of the document and so
	// opens a section.
	TopLevel bool
	// Section is the section the heading opens, or nil when it is not top-level.
	Section *Section
}

// Role says what a section is for.
type Role int

const (
	// RoleOpen is a section of open work.
	RoleOpen Role = iota
	// RoleDone is a section of closed work.
	RoleDone
)

// String returns "open" or "done".
func (r Role) String() string {
	if r == RoleDone {
		return "done"
	}
	return "open"
}

// Section is the content under a top-level heading up to the next heading of the
// same or a higher level.
type Section struct {
	// Heading is the heading that opens the section.
	Heading *Heading
	// Span runs from the start of the heading to the start of the next heading of
	// the same or a higher level, or to the end of the file.
	Span Span
	// Number is the leading enumeration as written, without trailing space
	// ("1.", "5.1.1.", "1)", "一、"), or "".
	Number string
	// Name is the heading text with its enumeration, surrounding space and a
	// trailing colon removed.
	Name string
	// Key is Name case-folded, for comparisons.
	Key string
	// State is the state type bound to the section ("todo", "in_progress",
	// "on_hold", "done", "cancelled"), inherited from the parent when the section's
	// own name has none, or "".
	State string
	// Role is RoleDone for done sections (by name or inherited), else RoleOpen.
	Role Role
	// Parent is the enclosing section, or nil.
	Parent *Section
	// Children are the direct subsections.
	Children []*Section
	// Index is the position of the section in Plan.Sections.
	Index int
}

// Task is a list item whose first line starts with a checkbox.
type Task struct {
	// Span is the task's block: its first line from the line start, continuation
	// lines and nested items, without trailing blank lines and without the final
	// line break.
	Span Span
	// Line is the task's first line, from the line start to the end of the text,
	// without the line break.
	Line Span
	// Marker covers the list marker ("*", "-", "+", "1.", "1)").
	Marker Span
	// Checkbox covers "[ ]" including the brackets.
	Checkbox Span
	// Status is the character inside the checkbox: ' ', 'x', 'X', '-', '/', '>' or '!'.
	Status byte
	// TextSpan covers the text after the checkbox and its following white space up to
	// the end of the first line, without trailing white space.
	TextSpan Span
	// Text is the raw text of TextSpan.
	Text string
	// Key is the duplicate key (see DuplicateKey).
	Key string
	// Parent is the task this one is nested in, or nil.
	Parent *Task
	// Children are the tasks nested directly in this one.
	Children []*Task
	// Section is the innermost section holding the task, or nil before the first heading.
	Section *Section
	// List is the list the task is an item of.
	List *List
	// Index is the position of the task in Plan.Tasks.
	Index int
	// keyHash is a hash of Key, computed once with it (Reparse keeps it for the
	// tasks it reuses), so that finding duplicates does not hash every key on
	// every keystroke.
	keyHash uint64
}

// Closed reports whether the task is done or cancelled.
func (t *Task) Closed() bool { return StatusClosed(t.Status) }

// StatusClosed reports whether a checkbox character means a closed task
// (x, X done; - cancelled).
func StatusClosed(c byte) bool { return c == 'x' || c == 'X' || c == '-' }

// List is a bullet or ordered list that holds at least one task.
type List struct {
	// Span covers the list from the start of its first item's line to the end of its
	// last item's block (without the final line break).
	Span Span
	// Items are the spans of every item (task or not), as Task.Span.
	Items []Span
	// Marker is the bullet character ('-', '*', '+') or the ordered delimiter ('.', ')').
	Marker byte
	// Ordered is true for "1." and "1)" lists.
	Ordered bool
	// Start is the first number of an ordered list.
	Start int
	// Loose is true when items are separated by blank lines.
	Loose bool
	// Indent is the column (in bytes from the line start) of the items' markers.
	Indent int
	// Section is the innermost section holding the list, or nil.
	Section *Section
	// Parent is the task the list is nested in, or nil for a top-level list.
	Parent *Task
}

// LinkKind classifies a link by its destination.
type LinkKind int

const (
	// LinkAnchor is a fragment in the same file (#frag).
	LinkAnchor LinkKind = iota
	// LinkLocal is a relative or root-relative path, with an optional #frag.
	LinkLocal
	// LinkExternal is an http or https URL.
	LinkExternal
	// LinkOther is anything never checked: mailto:, other schemes, Liquid templates.
	LinkOther
)

// String returns "anchor", "local", "external" or "other".
func (k LinkKind) String() string {
	switch k {
	case LinkAnchor:
		return "anchor"
	case LinkLocal:
		return "local"
	case LinkExternal:
		return "external"
	}
	return "other"
}

// LinkForm says how a link is written.
type LinkForm int

const (
	// FormInline is [text](dest).
	FormInline LinkForm = iota
	// FormReference is [text][label], [label][] or [label] resolved by a definition.
	FormReference
	// FormAutolink is <https://…>.
	FormAutolink
	// FormBare is a bare URL (GFM autolink extension).
	FormBare
	// FormImage is ![alt](src) or ![alt][label].
	FormImage
	// FormHTML is <a href="…"> or <img src="…"> in inline HTML.
	FormHTML
)

// String returns the form's name.
func (f LinkForm) String() string {
	return [...]string{"inline", "reference", "autolink", "bare", "image", "html"}[f]
}

// Link is a link of any form.
type Link struct {
	// Span covers the whole link as written.
	Span Span
	// Dest covers the destination as written (without <> or quotes); for a
	// reference link it is the destination of the definition, which may lie
	// elsewhere in the file.
	Dest Span
	// Target is the destination with escapes and entities decoded, as a browser
	// would follow it (percent-encoding is kept).
	Target string
	// Label is the normalised reference label for FormReference, else "".
	Label string
	// Form says how the link is written.
	Form LinkForm
	// Kind classifies the destination.
	Kind LinkKind
	// Path is the percent-decoded path part of a local link ("" for others).
	Path string
	// Fragment is the percent-decoded part after '#', or "".
	Fragment string
	// HasFragment is true when the destination contains '#'.
	HasFragment bool
}

// RefDef is a link reference definition: [label]: destination "title".
type RefDef struct {
	// Span covers the definition.
	Span Span
	// LabelSpan covers the label inside the brackets.
	LabelSpan Span
	// Label is the normalised label (case-folded, white space collapsed).
	Label string
	// Dest covers the destination as written.
	Dest Span
	// Target is the decoded destination.
	Target string
}

// AnchorStyle says which convention produced an anchor.
type AnchorStyle int

const (
	// AnchorGitHub is a github-slugger slug.
	AnchorGitHub AnchorStyle = iota
	// AnchorKramdown is a kramdown auto id.
	AnchorKramdown
	// AnchorExplicit is an {#id} attribute or an HTML id/name.
	AnchorExplicit
)

// String returns "github", "kramdown" or "explicit".
func (s AnchorStyle) String() string {
	return [...]string{"github", "kramdown", "explicit"}[s]
}

// Anchor is a fragment name that a link can point to.
type Anchor struct {
	// Name is the fragment, without '#'.
	Name string
	// Style says where the name comes from.
	Style AnchorStyle
	// Span is where the anchor is defined (the heading, or the HTML attribute).
	Span Span
	// Heading is the heading that provides the anchor, or nil for HTML anchors.
	Heading *Heading
}

// MalformedCheckbox is a list item whose first line starts with a near-miss of a
// checkbox ("[]", "[ x]", "[x ]", "[ ]x", "[✓]", "[v]", "【 】", "［ ］").
type MalformedCheckbox struct {
	// Span covers the near-miss checkbox.
	Span Span
	// Line is the item's first line, without the line break.
	Line Span
	// Want is the checkbox that should be there: "[ ]" or "[x]".
	Want string
	// Text is the text after the near-miss; for "[ ]x" it is what follows "]"
	// and NeedSpace is true.
	NeedSpace bool
}
