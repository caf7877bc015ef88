// This file defines the address policy of the link checker: which hosts a check
// may visit (Policy), which IP addresses are refused (loopback, private,
// link-local, CGNAT, unspecified, multicast, reserved, cloud metadata, and IPv4
// addresses hidden in IPv6 transition prefixes), and the dial function that
// resolves a host name itself and connects only to the addresses it has just
// validated, so that a DNS answer that changes between the check and the
// connection (DNS rebinding) cannot lead a request to a refused address.

package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy decides which hosts a check may visit. Both functions receive a URL's
// host as written, with or without a port ("example.com", "localhost:4000",
// "[::1]:8080"); analysis.Settings.HostAllowed and HostDenied fit them.
type Policy struct {
	// AllowHost reports whether a host may be visited even when it resolves to
	// a refused address (see RefusedAddress) or DenyHost matches it. nil allows
	// no such host.
	AllowHost func(host string) bool
	// DenyHost reports whether a host must never be visited. nil denies none.
	DenyHost func(host string) bool
}

// allows reports whether host is explicitly allowed.
func (p Policy) allows(host string) bool {
	return p.AllowHost != nil && p.AllowHost(host)
}

// denies reports whether host is denied and not allowed.
func (p Policy) denies(host string) bool {
	return !p.allows(host) && p.DenyHost != nil && p.DenyHost(host)
}

// Resolver looks up the IP addresses of a host name; *net.Resolver is one.
type Resolver interface {
	// LookupNetIP returns the addresses of host for network "ip", "ip4" or "ip6".
	// A name that does not exist gives a *net.DNSError with IsNotFound set.
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DialFunc connects to addr, an "ip:port" that the policy accepted.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// RefusedError is the error of a connection that the policy refused because the
// host resolves to a refused address and is not allowed.
type RefusedError struct {
	// Host is the host name or address of the URL.
	Host string
	// Addr is the refused address.
	Addr netip.Addr
	// Why names the kind of address, such as "a loopback address".
	Why string
}

// Error implements error.
func (e *RefusedError) Error() string {
	if e.Host == e.Addr.String() {
		return fmt.Sprintf("%s is %s", e.Host, e.Why)
	}
	return fmt.Sprintf("%s resolves to %s, %s", e.Host, e.Addr, e.Why)
}

// prefix parses a CIDR prefix of the tables below.
func prefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// refusedPrefixes are the address ranges that a check never connects to unless
// the host is allowed, with what each is. The more specific ranges come first,
// so that the cloud metadata addresses are named as such.
var refusedPrefixes = []struct {
	prefix netip.Prefix
	why    string
}{
	{prefix("169.254.169.254/32"), "a cloud metadata address"},
	{prefix("169.254.170.2/32"), "a cloud metadata address"},
	{prefix("100.100.100.200/32"), "a cloud metadata address"},
	{prefix("fd00:ec2::254/128"), "a cloud metadata address"},
	{prefix("0.0.0.0/8"), "an unspecified (\"this network\") address"},
	{prefix("127.0.0.0/8"), "a loopback address"},
	{prefix("10.0.0.0/8"), "a private address"},
	{prefix("172.16.0.0/12"), "a private address"},
	{prefix("192.168.0.0/16"), "a private address"},
	{prefix("100.64.0.0/10"), "a shared (CGNAT) address"},
	{prefix("169.254.0.0/16"), "a link-local address"},
	{prefix("192.0.0.0/24"), "a reserved address"},
	{prefix("198.18.0.0/15"), "a reserved (benchmarking) address"},
	{prefix("224.0.0.0/4"), "a multicast address"},
	{prefix("240.0.0.0/4"), "a reserved address"},
	{prefix("::/128"), "an unspecified address"},
	{prefix("::1/128"), "a loopback address"},
	{prefix("::/96"), "a reserved (IPv4-compatible) address"},
	{prefix("fc00::/7"), "a private (unique local) address"},
	{prefix("fe80::/10"), "a link-local address"},
	{prefix("fec0::/10"), "a reserved (site-local) address"},
	{prefix("ff00::/8"), "a multicast address"},
}

// RefusedAddress returns what kind of refused address ip is ("a loopback
// address", "a private address", "a cloud metadata address" …), or "" when a
// check may connect to it without the host being allowed. IPv4-mapped IPv6
// addresses are judged as IPv4, and so are the IPv4 addresses embedded in the
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) prefixes.
func RefusedAddress(ip netip.Addr) string {
	if !ip.IsValid() {
		return "an invalid address"
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case prefix("64:ff9b::/96").Contains(ip):
			if why := RefusedAddress(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
				return why + " (behind NAT64)"
			}
		case prefix("2002::/16").Contains(ip):
			if why := RefusedAddress(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
				return why + " (behind 6to4)"
			}
		}
	}
	for _, r := range refusedPrefixes {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	// The standard library's own classification, in case a range above is missed.
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	return ""
}

