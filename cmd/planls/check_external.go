// This file defines planls check --external: the http and https links of the
// checked files are checked over the network with server/linkcheck, under each
// workspace's allowHosts and denyHosts, and reported as dead-url findings.

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/planls/planls/analysis"
	"github.com/planls/planls/server/linkcheck"
)

// externalOptions configure the link checker of check --external; tests
// replace its resolver and dialer.
var externalOptions = linkcheck.Options{
	// An explicit command may check more links than the server does in the
	// background, but it is still capped.
	MaxRequestsPerRun: 10000,
}

// checkedFile is a file that check read, kept for the external link check.
type checkedFile struct {
	in  input
	src []byte
}

// checkExternal checks the http and https links of files, one workspace at a
// time (each with its own host policy), and returns the dead-url findings. It
// prints a one-line summary to stderr.
func checkExternal(files []checkedFile, stderr io.Writer) []finding {
	o := externalOptions
	if o.UserAgent == "" {
		o.UserAgent = fmt.Sprintf("planls/%s link check (+https://github.com/planls/planls)", version)
	}
	checker := linkcheck.New(o)
	type file struct {
		checkedFile
		targets []linkcheck.Target
	}
	var order []*workspace
	byWS := map[*workspace][]file{}
	for _, f := range files {
		s := f.in.ws.settings
		ts := linkcheck.Targets(analysis.ParseWith(f.src, s), s)
		if len(ts) == 0 {
			continue
		}
		if _, ok := byWS[f.in.ws]; !ok {
			order = append(order, f.in.ws)
		}
		byWS[f.in.ws] = append(byWS[f.in.ws], file{f, ts})
	}
	var out []finding
	counts := map[linkcheck.Status]int{}
	for _, ws := range order {
		var all []linkcheck.Target
		for _, f := range byWS[ws] {
			all = append(all, f.targets...)
		}
		policy := linkcheck.Policy{AllowHost: ws.settings.HostAllowed, DenyHost: ws.settings.HostDenied}
		results := checker.WithPolicy(policy).Check(context.Background(), linkcheck.URLs(all), nil)
		for _, r := range results {
			counts[r.Status]++
		}
		for _, f := range byWS[ws] {
			out = append(out, toFindings(f.in, f.src, linkcheck.Diagnostics(f.targets, results, ws.settings))...)
		}
	}
	total := counts[linkcheck.OK] + counts[linkcheck.Dead] + counts[linkcheck.Unknown] + counts[linkcheck.Skipped]
	fmt.Fprintf(stderr, "planls: checked %d external links: %d dead, %d could not be verified, %d not checked\n",
		total, counts[linkcheck.Dead], counts[linkcheck.Unknown], counts[linkcheck.Skipped])
	return out
}
