// This file defines GeneratePlan, a deterministic generator of realistic plan
// files for differential tests against cmark-gfm and for benchmarks.

package analysis

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// GeneratePlan returns a plan file with exactly tasks task items (as Parse with the
// default options counts them), generated from seed: the same seed and size always
// give the same bytes. The files look like real plans: Jekyll front matter and a
// kramdown {:toc} block, sections "## 1. doing" to "## 4. done" (sometimes setext,
// sometimes with month subsections), "---" separated groups, bullet and ordered
// lists, nested subtasks and continuation lines, CJK text, emoji (ZWJ sequences
// included), links of every kind (inline, reference, autolink, bare URL, image,
// HTML, Liquid, anchors, broken ones), about 2% duplicate tasks, and code fences,
// HTML blocks and comments holding fake tasks. Some seeds give CRLF line breaks.
func GeneratePlan(seed int64, tasks int) []byte {
	g := &generator{rng: rand.New(rand.NewPCG(uint64(seed), 0x706c616e6c73))}
	g.plan(max(tasks, 0))
	out := g.w.String()
	if g.crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return []byte(out)
}

// generator holds the state of one GeneratePlan call.
type generator struct {
	rng    *rand.Rand
	w      strings.Builder
	crlf   bool
	bullet string
	texts  []string // task texts written so far, for duplicates
	refs   []string // reference labels used, defined at the end
	slugs  []string // anchors of the headings written so far
}

// genSection describes one generated section.
type genSection struct {
	name  string
	done  bool
	share int // relative share of the tasks
}

// Text fragments the generator draws from.
var (
	genCJK = []string{
		"修改 co_kimserver，添加智能指针", "处理数据转发问题", "出一个结合 tcp 简述 epoll 事件通知原理视频（3 天）",
		"完善 TCP / IP 层的接口", "整理好整个流程的图片", "深入剖析 TIME_WAIT 问题", "阅读《UNIX 网络编程》第 6 章",
		"压力测试 nginx，使用 netstat 查看 listen backlog", "理解 GRO 逻辑（后续理解吧。）", "给图片添加上 napi_poll",
		"redis cluster 原理", "raft 通过图去总结", "整理周报", "准备分享：协程调度", "复习红黑树",
		"日本語のメモを書く", "한국어 문서 번역", "写一篇关于 io_uring 的文章", "ip 分片。", "进程切换",
	}
	genEnglish = []string{
		"write the release notes", "Fix flaky test in CI", "review PR #123", "update the README",
		"call the bank", "renew passport", "read 'Designing Data-Intensive Applications'",
		"migrate to Go 1.26", "benchmark the parser", "clean up the garage", "book flights",
	}
	genEmoji    = []string{"🚀", "✅", "🔥", "👍🏽", "👨‍💻", "🏳️‍🌈", "👩‍👩‍👧‍👦", "🇨🇳", "⭐", "📝", "🐛"}
	genNumbered = []string{"（第 %d 步）", "#%d", "v0.%d", "PR #%d", "%d 天", "(step %d)", "第 %d 章", "[%d/10]"}
	genNotes    = []string{"（备注：先画好流程图）", "（3 天）", "(low priority)", "（已添加。）", "(blocked by ops)", "【重要】"}
	genHosts    = []string{"https://www.cnblogs.com/charlieroro/p/14182908.html", "https://blog.csdn.net/hintonic/article/details/18005779",
		"https://segmentfault.com/a/1190000008836467", "https://github.com/wenfh2020/kimserver", "http://example.com/a_b",
		"https://redwingz.blog.csdn.net/article/details/82670126#comments_17443947", "https://en.wikipedia.org/wiki/Epoll_(API)"}
	genLocal = []string{"docs/setup.md", "../notes/epoll.md#lt-et", "/images/epoll.png", "notes/2021-03.md", "README.md#usage",
		"missing-file.md", "./plan.md#1-doing", "docs/a%20b.md", "posts/2020-01-01-tcp.html#handshake"}
	genBare = []string{"https://github.com/wenfh2020/co_kimserver", "www.example.com/path", "https://example.org/x.",
		"https://zhuanlan.zhihu.com/p/123456", "http://x.y/(a)", "https://example.com/a?b=1&c=2"}
)

// pick returns a random element of s.
func pick[T any](g *generator, s []T) T { return s[g.rng.IntN(len(s))] }

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// line writes one line.
func (g *generator) line(format string, args ...any) {
	fmt.Fprintf(&g.w, format, args...)
	g.w.WriteByte('\n')
}

