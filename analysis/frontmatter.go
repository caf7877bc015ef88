// This file defines the recognition of front matter: a YAML block between "---"
// lines or a TOML block between "+++" lines at the very start of a file.

package analysis

import "bytes"

// parseFrontMatter returns the front matter at the start of src, or nil. An
// optional UTF-8 byte-order mark may precede it. The opening delimiter must be the
// whole first line; the block ends at the first line that is the same delimiter
// (or "..." for YAML). Without a closing line there is no front matter.
func parseFrontMatter(src []byte) *FrontMatter {
	start := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	var format string
	switch {
	case bytes.HasPrefix(src[start:], []byte("---")):
		format = "yaml"
	case bytes.HasPrefix(src[start:], []byte("+++")):
		format = "toml"
	default:
		return nil
	}
	delim := src[start : start+3]
	i := start
	first := true
	jekyll := false
	for i < len(src) {
		j := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if j >= 0 {
			next = i + j + 1
		}
		line := bytes.TrimRight(src[i:next], " \t\r\n")
		switch {
		case first:
			if !bytes.Equal(line, delim) {
				return nil
			}
			first = false
		case bytes.Equal(line, delim) || format == "yaml" && bytes.Equal(line, []byte("...")):
			return &FrontMatter{Span: Span{0, next}, Format: format, Jekyll: jekyll}
		case format == "yaml" && bytes.HasPrefix(line, []byte("layout:")):
			jekyll = true
		}
		i = next
	}
	return nil
}
