package analysis_test

// This file defines the Go benchmarks of the analysis features on generated
// plans of 100, 2,000 and 10,000 tasks: full parse, diagnose, code actions
// (with and without their edits), completion, fix-all, stats, symbols, hover,
// one keystroke (edit, parse, diagnose) and a workspace index of 1,000 files
// parsed with every core.
// BENCHMARKS.md says how to run and compare them; scripts/test runs each once
// so they keep working.

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/planls/planls/analysis"
)

// benchSizes are the plan sizes, in tasks, of the per-feature benchmarks.
var benchSizes = []int{100, 2000, 10000}

// benchSeed is the GeneratePlan seed of the benchmark plans.
const benchSeed = 1

// benchNow is the fixed clock of the benchmarks that date done-stamps.
var benchNow = time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)

// benchFS returns a workspace holding plan.md (src) and some of the files the
// generated links point at, so that link checks find both existing and missing
// targets. The end-to-end driver (scripts/bench/e2e) writes the same files.
func benchFS(src []byte) fstest.MapFS {
	return fstest.MapFS{
		"plan.md":                    {Data: src},
		"README.md":                  {Data: []byte("# readme\n\n## Usage\n\nRun it.\n")},
		"docs/setup.md":              {Data: []byte("# Setup\n\n## Install\n")},
		"docs/a b.md":                {Data: []byte("# A b\n")},
		"notes/2021-03.md":           {Data: []byte("# 2021-03\n\n* [ ] review\n")},
		"images/epoll.png":           {Data: []byte("\x89PNG\r\n\x1a\n")},
		"posts/2020-01-01-tcp.html":  {Data: []byte("<h2 id=\"handshake\">Handshake</h2>\n")},
		"notes/unrelated/keep.md":    {Data: []byte("# keep\n")},
		"docs/unrelated/another.md":  {Data: []byte("# another\n")},
		"images/unrelated/photo.jpg": {Data: []byte("\xff\xd8\xff")},
	}
}

// benchPlan is one generated plan with what the benchmarks need around it.
type benchPlan struct {
	src      []byte
	settings analysis.Settings
	plan     *analysis.Plan
	fsys     fstest.MapFS
}

// env returns the diagnostics environment of the plan, as the server builds it
// for a file at the workspace root.
func (bp *benchPlan) env() analysis.Env {
	return analysis.Env{Settings: bp.settings, FS: bp.fsys, Path: "plan.md", Root: "."}
}

// newBenchPlan generates and parses the plan of the given size.
func newBenchPlan(tasks int) *benchPlan {
	src := analysis.GeneratePlan(benchSeed, tasks)
	s := analysis.DefaultSettings()
	return &benchPlan{src: src, settings: s, plan: analysis.ParseWith(src, s), fsys: benchFS(src)}
}

// forEachSize runs f as a sub-benchmark "tasks=N" for every benchmark size.
func forEachSize(b *testing.B, f func(b *testing.B, bp *benchPlan)) {
	for _, n := range benchSizes {
		bp := newBenchPlan(n)
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			f(b, bp)
		})
	}
}

// middleTask returns the task in the middle of the plan.
func middleTask(b *testing.B, p *analysis.Plan) *analysis.Task {
	if len(p.Tasks) == 0 {
		b.Fatal("the generated plan has no tasks")
	}
	return p.Tasks[len(p.Tasks)/2]
}

// BenchmarkPlanParse measures ParseWith on the whole file, what opening a file
// costs (bytes/s is Markdown parsed per second).
func BenchmarkPlanParse(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		b.SetBytes(int64(len(bp.src)))
		for b.Loop() {
			analysis.ParseWith(bp.src, bp.settings)
		}
	})
}

// BenchmarkPlanDiagnose measures Diagnose on a parsed plan, with link targets
// looked up in an in-memory workspace.
func BenchmarkPlanDiagnose(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		if len(analysis.Diagnose(bp.plan, bp.env())) == 0 {
			b.Fatal("the generated plan has no diagnostics: the workload is too easy")
		}
		for b.Loop() {
			analysis.Diagnose(bp.plan, bp.env())
		}
	})
}