// plan writes the whole file.
func (g *generator) plan(tasks int) {
	g.crlf = g.chance(0.1)
	g.bullet = pick(g, []string{"*", "*", "-", "-", "+"})
	jekyll := g.chance(0.8)
	if jekyll {
		g.line("---")
		g.line("layout: post")
		g.line("title:  \"%s\"", pick(g, []string{"计划", "plan", "待办 📝"}))
		g.line("categories: tool")
		g.line("tags: plan")
		g.line("author: wenfh2020")
		g.line("---")
		g.line("")
	} else if g.chance(0.5) {
		title := pick(g, []string{"计划", "My plan", "TODO 🚀"})
		if g.chance(0.5) {
			g.line("%s", title)
			g.line("%s", strings.Repeat("=", 3+g.rng.IntN(5)))
		} else {
			g.line("# %s", title)
		}
		g.slugs = append(g.slugs, GitHubSlug(title))
		g.line("")
	}
	g.line("先将要做的事情写下来，然后再处理。%s", g.inline())
	g.line("")
	if jekyll && g.chance(0.6) {
		g.line("* content")
		g.line("{:toc}")
		g.line("")
		g.line("---")
		g.line("")
	}
	if g.chance(0.2) {
		g.line("    - [ ] indented code, not a task")
		g.line("")
	}
	sections := []genSection{{"doing", false, 12}, {"wait", false, 8}, {"plan", false, 25}, {"done", true, 55}}
	if g.chance(0.15) {
		sections = []genSection{{"进行中", false, 15}, {"计划", false, 30}, {"已完成", true, 55}}
	}
	left := tasks
	for i, s := range sections {
		n := tasks * s.share / 100
		if i == len(sections)-1 {
			n = left
		}
		n = min(n, left)
		left -= n
		g.section(i+1, s, n)
	}
	if g.chance(0.3) {
		g.line("## %d. notes {#notes}", len(sections)+1)
		g.line("")
		g.line("> 注意：%s", g.inline())
		g.line("")
	}
	if len(g.refs) > 0 {
		g.line("")
		for _, r := range g.refs {
			g.line("[%s]: %s", r, pick(g, append(genHosts, genLocal...)))
		}
	}
}

// section writes one section holding n tasks.
func (g *generator) section(number int, s genSection, n int) {
	title := s.name
	if g.chance(0.8) {
		title = fmt.Sprintf("%d. %s", number, s.name)
	}
	if title == s.name && g.chance(0.3) {
		g.line("%s", title)
		g.line("%s", strings.Repeat("-", 2+g.rng.IntN(8)))
	} else {
		g.line("## %s", title)
	}
	g.slugs = append(g.slugs, GitHubSlug(title))
	g.line("")
	if s.done && n > 8 && g.chance(0.5) {
		// A done section organised by month.
		months := 2 + g.rng.IntN(3)
		for m := 0; m < months; m++ {
			k := n / (months - m)
			n -= k
			g.line("### 2021-%02d", 12-m)
			g.line("")
			g.groups(s, k)
		}
		return
	}
	g.groups(s, n)
}

// groups writes n tasks as lists separated by "---" and, now and then, a code
// fence, HTML block or comment with fake tasks.
func (g *generator) groups(s genSection, n int) {
	for n > 0 {
		k := min(n, 1+g.rng.IntN(12))
		n -= g.list(s, k, 0, "")
		g.line("")
		switch r := g.rng.IntN(20); {
		case r < 4 && n > 0:
			g.line("---")
			g.line("")
		case r == 4:
			fence := pick(g, []string{"```", "```md", "~~~", "````markdown"})
			g.line("%s", fence)
			g.line("%s [ ] fake task inside a fence", g.bullet)
			g.line("## fake heading")
			g.line("[fake link](nowhere.md)")
			g.line("%s", strings.TrimRight(fence, "mdarkown"))
			g.line("")
		case r == 5:
			g.line("<!-- %s [ ] commented-out task -->", g.bullet)
			g.line("")
		case r == 6:
			g.line("<!--")
			g.line("%s [x] hidden task", g.bullet)
			g.line("# hidden heading")
			g.line("-->")
			g.line("")
		case r == 7:
			g.line("<div class=\"note\">")
			g.line("%s [ ] task inside an HTML block", g.bullet)
			g.line("<a href=\"%s\">link in HTML</a>", pick(g, genLocal))
			g.line("</div>")
			g.line("")
		case r == 8:
			g.line("| 任务 | 链接 |")
			g.line("|---|---|")
			g.line("| %s | %s |", pick(g, genCJK), g.link())
			g.line("")
		case r == 9:
			g.line("%s []  malformed checkbox", g.bullet)
			g.line("%s [ ]no-space", g.bullet)
			g.line("")
		}
	}
}

