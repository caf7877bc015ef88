package server

// This file defines codec, the jsonrpc2 payload codec that encodes and decodes
// LSP params and results with the protocol package's own marshaler.

import (
	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// codec is the jsonrpc2.Codec of the connection. It is a copy of the protocol
// package's unexported codec: only protocol.Marshal and protocol.Unmarshal
// understand the v1 types (unions, Optional, Nullable); encoding/json would
// silently write {} for them. Raw messages pass through verbatim.
type codec struct{}

var _ jsonrpc2.Codec = codec{}

// Marshal implements jsonrpc2.Codec.
func (codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

// Unmarshal implements jsonrpc2.Codec. A raw message destination receives a
// copy of data, which the caller owns.
func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		b := make(jsonrpc2.RawMessage, len(data))
		copy(b, data)
		*p = b
		return nil
	}
	return protocol.Unmarshal(data, v)
}
