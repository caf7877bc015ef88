// This file defines the SARIF 2.1.0 output of planls check, the format GitHub
// code scanning reads.

package main

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"

	"github.com/planls/planls/analysis"
)

// SARIF types: only the parts planls writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string       `json:"id"`
		Name                 string       `json:"name"`
		ShortDescription     sarifMessage `json:"shortDescription"`
		HelpURI              string       `json:"helpUri"`
		DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
	}
	sarifConfig struct {
		Level   string `json:"level"`
		Enabled bool   `json:"enabled"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID           string          `json:"ruleId"`
		RuleIndex        int             `json:"ruleIndex"`
		Level            string          `json:"level"`
		Message          sarifMessage    `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	}
	sarifLocation struct {
		ID               *int          `json:"id,omitempty"`
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifMessage `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
)

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.SeverityError:
		return "error"
	case analysis.SeverityWarning:
		return "warning"
	case analysis.SeverityOff:
		return "none"
	}
	return "note"
}

// ruleName turns a code into a SARIF rule name: duplicate-task → DuplicateTask.
func ruleName(code string) string {
	var b strings.Builder
	for _, part := range strings.Split(code, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// writeSARIF writes the findings as a SARIF 2.1.0 log with one rule per code.
func writeSARIF(w io.Writer, all []finding) error {
	codes := analysis.DiagnosticCodes()
	index := map[string]int{}
	driver := sarifDriver{Name: "planls", Version: version, InformationURI: analysis.DocsBase}
	for i, c := range codes {
		index[c.Code] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: c.Code, Name: ruleName(c.Code), ShortDescription: sarifMessage{c.Description},
			HelpURI:              analysis.DocsURL(c.Code),
			DefaultConfiguration: sarifConfig{Level: sarifLevel(c.Default), Enabled: c.Default != analysis.SeverityOff},
		})
	}
	run := sarifRun{Tool: sarifTool{driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	for _, f := range all {
		i, ok := index[f.Code]
		if !ok {
			i = len(driver.Rules)
			index[f.Code] = i
			driver.Rules = append(driver.Rules, sarifRule{ID: f.Code, Name: ruleName(f.Code),
				ShortDescription: sarifMessage{f.Code}, HelpURI: analysis.DocsURL(f.Code), DefaultConfiguration: sarifConfig{Level: "error", Enabled: true}})
			run.Tool.Driver = driver
		}
		r := sarifResult{RuleID: f.Code, RuleIndex: i, Level: sarifLevel(f.sev), Message: sarifMessage{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(f.File)},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn},
			}}}}
		for k, rel := range f.Related {
			id := k + 1
			r.RelatedLocations = append(r.RelatedLocations, sarifLocation{ID: &id, Message: &sarifMessage{rel.Message},
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: filepath.ToSlash(rel.File)},
					Region: sarifRegion{StartLine: rel.Line, StartColumn: rel.Column}}})
		}
		run.Results = append(run.Results, r)
	}
	run.Tool.Driver = driver
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}
