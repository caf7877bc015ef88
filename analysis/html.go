// This file defines a small scanner for HTML start tags and their attributes, used
// to find <a href>, <img src> links and id/name anchors in inline HTML and HTML
// blocks. It reads tags only; it is not a Markdown parser.

package analysis

import "strings"

// htmlTag is one start tag with its attributes.
type htmlTag struct {
	// name is the lower-cased tag name.
	name string
	// span covers the tag from '<' to '>'.
	span Span
	// attrs are the tag's attributes that have values.
	attrs []htmlAttr
}

// htmlAttr is an attribute with a value.
type htmlAttr struct {
	// name is the lower-cased attribute name.
	name string
	// val covers the value, without quotes.
	val Span
}

// scanHTMLTags returns the start tags inside sp, skipping comments.
func scanHTMLTags(src []byte, sp Span) []htmlTag {
	var tags []htmlTag
	end := min(sp.End, len(src))
	for i := sp.Start; i < end; i++ {
		if src[i] != '<' {
			continue
		}
		if strings.HasPrefix(string(src[i:min(i+4, end)]), "<!--") {
			k := strings.Index(string(src[i+4:end]), "-->")
			if k < 0 {
				return tags
			}
			i += 4 + k + 2
			continue
		}
		j := i + 1
		for j < end && (isASCIILetter(src[j]) || j > i+1 && (src[j] >= '0' && src[j] <= '9' || src[j] == '-')) {
			j++
		}
		if j == i+1 {
			continue
		}
		tag := htmlTag{name: strings.ToLower(string(src[i+1 : j]))}
		k, ok := scanAttrs(src, j, end, &tag)
		if !ok {
			continue
		}
		tag.span = Span{i, k}
		tags = append(tags, tag)
		i = k - 1
	}
	return tags
}

// scanAttrs reads attributes from i up to the closing '>' and returns the offset
// after it.
func scanAttrs(src []byte, i, end int, tag *htmlTag) (int, bool) {
	for i < end {
		for i < end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') {
			i++
		}
		if i >= end {
			return 0, false
		}
		if src[i] == '>' {
			return i + 1, true
		}
		if src[i] == '/' && i+1 < end && src[i+1] == '>' {
			return i + 2, true
		}
		n := i
		for n < end && !strings.ContainsRune(" \t\r\n=>/\"'<", rune(src[n])) {
			n++
		}
		if n == i {
			return 0, false
		}
		name := strings.ToLower(string(src[i:n]))
		i = n
		for i < end && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= end || src[i] != '=' {
			continue
		}
		i++
		for i < end && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= end {
			return 0, false
		}
		var val Span
		if q := src[i]; q == '"' || q == '\'' {
			k := i + 1
			for k < end && src[k] != q {
				k++
			}
			if k >= end {
				return 0, false
			}
			val = Span{i + 1, k}
			i = k + 1
		} else {
			k := i
			for k < end && !strings.ContainsRune(" \t\r\n\"'=<>`", rune(src[k])) {
				k++
			}
			val = Span{i, k}
			i = k
		}
		tag.attrs = append(tag.attrs, htmlAttr{name: name, val: val})
	}
	return 0, false
}
