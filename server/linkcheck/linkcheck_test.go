// This file tests the checker against httptest servers on 127.0.0.1 only:
// every status class, the HEAD→GET fallback, timeouts, redirects (the limit,
// and redirects to refused addresses), DNS answers from a fake resolver
// (NXDOMAIN, rebinding), the per-host concurrency and rate limits, the cache,
// the body limit, credentials and cookies, the request cap and cancellation.
// A test dialer refuses every address but 127.0.0.1, so that no test can reach
// the network even if the policy were broken.

package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/planls/planls/analysis"
)

// fakeResolver answers DNS lookups from a table: a name maps to its addresses;
// a name mapped to nil gives a temporary failure; an absent name does not exist.
type fakeResolver map[string][]string

// LookupNetIP implements Resolver.
func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[strings.ToLower(host)]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if addrs == nil {
		return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

// dialLog is a test dialer: it records every address it is asked to dial and
// connects only to 127.0.0.1.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

// dial implements DialFunc.
func (l *dialLog) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	l.mu.Lock()
	l.addrs = append(l.addrs, addr)
	l.mu.Unlock()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
		return nil, fmt.Errorf("test dialer: not dialing %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// dialed returns the addresses dialed so far.
func (l *dialLog) dialed() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.addrs)
}

// allowHosts returns the policy of settings with the given allowHosts and
// denyHosts, as the server builds it.
func allowHosts(allow []string, deny ...string) Policy {
	s := analysis.DefaultSettings()
	s.AllowHosts, s.DenyHosts = allow, deny
	return Policy{AllowHost: s.HostAllowed, DenyHost: s.HostDenied}
}

// testChecker returns a checker whose policy allows 127.0.0.1 only, with the
// test dialer and a resolver that knows "localhost" only, plus opts' changes.
func testChecker(t *testing.T, change func(*Options)) (*Checker, *dialLog) {
	t.Helper()
	log := &dialLog{}
	o := Options{
		Timeout:         5 * time.Second,
		PerHostInterval: time.Nanosecond,
		Policy:          allowHosts([]string{"127.0.0.1"}),
		Resolver:        fakeResolver{"localhost": {"127.0.0.1", "::1"}},
		Dial:            log.dial,
	}
	if change != nil {
		change(&o)
	}
	return New(o), log
}

// hits counts the requests a test server received, by method and path.
type hits struct {
	mu  sync.Mutex
	log []string
}

func (h *hits) add(r *http.Request) {
	h.mu.Lock()
	h.log = append(h.log, r.Method+" "+r.URL.Path)
	h.mu.Unlock()
}

func (h *hits) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.log)
}

func (h *hits) count() int { return len(h.list()) }

// serve starts an httptest server on 127.0.0.1 that records its requests.
func serve(t *testing.T, f http.HandlerFunc) (*httptest.Server, *hits) {
	t.Helper()
	h := &hits{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		f(w, r)
	}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server is not on 127.0.0.1: %s", srv.URL)
	}
	return srv, h
}

// checkOne checks one URL.
func checkOne(t *testing.T, c *Checker, u string) Result {
	t.Helper()
	res := c.Check(context.Background(), []string{u}, nil)
	r, ok := res[u]
	if !ok {
		t.Fatalf("no result for %s in %v", u, res)
	}
	return r
}

// statusServer answers /HEAD/GET paths: /404/404 answers 404 to both methods,
// /405/200 answers 405 to HEAD and 200 to GET.
func statusServer(t *testing.T) (*httptest.Server, *hits) {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if parts[0] == "redirect" {
			http.Redirect(w, r, "/"+strings.Join(parts[1:], "/"), http.StatusMovedPermanently)
			return
		}
		i := 0
		if r.Method == http.MethodGet && len(parts) > 1 {
			i = 1
		}
		code, err := strconv.Atoi(parts[i])
		if err != nil {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		w.WriteHeader(code)
	})
}

