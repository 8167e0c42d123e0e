package notebooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/gosnn/gosnn/internal/boundedread"
)

// Notebook is a Jupyter notebook in nbformat 4 (https://nbformat.readthedocs.io). Only what
// gosnn run and Build need is typed; metadata is kept as read.
type Notebook struct {
	// Metadata is the notebook metadata object, kept verbatim.
	Metadata json.RawMessage
	// Minor is nbformat_minor (the major version is always 4).
	Minor int
	// Cells in notebook order.
	Cells []*Cell
}

// Cell is one notebook cell.
type Cell struct {
	// ID is the nbformat 4.5 cell id ("" when the file has none).
	ID string
	// Type is "code", "markdown" or "raw".
	Type string
	// Metadata is the cell metadata object, kept verbatim.
	Metadata json.RawMessage
	// Source is the cell text.
	Source string
	// Attachments of markdown and raw cells, kept verbatim (nil when absent).
	Attachments json.RawMessage
	// Outputs of a code cell, as nbformat JSON objects.
	Outputs []map[string]any
	// ExecutionCount of a code cell; nil when it has not run.
	ExecutionCount *int
}

var cellIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// ParseNotebook parses an nbformat 4 notebook. Anything else (not JSON, another nbformat
// version, a malformed cell) is an error that names the problem.
func ParseNotebook(data []byte) (*Notebook, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a JSON notebook: %v", err)
	}
	if top == nil {
		return nil, fmt.Errorf("not a notebook: top level is not a JSON object")
	}
	var major int
	raw, ok := top["nbformat"]
	if !ok {
		return nil, fmt.Errorf("not a notebook: no nbformat field")
	}
	if err := json.Unmarshal(raw, &major); err != nil {
		return nil, fmt.Errorf("nbformat is not an integer: %s", truncate(string(raw)))
	}
	if major != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported (want 4; convert with 'jupyter nbconvert --to notebook --nbformat 4')", major)
	}
	nb := &Notebook{Metadata: json.RawMessage("{}")}
	if raw, ok := top["nbformat_minor"]; ok {
		if err := json.Unmarshal(raw, &nb.Minor); err != nil || nb.Minor < 0 {
			return nil, fmt.Errorf("nbformat_minor is not a non-negative integer: %s", truncate(string(raw)))
		}
	} else {
		return nil, fmt.Errorf("no nbformat_minor field")
	}
	if raw, ok := top["metadata"]; ok {
		if !isJSONObject(raw) {
			return nil, fmt.Errorf("metadata is not a JSON object")
		}
		nb.Metadata = compactJSON(raw)
	}
	raw, ok = top["cells"]
	if !ok {
		return nil, fmt.Errorf("no cells field")
	}
	var cells []json.RawMessage
	if err := json.Unmarshal(raw, &cells); err != nil || cells == nil {
		return nil, fmt.Errorf("cells is not a JSON array")
	}
	for i, rc := range cells {
		c, err := parseCell(rc)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %v", i+1, err)
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

func parseCell(data json.RawMessage) (*Cell, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	c := &Cell{Metadata: json.RawMessage("{}")}
	if err := json.Unmarshal(m["cell_type"], &c.Type); err != nil {
		return nil, fmt.Errorf("cell_type is missing or not a string")
	}
	switch c.Type {
	case "code", "markdown", "raw":
	default:
		return nil, fmt.Errorf("unknown cell_type %q (want code, markdown or raw)", c.Type)
	}
	if raw, ok := m["id"]; ok {
		if err := json.Unmarshal(raw, &c.ID); err != nil || !cellIDPattern.MatchString(c.ID) {
			return nil, fmt.Errorf("id %s is not 1 to 64 letters, digits, '-' or '_'", truncate(string(raw)))
		}
	}
	if raw, ok := m["metadata"]; ok {
		if !isJSONObject(raw) {
			return nil, fmt.Errorf("metadata is not a JSON object")
		}
		c.Metadata = compactJSON(raw)
	}
	raw, ok := m["source"]
	if !ok {
		return nil, fmt.Errorf("no source field")
	}
	src, err := multiline(raw)
	if err != nil {
		return nil, fmt.Errorf("source %v", err)
	}
	c.Source = src
	if raw, ok := m["attachments"]; ok && c.Type != "code" {
		if !isJSONObject(raw) {
			return nil, fmt.Errorf("attachments is not a JSON object")
		}
		c.Attachments = compactJSON(raw)
	}
	if c.Type != "code" {
		return c, nil
	}
	if raw, ok := m["execution_count"]; ok && string(raw) != "null" {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("execution_count is not an integer or null")
		}
		c.ExecutionCount = &n
	}
	if raw, ok := m["outputs"]; ok {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&c.Outputs); err != nil {
			return nil, fmt.Errorf("outputs is not an array of JSON objects")
		}
		for k, o := range c.Outputs {
			if o == nil {
				return nil, fmt.Errorf("output %d is not a JSON object", k+1)
			}
			if _, ok := o["output_type"].(string); !ok {
				return nil, fmt.Errorf("output %d has no output_type", k+1)
			}
		}
	}
	return c, nil
}