// dialer connects for one run: it resolves host names with its resolver and
// connects only to addresses the policy accepts.
type dialer struct {
	policy   Policy
	resolver Resolver
	dial     DialFunc // nil: a net.Dialer that checks the address again
	timeout  time.Duration
}

// dialContext is the Transport's DialContext. addr is the "host:port" of a
// request (the URL's host, with the scheme's default port added).
func (d *dialer) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("invalid port %q", port)
	}
	allowed := d.policy.allows(addr)
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		lctx, cancel := context.WithTimeout(ctx, d.timeout)
		ips, err = d.resolver.LookupNetIP(lctx, "ip", host)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	var usable []netip.Addr
	var refused error
	for _, ip := range ips {
		if why := RefusedAddress(ip); why != "" && !allowed {
			if refused == nil {
				refused = &RefusedError{Host: host, Addr: ip.WithZone("").Unmap(), Why: why}
			}
			continue
		}
		usable = append(usable, ip)
	}
	if len(usable) == 0 {
		if refused != nil {
			return nil, refused
		}
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	var firstErr error
	for _, ip := range usable {
		target := net.JoinHostPort(ip.String(), port)
		var conn net.Conn
		if d.dial != nil {
			conn, err = d.dial(ctx, network, target)
		} else {
			conn, err = d.netDial(ctx, network, target, allowed)
		}
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

// netDial connects with a net.Dialer whose Control function checks, once more,
// the address the socket is about to connect to.
func (d *dialer) netDial(ctx context.Context, network, target string, allowed bool) (net.Conn, error) {
	nd := &net.Dialer{Timeout: d.timeout, Control: func(_, address string, _ syscall.RawConn) error {
		return checkControl(address, allowed)
	}}
	return nd.DialContext(ctx, network, target)
}

// checkControl refuses, unless allowed, a connection to address (an "ip:port"
// given to a net.Dialer's Control function).
func checkControl(address string, allowed bool) error {
	if allowed {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("refusing to connect to %q: not an IP address and port", address)
	}
	if why := RefusedAddress(ap.Addr()); why != "" {
		return &RefusedError{Host: ap.Addr().WithZone("").Unmap().String(), Addr: ap.Addr().WithZone("").Unmap(), Why: why}
	}
	return nil
}

// refusedLiteral returns the refusal of a URL host that is an IP address
// literal, before any connection, or nil.
func refusedLiteral(hostname string) *RefusedError {
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(hostname, "["), "]"))
	if err != nil {
		return nil
	}
	if why := RefusedAddress(ip); why != "" {
		a := ip.WithZone("").Unmap()
		return &RefusedError{Host: a.String(), Addr: a, Why: why}
	}
	return nil
}

// isRefused reports whether err is or wraps a RefusedError.
func isRefused(err error) (*RefusedError, bool) {
	var r *RefusedError
	ok := errors.As(err, &r)
	return r, ok
}
