package main

// This file defines the results file of a benchmark (every run and the
// medians), the statistics helpers, and the Markdown tables that compare
// servers side by side with ratios and check the targets of the performance
// issue.

import (
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
)

// result is the results file of one server.
type result struct {
	Name       string        `json:"name"`
	Command    []string      `json:"command"`
	Mode       string        `json:"diagnostics_mode"` // push or pull
	Runs       int           `json:"runs"`
	Keystrokes int           `json:"keystrokes"`
	Typing     int           `json:"typing"`
	Requests   int           `json:"requests"`
	Machine    machine       `json:"machine"`
	Date       string        `json:"date"`
	LoadBefore string        `json:"load_before"` // /proc/loadavg when the runs began
	LoadAfter  string        `json:"load_after"`  // and when they ended
	Sizes      []sizeResult  `json:"sizes"`
	Index      *indexSummary `json:"index,omitempty"`
}

// machine describes where the benchmark ran.
type machine struct {
	CPU    string `json:"cpu"`
	Cores  int    `json:"cores"`
	Kernel string `json:"kernel"`
}

// sizeResult holds the runs on one plan size.
type sizeResult struct {
	Tasks  int         `json:"tasks"`
	Bytes  int         `json:"bytes"`
	Runs   []runResult `json:"runs"`
	Median runResult   `json:"median"`
}

// indexSummary holds the runs of the workspace index benchmark.
type indexSummary struct {
	Files  int           `json:"files"`
	Bytes  int           `json:"bytes"`
	Runs   []indexResult `json:"runs"`
	Median indexResult   `json:"median"`
}