// BenchmarkPlanActions measures the code actions offered with the cursor on the
// middle task (its quick fixes, Mark done, Move to every other section), with
// every action's edits: what a client without codeAction/resolve gets.
func BenchmarkPlanActions(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		diags := analysis.Diagnose(bp.plan, bp.env())
		t := middleTask(b, bp.plan)
		sel := analysis.Span{Start: t.TextSpan.Start, End: t.TextSpan.Start}
		if len(analysis.Actions(bp.plan, sel, bp.settings, diags, benchNow)) == 0 {
			b.Fatal("no code actions on the middle task")
		}
		for b.Loop() {
			analysis.Actions(bp.plan, sel, bp.settings, diags, benchNow)
		}
	})
}

// BenchmarkPlanListActions measures the same actions without their edits
// (ListActions), what a client that resolves edits gets, and the edits of one
// Move to (ActionEdits), what it resolves when the user picks it.
func BenchmarkPlanListActions(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		diags := analysis.Diagnose(bp.plan, bp.env())
		t := middleTask(b, bp.plan)
		sel := analysis.Span{Start: t.TextSpan.Start, End: t.TextSpan.Start}
		actions := analysis.ListActions(bp.plan, sel, bp.settings, diags, benchNow)
		move := ""
		for _, a := range actions {
			if a.Kind == analysis.KindMove {
				move = a.ID
			}
		}
		if move == "" {
			b.Fatal("no Move to on the middle task")
		}
		b.Run("list", func(b *testing.B) {
			for b.Loop() {
				analysis.ListActions(bp.plan, sel, bp.settings, diags, benchNow)
			}
		})
		b.Run("resolve", func(b *testing.B) {
			for b.Loop() {
				if _, err := analysis.ActionEdits(bp.plan, sel, bp.settings, diags, benchNow, move); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkPlanCompletion measures the completion of anchors after "](#" in the
// middle of the plan, the largest list completion offers.
func BenchmarkPlanCompletion(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		off := anchorCompletionOffset(bp.src)
		if off < 0 {
			b.Fatal(`the generated plan has no "](#"`)
		}
		env := analysis.CompletionEnv{Settings: bp.settings, FS: bp.fsys, Path: "plan.md", Root: "."}
		if len(analysis.Complete(bp.plan, off, env)) == 0 {
			b.Fatal("no completion items after \"](#\"")
		}
		for b.Loop() {
			analysis.Complete(bp.plan, off, env)
		}
	})
}

// anchorCompletionOffset returns the offset just after the "](#" nearest to
// the middle of src, or -1 when there is none.
func anchorCompletionOffset(src []byte) int {
	if i := nearestAfterMiddle(src, "](#"); i >= 0 {
		return i + 3
	}
	return -1
}

// nearestAfterMiddle returns the offset of the first sub after the middle of
// src, else of the last one before it, else -1 (the end-to-end driver picks
// its positions the same way).
func nearestAfterMiddle(src []byte, sub string) int {
	mid := len(src) / 2
	if i := bytes.Index(src[mid:], []byte(sub)); i >= 0 {
		return mid + i
	}
	return bytes.LastIndex(src[:mid], []byte(sub))
}

// BenchmarkPlanFixAll measures FixAll, the tidy-up run on save.
func BenchmarkPlanFixAll(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		for b.Loop() {
			analysis.FixAll(bp.plan, bp.settings, benchNow)
		}
	})
}

// BenchmarkPlanStats measures Stats, which hovers, symbols and code lenses use.
func BenchmarkPlanStats(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		for b.Loop() {
			analysis.Stats(bp.plan)
		}
	})
}

// BenchmarkPlanSymbols measures Symbols, the document outline.
func BenchmarkPlanSymbols(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		if len(analysis.Symbols(bp.plan)) == 0 {
			b.Fatal("no symbols")
		}
		for b.Loop() {
			analysis.Symbols(bp.plan)
		}
	})
}

