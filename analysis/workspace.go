// This file defines Workspace, what analysis knows about the other Markdown files
// of a workspace: their parsed plans by path. The server keeps one up to date
// from its index; the command line builds one from the files it checks. Checks,
// completion and navigation read other files from it before falling back to the
// fs.FS.

package analysis

import (
	"sort"
	"sync"
)

// Workspace is an immutable set of parsed Markdown files, keyed by slash path
// relative to the workspace root (the root of the fs.FS the features get).
type Workspace struct {
	plans map[string]*Plan

	// The lookup tables are built on first use, each on its own: the task
	// keys cost a pass over every task of every file, which only
	// duplicate-task-workspace needs, while link checks ask for folders on
	// every snapshot.
	keysOnce sync.Once
	keys     map[string][]TaskRef
	dirsOnce sync.Once
	dirs     map[string]bool
}

// TaskRef points at a task of a workspace file.
type TaskRef struct {
	// Path is the file.
	Path string
	// Task is the task in that file's plan.
	Task *Task
}

// NewWorkspace returns a workspace of the given plans. The map must not be
// changed afterwards.
func NewWorkspace(plans map[string]*Plan) *Workspace {
	return &Workspace{plans: plans}
}

// Plan returns the plan of a file, or nil.
func (w *Workspace) Plan(path string) *Plan {
	if w == nil {
		return nil
	}
	return w.plans[path]
}

// Paths returns the paths of every file, sorted.
func (w *Workspace) Paths() []string {
	if w == nil {
		return nil
	}
	out := make([]string, 0, len(w.plans))
	for p := range w.plans {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Len returns the number of files.
func (w *Workspace) Len() int {
	if w == nil {
		return 0
	}
	return len(w.plans)
}

// buildKeys computes the table of task keys once.
func (w *Workspace) buildKeys() {
	w.keysOnce.Do(func() {
		w.keys = map[string][]TaskRef{}
		for _, path := range w.Paths() {
			for _, t := range w.plans[path].Tasks {
				if t.Key != "" {
					w.keys[t.Key] = append(w.keys[t.Key], TaskRef{Path: path, Task: t})
				}
			}
		}
	})
}

// buildDirs computes the set of folders once.
func (w *Workspace) buildDirs() {
	w.dirsOnce.Do(func() {
		w.dirs = map[string]bool{".": true}
		for path := range w.plans {
			for d := parentDir(path); !w.dirs[d]; d = parentDir(d) {
				w.dirs[d] = true
			}
		}
	})
}

// TasksWithKey returns the tasks of every file whose duplicate key is key, in
// path order.
func (w *Workspace) TasksWithKey(key string) []TaskRef {
	if w == nil {
		return nil
	}
	w.buildKeys()
	return w.keys[key]
}

// IsDir reports whether a folder holds indexed files.
func (w *Workspace) IsDir(path string) bool {
	if w == nil {
		return false
	}
	w.buildDirs()
	return w.dirs[path]
}

// parentDir returns the folder of a slash path ("." at the top).
func parentDir(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			if i == 0 {
				return "."
			}
			return p[:i]
		}
	}
	return "."
}

// SectionNames returns the section names used in the files of the workspace
// other than except, without repeats (compared case-folded), in path order.
func (w *Workspace) SectionNames(except string) []string {
	if w == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, path := range w.Paths() {
		if path == except {
			continue
		}
		for _, s := range w.plans[path].Sections {
			if s.Key != "" && !seen[s.Key] {
				seen[s.Key] = true
				out = append(out, s.Name)
			}
		}
	}
	return out
}