// multiline decodes an nbformat multiline string: a string or a list of strings.
func multiline(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("is not a string or a list of strings")
	}
	return strings.Join(parts, ""), nil
}

// splitLines splits s after each newline, as nbformat stores multiline strings.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if lines == nil {
		lines = []string{}
	}
	return lines
}

func isJSONObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// MaxNotebookBytes is the largest notebook file (outputs and images included) that
// ReadNotebookFile, and so gosnn run and the REPL's :load, read.
const MaxNotebookBytes = 256 << 20

// ReadNotebookFile reads and parses the notebook at path; errors name the file. A notebook
// may hold at most MaxNotebookBytes; a directory or a device is refused.
func ReadNotebookFile(path string) (*Notebook, error) {
	data, err := boundedread.ReadFile(path, MaxNotebookBytes, "notebooks", false)
	if err != nil {
		return nil, fmt.Errorf("notebooks: %w", err)
	}
	nb, err := ParseNotebook(data)
	if err != nil {
		return nil, fmt.Errorf("notebooks: notebook %s: %w", path, err)
	}
	return nb, nil
}

// ensureIDs gives every cell a unique id when the notebook is nbformat 4.5 or later, or when
// some cell already has one (the notebook is then written as 4.5).
func (nb *Notebook) ensureIDs() {
	want := nb.Minor >= 5
	for _, c := range nb.Cells {
		if c.ID != "" {
			want = true
		}
	}
	if !want {
		return
	}
	nb.Minor = max(nb.Minor, 5)
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		if c.ID != "" && !seen[c.ID] {
			seen[c.ID] = true
			continue
		}
		c.ID = ""
	}
	n := 0
	for _, c := range nb.Cells {
		for c.ID == "" {
			n++
			id := fmt.Sprintf("gosnn-%d", n)
			if !seen[id] {
				c.ID = id
				seen[id] = true
			}
		}
	}
}

// Marshal encodes nb as nbformat 4 JSON with sorted keys and one-space indentation, as
// Jupyter writes it. Cell ids are added where missing when the notebook is 4.5 or later.
func (nb *Notebook) Marshal() ([]byte, error) {
	nb.ensureIDs()
	cells := make([]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		m := map[string]any{
			"cell_type": c.Type,
			"metadata":  rawOrEmpty(c.Metadata),
			"source":    splitLines(c.Source),
		}
		if c.ID != "" {
			m["id"] = c.ID
		}
		if c.Type == "code" {
			outs := make([]any, 0, len(c.Outputs))
			for _, o := range c.Outputs {
				outs = append(outs, normalizeOutput(o))
			}
			m["outputs"] = outs
			if c.ExecutionCount != nil {
				m["execution_count"] = *c.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		} else if c.Attachments != nil {
			m["attachments"] = c.Attachments
		}
		cells = append(cells, m)
	}
	top := map[string]any{
		"nbformat":       4,
		"nbformat_minor": nb.Minor,
		"metadata":       rawOrEmpty(nb.Metadata),
		"cells":          cells,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(top); err != nil {
		return nil, fmt.Errorf("notebooks: encode notebook: %w", err)
	}
	return b.Bytes(), nil
}

// WriteFile writes nb to path atomically (WriteFileAtomic: temporary file and rename).
func (nb *Notebook) WriteFile(path string) error {
	data, err := nb.Marshal()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, data)
}

func rawOrEmpty(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return json.RawMessage("{}")
	}
	return r
}

// normalizeOutput returns a copy of o with stream text and text mime data split into lines,
// as Jupyter stores them.
func normalizeOutput(o map[string]any) map[string]any {
	n := make(map[string]any, len(o))
	for k, v := range o {
		n[k] = v
	}
	if t, ok := n["text"].(string); ok {
		n["text"] = splitLines(t)
	}
	if data, ok := n["data"].(map[string]any); ok {
		d := make(map[string]any, len(data))
		for mime, v := range data {
			if s, ok := v.(string); ok && isTextMIME(mime) {
				d[mime] = splitLines(s)
			} else {
				d[mime] = v
			}
		}
		n["data"] = d
	}
	return n
}

func isTextMIME(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == "image/svg+xml"
}
