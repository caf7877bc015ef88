// This file defines the small text helpers of the plan model: Unicode case folding,
// heading anchors (GitHub slugs and kramdown ids), section-name enumeration, and the
// normalisation behind duplicate keys.

package analysis

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns s with Unicode simple case folding applied, lower-cased, for
// case-insensitive comparison of names and task keys.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune maps r to the lower-case form of the smallest rune of its case-folding
// orbit, so that every member of the orbit maps to the same rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return unicode.ToLower(r)
	}
	if r >= 0x2E80 && r < 0xA640 || r >= 0xAC00 && r < 0xD7B0 {
		return r // CJK, kana and Hangul have no case: skip the table lookups.
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return unicode.ToLower(m)
}

// GitHubSlug returns the anchor GitHub gives a heading with plain text text (before
// de-duplication): lower-cased, every character that is not a letter, mark, digit,
// connector punctuation, '-' or ' ' removed, spaces turned into '-'.
func GitHubSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) ||
			unicode.IsNumber(r) || unicode.Is(unicode.Pc, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// KramdownID returns the id kramdown (Jekyll's default Markdown converter) gives a
// heading with plain text text (before de-duplication): leading characters that
// are not ASCII letters removed, then everything but ASCII letters, digits, spaces
// and '-' removed, spaces turned into '-', lower-cased; "section" when nothing is left.
func KramdownID(text string) string {
	i := 0
	for i < len(text) && !isASCIILetter(text[i]) {
		i++
	}
	var b strings.Builder
	for ; i < len(text); i++ {
		c := text[i]
		switch {
		case c == ' ':
			b.WriteByte('-')
		case isASCIILetter(c):
			b.WriteByte(c | 0x20)
		case c >= '0' && c <= '9' || c == '-':
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// uniquer hands out -1, -2 suffixes for repeated anchors, the way github-slugger
// and kramdown do.
type uniquer map[string]int

// unique returns base, or base-N for the N-th repeat.
func (u uniquer) unique(base string) string {
	if _, seen := u[base]; !seen {
		u[base] = 0
		return base
	}
	for {
		u[base]++
		cand := base + "-" + strconv.Itoa(u[base])
		if _, seen := u[cand]; !seen {
			u[cand] = 0
			return cand
		}
	}
}

// SplitSectionName splits a heading's plain text into its leading enumeration and
// the section name: "1. doing" → ("1.", "doing"), "5.1.1. done:" → ("5.1.1.", "done"),
// "一、计划" → ("一、", "计划"), "(2) wait" → ("(2)", "wait"). Text without an
// enumeration is returned as the name, trimmed and without a trailing colon.
func SplitSectionName(text string) (number, name string) {
	t := strings.TrimSpace(text)
	n := enumerationLen(t)
	if n > 0 {
		number = t[:n]
		t = strings.TrimSpace(t[n:])
		number = strings.TrimRightFunc(number, unicode.IsSpace)
	}
	t = strings.TrimSuffix(t, ":")
	t = strings.TrimSuffix(t, "：")
	return number, strings.TrimSpace(t)
}

// enumerationLen returns the length of a leading enumeration of t including the
// space that must follow it (except after "、" and closing brackets), or 0.
func enumerationLen(t string) int {
	// Parenthesised: (1) or （1）.
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}} {
		if strings.HasPrefix(t, p[0]) {
			i := len(p[0])
			j := i
			for j < len(t) && t[j] >= '0' && t[j] <= '9' {
				j++
			}
			if j > i && strings.HasPrefix(t[j:], p[1]) {
				return j + len(p[1])
			}
			return 0
		}
	}
	// Chinese numerals followed by 、.
	i := 0
	for i < len(t) {
		r, size := utf8.DecodeRuneInString(t[i:])
		if !strings.ContainsRune("一二三四五六七八九十百零〇", r) {
			break
		}
		i += size
	}
	if i > 0 {
		if strings.HasPrefix(t[i:], "、") {
			return i + len("、")
		}
		return 0
	}
	// Arabic: 1.  5.1.1.  1)  1、  5.1 (a dotted number needs no final dot).
	j := 0
	groups := 0
	for {
		k := j
		for k < len(t) && t[k] >= '0' && t[k] <= '9' {
			k++
		}
		if k == j {
			break
		}
		groups++
		j = k
		if j < len(t) && t[j] == '.' && j+1 < len(t) && t[j+1] >= '0' && t[j+1] <= '9' {
			j++
			continue
		}
		break
	}
	if groups == 0 {
		return 0
	}
	end := j
	switch {
	case strings.HasPrefix(t[j:], "、"):
		return j + len("、")
	case j < len(t) && (t[j] == '.' || t[j] == ')'):
		end = j + 1
	case groups < 2:
		return 0
	}
	if end == len(t) {
		return end
	}
	if t[end] == ' ' || t[end] == '\t' {
		return end + 1
	}
	return 0
}

// normalizeKey turns plain task text into a duplicate key: white space collapsed,
// case folded, trailing punctuation (.。;；,，!！) trimmed. It makes one pass.
func normalizeKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, the common case, byte by byte
			i++
			if c == ' ' || c >= '\t' && c <= '\r' {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(foldRune(r))
	}
	out := b.String()
	return strings.TrimRightFunc(out, func(r rune) bool {
		return strings.ContainsRune(".。;；,，!！", r) || unicode.IsSpace(r)
	})
}