func TestStatusClasses(t *testing.T) {
	srv, h := statusServer(t)
	c, _ := testChecker(t, nil)
	for _, tc := range []struct {
		path    string
		status  Status
		code    int
		methods string // methods the server saw, in order
		reason  string // a part of the reason
	}{
		{"/200", OK, 200, "HEAD", "answered 200 OK"},
		{"/204", OK, 204, "HEAD", "204"},
		{"/304", OK, 304, "HEAD", "304"},
		{"/404/404", Dead, 404, "HEAD GET", "answered 404 Not Found"},
		{"/410/410", Dead, 410, "HEAD GET", "410 Gone"},
		{"/401/401", Unknown, 401, "HEAD GET", "does not let automated checks in"},
		{"/403/403", Unknown, 403, "HEAD GET", "403 Forbidden"},
		{"/429", Unknown, 429, "HEAD", "fewer requests"},
		{"/500/500", Unknown, 500, "HEAD GET", "500 Internal Server Error"},
		{"/503/503", Unknown, 503, "HEAD GET", "503"},
		{"/400/400", Unknown, 400, "HEAD GET", "400 Bad Request"},
		{"/599/599", Unknown, 599, "HEAD GET", "HTTP 599"},
		{"/405/200", OK, 200, "HEAD GET", "200"},
		{"/501/200", OK, 200, "HEAD GET", "200"},
		{"/404/200", OK, 200, "HEAD GET", "200"},
		{"/403/404", Dead, 404, "HEAD GET", "404"},
		{"/405/500", Unknown, 500, "HEAD GET", "500"},
		{"/redirect/200", OK, 200, "HEAD HEAD", "200"},
		{"/redirect/404/404", Dead, 404, "HEAD HEAD GET GET", "404"},
	} {
		t.Run(strings.ReplaceAll(tc.path[1:], "/", "-"), func(t *testing.T) {
			before := len(h.list())
			r := checkOne(t, c, srv.URL+tc.path)
			var methods []string
			for _, l := range h.list()[before:] {
				methods = append(methods, strings.Fields(l)[0])
			}
			if r.Status != tc.status || r.Code != tc.code || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("got %v %d %q, want %v %d …%q…", r.Status, r.Code, r.Reason, tc.status, tc.code, tc.reason)
			}
			if got := strings.Join(methods, " "); got != tc.methods {
				t.Errorf("server saw %q, want %q", got, tc.methods)
			}
			if r.URL != srv.URL+tc.path {
				t.Errorf("URL %q", r.URL)
			}
		})
	}
}

