package server

// This file defines the benchmarks of the workspace index on a folder of 1,000
// generated plan files (about 10 MB) written to disk, the files of
// analysis.BenchmarkIndex with a "links" section appended to each that links
// to three other files: BenchmarkIndexRoot measures indexRoot (walking the
// folder, reading and parsing every file on GOMAXPROCS goroutines) and the
// memory the index keeps; BenchmarkIndexDeleteToDiagnostics measures, against
// an in-process server, the time from workspace/didChangeWatchedFiles
// announcing the deletion of a file to the publication of the refreshed
// diagnostics of an open document that links to it.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// benchIndexFiles is the number of files of the index benchmarks.
const benchIndexFiles = 1000

// benchIndexPath returns the workspace path of file i of the benchmark folder.
func benchIndexPath(i int) string {
	i = (i%benchIndexFiles + benchIndexFiles) % benchIndexFiles
	return fmt.Sprintf("dir%02d/plan%04d.md", i%50, i)
}

// writeIndexWorkspace writes the benchmark folder into dir and returns its
// size in bytes. File i is analysis.GeneratePlan(i, 121+i%71) followed by a
// section linking to files i-1, i+1 and i+500.
func writeIndexWorkspace(tb testing.TB, dir string) int64 {
	tb.Helper()
	var total int64
	for i := range benchIndexFiles {
		src := analysis.GeneratePlan(int64(i), 121+i%71)
		links := fmt.Sprintf("\n## links\n\n- [ ] see [previous](../%s#1-doing), [next](../%s) and [far](../%s#4-done)\n",
			benchIndexPath(i-1), benchIndexPath(i+1), benchIndexPath(i+500))
		if bytes.Contains(src, []byte("\r\n")) {
			links = strings.ReplaceAll(links, "\n", "\r\n")
		}
		src = append(src, links...)
		full := filepath.Join(dir, filepath.FromSlash(benchIndexPath(i)))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, src, 0o644); err != nil {
			tb.Fatal(err)
		}
		total += int64(len(src))
	}
	return total
}

// procStatusMB returns a memory line of /proc/self/status (VmRSS, VmHWM) in
// MB, or -1 where there is none.
func procStatusMB(key string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return -1
}

// heapMB returns the live heap after a garbage collection, in MB.
func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkIndexRoot measures indexing the benchmark folder as the server does
// on initialized, and reports the live heap the index holds (heap-MB: the
// HeapAlloc difference after a GC with and without the index) and the
// process's resident memory once it is built (rss-MB, peak-rss-MB).
func BenchmarkIndexRoot(b *testing.B) {
	root := b.TempDir()
	total := writeIndexWorkspace(b, root)
	s := newServer(Options{Log: io.Discard, Version: "bench"}, handlers())
	s.ws.resetRoots([]string{root})
	b.Run(fmt.Sprintf("files=%d,MB=%.1f,procs=%d", benchIndexFiles, float64(total)/(1<<20), runtime.GOMAXPROCS(0)), func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		var plans map[string]*analysis.Plan
		for b.Loop() {
			plans = nil
			plans = s.indexRoot(root, func(int) {})
			if len(plans) != benchIndexFiles {
				b.Fatalf("indexed %d files, want %d", len(plans), benchIndexFiles)
			}
		}
		b.StopTimer()
		with := heapMB()
		rss, peak := procStatusMB("VmRSS"), procStatusMB("VmHWM")
		runtime.KeepAlive(plans)
		plans = nil
		without := heapMB()
		b.ReportMetric(with-without, "heap-MB")
		b.ReportMetric(rss, "rss-MB")
		b.ReportMetric(peak, "peak-rss-MB")
	})
}

// BenchmarkIndexDeleteToDiagnostics measures, with the benchmark folder
// indexed by an in-process server and one of its files open, the time from
// the didChangeWatchedFiles notification that a file the open document links
// to was deleted to the publication of the open document's diagnostics
// reporting the link as missing-file. Between iterations the file is restored
// (not timed) and the diagnostics are waited for until the link resolves again.
func BenchmarkIndexDeleteToDiagnostics(b *testing.B) {
	root := b.TempDir()
	writeIndexWorkspace(b, root)
	c := newLSPClient(b, root, UTF16, "")
	victim := benchIndexPath(0)
	victimFull := filepath.Join(root, filepath.FromSlash(victim))
	saved, err := os.ReadFile(victimFull)
	if err != nil {
		b.Fatal(err)
	}
	u, _ := c.open(benchIndexPath(1))
	victimURI := string(uri.File(victimFull))
	// missing reports whether the diagnostics report the link to the victim
	// as missing-file.
	missing := func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if code, _ := d.Code.(protocol.String); code == "missing-file" {
				if msg, _ := d.Message.(protocol.String); strings.Contains(string(msg), "../"+victim) {
					return true
				}
			}
		}
		return false
	}
	present := func(ds []protocol.Diagnostic) bool { return !missing(ds) }
	if !c.waitPublished(u, present) {
		b.Fatal("the link to the victim is reported missing before the deletion")
	}
	event := func(typ int) map[string]any {
		return map[string]any{"changes": []map[string]any{{"uri": victimURI, "type": typ}}}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.Remove(victimFull); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c.notify("workspace/didChangeWatchedFiles", event(3))
		if !c.waitPublished(u, missing) {
			b.Fatal("no missing-file after the deletion")
		}
		b.StopTimer()
		if err := os.WriteFile(victimFull, saved, 0o644); err != nil {
			b.Fatal(err)
		}
		c.notify("workspace/didChangeWatchedFiles", event(1))
		if !c.waitPublished(u, present) {
			b.Fatal("the link still missing after the file came back")
		}
		b.StartTimer()
	}
}