// thisMachine describes the machine from /proc.
func thisMachine() machine {
	m := machine{CPU: "unknown", Cores: runtime.NumCPU(), Kernel: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	return m
}

// missing stands for a value that was not measured (JSON has no NaN).
const missing = -1.0

// loadAverage returns the 1, 5 and 15 minute load averages from /proc/loadavg.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// percentile returns the p-th percentile (nearest rank) of xs, or missing when
// xs is empty.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return missing
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// median returns the median of xs (the mean of the middle two for an even
// count), or missing when xs is empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return missing
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// medianOf returns the median over runs of one field.
func medianOf[T any](runs []T, f func(T) float64) float64 {
	xs := make([]float64, 0, len(runs))
	for _, r := range runs {
		xs = append(xs, f(r))
	}
	return median(xs)
}

// medianRun returns the field-by-field median of runs; request latencies are
// the medians of each run's p50 and p95.
func medianRun(runs []runResult) runResult {
	m := runResult{
		Initialize: medianOf(runs, func(r runResult) float64 { return r.Initialize }),
		Open:       medianOf(runs, func(r runResult) float64 { return r.Open }),
		OpenCPU:    medianOf(runs, func(r runResult) float64 { return r.OpenCPU }),
		OpenDiags:  int(medianOf(runs, func(r runResult) float64 { return float64(r.OpenDiags) })),
		OpenNew:    medianOf(runs, func(r runResult) float64 { return r.OpenNew }),
		OpenNewCPU: medianOf(runs, func(r runResult) float64 { return r.OpenNewCPU }),
		Keys:       medianOf(runs, func(r runResult) float64 { return r.Keys }),
		KeysCPU:    medianOf(runs, func(r runResult) float64 { return r.KeysCPU }),
		KeysAfter:  medianOf(runs, func(r runResult) float64 { return r.KeysAfter }),
		Typing:     medianOf(runs, func(r runResult) float64 { return r.Typing }),
		TypingP95:  medianOf(runs, func(r runResult) float64 { return r.TypingP95 }),
		TypingCPU:  medianOf(runs, func(r runResult) float64 { return r.TypingCPU }),
		PeakRSS:    medianOf(runs, func(r runResult) float64 { return r.PeakRSS }),
		CPU:        medianOf(runs, func(r runResult) float64 { return r.CPU }),
		Wall:       medianOf(runs, func(r runResult) float64 { return r.Wall }),
		CleanExit:  true,
		Requests:   map[string]*latency{},
	}
	m.DiagnosticN = int(medianOf(runs, func(r runResult) float64 { return float64(r.DiagnosticN) }))
	names := map[string]bool{}
	for _, r := range runs {
		m.CleanExit = m.CleanExit && r.CleanExit
		for name := range r.Requests {
			names[name] = true
		}
	}
	for name := range names {
		var with []*latency
		for _, r := range runs {
			if l := r.Requests[name]; l != nil && l.N > 0 {
				with = append(with, l)
			}
		}
		l := &latency{P50: missing, P95: missing}
		if len(with) > 0 {
			l.P50 = medianOf(with, func(l *latency) float64 { return l.P50 })
			l.P95 = medianOf(with, func(l *latency) float64 { return l.P95 })
			l.Items = with[0].Items
		}
		for _, r := range runs {
			if x := r.Requests[name]; x != nil {
				l.N += x.N
				l.Errors += x.Errors
			}
		}
		m.Requests[name] = l
	}
	return m
}

// medianIndex returns the field-by-field median of index runs.
func medianIndex(runs []indexResult) indexResult {
	m := indexResult{
		Time: medianOf(runs, func(r indexResult) float64 { return r.Time }),
		CPU:  medianOf(runs, func(r indexResult) float64 { return r.CPU }),
		RSS:  medianOf(runs, func(r indexResult) float64 { return r.RSS }),
	}
	if len(runs) > 0 {
		m.Method = runs[0].Method
	}
	return m
}

// fmtMS formats milliseconds with sensible precision.
func fmtMS(v float64) string {
	switch {
	case v < 0 || math.IsNaN(v):
		return "n/a"
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

// fmtRatio formats how many times b is larger than a.
func fmtRatio(a, b float64) string {
	if math.IsNaN(a) || math.IsNaN(b) || a <= 0 || b < 0 {
		return "n/a"
	}
	r := b / a
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.1f×", r)
}

// fmtSize formats a byte count.
func fmtSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KB", float64(n)/1024)
	}
}

// row is one line of the comparison table: a label and how to read the
// wall-clock value (and optionally the CPU value) of a run.
type row struct {
	label string
	wall  func(runResult) float64
	cpu   func(runResult) float64 // nil when there is none
	unit  string                  // "" for milliseconds
}

// tableRows are the rows of the comparison, per plan size.
func tableRows(requests []string) []row {
	rows := []row{
		{label: "start → initialize", wall: func(r runResult) float64 { return r.Initialize }},
		{label: "open → diagnostics", wall: func(r runResult) float64 { return r.Open }, cpu: func(r runResult) float64 { return r.OpenCPU }},
		{label: "open → diagnostics, file not on disk", wall: func(r runResult) float64 { return r.OpenNew }, cpu: func(r runResult) float64 { return r.OpenNewCPU }},
		{label: "100 keystrokes → final diagnostics", wall: func(r runResult) float64 { return r.Keys }, cpu: func(r runResult) float64 { return r.KeysCPU }},
		{label: "one keystroke → its diagnostics (median; CPU per keystroke)", wall: func(r runResult) float64 { return r.Typing }, cpu: func(r runResult) float64 { return r.TypingCPU }},
	}
	for _, name := range requests {
		rows = append(rows,
			row{label: name + " p50", wall: reqField(name, false)},
			row{label: name + " p95", wall: reqField(name, true)})
	}
	rows = append(rows,
		row{label: "peak RSS", wall: func(r runResult) float64 { return r.PeakRSS }, unit: "MB"},
		row{label: "CPU time of the whole run", wall: func(r runResult) float64 { return r.CPU }})
	return rows
}

// reqField reads a request latency of a run.
func reqField(name string, p95 bool) func(runResult) float64 {
	return func(r runResult) float64 {
		l := r.Requests[name]
		if l == nil || l.N == 0 {
			return missing
		}
		if p95 {
			return l.P95
		}
		return l.P50
	}
}

// requestNames are the timed request kinds, in table order.
var requestNames = []string{"completion", "codeAction", "documentSymbol", "hover"}

// fmtValue formats a table value.
func fmtValue(v float64, unit string) string {
	if unit == "MB" {
		if v < 0 || math.IsNaN(v) {
			return "n/a"
		}
		return fmt.Sprintf("%.0f MB", v)
	}
	return fmtMS(v)
}

// writeComparison writes the Markdown comparison of results. With two or
// more, the second is the reference: every other result's ratios are the
// reference's value divided by its own (how many times faster or smaller than
// the reference it is), and its targets are checked against the reference.
func writeComparison(w io.Writer, results []*result) {
	if len(results) == 0 {
		return
	}
	first := results[0]
	var ref *result
	if len(results) >= 2 {
		ref = results[1]
	}
	fmt.Fprintf(w, "Machine: %d cores, %s, Linux %s. %s. Median of %d runs per server and size; request latencies are the medians of each run's p50 and p95 over %d requests; CPU time is the server process's user+system time from /proc (10 ms resolution).\n\n",
		first.Machine.Cores, first.Machine.CPU, first.Machine.Kernel, first.Date, first.Runs, first.Requests)
	fmt.Fprintf(w, "Load average (1, 5, 15 min) before → after each server's runs:")
	for i, res := range results {
		sep := ";"
		if i == len(results)-1 {
			sep = "."
		}
		fmt.Fprintf(w, " %s %s → %s%s", res.Name, res.LoadBefore, res.LoadAfter, sep)
	}
	fmt.Fprint(w, "\n\n")

	// The summary, shaped like the table of the issue.
	fmt.Fprintf(w, "| plan | server | open → diagnostics | open, file not on disk | 100 keystrokes → final diagnostics | one keystroke → diagnostics | peak RSS | start → initialize |\n|---|---|---|---|---|---|---|---|\n")
	for i, sz := range first.Sizes {
		for j, res := range results {
			if i >= len(res.Sizes) || ref != nil && i >= len(ref.Sizes) {
				continue
			}
			m := res.Sizes[i].Median
			label := ""
			if j == 0 {
				label = fmt.Sprintf("%s tasks, %s", thousands(sz.Tasks), fmtSize(sz.Bytes))
			}
			var base runResult
			if ref != nil {
				base = ref.Sizes[i].Median
			}
			ratio := func(a, b float64) string {
				if ref == nil || res == ref {
					return ""
				}
				return " (" + fmtRatio(a, b) + ")"
			}
			ratio2 := func(a, b, ca, cb float64) string {
				if ref == nil || res == ref {
					return ""
				}
				return " (" + fmtRatio(a, b) + "; cpu " + fmtRatio(ca, cb) + ")"
			}
			fmt.Fprintf(w, "| %s | %s | %s, cpu %s%s | %s, cpu %s%s | %s, cpu %s%s | %s, cpu %s%s | %s%s | %s%s |\n", label, res.Name,
				fmtMS(m.Open), fmtCPU(m.OpenCPU), ratio2(m.Open, base.Open, m.OpenCPU, base.OpenCPU),
				fmtMS(m.OpenNew), fmtCPU(m.OpenNewCPU), ratio2(m.OpenNew, base.OpenNew, m.OpenNewCPU, base.OpenNewCPU),
				fmtMS(m.Keys), fmtCPU(m.KeysCPU), ratio2(m.Keys, base.Keys, m.KeysCPU, base.KeysCPU),
				fmtMS(m.Typing), fmtCPU(m.TypingCPU), ratio2(m.Typing, base.Typing, m.TypingCPU, base.TypingCPU),
				fmtValue(m.PeakRSS, "MB"), ratio(m.PeakRSS, base.PeakRSS),
				fmtMS(m.Initialize), ratio(m.Initialize, base.Initialize))
		}
	}
	if ref != nil {
		fmt.Fprintf(w, "\nRatios in parentheses are %s's value divided by the server's own, for wall time and for CPU time: how many times faster (or smaller) than %s it is. The CPU time of one keystroke is the mean over the single keystrokes.\n\n", ref.Name, ref.Name)
	} else {
		fmt.Fprintln(w)
	}

	// The details, one table per size.
	var others []*result
	for _, res := range results {
		if res != ref {
			others = append(others, res)
		}
	}
	for i, sz := range first.Sizes {
		fmt.Fprintf(w, "#### %s tasks, %s\n\n| metric |", thousands(sz.Tasks), fmtSize(sz.Bytes))
		for _, res := range results {
			fmt.Fprintf(w, " %s (%s) |", res.Name, res.Mode)
		}
		cols := len(results)
		if ref != nil {
			for _, res := range others {
				fmt.Fprintf(w, " %s ÷ %s |", ref.Name, res.Name)
			}
			cols += len(others)
		}
		fmt.Fprintf(w, "\n|---|%s\n", strings.Repeat("---|", cols))
		for _, rw := range tableRows(requestNames) {
			fmt.Fprintf(w, "| %s |", rw.label)
			for _, res := range results {
				if i >= len(res.Sizes) {
					fmt.Fprintf(w, " |")
					continue
				}
				m := res.Sizes[i].Median
				cell := fmtValue(rw.wall(m), rw.unit)
				if rw.cpu != nil {
					cell += ", cpu " + fmtCPU(rw.cpu(m))
				}
				fmt.Fprintf(w, " %s |", cell)
			}
			if ref != nil {
				for _, res := range others {
					if i >= len(res.Sizes) || i >= len(ref.Sizes) {
						fmt.Fprintf(w, " |")
						continue
					}
					fmt.Fprintf(w, " %s |", fmtRatio(rw.wall(res.Sizes[i].Median), rw.wall(ref.Sizes[i].Median)))
				}
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "\nDiagnostics after open (median): ")
		for k, res := range results {
			if i < len(res.Sizes) {
				if k > 0 {
					fmt.Fprint(w, ", ")
				}
				fmt.Fprintf(w, "%s %d", res.Name, res.Sizes[i].Median.OpenDiags)
			}
		}
		fmt.Fprintf(w, ". First answer sizes: ")
		for k, res := range results {
			if i >= len(res.Sizes) {
				continue
			}
			if k > 0 {
				fmt.Fprint(w, "; ")
			}
			var parts []string
			for _, name := range requestNames {
				if l := res.Sizes[i].Median.Requests[name]; l != nil {
					parts = append(parts, fmt.Sprintf("%s %d", name, l.Items))
				}
			}
			fmt.Fprintf(w, "%s: %s", res.Name, strings.Join(parts, ", "))
		}
		fmt.Fprint(w, ".\n\n")
	}

	for _, res := range results {
		if res.Index != nil {
			fmt.Fprintf(w, "Workspace index, %s: %d files, %s: %s (%s), cpu %s, peak RSS %.0f MB (median of %d runs).\n\n",
				res.Name, res.Index.Files, fmtSize(res.Index.Bytes), fmtMS(res.Index.Median.Time), res.Index.Median.Method,
				fmtCPU(res.Index.Median.CPU), res.Index.Median.RSS, len(res.Index.Runs))
		}
	}
	if ref != nil {
		for _, res := range others {
			fmt.Fprintf(w, "Targets of the performance issue, %s (%s diagnostics) against %s:\n\n", res.Name, res.Mode, ref.Name)
			writeTargets(w, res, ref)
		}
	}
}

// fmtCPU formats a CPU time, which /proc gives in 10 ms ticks.
func fmtCPU(v float64) string {
	if v == 0 {
		return "< 10 ms"
	}
	return fmtMS(v)
}

// thousands formats n with a comma every three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// writeTargets writes the targets of the performance issue, each met or
// missed, for subject measured against ref.
func writeTargets(w io.Writer, subject, ref *result) {
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	fmt.Fprintf(w, "| target | measured | |\n|---|---|---|\n")
	n := min(len(subject.Sizes), len(ref.Sizes))
	if n == 0 {
		return
	}
	worst := func(f func(runResult) float64) (float64, string) {
		lo, at := math.Inf(1), ""
		for i := range n {
			a, b := f(subject.Sizes[i].Median), f(ref.Sizes[i].Median)
			if a <= 0 || b < 0 {
				return math.NaN(), "not measured"
			}
			r := b / a
			if r < lo {
				lo, at = r, thousands(subject.Sizes[i].Tasks)+" tasks"
			}
		}
		return lo, at
	}
	r, at := worst(func(m runResult) float64 { return m.Open })
	fmt.Fprintf(w, "| open → diagnostics ≥ 10× faster than %s at every size | worst %.1f× (%s) | %s |\n", ref.Name, r, at, verdict(r >= 10))
	r, at = worst(func(m runResult) float64 { return m.OpenNew })
	fmt.Fprintf(w, "| the same for a file not on disk (parsed afresh) | worst %.1f× (%s) | %s |\n", r, at, verdict(r >= 10))
	r, at = worst(func(m runResult) float64 { return m.Keys })
	fmt.Fprintf(w, "| 100 keystrokes → final diagnostics ≥ 10× faster at every size | worst %.1f× (%s) | %s |\n", r, at, verdict(r >= 10))
	big := subject.Sizes[n-1].Median
	bigRef := ref.Sizes[n-1].Median
	size := thousands(subject.Sizes[n-1].Tasks)
	wallNote := fmtMS(big.Typing) + " wall"
	fmt.Fprintf(w, "| one keystroke at %s tasks → its diagnostics ≤ 15 ms of server time | %s CPU per keystroke (%s) | %s |\n",
		size, fmtMS(big.TypingCPU), wallNote, verdict(big.TypingCPU <= 15))
	for _, name := range requestNames {
		l := big.Requests[name]
		if l == nil || l.N == 0 {
			fmt.Fprintf(w, "| %s p95 ≤ 2 ms at %s tasks | not implemented | **missed** |\n", name, size)
			continue
		}
		fmt.Fprintf(w, "| %s p95 ≤ 2 ms at %s tasks | %s | %s |\n", name, size, fmtMS(l.P95), verdict(l.P95 <= 2))
	}
	fmt.Fprintf(w, "| peak RSS ≤ 1/3 of %s at %s tasks | %.0f MB vs %.0f MB (%.2f) | %s |\n", ref.Name, size, big.PeakRSS, bigRef.PeakRSS, big.PeakRSS/bigRef.PeakRSS, verdict(big.PeakRSS*3 <= bigRef.PeakRSS))
	slowest := 0.0
	for i := range n {
		slowest = max(slowest, subject.Sizes[i].Median.Initialize)
	}
	fmt.Fprintf(w, "| start → initialize ≤ 20 ms | %s (slowest size) | %s |\n", fmtMS(slowest), verdict(slowest <= 20))
	if subject.Index != nil {
		fmt.Fprintf(w, "| workspace index of %d files / %s ≤ 1.5 s | %s, cpu %s | %s |\n", subject.Index.Files, fmtSize(subject.Index.Bytes),
			fmtMS(subject.Index.Median.Time), fmtMS(subject.Index.Median.CPU), verdict(subject.Index.Median.Time <= 1500))
	}
	fmt.Fprintln(w)
}