func TestClassifyStatus(t *testing.T) {
	for _, tc := range []struct {
		code int
		want Status
	}{
		{100, Unknown}, {200, OK}, {206, OK}, {299, OK}, {301, OK}, {399, OK},
		{400, Unknown}, {401, Unknown}, {403, Unknown}, {404, Dead}, {405, Unknown},
		{407, Unknown}, {410, Dead}, {429, Unknown}, {451, Unknown}, {500, Unknown}, {999, Unknown},
	} {
		if got := classifyStatus(tc.code); got.Status != tc.want || got.Code != tc.code {
			t.Errorf("classifyStatus(%d) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c, _ := testChecker(t, func(o *Options) { o.Timeout = 200 * time.Millisecond })
	start := time.Now()
	r := checkOne(t, c, srv.URL+"/slow")
	if r.Status != Unknown || !strings.Contains(r.Reason, "timed out after 200ms") {
		t.Errorf("got %+v, want Unknown, timed out", r)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestRedirectLimit(t *testing.T) {
	srv, h := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
		}
	})
	c, _ := testChecker(t, func(o *Options) { o.MaxRedirects = 3 })
	if r := checkOne(t, c, srv.URL+"/r/3"); r.Status != OK {
		t.Errorf("3 redirects: %+v, want OK", r)
	}
	before := h.count()
	r := checkOne(t, c, srv.URL+"/r/4")
	if r.Status != Unknown || r.Reason != "more than 3 redirects" {
		t.Errorf("4 redirects: %+v, want Unknown, more than 3 redirects", r)
	}
	if n := h.count() - before; n != 4 {
		t.Errorf("the server saw %d requests, want 4 (HEAD and 3 redirects, no GET)", n)
	}
}

func TestRedirectToRefusedAddress(t *testing.T) {
	target, targetHits := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	targetURL, _ := url.Parse(target.URL)
	port := targetURL.Port()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	srvURL, _ := url.Parse(srv.URL)
	// Only the first server's host and port is allowed.
	c, log := testChecker(t, func(o *Options) {
		o.Policy = allowHosts([]string{srvURL.Host}, "denied.test")
		o.Resolver = fakeResolver{"localhost": {"127.0.0.1"}, "denied.test": {"127.0.0.1"}, "rebind.test": {"10.0.0.7"}}
	})
	for _, tc := range []struct{ to, reason string }{
		{target.URL + "/x", "127.0.0.1 is a loopback address"},
		{"http://localhost:" + port + "/x", "localhost resolves to 127.0.0.1, a loopback address"},
		{"http://[::1]:" + port + "/x", "::1 is a loopback address"},
		{"http://[::ffff:127.0.0.1]:" + port + "/x", "127.0.0.1, a loopback address"},
		{"http://10.1.2.3/x", "10.1.2.3 is a private address"},
		{"http://192.168.1.1/x", "a private address"},
		{"http://100.64.0.1/x", "a shared (CGNAT) address"},
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"},
		{"http://[fd00:ec2::254]/latest/meta-data/", "fd00:ec2::254 is a cloud metadata address"},
		{"http://[fe80::1]/", "a link-local address"},
		{"http://0.0.0.0:" + port + "/", "an unspecified"},
		{"http://rebind.test/", "rebind.test resolves to 10.0.0.7, a private address"},
	} {
		r := checkOne(t, c, srv.URL+"/?to="+url.QueryEscape(tc.to))
		if r.Status != Unknown || !strings.HasPrefix(r.Reason, "redirects to a refused address: ") || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("redirect to %s: got %+v, want Unknown …%s", tc.to, r, tc.reason)
		}
	}
	for _, tc := range []struct{ to, reason string }{
		{"http://denied.test:" + port + "/", "denied.test:" + port + ", which is in denyHosts"},
		{"ftp://example.com/", "redirects to a ftp: URL"},
		{"file:///etc/passwd", "redirects to a file: URL"},
	} {
		r := checkOne(t, c, srv.URL+"/?to="+url.QueryEscape(tc.to))
		if r.Status != Unknown || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("redirect to %s: got %+v, want Unknown …%s", tc.to, r, tc.reason)
		}
	}
	if n := targetHits.count(); n != 0 {
		t.Errorf("the refused target got %d requests", n)
	}
	for _, a := range log.dialed() {
		if a != srvURL.Host {
			t.Errorf("dialed %s; only %s may be dialed", a, srvURL.Host)
		}
	}
}

func TestRefusedHosts(t *testing.T) {
	srv, h := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	res := fakeResolver{"rebind.test": {"127.0.0.1"}, "localhost": {"127.0.0.1"}, "meta.test": {"169.254.169.254"}}
	c, log := testChecker(t, func(o *Options) {
		o.Policy = allowHosts(nil)
		o.Resolver = res
	})
	for _, tc := range []struct{ url, reason string }{
		{srv.URL, "127.0.0.1 is a loopback address (allowHosts can allow it)"},
		{"http://localhost:" + port + "/", "localhost resolves to 127.0.0.1, a loopback address"},
		{"http://rebind.test:" + port + "/", "rebind.test resolves to 127.0.0.1, a loopback address"},
		{"http://meta.test/latest/meta-data/", "a cloud metadata address"},
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"},
		{"http://[::1]:" + port + "/", "::1 is a loopback address"},
		{"http://10.0.0.1/", "10.0.0.1 is a private address"},
		{"http://172.16.5.4/", "a private address"},
		{"http://[fc00::1]/", "a private (unique local) address"},
		{"http://224.0.0.1/", "a multicast address"},
	} {
		r := checkOne(t, c, tc.url)
		if r.Status != Skipped || !strings.Contains(r.Reason, tc.reason) || !strings.HasPrefix(r.Reason, "not checked: ") {
			t.Errorf("%s: got %+v, want Skipped …%s", tc.url, r, tc.reason)
		}
	}
	if n := h.count(); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
	if d := log.dialed(); len(d) != 0 {
		t.Errorf("dialed %v", d)
	}

	// Allowing the name (not the address) lets the request through, with the
	// name in the Host header.
	var host atomic.Value
	srv2, _ := serve(t, func(w http.ResponseWriter, r *http.Request) { host.Store(r.Host) })
	port2 := strings.TrimPrefix(srv2.URL, "http://127.0.0.1:")
	c2, _ := testChecker(t, func(o *Options) {
		o.Policy = allowHosts([]string{"rebind.test"})
		o.Resolver = res
	})
	if r := checkOne(t, c2, "http://rebind.test:"+port2+"/"); r.Status != OK {
		t.Errorf("allowed name: %+v", r)
	}
	if got := host.Load(); got != "rebind.test:"+port2 {
		t.Errorf("Host header %v", got)
	}
	// Allowing 127.0.0.1 does not allow a name that resolves to it.
	c3, _ := testChecker(t, func(o *Options) { o.Resolver = res })
	if r := checkOne(t, c3, "http://rebind.test:"+port2+"/"); r.Status != Skipped {
		t.Errorf("name resolving to an allowed address: %+v, want Skipped", r)
	}
}