// list writes a list of at most n tasks (subtasks included) at the given indent and
// returns how many it wrote.
func (g *generator) list(s genSection, n int, depth int, indent string) int {
	ordered := depth == 0 && g.chance(0.12) || depth > 0 && g.chance(0.2)
	delim := pick(g, []string{".", ".", ")"})
	loose := g.chance(0.1)
	bullet := g.bullet
	if depth > 0 {
		bullet = pick(g, []string{"-", "*", "+", g.bullet})
	}
	written := 0
	for i := 0; written < n; i++ {
		if i > 0 && loose {
			g.line("")
		}
		marker := bullet
		if ordered {
			num := i + 1
			if g.chance(0.3) {
				num = 1
			}
			marker = fmt.Sprintf("%d%s", num, delim)
		}
		g.line("%s%s [%c] %s", indent, marker, g.status(s), g.taskText())
		written++
		child := indent + strings.Repeat(" ", len(marker)+1)
		if !ordered && !strings.Contains(indent, " ") && g.chance(0.3) {
			// Tabs only after tabs: goldmark misreads spaces followed by a tab
			// (see the differences table of cmark_test.go).
			child = indent + "\t"
		}
		if g.chance(0.08) {
			// A continuation line, indented or lazy.
			if g.chance(0.7) {
				g.line("%s%s", child, g.inline())
			} else {
				g.line("%s", pick(g, genCJK))
			}
		}
		if depth < 2 && written < n && g.chance(0.15) {
			written += g.list(s, min(n-written, 1+g.rng.IntN(3)), depth+1, child)
		}
	}
	return written
}

// status returns a checkbox character fitting the section.
func (g *generator) status(s genSection) byte {
	r := g.rng.IntN(100)
	if s.done {
		switch {
		case r < 5:
			return 'X'
		case r < 9:
			return '-'
		case r < 11:
			return ' '
		}
		return 'x'
	}
	switch {
	case r < 3:
		return 'x'
	case r < 6:
		return '/'
	case r < 8:
		return '>'
	case r < 10:
		return '!'
	}
	return ' '
}

// taskText returns a task's text; about 2% repeat an earlier task's.
func (g *generator) taskText() string {
	if len(g.texts) > 0 && g.chance(0.02) {
		t := pick(g, g.texts)
		if g.chance(0.3) && t[0] >= 'a' && t[0] <= 'z' {
			t = strings.ToUpper(t[:1]) + t[1:]
		}
		return t
	}
	var parts []string
	if g.chance(0.6) {
		parts = append(parts, pick(g, genCJK))
	} else {
		parts = append(parts, pick(g, genEnglish))
	}
	// A number keeps fresh tasks distinct, so that duplicates are the planted ones.
	parts = append(parts, fmt.Sprintf(pick(g, genNumbered), len(g.texts)+1))
	for g.chance(0.35) {
		parts = append(parts, g.inline())
	}
	t := strings.Join(parts, " ")
	if g.chance(0.3) {
		t += "。"
	}
	g.texts = append(g.texts, t)
	return t
}

// inline returns a piece of inline text: a link, emphasis, a note or an emoji.
func (g *generator) inline() string {
	switch g.rng.IntN(10) {
	case 0, 1, 2, 3:
		return g.link()
	case 4:
		return pick(g, []string{"**重要**", "*soon*", "~~放弃~~", "`code`", "`[not](a-link.md)`", "__bold__"})
	case 5, 6:
		return pick(g, genNotes)
	case 7, 8:
		return pick(g, genEmoji)
	}
	return pick(g, genEnglish)
}

// link returns a link of a random kind.
func (g *generator) link() string {
	text := pick(g, []string{"链接", "docs", "参考文章", "Linux网络 - 数据包的接收过程", "see 👉 here", "*emph* link"})
	switch g.rng.IntN(16) {
	case 0, 1, 2:
		return fmt.Sprintf("[%s](%s)", text, pick(g, genHosts))
	case 3, 4:
		return fmt.Sprintf("[%s](%s)", text, pick(g, genLocal))
	case 5:
		if len(g.slugs) > 0 {
			return fmt.Sprintf("[%s](#%s)", text, pick(g, g.slugs))
		}
		return fmt.Sprintf("[%s](#no-such-anchor)", text)
	case 6:
		return fmt.Sprintf("[%s](#%s)", text, pick(g, []string{"doing", "plan", "1-doing", "4-done", "no-such-heading"}))
	case 7:
		label := fmt.Sprintf("ref%d", g.rng.IntN(6))
		if !slices.Contains(g.refs, label) {
			g.refs = append(g.refs, label)
		}
		return pick(g, []string{fmt.Sprintf("[%s][%s]", text, label), fmt.Sprintf("[%s]", label), fmt.Sprintf("[%s][]", label)})
	case 8:
		return fmt.Sprintf("[%s][undefined-ref]", text)
	case 9:
		return fmt.Sprintf("<%s>", pick(g, genHosts[:4]))
	case 10, 11:
		return pick(g, genBare)
	case 12:
		return fmt.Sprintf("![%s](%s)", pick(g, []string{"图", "diagram", ""}), pick(g, []string{"/images/epoll.png", "img/a b.png", "https://example.com/x.svg"}))
	case 13:
		return fmt.Sprintf("<a href=\"%s\">%s</a>", pick(g, genLocal), text)
	case 14:
		return pick(g, []string{"[post]({{site.baseurl}}/2020/01/01/x.html)", "[post]({{ site.url }}/x.html)", "{% post_url 2021-01-01-foo %}", "[post]({% link _posts/a.md %})"})
	}
	return pick(g, []string{"someone@example.com", "<mailto:me@example.com>", "[mail](mailto:me@example.com)"})
}
