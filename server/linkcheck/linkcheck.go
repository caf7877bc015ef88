// Package linkcheck checks http and https links for planls's dead-url
// diagnostic (the checkExternalLinks setting, and planls check --external).
//
// A check sends HEAD, and GET when HEAD is not answered with success, follows
// redirects to a limit, and classifies the outcome as OK, Dead (404, 410, no
// such host), Unknown (401, 403, 429, 5xx, timeouts, other failures) or Skipped
// (not visited). It is built to be safe to run on links written by someone
// else:
//
//   - only http and https are visited, without credentials: user information
//     is stripped from URLs, no cookie jar is kept, no Authorization or
//     Proxy-Authorization header is ever sent, and no proxy is used (a proxy
//     from the environment would connect on our behalf to addresses that this
//     package cannot vet, and may carry credentials);
//   - loopback, private, link-local, CGNAT, unspecified, multicast, reserved
//     and cloud metadata addresses are refused unless the host is allowed. The
//     check happens after DNS resolution, on the very address that is dialled,
//     for every redirect hop too, so neither DNS rebinding nor a redirect can
//     lead a request there;
//   - response bodies are read to a few kilobytes at most, then the connection
//     is closed; every request has a timeout; requests to one host are limited
//     in concurrency and rate; one run makes a bounded number of requests;
//   - results are cached, failures included, so that a link is not visited
//     again before its entry expires.
//
// This package never imports go.lsp.dev: the server and the command line
// turn its results into diagnostics with Targets and Diagnostics.
package linkcheck

// This file defines Checker, its Options, Result and Status, and Check: the
// worker pool, the cache, the per-host limiter, the request budget of a run,
// and the classification of responses and errors.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Status is the outcome of checking a link.
type Status int

const (
	// Unknown means the link could not be verified: the site refused the check
	// (401, 403, 429), failed (5xx), timed out, or gave another answer that does
	// not prove the link dead.
	Unknown Status = iota
	// OK means the link works: it answered 2xx or 3xx.
	OK
	// Dead means the link is broken: 404, 410, or its host does not exist.
	Dead
	// Skipped means the link was not visited: not http or https, malformed,
	// refused by the policy, over the run's request cap, or cancelled.
	Skipped
)

// String returns "unknown", "ok", "dead" or "skipped".
func (s Status) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case OK:
		return "ok"
	case Dead:
		return "dead"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome of checking one URL.
type Result struct {
	// URL is the URL visited: the link's URL without user information or
	// fragment ("" when it could not be parsed).
	URL string
	// Status is the outcome.
	Status Status
	// Code is the final HTTP status code, or 0 when there was no response.
	Code int
	// Reason says what happened as a phrase that fits after the URL in a
	// message: "answered 404 Not Found", "host \"x.invalid\" does not exist",
	// "timed out after 10s", "not checked: 127.0.0.1 is a loopback address".
	Reason string
}

// Defaults of the Options fields left zero.
const (
	// DefaultTimeout is the default of Options.Timeout.
	DefaultTimeout = 10 * time.Second
	// DefaultDialTimeout is the default of Options.DialTimeout.
	DefaultDialTimeout = 5 * time.Second
	// DefaultPerHostConcurrency is the default of Options.PerHostConcurrency.
	DefaultPerHostConcurrency = 2
	// DefaultPerHostInterval is the default of Options.PerHostInterval.
	DefaultPerHostInterval = 250 * time.Millisecond
	// DefaultConcurrency is the default of Options.Concurrency.
	DefaultConcurrency = 8
	// DefaultMaxRedirects is the default of Options.MaxRedirects.
	DefaultMaxRedirects = 5
	// DefaultCacheTTL is the default of Options.CacheTTL.
	DefaultCacheTTL = time.Hour
	// DefaultUnknownTTL is the default of Options.UnknownTTL.
	DefaultUnknownTTL = 5 * time.Minute
	// DefaultMaxRequestsPerRun is the default of Options.MaxRequestsPerRun.
	DefaultMaxRequestsPerRun = 300
	// DefaultMaxBodyBytes is the default of Options.MaxBodyBytes.
	DefaultMaxBodyBytes = 4 << 10
	// DefaultUserAgent is the default of Options.UserAgent.
	DefaultUserAgent = "planls-linkcheck (+https://github.com/planls/planls)"
	// maxCacheEntries bounds the cache; expired entries go first.
	maxCacheEntries = 10000
	// maxHeaderBytes bounds the response headers read.
	maxHeaderBytes = 64 << 10
)

