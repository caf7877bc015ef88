// This file tests GeneratePlan, the generator of realistic plan files, and
// defines the parse benchmarks that use it.

package analysis

import (
	"bytes"
	"fmt"
	"testing"
)

func TestGeneratePlan(t *testing.T) {
	features := map[string]int{}
	for seed := int64(1); seed <= 120; seed++ {
		for _, n := range []int{0, 1, 7, 50, 400} {
			src := GeneratePlan(seed, n)
			if !bytes.Equal(src, GeneratePlan(seed, n)) {
				t.Fatalf("seed %d, %d tasks: output is not deterministic", seed, n)
			}
			p := Parse(src)
			checkPlan(t, p)
			if len(p.Tasks) != n {
				t.Errorf("seed %d: Parse finds %d tasks, want %d", seed, len(p.Tasks), n)
			}
			for name, ok := range map[string]bool{
				"crlf":          p.CRLF,
				"front matter":  p.FrontMatter != nil,
				"setext":        hasHeading(p, func(h *Heading) bool { return h.Setext }),
				"subsection":    hasHeading(p, func(h *Heading) bool { return h.Level == 3 }),
				"nested task":   hasTask(p, func(t *Task) bool { return t.Parent != nil }),
				"ordered task":  hasTask(p, func(t *Task) bool { return t.List.Ordered }),
				"extended":      hasTask(p, func(t *Task) bool { return bytes.IndexByte([]byte("-/>!"), t.Status) >= 0 }),
				"duplicate":     hasDuplicate(p),
				"malformed":     len(p.Malformed) > 0,
				"code":          bytes.Contains(src, []byte("fake task inside a fence")),
				"html link":     hasLink(p, func(l *Link) bool { return l.Form == FormHTML }),
				"bare link":     hasLink(p, func(l *Link) bool { return l.Form == FormBare }),
				"autolink":      hasLink(p, func(l *Link) bool { return l.Form == FormAutolink }),
				"reference":     hasLink(p, func(l *Link) bool { return l.Form == FormReference }),
				"image":         hasLink(p, func(l *Link) bool { return l.Form == FormImage }),
				"anchor link":   hasLink(p, func(l *Link) bool { return l.Kind == LinkAnchor }),
				"local link":    hasLink(p, func(l *Link) bool { return l.Kind == LinkLocal }),
				"liquid link":   hasLink(p, func(l *Link) bool { return bytes.Contains([]byte(l.Target), []byte("{{")) }),
				"mailto link":   hasLink(p, func(l *Link) bool { return bytes.HasPrefix([]byte(l.Target), []byte("mailto:")) }),
				"cjk and emoji": bytes.Contains(src, []byte("处理")) && bytes.Contains(src, []byte("👨\u200d💻")),
			} {
				if ok {
					features[name]++
				}
			}
		}
	}
	for _, name := range []string{"crlf", "front matter", "setext", "subsection", "nested task", "ordered task", "extended",
		"duplicate", "malformed", "code", "html link", "bare link", "autolink", "reference", "image", "anchor link",
		"local link", "liquid link", "mailto link", "cjk and emoji"} {
		if features[name] == 0 {
			t.Errorf("no generated plan has a %s", name)
		}
	}
}

// TestGeneratePlanDuplicates checks that about 2% of the generated tasks repeat an
// earlier task's text.
func TestGeneratePlanDuplicates(t *testing.T) {
	p := Parse(GeneratePlan(7, 5000))
	seen := map[string]bool{}
	dups := 0
	for _, task := range p.Tasks {
		if seen[task.Key] {
			dups++
		}
		seen[task.Key] = true
	}
	pct := float64(dups) * 100 / float64(len(p.Tasks))
	t.Logf("%.1f%% duplicate tasks", pct)
	if pct < 0.5 || pct > 6 {
		t.Errorf("%.1f%% duplicate tasks, want about 2%%", pct)
	}
}

// hasHeading reports whether some heading of p satisfies f.
func hasHeading(p *Plan, f func(*Heading) bool) bool {
	for _, h := range p.Headings {
		if f(h) {
			return true
		}
	}
	return false
}

// hasTask reports whether some task of p satisfies f.
func hasTask(p *Plan, f func(*Task) bool) bool {
	for _, t := range p.Tasks {
		if f(t) {
			return true
		}
	}
	return false
}

// hasLink reports whether some link of p satisfies f.
func hasLink(p *Plan, f func(*Link) bool) bool {
	for _, l := range p.Links {
		if f(l) {
			return true
		}
	}
	return false
}

// hasDuplicate reports whether two tasks of p share a duplicate key.
func hasDuplicate(p *Plan) bool {
	seen := map[string]bool{}
	for _, t := range p.Tasks {
		if seen[t.Key] {
			return true
		}
		seen[t.Key] = true
	}
	return false
}

func BenchmarkParse(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		src := GeneratePlan(1, n)
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				Parse(src)
			}
		})
	}
}
