package server

// This file defines how the editor's settings reach the server: the
// workspace/configuration request (section "planls") after initialized and on
// workspace/didChangeConfiguration, merged over .planls.json, with warnings
// about bad values shown to the user.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/planls/planls/analysis"
	"go.lsp.dev/protocol"
)

// clientCallTimeout bounds every request the server sends to the client.
const clientCallTimeout = 10 * time.Second

// afterInitialized runs the work that must wait for initialized, on a goroutine
// of its own: reading the editor's settings and showing settings warnings.
func (s *server) afterInitialized(ctx context.Context) {
	s.mu.Lock()
	warns := s.pendingWarnings
	s.pendingWarnings = nil
	s.mu.Unlock()
	s.showWarnings(ctx, warns)
	s.fetchConfiguration(ctx, nil)
	s.registerWatchers(ctx)
	s.indexAll(ctx)
}

// didChangeConfiguration handles workspace/didChangeConfiguration: the settings
// are read again with workspace/configuration when the client supports it, else
// taken from the notification.
func (s *server) didChangeConfiguration(ctx context.Context, p *protocol.DidChangeConfigurationParams) {
	raw := []byte(p.Settings)
	go s.fetchConfiguration(context.WithoutCancel(ctx), raw)
}

// fetchConfiguration reads the planls settings from the client (or uses pushed,
// the payload of didChangeConfiguration, when the client cannot be asked), and
// on a change re-diagnoses the open documents.
func (s *server) fetchConfiguration(ctx context.Context, pushed []byte) {
	var raw []byte
	caps := s.clientCapabilities()
	if caps != nil && caps.Workspace != nil && caps.Workspace.Configuration != nil && *caps.Workspace.Configuration {
		section := "planls"
		var result []json.RawMessage
		cctx, cancel := context.WithTimeout(ctx, clientCallTimeout)
		_, err := s.conn.Call(cctx, protocol.MethodWorkspaceConfiguration,
			&protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: &section}}}, &result)
		cancel()
		if err != nil {
			s.logf("workspace/configuration failed: %v", err)
			return
		}
		if len(result) > 0 {
			raw = result[0]
		}
	} else if len(pushed) > 0 {
		raw = pushed
	}
	if t := strings.TrimSpace(string(raw)); t == "" || t == "null" {
		raw = nil
	}
	warns, changed := s.ws.setEditorSettings(raw)
	if !changed {
		return
	}
	s.logf("settings changed")
	for i := range warns {
		warns[i].File = ""
	}
	s.showWarnings(ctx, warns)
	// Excludes and done names may have changed: index again (which refreshes
	// the diagnostics).
	s.work.add(func(w *indexWork) { w.reindex = true })
}

// showWarnings tells the user about settings warnings with window/showMessage.
func (s *server) showWarnings(ctx context.Context, warns []analysis.Warning) {
	if len(warns) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("planls: ")
	for i, w := range warns {
		if i > 0 {
			b.WriteString("; ")
		}
		if w.File != "" {
			fmt.Fprintf(&b, "%s: ", w.File)
		}
		b.WriteString(w.Message)
	}
	s.logf("%s", b.String())
	_ = s.conn.Notify(ctx, protocol.MethodWindowShowMessage, &protocol.ShowMessageParams{Type: protocol.MessageTypeWarning, Message: b.String()})
}