func TestOnlyValidatedAddressesAreDialled(t *testing.T) {
	// The name resolves to a public and a loopback address: the loopback one is
	// dropped, and only the public one is dialled (the test dialer then fails).
	c, log := testChecker(t, func(o *Options) {
		o.Policy = allowHosts(nil)
		o.Resolver = fakeResolver{"mixed.test": {"127.0.0.1", "203.0.113.7", "::1"}}
	})
	r := checkOne(t, c, "http://mixed.test:8080/")
	if r.Status != Unknown || !strings.Contains(r.Reason, "test dialer: not dialing 203.0.113.7:8080") {
		t.Errorf("got %+v", r)
	}
	if d := log.dialed(); !slices.Equal(d, []string{"203.0.113.7:8080"}) {
		t.Errorf("dialed %v, want only 203.0.113.7:8080", d)
	}
}

func TestDNS(t *testing.T) {
	c, log := testChecker(t, func(o *Options) {
		o.Resolver = fakeResolver{"flaky.test": nil, "empty.test": {}}
	})
	r := checkOne(t, c, "https://nosuch.test/page")
	if r.Status != Dead || r.Reason != `host "nosuch.test" does not exist` || r.Code != 0 {
		t.Errorf("NXDOMAIN: %+v", r)
	}
	r = checkOne(t, c, "https://empty.test/page")
	if r.Status != Dead {
		t.Errorf("no addresses: %+v", r)
	}
	r = checkOne(t, c, "http://flaky.test/")
	if r.Status != Unknown || !strings.Contains(r.Reason, "DNS lookup") {
		t.Errorf("temporary failure: %+v", r)
	}
	if d := log.dialed(); len(d) != 0 {
		t.Errorf("dialed %v", d)
	}
	// A redirect to a host that does not exist is dead too.
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://gone.test/", http.StatusFound)
	})
	r = checkOne(t, c, srv.URL)
	if r.Status != Dead || !strings.Contains(r.Reason, `redirects to host "gone.test"`) {
		t.Errorf("redirect to NXDOMAIN: %+v", r)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv, h := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
	})
	c, _ := testChecker(t, func(o *Options) {
		o.PerHostConcurrency = 2
		o.Concurrency = 8
	})
	var urls []string
	for i := range 12 {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	res := c.Check(context.Background(), urls, nil)
	for _, u := range urls {
		if res[u].Status != OK {
			t.Errorf("%s: %+v", u, res[u])
		}
	}
	if h.count() != 12 {
		t.Errorf("%d requests", h.count())
	}
	// At most two at once, and the checker did use both.
	if p := peak.Load(); p != 2 {
		t.Errorf("peak of %d requests in flight, want 2", p)
	}
}

