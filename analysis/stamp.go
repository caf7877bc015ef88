// This file defines done-stamps: the text Mark done appends to a task from the
// doneStamp template ({date} and {section} placeholders), and how Reopen finds
// that text again to remove it and to learn the section the task came from.

package analysis

import (
	"regexp"
	"strings"
	"sync"
	"time"
)

// RenderStamp fills a done-stamp template: {date} becomes now's date as
// YYYY-MM-DD and {section} the name of the section the task leaves. Trailing white
// space is dropped, since task text never ends with it. An empty template gives "".
func RenderStamp(template string, now time.Time, section string) string {
	if strings.TrimSpace(template) == "" {
		return ""
	}
	out := strings.ReplaceAll(template, "{date}", now.Format("2006-01-02"))
	out = strings.ReplaceAll(out, "{section}", stampEscaper.Replace(section))
	return strings.TrimRight(out, " \t")
}

// stampEscaper escapes, in a section name written into a stamp, the characters
// that could open inline markup together with text after the stamp ("<" of HTML
// or an autolink, "`" of a code span): a name like "<!A" before a trailing
// "<!-- -->" comment would otherwise turn the stamp's end into raw HTML, and
// Reopen could no longer find it. stampUnescaper undoes it for the recorded
// section.
var (
	stampEscaper   = strings.NewReplacer(`<`, `\<`, "`", "\\`")
	stampUnescaper = strings.NewReplacer(`\<`, `<`, "\\`", "`")
)

// stampMatcher recognises the stamps of one template at the end of task text.
type stampMatcher struct {
	re         *regexp.Regexp
	hasSection bool
}

// stampMatchers caches the matchers of the templates seen so far (a workspace
// has one or two), so that every edit does not compile its template again. A
// matcher is immutable and safe to share.
var stampMatchers struct {
	sync.Mutex
	m map[string]*stampMatcher
}

// maxStampMatchers bounds the cache; templates beyond it are compiled each time.
const maxStampMatchers = 32

// newStampMatcher returns the matcher of a template, or nil for an empty
// template. White space in the template matches any run of spaces and tabs; its
// leading white space is optional, so that the stamp's start takes in the spaces
// that separate it from the text.
func newStampMatcher(template string) *stampMatcher {
	if strings.TrimSpace(template) == "" {
		return nil
	}
	stampMatchers.Lock()
	m, ok := stampMatchers.m[template]
	stampMatchers.Unlock()
	if ok {
		return m
	}
	m = compileStamp(template)
	stampMatchers.Lock()
	if stampMatchers.m == nil {
		stampMatchers.m = map[string]*stampMatcher{}
	}
	if len(stampMatchers.m) < maxStampMatchers {
		stampMatchers.m[template] = m
	}
	stampMatchers.Unlock()
	return m
}

// compileStamp compiles a template into a matcher; see newStampMatcher.
func compileStamp(template string) *stampMatcher {
	template = strings.TrimRight(template, " \t")
	if strings.TrimSpace(template) == "" {
		return nil
	}
	var b strings.Builder
	b.WriteString(`^`)
	rest := template
	leading := true
	hasSection := false
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "{date}"):
			b.WriteString(`\d{4}-\d{2}-\d{2}`)
			rest = rest[len("{date}"):]
		case strings.HasPrefix(rest, "{section}"):
			b.WriteString(`(.*?)`)
			hasSection = true
			rest = rest[len("{section}"):]
		case rest[0] == ' ' || rest[0] == '\t':
			rest = strings.TrimLeft(rest, " \t")
			if leading {
				b.WriteString(`[ \t]*`)
			} else {
				b.WriteString(`[ \t]+`)
			}
		default:
			i := 1
			for i < len(rest) && rest[i] != ' ' && rest[i] != '\t' && rest[i] != '{' {
				i++
			}
			b.WriteString(regexp.QuoteMeta(rest[:i]))
			rest = rest[i:]
		}
		leading = false
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return &stampMatcher{re: re, hasSection: hasSection}
}

// find returns the start of the last stamp at the end of text (taking in the white
// space before it) and the section it records ("" when the template has no
// {section}).
func (m *stampMatcher) find(text string) (start int, section string, ok bool) {
	if m == nil {
		return 0, "", false
	}
	for i := len(text) - 1; i >= 0; i-- {
		if i > 0 && !isRuneStart(text[i]) {
			continue
		}
		sub := m.re.FindStringSubmatch(text[i:])
		if sub == nil {
			continue
		}
		if m.hasSection && len(sub) > 1 {
			section = stampUnescaper.Replace(strings.TrimSpace(sub[1]))
		}
		j := i
		for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
			j--
		}
		return j, section, true
	}
	return 0, "", false
}

// FindStamp looks for a stamp of template at the end of task text. It returns the
// byte offset in text where the stamp (with the white space before it) starts and
// the section it records, or ok == false.
func FindStamp(template, text string) (start int, section string, ok bool) {
	return newStampMatcher(template).find(text)
}

// isRuneStart reports whether b starts a UTF-8 sequence.
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
