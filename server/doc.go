// Package server is the Language Server Protocol adapter of planls: it wires a
// JSON-RPC connection, keeps the open documents, converts between LSP positions
// and byte offsets, and answers each LSP request by calling the analysis
// package.
//
// Architecture invariant: this is the only package that imports go.lsp.dev.
// Every feature's logic lives in the analysis package, which speaks byte
// offsets; the conversion to and from LSP positions happens in mapper.go and
// nowhere else.
package server

// This file holds only the package documentation.