func TestPerHostRate(t *testing.T) {
	var mu sync.Mutex
	var starts []time.Time
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
	})
	const interval = 40 * time.Millisecond
	c, _ := testChecker(t, func(o *Options) {
		o.PerHostInterval = interval
		o.PerHostConcurrency = 4
	})
	var urls []string
	for i := range 5 {
		urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
	}
	begin := time.Now()
	c.Check(context.Background(), urls, nil)
	mu.Lock()
	defer mu.Unlock()
	if len(starts) != 5 {
		t.Fatalf("%d requests", len(starts))
	}
	// The limiter gives the five requests start times an interval apart, so
	// the last cannot arrive before four intervals have passed (without it,
	// all five arrive within a few milliseconds). Arrival times are not
	// compared pairwise: a request may be delayed after its start.
	last := slices.MaxFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	if d := last.Sub(begin); d < 4*interval {
		t.Errorf("the fifth request arrived %v after the start, want at least %v", d, 4*interval)
	}
}

func TestCache(t *testing.T) {
	srv, h := statusServer(t)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock atomic.Pointer[time.Time]
	clock.Store(&now)
	c, _ := testChecker(t, func(o *Options) {
		o.Now = func() time.Time { return *clock.Load() }
		o.CacheTTL = time.Hour
		o.UnknownTTL = time.Minute
	})
	urls := []string{srv.URL + "/200", srv.URL + "/404/404", srv.URL + "/503/503"}
	first := c.Check(context.Background(), urls, nil)
	if n := h.count(); n != 5 {
		t.Fatalf("first run: %d requests, want 5", n)
	}
	second := c.Check(context.Background(), urls, nil)
	if n := h.count(); n != 5 {
		t.Errorf("second run made %d requests", n-5)
	}
	for _, u := range urls {
		if first[u] != second[u] {
			t.Errorf("%s: %+v then %+v", u, first[u], second[u])
		}
		if r, ok := c.Cached(u); !ok || r != first[u] {
			t.Errorf("Cached(%s) = %+v, %v", u, r, ok)
		}
	}
	// Another policy view shares the cache.
	c.WithPolicy(allowHosts([]string{"127.0.0.1"})).Check(context.Background(), urls, nil)
	if n := h.count(); n != 5 {
		t.Errorf("a derived checker made %d requests", n-5)
	}
	// A checker for which the host is not allowed does not see the entries.
	if _, ok := c.WithPolicy(allowHosts(nil)).Cached(srv.URL + "/200"); !ok {
		t.Errorf("a refused literal address should give its Skipped result")
	} else if r, _ := c.WithPolicy(allowHosts(nil)).Cached(srv.URL + "/200"); r.Status != Skipped {
		t.Errorf("not allowed: Cached gives %+v", r)
	}
	// After two minutes the Unknown result has expired, the others not.
	later := now.Add(2 * time.Minute)
	clock.Store(&later)
	c.Check(context.Background(), urls, nil)
	if got := h.list()[5:]; !slices.Equal(got, []string{"HEAD /503/503", "GET /503/503"}) {
		t.Errorf("after 2 minutes: %v", got)
	}
	// After two hours everything is checked again.
	muchLater := now.Add(2 * time.Hour)
	clock.Store(&muchLater)
	c.Check(context.Background(), urls, nil)
	if n := h.count(); n != 12 {
		t.Errorf("after 2 hours: %d requests in all, want 12", n)
	}
}

func TestBodyLimit(t *testing.T) {
	const total = 1 << 30
	var written atomic.Int64
	done := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		defer close(done)
		buf := make([]byte, 32<<10)
		for written.Load() < total {
			n, err := w.Write(buf)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	c, _ := testChecker(t, func(o *Options) { o.Timeout = 20 * time.Second })
	r := checkOne(t, c, srv.URL+"/huge")
	if r.Status != OK || r.Code != 200 {
		t.Errorf("got %+v", r)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler is still writing: the body is being read")
	}
	// The handler's writes fail once the client has closed the connection;
	// what it wrote before fits in the socket buffers, far from the gigabyte.
	if n := written.Load(); n >= 64<<20 {
		t.Errorf("the server wrote %d bytes before the client went away", n)
	}
}

func TestNoCredentialsOrCookies(t *testing.T) {
	var mu sync.Mutex
	var seen []http.Header
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		switch r.URL.Path {
		case "/login":
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/"})
			to := "http://user2:pass2@" + r.Host + "/final"
			http.Redirect(w, r, to, http.StatusFound)
		case "/final":
			w.WriteHeader(http.StatusForbidden) // forces a GET as well
		}
	})
	c, _ := testChecker(t, nil)
	u := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/login#frag"
	r := checkOne(t, c, u)
	if r.Status != Unknown || r.Code != 403 {
		t.Errorf("got %+v", r)
	}
	if strings.Contains(r.URL, "secret") || strings.Contains(r.URL, "frag") || r.URL != srv.URL+"/login" {
		t.Errorf("result URL %q keeps user information or fragment", r.URL)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 {
		t.Fatalf("%d requests, want 4", len(seen))
	}
	for i, h := range seen {
		for _, name := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
			if v := h.Get(name); v != "" {
				t.Errorf("request %d sent %s: %q", i, name, v)
			}
		}
		if h.Get("User-Agent") != DefaultUserAgent {
			t.Errorf("request %d: User-Agent %q", i, h.Get("User-Agent"))
		}
	}
}

