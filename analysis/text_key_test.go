// This file table-tests normalizeKey, the duplicate-task key of a task's text.

package analysis

import "testing"

func TestNormalizeKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Fix  the\tBug.", "fix the bug"},
		{"  lead and trail \r\n", "lead and trail"},
		{"ASCII\vcontrols\fsplit", "ascii controls split"},
		{"Straße ÄÖÜ", "straße äöü"},
		{"ǅ title-case", "ǆ title-case"},
		{"任务 完成。", "任务 完成"},
		{"no\u00a0break\u0085next", "no break next"},
		{"ends with bangs!！", "ends with bangs"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"Ok 🚀", "ok 🚀"},
	} {
		if got := normalizeKey(tt.in); got != tt.want {
			t.Errorf("normalizeKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
