// This file table-tests done-stamps: RenderStamp and FindStamp must agree on the
// section a stamp records, whatever the section's name holds.

package analysis

import (
	"testing"
	"time"
)

func TestStampRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	const tpl = " ✅ {date} (from {section})"
	for _, tt := range []struct{ section, want string }{
		{"doing", " ✅ 2026-11-26 (from doing)"},
		{"<!A00", " ✅ 2026-11-26 (from \\<!A00)"},
		{"`code` <b>", " ✅ 2026-11-26 (from \\`code\\` \\<b>)"},
		{"任务 🚀", " ✅ 2026-11-26 (from 任务 🚀)"},
	} {
		got := RenderStamp(tpl, now, tt.section)
		if got != tt.want {
			t.Errorf("RenderStamp(%q) = %q, want %q", tt.section, got, tt.want)
		}
		text := "task" + got
		start, section, ok := FindStamp(tpl, text)
		if !ok || start != len("task") || section != tt.section {
			t.Errorf("FindStamp(%q) = %d, %q, %v; want %d, %q, true", text, start, section, ok, len("task"), tt.section)
		}
	}
	if got := RenderStamp("  ", now, "x"); got != "" {
		t.Errorf("an empty template renders %q", got)
	}
}
