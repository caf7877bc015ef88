package server

// This file defines the LSP lifecycle: initialize (with the negotiation of the
// position encoding and the capabilities), initialized, shutdown and exit.

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// lifecycleState is where the connection is in the LSP lifecycle.
type lifecycleState int

// The lifecycle states, in order.
const (
	// stateNew: before initialize. Requests are answered with
	// ServerNotInitialized, notifications other than exit are dropped.
	stateNew lifecycleState = iota
	// stateRunning: after initialize, before shutdown.
	stateRunning
	// stateShutdown: after shutdown. Requests are answered with
	// InvalidRequest, notifications other than exit are dropped.
	stateShutdown
)

// lifecycle returns the current lifecycle state.
func (s *server) lifecycle() lifecycleState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// positionEncoding returns the position encoding negotiated at initialize.
func (s *server) positionEncoding() Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.encoding
}

// clientCapabilities returns the capabilities the client sent with
// initialize. It is never nil once the server is running.
func (s *server) clientCapabilities() *protocol.ClientCapabilities {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		return &protocol.ClientCapabilities{}
	}
	return s.client
}

// initialize answers the initialize request. It runs on the read loop, so no
// other message is handled before the state changes.
func (s *server) initialize(raw jsonrpc2.RawMessage) (any, error) {
	if s.lifecycle() != stateNew {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize may be sent only once")
	}
	var p protocol.InitializeParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params for initialize: %v", err)
	}
	client := &p.Capabilities
	enc := negotiateEncoding(client.General)
	result := &protocol.InitializeResult{
		Capabilities: s.capabilities(enc, client),
		ServerInfo:   protocol.ServerInfo{Name: "planls", Version: protocol.NewOptional(s.opts.Version)},
	}

	s.mu.Lock()
	s.state = stateRunning
	s.encoding = enc
	s.client = client
	s.mu.Unlock()
	s.pendingWarnings = s.ws.setRoots(&p)

	name := "unknown client"
	if p.ClientInfo.Name != "" {
		name = p.ClientInfo.Name
		if v, ok := p.ClientInfo.Version.Get(); ok {
			name += " " + v
		}
	}
	s.logf("initialize from %s; position encoding %v", name, enc)
	return result, nil
}

// negotiateEncoding picks the position encoding: UTF-8 when the client offers
// it (no conversion needed), else the first of UTF-16 and UTF-32 in the
// client's order of preference, else UTF-16, which every client supports.
func negotiateEncoding(general *protocol.GeneralClientCapabilities) Encoding {
	if general == nil {
		return UTF16
	}
	for _, kind := range general.PositionEncodings {
		if kind == protocol.PositionEncodingKindUTF8 {
			return UTF8
		}
	}
	for _, kind := range general.PositionEncodings {
		switch kind {
		case protocol.PositionEncodingKindUTF16:
			return UTF16
		case protocol.PositionEncodingKindUTF32:
			return UTF32
		}
	}
	return UTF16
}

// capabilities returns the server capabilities: the position encoding and
// what each handler in the table announces, nothing more.
func (s *server) capabilities(enc Encoding, client *protocol.ClientCapabilities) protocol.ServerCapabilities {
	caps := protocol.ServerCapabilities{PositionEncoding: protocol.PositionEncodingKind(enc.String())}
	for _, h := range s.handlers {
		if h.capability != nil {
			h.capability(&caps, client)
		}
	}
	return caps
}

// initialized handles the initialized notification, whose params carry
// nothing and are not checked. Work that must wait for it (registering file
// watchers, reading the configuration, indexing the workspace) starts here,
// on goroutines of its own: a call to the client from this handler would
// deadlock the read loop.
func (s *server) initialized(ctx context.Context, _ jsonrpc2.RawMessage) {
	s.logf("initialized")
	go s.afterInitialized(context.WithoutCancel(ctx))
}

// shutdown answers the shutdown request: from now on requests are refused.
func (s *server) shutdown() (any, error) {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	s.logf("shutdown")
	return nil, nil
}

// exit handles the exit notification: Serve stops.
func (s *server) exit() {
	s.exitOnce.Do(func() {
		s.logf("exit")
		close(s.exited)
	})
}

// exitCode returns the code Serve returns: 0 once shutdown was received, 1
// otherwise.
func (s *server) exitCode() int {
	if s.lifecycle() == stateShutdown {
		return 0
	}
	return 1
}
