// This file defines the tests that keep README.md in step with the code: the
// settings table is generated, and every diagnostic code has a section of its own
// name, which codeDescription links and SARIF help URIs point at.

package analysis

import (
	"os"
	"strings"
	"testing"
)

func TestReadmeSettingsTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	begin, end := "<!-- settings:begin -->\n", "<!-- settings:end -->"
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the settings markers")
	}
	if got, want := text[i+len(begin):j], SettingsMarkdown(); got != want {
		t.Errorf("README.md settings table is stale; replace it with:\n%s", want)
	}
}

func TestReadmeDocumentsEveryCode(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range DiagnosticCodes() {
		if !strings.Contains(string(readme), "\n### "+c.Code+"\n") {
			t.Errorf("README.md has no section \"### %s\" (the target of %s)", c.Code, DocsURL(c.Code))
		}
	}
}
