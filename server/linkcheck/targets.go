// This file defines the bridge between a parsed plan and the checker: Targets
// lists a plan's http and https links, and Diagnostics turns check results into
// dead-url diagnostics (Dead with the configured severity, Unknown as a hint).

package linkcheck

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/planls/planls/analysis"
)

// DiagnosticCode is the code of the diagnostics this package produces.
const DiagnosticCode = "dead-url"

// Target is an http or https link of a plan.
type Target struct {
	// URL is the link's destination, decoded (the key of Check's results).
	URL string
	// Span is where the destination is written.
	Span analysis.Span
}

// Targets returns the external links of p that s does not ignore
// (ignoreLinks), in document order. A reference link is listed once, at its
// definition; links inside code are not links, so they are never listed.
func Targets(p *analysis.Plan, s analysis.Settings) []Target {
	if p == nil {
		return nil
	}
	var out []Target
	for _, l := range p.Links {
		if l.Form == analysis.FormReference || (l.Form == analysis.FormImage && l.Label != "") {
			continue // checked once, at the definition
		}
		if l.Kind == analysis.LinkExternal && !s.LinkIgnored(l.Target) {
			out = append(out, Target{URL: l.Target, Span: l.Dest})
		}
	}
	for _, d := range p.RefDefs {
		if kind, _, _, _ := analysis.ClassifyTarget(d.Target); kind == analysis.LinkExternal && !s.LinkIgnored(d.Target) {
			out = append(out, Target{URL: d.Target, Span: d.Dest})
		}
	}
	// The definitions were listed after the links: merge by position.
	slices.SortStableFunc(out, func(a, b Target) int { return a.Span.Start - b.Span.Start })
	return out
}

// URLs returns the distinct URLs of targets, in order of first appearance.
func URLs(ts []Target) []string {
	seen := make(map[string]bool, len(ts))
	var out []string
	for _, t := range ts {
		if !seen[t.URL] {
			seen[t.URL] = true
			out = append(out, t.URL)
		}
	}
	return out
}

// maxURLInMessage is the length above which a URL is shortened in a message.
const maxURLInMessage = 100

// Diagnostics returns the dead-url diagnostics of targets given the results of
// their URLs: a Dead result gives one with dead-url's configured severity, an
// Unknown one a hint that the link could not be verified. OK, Skipped and
// missing results give none, and so does everything when dead-url is off.
func Diagnostics(ts []Target, results map[string]Result, s analysis.Settings) []analysis.Diagnostic {
	sev := s.SeverityOf(DiagnosticCode)
	if sev == analysis.SeverityOff {
		return nil
	}
	var out []analysis.Diagnostic
	for _, t := range ts {
		r, ok := results[t.URL]
		if !ok {
			continue
		}
		switch r.Status {
		case Dead:
			out = append(out, analysis.Diagnostic{Span: t.Span, Severity: sev, Code: DiagnosticCode,
				Message: fmt.Sprintf("Dead link %q: %s. Fix the link or remove it.", shorten(t.URL), r.Reason)})
		case Unknown:
			out = append(out, analysis.Diagnostic{Span: t.Span, Severity: analysis.SeverityHint, Code: DiagnosticCode,
				Message: fmt.Sprintf("Could not verify %q: %s.", shorten(t.URL), r.Reason)})
		}
	}
	return out
}

// shorten cuts a long URL to maxURLInMessage runes with an ellipsis.
func shorten(u string) string {
	if utf8.RuneCountInString(u) <= maxURLInMessage {
		return u
	}
	r := []rune(u)
	return string(r[:maxURLInMessage-1]) + "…"
}
