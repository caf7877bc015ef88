// This file defines where the documentation of diagnostics lives, for the
// codeDescription links of the server and the help URIs of SARIF output.

package analysis

// DocsBase is the address of the planls README.
const DocsBase = "https://github.com/planls/planls/blob/main/README.md"

// DocsURL returns the address of the README section that explains a diagnostic
// code (each code has a heading of its own name there).
func DocsURL(code string) string { return DocsBase + "#" + code }
