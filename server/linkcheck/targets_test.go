// This file tests Targets and Diagnostics on parsed plans: which links are
// listed and where, ignoreLinks, and the diagnostics each status gives.

package linkcheck

import (
	"slices"
	"strings"
	"testing"

	"github.com/planls/planls/analysis"
)

func TestTargets(t *testing.T) {
	src := strings.Join([]string{
		"## doing",
		"",
		"- [ ] [inline](https://a.example/x#frag) and <https://b.example/>",
		"- [ ] bare https://c.example/page and ![img](http://d.example/i.png)",
		"- [ ] [ref][r] and [ref again][r] and [local](other.md) [mail](mailto:x@y.z)",
		"- [ ] `https://in-code.example/` and [ignored](https://ignored.example/x)",
		"- [ ] <a href=\"https://e.example/\">html</a> and [scheme-relative](//f.example/y)",
		"",
		"```",
		"https://fenced.example/",
		"```",
		"",
		"[r]: https://ref.example/def",
		"",
	}, "\n")
	s := analysis.DefaultSettings()
	s.IgnoreLinks = []string{"https://ignored.example/**"}
	p := analysis.ParseWith([]byte(src), s)
	ts := Targets(p, s)
	var got []string
	for _, tg := range ts {
		if w := src[tg.Span.Start:tg.Span.End]; w != tg.URL {
			t.Errorf("span of %s covers %q", tg.URL, w)
		}
		got = append(got, tg.URL)
	}
	want := []string{
		"https://a.example/x#frag", "https://b.example/", "https://c.example/page", "http://d.example/i.png",
		"https://e.example/", "//f.example/y", "https://ref.example/def",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targets\n got %q\nwant %q", got, want)
	}
	if Targets(nil, s) != nil {
		t.Error("Targets(nil) is not empty")
	}
}

func TestURLs(t *testing.T) {
	ts := []Target{{URL: "a"}, {URL: "b"}, {URL: "a"}, {URL: "c"}, {URL: "b"}}
	if got := URLs(ts); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("URLs = %v", got)
	}
}

func TestDiagnostics(t *testing.T) {
	long := "https://long.example/" + strings.Repeat("x", 200)
	ts := []Target{
		{URL: "https://ok.example/", Span: analysis.Span{Start: 0, End: 5}},
		{URL: "https://dead.example/", Span: analysis.Span{Start: 10, End: 20}},
		{URL: "https://unknown.example/", Span: analysis.Span{Start: 30, End: 40}},
		{URL: "https://skipped.example/", Span: analysis.Span{Start: 50, End: 60}},
		{URL: "https://missing.example/", Span: analysis.Span{Start: 70, End: 80}},
		{URL: long, Span: analysis.Span{Start: 90, End: 100}},
	}
	results := map[string]Result{
		"https://ok.example/":      {Status: OK, Code: 200, Reason: "answered 200 OK"},
		"https://dead.example/":    {Status: Dead, Code: 404, Reason: "answered 404 Not Found"},
		"https://unknown.example/": {Status: Unknown, Code: 403, Reason: "answered 403 Forbidden"},
		"https://skipped.example/": {Status: Skipped, Reason: "not checked: x"},
		long:                       {Status: Dead, Reason: `host "long.example" does not exist`},
	}
	s := analysis.DefaultSettings()
	s.Severity["dead-url"] = analysis.SeverityError
	ds := Diagnostics(ts, results, s)
	if len(ds) != 3 {
		t.Fatalf("%d diagnostics, want 3: %+v", len(ds), ds)
	}
	want := []analysis.Diagnostic{
		{Span: analysis.Span{Start: 10, End: 20}, Severity: analysis.SeverityError, Code: "dead-url",
			Message: `Dead link "https://dead.example/": answered 404 Not Found. Fix the link or remove it.`},
		{Span: analysis.Span{Start: 30, End: 40}, Severity: analysis.SeverityHint, Code: "dead-url",
			Message: `Could not verify "https://unknown.example/": answered 403 Forbidden.`},
	}
	for i, w := range want {
		g := ds[i]
		if g.Span != w.Span || g.Severity != w.Severity || g.Code != w.Code || g.Message != w.Message {
			t.Errorf("diagnostic %d\n got %+v\nwant %+v", i, g, w)
		}
	}
	if m := ds[2].Message; !strings.Contains(m, "…") || len([]rune(m)) > 200 {
		t.Errorf("long URL not shortened: %q", m)
	}
	s.Severity["dead-url"] = analysis.SeverityOff
	if ds := Diagnostics(ts, results, s); len(ds) != 0 {
		t.Errorf("dead-url off still gives %d diagnostics", len(ds))
	}
}
