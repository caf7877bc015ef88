package analysis_test

// This file holds the architecture invariant tests of the module: what the
// analysis package may depend on, which package alone may import go.lsp.dev or
// goldmark, the direction of dependencies between packages, and gofmt. Each
// rule is a small pure checking function, tested on fake inputs by
// TestArchCheckers so that the invariant tests are known to be able to fail.

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// modulePath is the path of the planls module.
const modulePath = "github.com/planls/planls"

// hasPathPrefix reports whether import path p is prefix or lies below it.
func hasPathPrefix(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// forbiddenAnalysisDep returns why the analysis package must not depend, even
// transitively, on the package with import path p, or "" if it may.
func forbiddenAnalysisDep(p string) string {
	switch {
	case hasPathPrefix(p, "go.lsp.dev"):
		return "analysis knows nothing about LSP"
	case hasPathPrefix(p, modulePath+"/server"), hasPathPrefix(p, modulePath+"/cmd"):
		return "analysis must not depend on the packages built on it"
	case p == "os/exec":
		return "analysis runs no processes"
	// The net tree is forbidden because analysis does no network I/O. The
	// exceptions are net/url, which analysis uses to parse link destinations,
	// and net/netip, which net/url imports; both only parse values.
	case p == "net/url", p == "net/netip":
		return ""
	case hasPathPrefix(p, "net"):
		return "analysis does no network I/O"
	}
	return ""
}

// forbiddenAnalysisImport returns why a file of the analysis package must not
// import the package with import path p directly, or "" if it may. On top of
// the forbidden dependencies, it forbids os: analysis reaches files only
// through an fs.FS. (Nearly every program depends on os transitively, through
// fmt for one, so os is checked on direct imports only.)
func forbiddenAnalysisImport(p string) string {
	if hasPathPrefix(p, "os") {
		return "analysis reaches files only through an fs.FS"
	}
	return forbiddenAnalysisDep(p)
}

// isGoldmark reports whether import path p belongs to goldmark or to one of
// its extensions: some element of the path starts with "goldmark", as in
// github.com/yuin/goldmark, github.com/yuin/goldmark-meta or
// go.abhg.dev/goldmark/frontmatter.
func isGoldmark(p string) bool {
	for elem := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(elem, "goldmark") {
			return true
		}
	}
	return false
}

// importViolations checks the importer rules on files, which maps the
// slash-separated path of each non-test Go file, relative to the module root,
// to the import paths it imports: only files under server/ may import
// go.lsp.dev, and only files under analysis/ may import goldmark. It returns
// one sorted message per violation.
func importViolations(files map[string][]string) []string {
	var out []string
	for file, imports := range files {
		for _, p := range imports {
			if hasPathPrefix(p, "go.lsp.dev") && !strings.HasPrefix(file, "server/") {
				out = append(out, fmt.Sprintf("%s imports %s: only the server package may import go.lsp.dev", file, p))
			}
			if isGoldmark(p) && !strings.HasPrefix(file, "analysis/") {
				out = append(out, fmt.Sprintf("%s imports %s: only the analysis package may import goldmark", file, p))
			}
		}
	}
	slices.Sort(out)
	return out
}

// dependencyRule states that package Pkg, and every package below it, must
// not depend on any package under one of Forbidden, and, when Required is
// set, that Pkg itself must exist and depend on Required.
type dependencyRule struct {
	Pkg       string
	Forbidden []string
	Required  string
}

// dependencyRules is the direction of dependencies between the packages of
// the module: cmd → server → analysis.
var dependencyRules = []dependencyRule{
	{Pkg: modulePath + "/analysis", Forbidden: []string{modulePath + "/server", modulePath + "/cmd"}},
	{Pkg: modulePath + "/server", Forbidden: []string{modulePath + "/cmd"}},
	{Pkg: modulePath + "/cmd/planls", Required: modulePath + "/server"},
}

