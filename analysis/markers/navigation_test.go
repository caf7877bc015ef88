// This file tests the navigation marker parser and the range rendering.

package markers

import (
	"fmt"
	"testing"
)

func TestNavs(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"<!-- @symbols -->", `[symbols line=-1 args=[] opts=map[] col=0]`},
		{"## a\n<!-- @hover(\"a\") @refs(\"a\", id=\"x\", decl=false) -->", `[hover line=0 args=[a] opts=map[] col=3 refs line=0 args=[a] opts=map[decl:false id:x] col=3]`},
		{`- [ ] [x](#y) <!-- @def("#y", "plan.md:1") @diag(missing-anchor) -->`, `[def line=0 args=[#y plan.md:1] opts=map[] col=10]`},
		{`x <!-- @wsymbols("not on the line") -->`, `[wsymbols line=0 args=[not on the line] opts=map[] col=0]`},
		{`x <!-- @rename("x", "a\"b\n", error="one line") -->`, `[rename line=0 args=[x a"b` + "\n" + `] opts=map[error:one line] col=0]`},
		{`x <!-- @hover("y") -->`, `error`},
		{`x <!-- @hover("x" -->`, `error`},
		{`x <!-- @hover("x) -->`, `error`},
	} {
		ms, err := Navs([]byte(tc.src))
		got := "error"
		if err == nil {
			got = "["
			for i, m := range ms {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%s line=%d args=%v opts=%v col=%d", m.Name, m.Line, m.Args, m.Opts, m.Col)
			}
			got += "]"
		}
		if got != tc.want {
			t.Errorf("Navs(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestRange(t *testing.T) {
	src := []byte("ab\r\n计划\nx")
	for _, tc := range []struct {
		start, end int
		want       string
	}{
		{0, 2, "1:1-1:3"}, {4, 10, "2:1-2:7"}, {11, 12, "3:1-3:2"}, {-5, 99, "1:1-3:2"},
	} {
		if got := Range(src, tc.start, tc.end); got != tc.want {
			t.Errorf("Range(%d, %d) = %s, want %s", tc.start, tc.end, got, tc.want)
		}
	}
	if got := Text(src, 0, 7); got != "ab⏎计" {
		t.Errorf("Text = %q", got)
	}
}

func TestIsGolden(t *testing.T) {
	for name, want := range map[string]bool{
		"symbols/plan.md": true, "rename/x/notes/a.md": true, "hover/id": true,
		"plan.md": false, "notes/a.md": false, "symbols": false, ".planls.json": false,
	} {
		if IsGolden(name) != want {
			t.Errorf("IsGolden(%q) = %v", name, !want)
		}
	}
}
