package notebooks

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// SourceCell is one cell of a notebook source (src/*.nb).
type SourceCell struct {
	Kind   string // "markdown" or "code"
	Source string // the cell's text, without trailing newline
}

// buildMetadata is the notebook metadata of a built notebook: the gosnn kernelspec and the
// Go language_info, keys sorted as Jupyter writes them.
var buildMetadata = json.RawMessage(`{"kernelspec":{"display_name":"Go (gosnn)","language":"go","name":"gosnn"},` +
	`"language_info":{"file_extension":".go","mimetype":"text/x-go","name":"go"}}`)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,48}$`)

// Parse splits a notebook source into cells (see the package doc for the format).
func Parse(src string) ([]SourceCell, error) {
	var cells []SourceCell
	var cur *SourceCell
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
			cur = &SourceCell{Kind: kind}
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

// Build returns the nbformat 4.5 JSON (Notebook.Marshal) of the notebook named name (letters,
// digits, '-' and '_', used for the cell ids) with the cells of src.
func Build(name string, src string) ([]byte, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("notebooks: bad notebook name %q (want 1-48 letters, digits, '-' or '_')", name)
	}
	cells, err := Parse(src)
	if err != nil {
		return nil, err
	}
	// The model (Notebook.Marshal) writes what Jupyter writes: sorted keys, one-space
	// indent, no HTML escaping, code cells with execution_count null and no outputs.
	nb := &Notebook{Metadata: buildMetadata, Minor: 5}
	for i, c := range cells {
		nb.Cells = append(nb.Cells, &Cell{
			ID:       fmt.Sprintf("%s-%02d", name, i+1),
			Type:     c.Kind,
			Metadata: json.RawMessage("{}"),
			Source:   c.Source,
		})
	}
	return nb.Marshal()
}