func TestGuardRefusesCredentials(t *testing.T) {
	c, _ := testChecker(t, nil)
	r := c.newRun()
	for _, mod := range []func(*http.Request){
		func(q *http.Request) { q.URL.User = url.UserPassword("a", "b") },
		func(q *http.Request) { q.Header.Set("Authorization", "Basic x") },
		func(q *http.Request) { q.Header.Set("Proxy-Authorization", "Basic x") },
		func(q *http.Request) { q.Header.Set("Cookie", "a=b") },
	} {
		req, _ := http.NewRequest(http.MethodHead, "http://127.0.0.1:1/", nil)
		mod(req)
		if _, err := r.rt.RoundTrip(req); !errors.Is(err, errCredentials) {
			t.Errorf("RoundTrip = %v, want errCredentials", err)
		}
	}
	if n := r.budget.Load(); n != int64(c.opts.MaxRequestsPerRun) {
		t.Errorf("refused requests spent the budget: %d left", n)
	}
}

func TestNoProxy(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	c, _ := testChecker(t, nil)
	r := c.newRun()
	if r.transport.Proxy != nil {
		t.Error("the transport uses a proxy")
	}
	if !r.transport.DisableCompression || r.transport.MaxResponseHeaderBytes != maxHeaderBytes {
		t.Error("transport limits not set")
	}
}

func TestRequestCap(t *testing.T) {
	srv, h := statusServer(t)
	c, _ := testChecker(t, func(o *Options) {
		o.MaxRequestsPerRun = 3
		o.Concurrency = 1
	})
	var urls []string
	for i := range 5 {
		urls = append(urls, fmt.Sprintf("%s/200?n=%d", srv.URL, i))
	}
	res := c.Check(context.Background(), urls, nil)
	var ok, skipped int
	for _, u := range urls {
		switch r := res[u]; r.Status {
		case OK:
			ok++
		case Skipped:
			skipped++
			if !strings.Contains(r.Reason, "limit of 3 requests per run") {
				t.Errorf("reason %q", r.Reason)
			}
		default:
			t.Errorf("%s: %+v", u, r)
		}
	}
	if ok != 3 || skipped != 2 || h.count() != 3 {
		t.Errorf("%d OK, %d skipped, %d requests; want 3, 2, 3", ok, skipped, h.count())
	}
	// Skipped results are not cached: the next run checks them.
	res = c.Check(context.Background(), urls, nil)
	for _, u := range urls {
		if res[u].Status != OK {
			t.Errorf("second run: %s: %+v", u, res[u])
		}
	}
	if h.count() != 5 {
		t.Errorf("%d requests in all, want 5", h.count())
	}
}

func TestSkipped(t *testing.T) {
	c, log := testChecker(t, func(o *Options) {
		o.Policy = allowHosts(nil, "*.denied.test")
	})
	for _, tc := range []struct{ url, reason string }{
		{"ftp://example.com/x", "only http and https"},
		{"mailto:a@example.com", "only http and https"},
		{"http://", "no host"},
		{"http://[::1", "not a valid URL"},
		{"https://www.denied.test/x", "www.denied.test is in denyHosts"},
	} {
		r := checkOne(t, c, tc.url)
		if r.Status != Skipped || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("%s: %+v, want Skipped …%s", tc.url, r, tc.reason)
		}
	}
	if d := log.dialed(); len(d) != 0 {
		t.Errorf("dialed %v", d)
	}
}