// dependencyViolations checks rules against deps, which maps the import path
// of each package of the module to the import paths of all the packages it
// depends on, directly or not. It returns one sorted message per violation.
func dependencyViolations(rules []dependencyRule, deps map[string][]string) []string {
	var out []string
	for _, r := range rules {
		if r.Required != "" {
			d, ok := deps[r.Pkg]
			if !ok {
				out = append(out, fmt.Sprintf("package %s is missing", r.Pkg))
			} else if !slices.Contains(d, r.Required) {
				out = append(out, fmt.Sprintf("%s does not depend on %s", r.Pkg, r.Required))
			}
		}
		for pkg, d := range deps {
			if !hasPathPrefix(pkg, r.Pkg) {
				continue
			}
			for _, p := range d {
				for _, f := range r.Forbidden {
					if hasPathPrefix(p, f) {
						out = append(out, fmt.Sprintf("%s depends on %s", pkg, p))
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// findModuleRoot returns the nearest directory at or above dir that holds a
// go.mod file.
func findModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

// moduleRoot returns the root directory of the module under test.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := findModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// skippedDir reports whether the walk over the module's Go files skips a
// directory of this name: test data, the editor extensions, JavaScript
// dependencies, vendored code, and the hidden and underscore-prefixed
// directories that the go command ignores too.
func skippedDir(name string) bool {
	switch name {
	case "testdata", "editors", "node_modules", "vendor":
		return true
	}
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// goFiles returns the slash-separated paths, relative to root, of the Go
// files under root, in lexical order, skipping the directories skippedDir
// names. It includes _test.go files only when withTests is set.
func goFiles(root string, withTests bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && skippedDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".go") || !withTests && strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	return files, err
}

// fileImports parses the import declarations of files, given relative to
// root, and returns the import paths of each.
func fileImports(root string, files []string) (map[string][]string, error) {
	fset := token.NewFileSet()
	imports := make(map[string][]string, len(files))
	for _, file := range files {
		f, err := parser.ParseFile(fset, filepath.Join(root, filepath.FromSlash(file)), nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, spec := range f.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: bad import %s", file, spec.Path.Value)
			}
			imports[file] = append(imports[file], p)
		}
	}
	return imports, nil
}

// goCommand runs the go command with args in dir and returns its standard
// output, or an error carrying its standard error.
func goCommand(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// gofmtUnformatted runs gofmt -l on files, given relative to root, and returns
// those that gofmt would change.
func gofmtUnformatted(root string, files []string) ([]string, error) {
	var unformatted []string
	for chunk := range slices.Chunk(files, 200) {
		cmd := exec.Command("gofmt", append([]string{"-l"}, chunk...)...)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("gofmt -l: %v\n%s", err, stderr.Bytes())
		}
		for line := range strings.Lines(string(out)) {
			unformatted = append(unformatted, strings.TrimSuffix(line, "\n"))
		}
	}
	return unformatted, nil
}

// TestAnalysisImports checks that the analysis package imports neither os nor
// any of the packages forbiddenAnalysisDep names, directly or through its
// dependencies (goldmark included).
func TestAnalysisImports(t *testing.T) {
	root := moduleRoot(t)
	files, err := goFiles(root, false)
	if err != nil {
		t.Fatal(err)
	}
	var analysisFiles []string
	for _, f := range files {
		if strings.HasPrefix(f, "analysis/") {
			analysisFiles = append(analysisFiles, f)
		}
	}
	if len(analysisFiles) == 0 {
		t.Fatal("found no Go files under analysis/")
	}
	imports, err := fileImports(root, analysisFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range analysisFiles {
		for _, p := range imports[f] {
			if why := forbiddenAnalysisImport(p); why != "" {
				t.Errorf("%s imports %s: %s", f, p, why)
			}
		}
	}

	out, err := goCommand(root, "list", "-deps", "-f", "{{.ImportPath}}", modulePath+"/analysis/...")
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, modulePath+"/analysis") {
		t.Fatalf("go list -deps did not list the analysis package itself:\n%s", out)
	}
	for _, p := range deps {
		if why := forbiddenAnalysisDep(p); why != "" {
			t.Errorf("analysis depends on %s: %s", p, why)
		}
	}
}

// TestServerOnlyImporterOfLSP checks that no non-test file outside server/
// imports go.lsp.dev, and that no non-test file outside analysis/ imports
// goldmark.
func TestServerOnlyImporterOfLSP(t *testing.T) {
	root := moduleRoot(t)
	files, err := goFiles(root, false)
	if err != nil {
		t.Fatal(err)
	}
	imports, err := fileImports(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range importViolations(imports) {
		t.Error(v)
	}
}

// TestGofmt checks that gofmt would change no Go file of the module.
func TestGofmt(t *testing.T) {
	root := moduleRoot(t)
	files, err := goFiles(root, true)
	if err != nil {
		t.Fatal(err)
	}
	unformatted, err := gofmtUnformatted(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range unformatted {
		t.Errorf("%s is not gofmt-formatted; run gofmt -w %s", f, f)
	}
}

// TestDependencyDirection checks dependencyRules against the real package
// graph: cmd/planls depends on server, and no package depends on one that is
// built on it.
func TestDependencyDirection(t *testing.T) {
	root := moduleRoot(t)
	out, err := goCommand(root, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...")
	if err != nil {
		t.Fatal(err)
	}
	deps := make(map[string][]string)
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			deps[fields[0]] = fields[1:]
		}
	}
	for _, v := range dependencyViolations(dependencyRules, deps) {
		t.Error(v)
	}
}

// TestArchCheckers feeds each checker of this file inputs that break its rule,
// and inputs that keep it, so that the invariant tests above can fail.
func TestArchCheckers(t *testing.T) {
	t.Run("forbiddenAnalysisImport", func(t *testing.T) {
		tests := []struct {
			path      string
			forbidden bool
		}{
			{"go.lsp.dev/protocol", true},
			{"go.lsp.dev", true},
			{"go.lsp.devtools/x", false},
			{modulePath + "/server", true},
			{modulePath + "/serverless", false},
			{modulePath + "/cmd/planls", true},
			{"os", true},
			{"os/exec", true},
			{"os/signal", true},
			{"osx", false},
			{"net", true},
			{"net/http", true},
			{"net/http/httptest", true},
			{"net/url", false},
			{"net/netip", false},
			{"network", false},
			{"io/fs", false},
			{"github.com/yuin/goldmark/ast", false},
		}
		for _, tt := range tests {
			if got := forbiddenAnalysisImport(tt.path) != ""; got != tt.forbidden {
				t.Errorf("forbiddenAnalysisImport(%q) forbidden = %v, want %v", tt.path, got, tt.forbidden)
			}
		}
		if forbiddenAnalysisDep("os") != "" {
			t.Error(`forbiddenAnalysisDep("os") forbids os, which every package depends on through fmt`)
		}
	})

	t.Run("importViolations", func(t *testing.T) {
		files := map[string][]string{
			"server/server.go":            {"go.lsp.dev/protocol", "go.lsp.dev/jsonrpc2"},
			"server/sub/x.go":             {"go.lsp.dev/uri"},
			"analysis/parse.go":           {"github.com/yuin/goldmark", "github.com/yuin/goldmark/ast"},
			"cmd/planls/main.go":          {"go.lsp.dev/protocol", "fmt"},
			"serverx/a.go":                {"go.lsp.dev/uri"},
			"main.go":                     {"go.abhg.dev/goldmark/frontmatter"},
			"server/render.go":            {"github.com/yuin/goldmark-meta"},
			"analysis/links.go":           {"net/url"},
			"cmd/planls/nolspdevtools.go": {"go.lsp.devtools/x"},
		}
		want := []string{
			"cmd/planls/main.go imports go.lsp.dev/protocol: only the server package may import go.lsp.dev",
			"main.go imports go.abhg.dev/goldmark/frontmatter: only the analysis package may import goldmark",
			"server/render.go imports github.com/yuin/goldmark-meta: only the analysis package may import goldmark",
			"serverx/a.go imports go.lsp.dev/uri: only the server package may import go.lsp.dev",
		}
		if got := importViolations(files); !slices.Equal(got, want) {
			t.Errorf("importViolations = %q, want %q", got, want)
		}
	})

	t.Run("dependencyViolations", func(t *testing.T) {
		a, s, c := modulePath+"/analysis", modulePath+"/server", modulePath+"/cmd/planls"
		good := map[string][]string{
			a:             {"fmt", "github.com/yuin/goldmark"},
			a + "/slug":   {"strings"},
			s:             {a, "go.lsp.dev/protocol"},
			c:             {s, a, "os"},
			modulePath:    {"fmt"},
			s + "/stdio":  {"os"},
			"example.com": {c},
		}
		if got := dependencyViolations(dependencyRules, good); len(got) != 0 {
			t.Errorf("dependencyViolations(good graph) = %q, want none", got)
		}
		bad := map[string][]string{
			a:           {s},
			a + "/slug": {c, a},
			s:           {a, c},
			c:           {a},
		}
		want := []string{
			a + " depends on " + s,
			a + "/slug depends on " + c,
			c + " does not depend on " + s,
			s + " depends on " + c,
		}
		slices.Sort(want)
		if got := dependencyViolations(dependencyRules, bad); !slices.Equal(got, want) {
			t.Errorf("dependencyViolations(bad graph) = %q, want %q", got, want)
		}
		missing := map[string][]string{a: nil, s: {a}}
		if got := dependencyViolations(dependencyRules, missing); !slices.Equal(got, []string{"package " + c + " is missing"}) {
			t.Errorf("dependencyViolations(graph without cmd/planls) = %q", got)
		}
	})

	// The file-system helpers run on a scratch module in a temporary directory.
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/scratch\n")
	write("a/ok.go", "package a\n\nimport \"go.lsp.dev/protocol\"\n")
	write("a/ok_test.go", "package a\n")
	write("a/b/messy.go", "package b\nfunc  F( ) {}\n")
	for _, skipped := range []string{"testdata", "editors", "node_modules", "vendor", ".git", "_old"} {
		write(path.Join(skipped, "x.go"), "package x\nfunc  G( ) {}\n")
	}

	t.Run("findModuleRoot", func(t *testing.T) {
		got, err := findModuleRoot(filepath.Join(dir, "a", "b"))
		if err != nil || got != dir {
			t.Errorf("findModuleRoot(a/b) = %q, %v, want %q", got, err, dir)
		}
	})

	t.Run("goFiles", func(t *testing.T) {
		got, err := goFiles(dir, false)
		if want := []string{"a/b/messy.go", "a/ok.go"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("goFiles(without tests) = %q, %v, want %q", got, err, want)
		}
		got, err = goFiles(dir, true)
		if want := []string{"a/b/messy.go", "a/ok.go", "a/ok_test.go"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("goFiles(with tests) = %q, %v, want %q", got, err, want)
		}
	})

	t.Run("fileImports", func(t *testing.T) {
		got, err := fileImports(dir, []string{"a/ok.go", "a/b/messy.go"})
		if err != nil || !slices.Equal(got["a/ok.go"], []string{"go.lsp.dev/protocol"}) || len(got["a/b/messy.go"]) != 0 {
			t.Errorf("fileImports = %q, %v", got, err)
		}
		if v := importViolations(got); len(v) != 1 {
			t.Errorf("importViolations(scratch module) = %q, want the one go.lsp.dev import outside server/", v)
		}
	})

	t.Run("gofmtUnformatted", func(t *testing.T) {
		got, err := gofmtUnformatted(dir, []string{"a/ok.go", "a/ok_test.go", "a/b/messy.go"})
		if want := []string{"a/b/messy.go"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("gofmtUnformatted = %q, %v, want %q", got, err, want)
		}
	})
}
