// Command settingsjson prints analysis.SettingsSchema() as indented JSON on
// standard output. The VS Code extension's generator
// (editors/vscode/scripts/gen-settings.mjs) reads it to write the
// contributes.configuration section of package.json and the settings list in
// editors/nvim/lsp/planls.lua.
//
// Usage, from the repository root:
//
//	go run ./editors/internal/settingsjson
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/planls/planls/analysis"
)

func main() {
	out, err := json.MarshalIndent(analysis.SettingsSchema(), "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "settingsjson:", err)
		os.Exit(1)
	}
	out = append(out, '\n')
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, "settingsjson:", err)
		os.Exit(1)
	}
}