func TestDuplicatesAndProgress(t *testing.T) {
	srv, h := statusServer(t)
	c, _ := testChecker(t, nil)
	urls := []string{srv.URL + "/200", srv.URL + "/200#a", srv.URL + "/200", srv.URL + "/404/404",
		strings.Replace(srv.URL, "http:", "HTTP:", 1) + "/200", "ftp://x/"}
	var calls [][2]int
	res := c.Check(context.Background(), urls, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if len(res) != 5 {
		t.Errorf("%d results, want 5: %v", len(res), res)
	}
	if res[srv.URL+"/200#a"].Status != OK || res[srv.URL+"/404/404"].Status != Dead {
		t.Errorf("results %v", res)
	}
	if got := h.list(); len(got) != 3 {
		t.Errorf("requests %v, want HEAD /200, HEAD and GET /404/404", got)
	}
	if want := [][2]int{{0, 2}, {1, 2}, {2, 2}}; !slices.Equal(calls, want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
	// Nothing left to visit: no progress calls.
	calls = nil
	c.Check(context.Background(), urls, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if len(calls) != 0 {
		t.Errorf("progress calls %v for a cached run", calls)
	}
}

func TestCancel(t *testing.T) {
	started := make(chan struct{}, 10)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	c, _ := testChecker(t, func(o *Options) { o.Timeout = time.Minute })
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	start := time.Now()
	u := srv.URL + "/block"
	res := c.Check(ctx, []string{u, srv.URL + "/other"}, nil)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if r := res[u]; r.Status != Skipped || r.Reason != "not checked: cancelled" {
		t.Errorf("got %+v", r)
	}
	if _, ok := c.Cached(u); ok {
		t.Error("a cancelled check was cached")
	}
}

func TestDefaultDialer(t *testing.T) {
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {})
	c := New(Options{Policy: allowHosts([]string{"127.0.0.1", "loop.test"}),
		Resolver: fakeResolver{"loop.test": {"127.0.0.1"}}})
	if r := checkOne(t, c, srv.URL); r.Status != OK {
		t.Errorf("allowed literal: %+v", r)
	}
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	if r := checkOne(t, c, "http://loop.test:"+port+"/"); r.Status != OK {
		t.Errorf("allowed name: %+v", r)
	}
	// The net.Dialer checks the address again: even a dialer told to connect
	// to a refused address does not, unless allowed.
	d := &dialer{timeout: time.Second}
	if _, err := d.netDial(context.Background(), "tcp", "127.0.0.1:"+port, false); err == nil {
		t.Error("netDial connected to a loopback address")
	} else if _, ok := isRefused(err); !ok {
		t.Errorf("netDial error %v is not a refusal", err)
	}
	conn, err := d.netDial(context.Background(), "tcp", "127.0.0.1:"+port, true)
	if err != nil {
		t.Errorf("allowed netDial: %v", err)
	} else {
		conn.Close()
	}
}

func TestCheckControl(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		allowed bool
		ok      bool
	}{
		{"127.0.0.1:80", false, false},
		{"127.0.0.1:80", true, true},
		{"[::1]:443", false, false},
		{"[::ffff:10.0.0.1]:80", false, false},
		{"169.254.169.254:80", false, false},
		{"[fe80::1%eth0]:80", false, false},
		{"93.184.216.34:443", false, true},
		{"[2606:2800:220:1:248:1893:25c8:1946]:443", false, true},
		{"not-an-address", false, false},
	} {
		err := checkControl(tc.addr, tc.allowed)
		if (err == nil) != tc.ok {
			t.Errorf("checkControl(%q, %v) = %v", tc.addr, tc.allowed, err)
		}
	}
}

func TestRefusedAddress(t *testing.T) {
	for _, tc := range []struct{ ip, want string }{
		{"127.0.0.1", "a loopback address"},
		{"127.255.0.9", "a loopback address"},
		{"::1", "a loopback address"},
		{"::ffff:127.0.0.1", "a loopback address"},
		{"10.0.0.1", "a private address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"172.32.0.1", ""},
		{"192.168.0.1", "a private address"},
		{"100.64.0.1", "a shared (CGNAT) address"},
		{"100.127.255.255", "a shared (CGNAT) address"},
		{"100.128.0.1", ""},
		{"169.254.1.1", "a link-local address"},
		{"169.254.169.254", "a cloud metadata address"},
		{"::ffff:169.254.169.254", "a cloud metadata address"},
		{"fd00:ec2::254", "a cloud metadata address"},
		{"fd00::1", "a private (unique local) address"},
		{"fe80::1", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"0.0.0.0", "an unspecified (\"this network\") address"},
		{"0.1.2.3", "an unspecified (\"this network\") address"},
		{"::", "an unspecified address"},
		{"224.0.0.1", "a multicast address"},
		{"239.255.255.250", "a multicast address"},
		{"ff02::1", "a multicast address"},
		{"255.255.255.255", "a reserved address"},
		{"240.0.0.1", "a reserved address"},
		{"::127.0.0.1", "a reserved (IPv4-compatible) address"},
		{"64:ff9b::7f00:1", "a loopback address (behind NAT64)"},
		{"64:ff9b::a9fe:a9fe", "a cloud metadata address (behind NAT64)"},
		{"2002:7f00:1::", "a loopback address (behind 6to4)"},
		{"2002:5db8:d822::", ""},
		{"64:ff9b::5db8:d822", ""},
		{"8.8.8.8", ""},
		{"93.184.216.34", ""},
		{"2606:4700::1111", ""},
	} {
		if got := RefusedAddress(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("RefusedAddress(%s) = %q, want %q", tc.ip, got, tc.want)
		}
	}
	if got := RefusedAddress(netip.Addr{}); got == "" {
		t.Error("the zero Addr is not refused")
	}
}

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{Unknown: "unknown", OK: "ok", Dead: "dead", Skipped: "skipped", Status(9): "Status(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", int(s), s.String())
		}
	}
}

