// This file tests planls check --external on the scenario of
// testdata/check/external.txtar, against an httptest server on 127.0.0.1 that
// the scenario's .planls.json allows, with a fake resolver (no name exists)
// and a dialer that connects to 127.0.0.1 only.

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/tools/txtar"
)

// noNames is a resolver in which no name exists.
type noNames struct{}

// LookupNetIP implements linkcheck.Resolver.
func (noNames) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestCheckExternal(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/ok":
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
		case "/moved":
			http.Redirect(w, r, "/gone", http.StatusMovedPermanently)
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
		case "/teapot-head":
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
			}
		case "/busy":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	saved := externalOptions
	defer func() { externalOptions = saved }()
	externalOptions.Resolver = noNames{}
	externalOptions.PerHostInterval = 1 // the rate limit is tested in server/linkcheck
	externalOptions.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if ap, err := netip.ParseAddrPort(addr); err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
			return nil, fmt.Errorf("test dialer: not dialing %s", addr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}

	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "check", "external.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	subst := strings.NewReplacer("{{URL}}", srv.URL, "{{HOST}}", strings.TrimPrefix(srv.URL, "http://")).Replace
	dir := t.TempDir()
	sections := map[string]string{}
	for _, f := range ar.Files {
		data := subst(string(f.Data))
		if !strings.HasPrefix(f.Name, "ws/") {
			sections[f.Name] = data
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runIn(t, dir, "check", "--external", "--fail-on", "hint", "ws")
	if out != sections["want"] {
		t.Errorf("stdout\n--- got\n%s--- want\n%s", out, sections["want"])
	}
	if errOut != sections["stderr"] {
		t.Errorf("stderr\n--- got\n%s--- want\n%s", errOut, sections["stderr"])
	}
	if want, _ := strconv.Atoi(strings.TrimSpace(sections["exit"])); code != want {
		t.Errorf("exit code %d, want %d", code, want)
	}
	// HEAD for /ok; HEAD and GET for /teapot-head, /gone, /forbidden and /busy;
	// HEAD, HEAD, GET, GET for /moved (redirect, then /gone).
	if n := hits.Load(); n != 13 {
		t.Errorf("%d requests, want 13", n)
	}

	// Without --external, nothing is visited and no dead-url is reported.
	before := hits.Load()
	out, _, _ = runIn(t, dir, "check", "ws")
	if strings.Contains(out, "dead-url") || hits.Load() != before {
		t.Errorf("check without --external visited links or reported:\n%s", out)
	}
}
