// This go.mod only fences the extension off from the planls Go module: npm
// packages under node_modules may ship .go files (flatted does), and without it
// `go vet ./...` and `go test ./...` at the repository root would build them.
// There is no Go code in this folder.
module github.com/planls/planls/editors/vscode

go 1.26