// BenchmarkPlanHover measures HoverAt on the destination of the link nearest
// the middle of the plan, where the end-to-end benchmark hovers too.
func BenchmarkPlanHover(b *testing.B) {
	forEachSize(b, func(b *testing.B, bp *benchPlan) {
		off := nearestAfterMiddle(bp.src, "](")
		if off < 0 {
			b.Fatal(`the generated plan has no "]("`)
		}
		off += 3
		for b.Loop() {
			analysis.HoverAt(bp.plan, off, bp.env())
		}
	})
}

// BenchmarkKeystroke measures what the server does for one typed character in
// the middle task: the plan of the new text (a full parse, or Reparse from
// the previous plan) and its diagnostics. The target is 15 ms at
// 10,000 tasks. Each iteration types the next of two characters, so the edit
// is never a no-op.
func BenchmarkKeystroke(b *testing.B) {
	for _, mode := range []string{"full", "incremental"} {
		b.Run(mode, func(b *testing.B) {
			forEachSize(b, func(b *testing.B, bp *benchPlan) {
				t := middleTask(b, bp.plan)
				at := t.TextSpan.End
				texts := [2][]byte{insertAt(bp.src, at, "x"), insertAt(bp.src, at, "y")}
				old := bp.plan
				i := 0
				for b.Loop() {
					src := texts[i%2]
					i++
					var p *analysis.Plan
					if mode == "full" {
						p = analysis.ParseWith(src, bp.settings)
					} else {
						p = analysis.Reparse(old, src, bp.settings)
					}
					env := bp.env()
					analysis.Diagnose(p, env)
					old = p
				}
			})
		})
	}
}

// insertAt returns a copy of src with s inserted at offset off.
func insertAt(src []byte, off int, s string) []byte {
	out := make([]byte, 0, len(src)+len(s))
	out = append(out, src[:off]...)
	out = append(out, s...)
	return append(out, src[off:]...)
}

// indexFiles is the number of files of BenchmarkIndex.
const indexFiles = 1000

// indexWorkspace returns the files of BenchmarkIndex: 1,000 generated plans of
// 121 to 191 tasks, about 10 MB in all.
func indexWorkspace() map[string][]byte {
	files := make(map[string][]byte, indexFiles)
	for i := range indexFiles {
		files[fmt.Sprintf("dir%02d/plan%04d.md", i%50, i)] = analysis.GeneratePlan(int64(i), 121+i%71)
	}
	return files
}

// BenchmarkIndex measures indexing a workspace of 1,000 files (about 10 MB)
// the way the server does on start: every file parsed on GOMAXPROCS
// goroutines, then the workspace tables built. The target is 1.5 s on two
// cores. File reading is left out (the files come from memory).
func BenchmarkIndex(b *testing.B) {
	files := indexWorkspace()
	paths := make([]string, 0, len(files))
	total := 0
	for p, src := range files {
		paths = append(paths, p)
		total += len(src)
	}
	s := analysis.DefaultSettings()
	b.Run(fmt.Sprintf("files=%d,procs=%d", len(files), runtime.GOMAXPROCS(0)), func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(total))
		for b.Loop() {
			plans := parseAll(paths, files, s)
			ws := analysis.NewWorkspace(plans)
			if ws.Len() != len(files) {
				b.Fatalf("indexed %d files, want %d", ws.Len(), len(files))
			}
			ws.TasksWithKey("x")
		}
	})
}

// parseAll parses every file on GOMAXPROCS goroutines, like the server's index.
func parseAll(paths []string, files map[string][]byte, s analysis.Settings) map[string]*analysis.Plan {
	out := make(map[string]*analysis.Plan, len(paths))
	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for path := range work {
				p := analysis.ParseWith(files[path], s)
				mu.Lock()
				out[path] = p
				mu.Unlock()
			}
		})
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	return out
}