// Options configure a Checker. A zero field takes its default (the Default…
// constants); a negative duration or count is treated as zero.
type Options struct {
	// Timeout bounds one request (HEAD or GET with its redirects).
	Timeout time.Duration
	// DialTimeout bounds DNS resolution and each connection attempt.
	DialTimeout time.Duration
	// PerHostConcurrency is the most requests in flight to one host.
	PerHostConcurrency int
	// PerHostInterval is the least time between the starts of two requests to
	// one host (a rate limit).
	PerHostInterval time.Duration
	// Concurrency is the most URLs checked at once.
	Concurrency int
	// MaxRedirects is the most redirects followed for one request.
	MaxRedirects int
	// CacheTTL is how long OK and Dead results are remembered.
	CacheTTL time.Duration
	// UnknownTTL is how long Unknown results are remembered.
	UnknownTTL time.Duration
	// MaxRequestsPerRun caps the HTTP requests of one Check call (redirect hops
	// and GET fallbacks count); URLs beyond it are Skipped.
	MaxRequestsPerRun int
	// MaxBodyBytes is the most bytes of a GET response body read.
	MaxBodyBytes int64
	// UserAgent is the User-Agent header.
	UserAgent string
	// Policy is the host policy of Check (see WithPolicy for another).
	Policy Policy
	// Resolver resolves host names; nil means net.DefaultResolver. Tests replace it.
	Resolver Resolver
	// Dial connects to an address the policy accepted; nil means a net.Dialer
	// that checks the address again just before connecting. Tests replace it.
	Dial DialFunc
	// TLSConfig, if not nil, is used for https (tests trust their own server
	// with it); nil means the system's roots and TLS 1.2 or later.
	TLSConfig *tls.Config
	// Now returns the current time for the cache; nil means time.Now.
	Now func() time.Time
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	dur := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	num := func(n *int, def int) {
		if *n <= 0 {
			*n = def
		}
	}
	dur(&o.Timeout, DefaultTimeout)
	dur(&o.DialTimeout, DefaultDialTimeout)
	dur(&o.PerHostInterval, DefaultPerHostInterval)
	dur(&o.CacheTTL, DefaultCacheTTL)
	dur(&o.UnknownTTL, DefaultUnknownTTL)
	num(&o.PerHostConcurrency, DefaultPerHostConcurrency)
	num(&o.Concurrency, DefaultConcurrency)
	num(&o.MaxRedirects, DefaultMaxRedirects)
	num(&o.MaxRequestsPerRun, DefaultMaxRequestsPerRun)
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Checker checks links. Its cache and per-host limits are shared by every
// Check call, and by the Checkers WithPolicy derives from it. It is safe for
// concurrent use.
type Checker struct {
	opts   Options
	policy Policy
	sh     *shared
}

// shared is the state common to a Checker and those derived from it.
type shared struct {
	mu    sync.Mutex
	cache map[cacheKey]cacheEntry
	hosts limiter
}

// cacheKey identifies a cached result: the URL, and whether its host was
// allowed, since an allowed host may reach addresses that others may not.
type cacheKey struct {
	url     string
	allowed bool
}

// cacheEntry is a cached result and its expiry.
type cacheEntry struct {
	res     Result
	expires time.Time
}

// New returns a Checker with the given options.
func New(opts Options) *Checker {
	o := opts.withDefaults()
	return &Checker{opts: o, policy: o.Policy, sh: &shared{cache: map[cacheKey]cacheEntry{}}}
}

// WithPolicy returns a Checker that uses p instead of the options' policy and
// shares c's cache and per-host limits.
func (c *Checker) WithPolicy(p Policy) *Checker {
	return &Checker{opts: c.opts, policy: p, sh: c.sh}
}

// target is a parsed URL to visit.
type target struct {
	u       *url.URL
	key     cacheKey
	skipped *Result // set when the URL is not visited at all
}

// prepare parses a link's URL, strips what is never sent, and decides whether
// it may be visited at all.
func (c *Checker) prepare(raw string) target {
	s := strings.TrimSpace(raw)
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	skip := func(u, reason string) target {
		return target{skipped: &Result{URL: u, Status: Skipped, Reason: "not checked: " + reason}}
	}
	u, err := url.Parse(s)
	if err != nil {
		return skip("", "not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return skip("", "only http and https links are checked")
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Hostname() == "" {
		return skip(u.String(), "the URL has no host")
	}
	allowed := c.policy.allows(u.Host)
	if c.policy.denies(u.Host) {
		return skip(u.String(), fmt.Sprintf("%s is in denyHosts", u.Host))
	}
	if r := refusedLiteral(u.Hostname()); r != nil && !allowed {
		return skip(u.String(), r.Error()+" (allowHosts can allow it)")
	}
	return target{u: u, key: cacheKey{url: u.String(), allowed: allowed}}
}

// Cached returns the cached result of a URL without visiting it, or false when
// there is none (or it expired). A URL that would not be visited at all gives
// its Skipped result.
func (c *Checker) Cached(raw string) (Result, bool) {
	t := c.prepare(raw)
	if t.skipped != nil {
		return *t.skipped, true
	}
	return c.lookup(t.key)
}

// lookup returns an unexpired cache entry.
func (c *Checker) lookup(k cacheKey) (Result, bool) {
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	e, ok := c.sh.cache[k]
	if !ok || !c.opts.Now().Before(e.expires) {
		return Result{}, false
	}
	return e.res, true
}

// store caches a result of an OK, Dead or Unknown check.
func (c *Checker) store(k cacheKey, r Result) {
	ttl := c.opts.CacheTTL
	switch r.Status {
	case Unknown:
		ttl = c.opts.UnknownTTL
	case Skipped:
		return
	}
	now := c.opts.Now()
	c.sh.mu.Lock()
	defer c.sh.mu.Unlock()
	if len(c.sh.cache) >= maxCacheEntries {
		for key, e := range c.sh.cache {
			if !now.Before(e.expires) {
				delete(c.sh.cache, key)
			}
		}
		for key := range c.sh.cache {
			if len(c.sh.cache) < maxCacheEntries {
				break
			}
			delete(c.sh.cache, key)
		}
	}
	c.sh.cache[k] = cacheEntry{res: r, expires: now.Add(ttl)}
}

// Check checks the URLs (duplicates are checked once) and returns the result
// of each, keyed by the URL as given. Cached results are used without a
// request. progress, if not nil, is called with the number of URLs visited so
// far and the number to visit, first with done = 0 when there is anything to
// visit; calls are serialised. When ctx is cancelled, Check returns soon, and
// the URLs not finished are Skipped with the reason "cancelled".
func (c *Checker) Check(ctx context.Context, urls []string, progress func(done, total int)) map[string]Result {
	results := make(map[string]Result, len(urls))
	byKey := map[cacheKey][]string{} // URLs to visit, by cache key
	var todo []target
	for _, raw := range urls {
		if _, ok := results[raw]; ok {
			continue
		}
		t := c.prepare(raw)
		if t.skipped != nil {
			results[raw] = *t.skipped
			continue
		}
		if r, ok := c.lookup(t.key); ok {
			results[raw] = r
			continue
		}
		if _, ok := byKey[t.key]; !ok {
			todo = append(todo, t)
		}
		byKey[t.key] = append(byKey[t.key], raw)
		results[raw] = Result{URL: t.key.url, Status: Skipped, Reason: "not checked: cancelled"}
	}
	if len(todo) == 0 {
		return results
	}
	r := c.newRun()
	defer r.transport.CloseIdleConnections()

	var mu sync.Mutex // guards results, done and progress calls
	done := 0
	if progress != nil {
		progress(0, len(todo))
	}
	work := make(chan target)
	var wg sync.WaitGroup
	for range min(c.opts.Concurrency, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range work {
				res := r.check(ctx, t.u)
				if ctx.Err() == nil {
					c.store(t.key, res)
				}
				mu.Lock()
				for _, raw := range byKey[t.key] {
					results[raw] = res
				}
				done++
				if progress != nil {
					progress(done, len(todo))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, t := range todo {
		select {
		case work <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	return results
}

// run is the state of one Check call.
type run struct {
	c         *Checker
	transport *http.Transport
	rt        http.RoundTripper
	budget    atomic.Int64 // requests left
}

// newRun builds the transport of one Check call. A transport per run keeps
// connections from being reused under another policy.
func (c *Checker) newRun() *run {
	r := &run{c: c}
	r.budget.Store(int64(c.opts.MaxRequestsPerRun))
	d := &dialer{policy: c.policy, resolver: c.opts.Resolver, dial: c.opts.Dial, timeout: c.opts.DialTimeout}
	tlsConf := c.opts.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	r.transport = &http.Transport{
		// No proxy, deliberately: a proxy (such as one from HTTP_PROXY) would
		// connect on our behalf to addresses the dialer cannot vet, and proxy
		// settings may carry credentials.
		Proxy:                  nil,
		DialContext:            d.dialContext,
		TLSClientConfig:        tlsConf.Clone(),
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    c.opts.DialTimeout,
		ResponseHeaderTimeout:  c.opts.Timeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		DisableCompression:     true,
		MaxIdleConnsPerHost:    c.opts.PerHostConcurrency,
		IdleConnTimeout:        5 * time.Second,
	}
	r.rt = &guard{run: r, next: r.transport}
	return r
}

// errRequestCap is the error of a request over the run's cap.
var errRequestCap = errors.New("request cap reached")

// errCredentials is the error of a request that would carry credentials.
var errCredentials = errors.New("refusing to send credentials")

// guard is the RoundTripper of a run: it refuses requests that carry
// credentials, spends the run's request budget, and holds a per-host slot
// until the response body is closed.
type guard struct {
	run  *run
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.User != nil {
		return nil, errCredentials
	}
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
		if req.Header.Get(h) != "" {
			return nil, errCredentials
		}
	}
	if g.run.budget.Add(-1) < 0 {
		return nil, errRequestCap
	}
	o := &g.run.c.opts
	release, err := g.run.c.sh.hosts.acquire(req.Context(), strings.ToLower(req.URL.Host), o.PerHostConcurrency, o.PerHostInterval)
	if err != nil {
		return nil, err
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// releasingBody releases a per-host slot when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

// Close closes the body and releases the slot.
func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// check checks one URL: HEAD, then GET when HEAD did not succeed (except
// after 429, which asks for fewer requests, not more).
func (r *run) check(ctx context.Context, u *url.URL) Result {
	res := r.attempt(ctx, http.MethodHead, u)
	if res.Code >= 400 && res.Code != http.StatusTooManyRequests {
		res = r.attempt(ctx, http.MethodGet, u)
	}
	res.URL = u.String()
	return res
}

// redirectError is the error of a redirect that is not followed.
type redirectError struct{ why string }

// Error implements error.
func (e *redirectError) Error() string { return e.why }

// attempt sends one request with its redirects and classifies the outcome.
func (r *run) attempt(ctx context.Context, method string, u *url.URL) Result {
	o := &r.c.opts
	actx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, u.String(), nil)
	if err != nil {
		return Result{Status: Skipped, Reason: "not checked: not a valid URL"}
	}
	req.Header.Set("User-Agent", o.UserAgent)
	req.Header.Set("Accept", "*/*")
	hops := 0
	client := &http.Client{
		Transport: r.rt,
		Jar:       nil, // no cookies, ever
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			hops = len(via)
			if len(via) > o.MaxRedirects {
				return &redirectError{fmt.Sprintf("more than %d redirects", o.MaxRedirects)}
			}
			if next.URL.Scheme != "http" && next.URL.Scheme != "https" {
				return &redirectError{fmt.Sprintf("redirects to a %s: URL, which is not checked", next.URL.Scheme)}
			}
			// Credentials in a Location are dropped, never sent.
			next.URL.User = nil
			for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
				next.Header.Del(h)
			}
			if r.c.policy.denies(next.URL.Host) {
				return &redirectError{fmt.Sprintf("redirects to %s, which is in denyHosts", next.URL.Host)}
			}
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		return r.classifyError(ctx, err, hops, u)
	}
	defer resp.Body.Close()
	if method == http.MethodGet {
		// Read a little, so that a server that sends the status before
		// failing is not mistaken; never more than MaxBodyBytes.
		_, _ = io.CopyN(io.Discard, resp.Body, o.MaxBodyBytes)
	}
	return classifyStatus(resp.StatusCode)
}

// classifyStatus classifies an HTTP status code.
func classifyStatus(code int) Result {
	res := Result{Code: code, Reason: "answered " + statusText(code)}
	switch {
	case code >= 200 && code < 400:
		res.Status = OK
	case code == http.StatusNotFound, code == http.StatusGone:
		res.Status = Dead
	default:
		res.Status = Unknown
		switch code {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
			res.Reason += " (the site does not let automated checks in)"
		case http.StatusTooManyRequests:
			res.Reason += " (the site asks for fewer requests)"
		}
	}
	return res
}

// statusText formats a status code with its name: "404 Not Found".
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// classifyError classifies the error of a request that got no response. hops
// is the number of redirects followed before it.
func (r *run) classifyError(ctx context.Context, err error, hops int, u *url.URL) Result {
	var dnsErr *net.DNSError
	var redir *redirectError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	switch ref, refused := isRefused(err); {
	case ctx.Err() != nil:
		return Result{Status: Skipped, Reason: "not checked: cancelled"}
	case errors.Is(err, errRequestCap):
		return Result{Status: Skipped, Reason: fmt.Sprintf("not checked: the limit of %d requests per run was reached", r.c.opts.MaxRequestsPerRun)}
	case errors.Is(err, errCredentials):
		return Result{Status: Unknown, Reason: "not checked: the request would carry credentials"}
	case refused && hops == 0:
		return Result{Status: Skipped, Reason: "not checked: " + ref.Error() + " (allowHosts can allow it)"}
	case refused:
		return Result{Status: Unknown, Reason: "redirects to a refused address: " + ref.Error()}
	case errors.As(err, &redir):
		return Result{Status: Unknown, Reason: redir.why}
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		if hops == 0 {
			return Result{Status: Dead, Reason: fmt.Sprintf("host %q does not exist", u.Hostname())}
		}
		return Result{Status: Dead, Reason: fmt.Sprintf("redirects to host %q, which does not exist", dnsErr.Name)}
	case errors.As(err, &dnsErr):
		return Result{Status: Unknown, Reason: fmt.Sprintf("DNS lookup of %q failed", dnsErr.Name)}
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return Result{Status: Unknown, Reason: fmt.Sprintf("timed out after %v", r.c.opts.Timeout)}
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority), errors.As(err, &hostnameErr), errors.As(err, &invalidCert):
		return Result{Status: Unknown, Reason: "has a TLS certificate problem"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Result{Status: Unknown, Reason: "refused the connection"}
	}
	msg := err.Error()
	var uerr *url.Error
	if errors.As(err, &uerr) {
		msg = uerr.Err.Error()
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return Result{Status: Unknown, Reason: "failed: " + msg}
}

// isTimeout reports whether err is a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// limiter limits the requests to each host in concurrency and rate.
type limiter struct {
	mu    sync.Mutex
	hosts map[string]*hostState
}

// hostState is the limiter state of one host.
type hostState struct {
	slots chan struct{} // one value per request in flight
	next  time.Time     // the earliest start of the next request
	users int           // requests holding or waiting for a slot
}

// maxIdleHosts is the number of host states above which idle ones are dropped.
const maxIdleHosts = 256

// acquire waits for a slot of host and for its rate limit, and returns the
// function that releases the slot.
func (l *limiter) acquire(ctx context.Context, host string, concurrency int, interval time.Duration) (func(), error) {
	l.mu.Lock()
	if l.hosts == nil {
		l.hosts = map[string]*hostState{}
	}
	if len(l.hosts) > maxIdleHosts {
		now := time.Now()
		for k, h := range l.hosts {
			if h.users == 0 && !now.Before(h.next) {
				delete(l.hosts, k)
			}
		}
	}
	h := l.hosts[host]
	if h == nil {
		h = &hostState{slots: make(chan struct{}, concurrency)}
		l.hosts[host] = h
	}
	h.users++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		h.users--
		l.mu.Unlock()
	}
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	start := h.next
	if start.Before(now) {
		start = now
	}
	h.next = start.Add(interval)
	l.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-h.slots
			leave()
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-h.slots
			leave()
		})
	}, nil
}