func TestLimiterCancel(t *testing.T) {
	var l limiter
	release, err := l.acquire(context.Background(), "h", 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// The only slot is taken: the wait ends with the context.
	if _, err := l.acquire(ctx, "h", 1, time.Hour); err == nil {
		t.Error("acquired a second slot")
	}
	release()
	release() // releasing twice is harmless
	// The slot is free, but the rate limit makes the next start an hour away.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := l.acquire(ctx2, "h", 1, time.Hour); err == nil {
		t.Error("the rate limit was not applied")
	}
	if h := l.hosts["h"]; h.users != 0 || len(h.slots) != 0 {
		t.Errorf("state after cancelled waits: %d users, %d slots", h.users, len(h.slots))
	}
}

func TestHTTPS(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	// The test server's certificate is not trusted by default.
	c, _ := testChecker(t, nil)
	if r := checkOne(t, c, srv.URL+"/x"); r.Status != Unknown || r.Reason != "has a TLS certificate problem" {
		t.Errorf("untrusted certificate: %+v", r)
	}
	if n.Load() != 0 {
		t.Errorf("a request went through despite the certificate")
	}
	trusted, _ := testChecker(t, func(o *Options) {
		o.TLSConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	})
	if r := checkOne(t, trusted, srv.URL+"/x"); r.Status != OK {
		t.Errorf("trusted certificate: %+v", r)
	}
}

func TestCacheIsBounded(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(Options{Now: func() time.Time { return now }})
	for i := range maxCacheEntries + 50 {
		c.store(cacheKey{url: fmt.Sprintf("https://x.example/%d", i)}, Result{Status: OK})
	}
	if n := len(c.sh.cache); n > maxCacheEntries {
		t.Errorf("%d entries, more than %d", n, maxCacheEntries)
	}
	// The newest entry is kept; Skipped results are never stored.
	if _, ok := c.lookup(cacheKey{url: fmt.Sprintf("https://x.example/%d", maxCacheEntries+49)}); !ok {
		t.Error("the newest entry was evicted")
	}
	c.store(cacheKey{url: "https://skipped.example/"}, Result{Status: Skipped})
	if _, ok := c.lookup(cacheKey{url: "https://skipped.example/"}); ok {
		t.Error("a Skipped result was cached")
	}
}
