// This file defines the one audited scanner that finds where a link ends in the
// source. goldmark records where an inline link starts but not where it ends, so the
// closing bracket, the destination and the closing parenthesis are found here by
// scanning forward with CommonMark's rules for brackets, escapes, code spans,
// angle-bracket destinations and titles.

package analysis

// linkSyntax is the shape of a link found by scanLink.
type linkSyntax struct {
	// end is the offset just after the whole link.
	end int
	// labelEnd is the offset of the label's closing ']'.
	labelEnd int
	// dest covers the destination as written (without <>), for inline links.
	dest Span
	// inline is true for [text](dest), false for reference forms.
	inline bool
	// refLabel covers the label of a full reference [text][label]; empty otherwise.
	refLabel Span
}

// scanLink scans the link whose label opens with '[' at offset open. It returns
// false when the text there is not a complete link.
func scanLink(src []byte, open int) (linkSyntax, bool) {
	var l linkSyntax
	if open < 0 || open >= len(src) || src[open] != '[' {
		return l, false
	}
	close := scanLabelEnd(src, open)
	if close < 0 {
		return l, false
	}
	l.labelEnd = close
	i := close + 1
	if i < len(src) && src[i] == '(' {
		if dest, end, ok := scanInlineTail(src, i); ok {
			l.inline, l.dest, l.end = true, dest, end
			return l, true
		}
	}
	if i < len(src) && src[i] == '[' {
		if j := scanPlainLabelEnd(src, i); j >= 0 {
			l.refLabel = Span{i + 1, j}
			l.end = j + 1
			return l, true
		}
	}
	l.end = close + 1
	return l, true
}

// scanLabelEnd returns the offset of the ']' that closes the link text opened at
// open, honouring nested brackets, backslash escapes and code spans, or -1.
func scanLabelEnd(src []byte, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch c := src[i]; c {
		case '\\':
			i++
		case '`':
			n := runLen(src, i, '`')
			if j := findBacktickRun(src, i+n, n); j >= 0 {
				i = j + n - 1
			} else {
				i += n - 1
			}
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		case '\n':
			// A blank line ends the paragraph, and with it any link.
			if isBlankLine(src, i+1) {
				return -1
			}
		}
	}
	return -1
}

// scanPlainLabelEnd returns the ']' closing a reference label opened at open (no
// nesting allowed), or -1.
func scanPlainLabelEnd(src []byte, open int) int {
	for i := open + 1; i < len(src) && i-open < 1001; i++ {
		switch src[i] {
		case '\\':
			i++
		case '[':
			return -1
		case ']':
			return i
		}
	}
	return -1
}

// scanInlineTail scans "(dest "title")" starting at the '(' at offset open and
// returns the destination span and the offset after ')'.
func scanInlineTail(src []byte, open int) (Span, int, bool) {
	i := skipSpaceOneNewline(src, open+1)
	var dest Span
	if i < len(src) && src[i] == '<' {
		j := i + 1
		for ; j < len(src); j++ {
			if src[j] == '\\' {
				j++
				continue
			}
			if src[j] == '>' || src[j] == '\n' || src[j] == '<' {
				break
			}
		}
		if j >= len(src) || src[j] != '>' {
			return dest, 0, false
		}
		dest = Span{i + 1, j}
		i = j + 1
	} else {
		j, depth := i, 0
		for ; j < len(src); j++ {
			c := src[j]
			if c == '\\' && j+1 < len(src) && isASCIIPunct(src[j+1]) {
				j++
				continue
			}
			// goldmark, whose links these are, ends the destination at white
			// space only; CommonMark also excludes other control characters.
			if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
				break
			}
			if c == '(' {
				depth++
			} else if c == ')' {
				if depth == 0 {
					break
				}
				depth--
			}
		}
		if depth != 0 {
			return dest, 0, false
		}
		dest = Span{i, j}
		i = j
	}
	k := skipSpaceOneNewline(src, i)
	if k < len(src) && k > i && (src[k] == '"' || src[k] == '\'' || src[k] == '(') {
		closer := src[k]
		if closer == '(' {
			closer = ')'
		}
		j := k + 1
		for ; j < len(src); j++ {
			if src[j] == '\\' {
				j++
				continue
			}
			if src[j] == closer {
				break
			}
		}
		if j >= len(src) {
			return dest, 0, false
		}
		k = skipSpaceOneNewline(src, j+1)
	}
	if k < len(src) && src[k] == ')' {
		return dest, k + 1, true
	}
	return dest, 0, false
}

// scanRefDef scans a link reference definition "[label]: dest "title"" that starts
// at offset start (after any indentation) and returns the label and destination spans.
func scanRefDef(src []byte, start int) (label, dest Span, ok bool) {
	if start >= len(src) || src[start] != '[' {
		return label, dest, false
	}
	j := scanPlainLabelEnd(src, start)
	if j < 0 || j+1 >= len(src) || src[j+1] != ':' {
		return label, dest, false
	}
	label = Span{start + 1, j}
	i := skipSpaceOneNewline(src, j+2)
	if i < len(src) && src[i] == '<' {
		k := i + 1
		for k < len(src) && src[k] != '>' && src[k] != '\n' {
			if src[k] == '\\' {
				k++
			}
			k++
		}
		if k >= len(src) || src[k] != '>' {
			return label, dest, false
		}
		return label, Span{i + 1, k}, true
	}
	k := i
	for k < len(src) && src[k] > ' ' && src[k] != 0x7f {
		k++
	}
	return label, Span{i, k}, k > i
}

// runLen counts the consecutive bytes equal to c starting at i.
func runLen(src []byte, i int, c byte) int {
	n := 0
	for i+n < len(src) && src[i+n] == c {
		n++
	}
	return n
}

// findBacktickRun returns the start of the next run of exactly n backticks at or
// after from, or -1. A blank line stops the search.
func findBacktickRun(src []byte, from, n int) int {
	for i := from; i < len(src); {
		if src[i] == '`' {
			m := runLen(src, i, '`')
			if m == n {
				return i
			}
			i += m
			continue
		}
		if src[i] == '\n' && isBlankLine(src, i+1) {
			return -1
		}
		i++
	}
	return -1
}

// skipSpaceOneNewline skips spaces and tabs and at most one line break.
func skipSpaceOneNewline(src []byte, i int) int {
	nl := false
	for i < len(src) {
		switch src[i] {
		case ' ', '\t':
			i++
		case '\r':
			if nl {
				return i
			}
			i++
		case '\n':
			if nl {
				return i
			}
			nl = true
			i++
		default:
			return i
		}
	}
	return i
}

// isBlankLine reports whether the line starting at offset i holds only spaces and
// tabs (or is the end of the input).
func isBlankLine(src []byte, i int) bool {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}

// isASCIIPunct reports whether c is ASCII punctuation (escapable in CommonMark).
func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
