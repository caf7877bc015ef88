// This file defines how the file subcommands find their input: walking directory
// arguments for Markdown files, and finding each file's workspace root and settings.

package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/planls/planls/analysis"
)

// workspace is a folder whose files are checked together: links starting with
// "/" resolve from it, and it holds the settings.
type workspace struct {
	root     string // absolute
	fsys     fs.FS
	settings analysis.Settings
	cache    *analysis.FileCache
}

// input is one file to work on.
type input struct {
	abs     string // absolute path
	display string // as printed: relative to the working directory when inside it
	rel     string // slash path inside ws.fsys
	ws      *workspace
}

// collector finds input files and their workspaces, reporting problems to stderr.
type collector struct {
	stderr     io.Writer
	workspaces map[string]*workspace
	failed     bool
}

// collect expands the arguments into the Markdown files to work on, sorted.
func (c *collector) collect(args []string) []input {
	var out []input
	seen := map[string]bool{}
	add := func(abs string) {
		if seen[abs] {
			return
		}
		seen[abs] = true
		ws := c.workspaceFor(filepath.Dir(abs))
		rel, err := filepath.Rel(ws.root, abs)
		if err != nil {
			rel = filepath.Base(abs)
		}
		out = append(out, input{abs: abs, display: displayPath(abs), rel: filepath.ToSlash(rel), ws: ws})
	}
	for _, arg := range args {
		abs, err := filepath.Abs(arg)
		if err != nil {
			c.errorf("%s: %v", arg, err)
			continue
		}
		fi, err := os.Stat(abs)
		if err != nil {
			c.errorf("%v", err)
			continue
		}
		if !fi.IsDir() {
			add(abs)
			continue
		}
		ws := c.workspaceFor(abs)
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				c.errorf("%v", err)
				return nil
			}
			rel, _ := filepath.Rel(ws.root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if p != abs && (d.Name() == ".git" || d.Name() == "node_modules" || ws.settings.Excluded(rel)) {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isMarkdownName(d.Name()) && !ws.settings.Excluded(rel) {
				add(p)
			}
			return nil
		})
		if err != nil {
			c.errorf("%v", err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].display < out[j].display })
	return out
}

// workspaceFor returns the workspace of a folder: the nearest ancestor holding
// .planls.json, else the nearest holding .git, else the folder itself.
func (c *collector) workspaceFor(dir string) *workspace {
	root := dir
	for _, marker := range []string{analysis.ConfigFileName, ".git"} {
		if r, ok := findUp(dir, marker); ok {
			root = r
			break
		}
	}
	if ws, ok := c.workspaces[root]; ok {
		return ws
	}
	// os.OpenRoot confines every lookup to the workspace, symbolic links included.
	var fsys fs.FS = os.DirFS(root)
	if r, err := os.OpenRoot(root); err == nil {
		fsys = r.FS()
	}
	s, cfg, warns := analysis.LoadConfig(fsys, ".")
	for _, w := range warns {
		c.warnf("%s: %s", filepath.Join(root, cfg), w.Message)
	}
	ws := &workspace{root: root, fsys: fsys, settings: s, cache: &analysis.FileCache{}}
	if c.workspaces == nil {
		c.workspaces = map[string]*workspace{}
	}
	c.workspaces[root] = ws
	return ws
}

// findUp returns the nearest ancestor of dir (dir included) that holds name.
func findUp(dir, name string) (string, bool) {
	for {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// errorf reports an error and remembers that the run failed.
func (c *collector) errorf(format string, args ...any) {
	c.failed = true
	fmt.Fprintf(c.stderr, "planls: "+format+"\n", args...)
}

// warnf reports a warning.
func (c *collector) warnf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "planls: warning: "+format+"\n", args...)
}

// displayPath returns abs relative to the working directory when it lies inside it.
func displayPath(abs string) string {
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return abs
	}
	return rel
}

// isMarkdownName reports whether a file name has a Markdown extension.
func isMarkdownName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd", ".mkdn":
		return true
	}
	return false
}
