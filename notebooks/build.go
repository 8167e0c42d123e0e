package notebooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Cell is one cell of a notebook source.
type Cell struct {
	Kind   string // "markdown" or "code"
	Source string // the cell's text, without trailing newline
}

// nbCell is a markdown cell of the nbformat 4.5 JSON, fields in Jupyter's (sorted) key order.
type nbCell struct {
	CellType string         `json:"cell_type"`
	ID       string         `json:"id"`
	Metadata map[string]any `json:"metadata"`
	Source   []string       `json:"source"`
}

// codeCell is a code cell, clean: execution_count null and no outputs.
type codeCell struct {
	CellType       string           `json:"cell_type"`
	ExecutionCount *int             `json:"execution_count"`
	ID             string           `json:"id"`
	Metadata       map[string]any   `json:"metadata"`
	Outputs        []map[string]any `json:"outputs"`
	Source         []string         `json:"source"`
}

type kernelspec struct {
	DisplayName string `json:"display_name"`
	Language    string `json:"language"`
	Name        string `json:"name"`
}

type languageInfo struct {
	FileExtension string `json:"file_extension"`
	Mimetype      string `json:"mimetype"`
	Name          string `json:"name"`
}

type nbMetadata struct {
	Kernelspec   kernelspec   `json:"kernelspec"`
	LanguageInfo languageInfo `json:"language_info"`
}

type notebook struct {
	Cells         []any      `json:"cells"`
	Metadata      nbMetadata `json:"metadata"`
	NBFormat      int        `json:"nbformat"`
	NBFormatMinor int        `json:"nbformat_minor"`
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,48}$`)

// Parse splits a notebook source into cells (see the package doc for the format).
func Parse(src string) ([]Cell, error) {
	var cells []Cell
	var cur *Cell
	var lines []string
	flush := func() {
		if cur == nil {
			return
		}
		for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
			lines = lines[1:]
		}
		for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
			lines = lines[:len(lines)-1]
		}
		cur.Source = strings.Join(lines, "\n")
		cells = append(cells, *cur)
		lines = nil
	}
	for n, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(line, "%%") {
			kind := strings.TrimSpace(strings.TrimPrefix(line, "%%"))
			if kind != "markdown" && kind != "code" {
				return nil, fmt.Errorf("notebooks: line %d: unknown cell marker %q (want %%%% markdown or %%%% code)", n+1, line)
			}
			flush()
			cur = &Cell{Kind: kind}
			continue
		}
		if cur == nil {
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("notebooks: line %d: text before the first cell marker", n+1)
			}
			continue
		}
		lines = append(lines, line)
	}
	flush()
	if len(cells) == 0 {
		return nil, fmt.Errorf("notebooks: no cells")
	}
	for i, c := range cells {
		if c.Source == "" {
			return nil, fmt.Errorf("notebooks: cell %d (%s) is empty", i+1, c.Kind)
		}
	}
	return cells, nil
}

// Build returns the nbformat 4.5 JSON of the notebook named name (letters, digits, '-' and
// '_', used for the cell ids) with the cells of src.
func Build(name string, src string) ([]byte, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("notebooks: bad notebook name %q (want 1-48 letters, digits, '-' or '_')", name)
	}
	cells, err := Parse(src)
	if err != nil {
		return nil, err
	}
	nb := notebook{
		Metadata: nbMetadata{
			Kernelspec:   kernelspec{DisplayName: "Go (gosnn)", Language: "go", Name: "gosnn"},
			LanguageInfo: languageInfo{FileExtension: ".go", Mimetype: "text/x-go", Name: "go"},
		},
		NBFormat: 4, NBFormatMinor: 5,
	}
	for i, c := range cells {
		id := fmt.Sprintf("%s-%02d", name, i+1)
		src := splitLines(c.Source)
		if c.Kind == "markdown" {
			nb.Cells = append(nb.Cells, nbCell{CellType: "markdown", ID: id, Metadata: map[string]any{}, Source: src})
		} else {
			nb.Cells = append(nb.Cells, codeCell{CellType: "code", ID: id, Metadata: map[string]any{}, Outputs: []map[string]any{}, Source: src})
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, fmt.Errorf("notebooks: %w", err)
	}
	return buf.Bytes(), nil
}

// splitLines splits s into Jupyter's source list: every line keeps its newline except the last.
func splitLines(s string) []string {
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}
