package notebooks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sampleNotebook = `{
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {"tags": ["a"]}, "source": ["# Title\n", "text"]},
  {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 7,
   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["old\n"]}],
   "source": "print hi"},
  {"cell_type": "raw", "id": "r", "metadata": {}, "source": ""}
 ],
 "metadata": {"kernelspec": {"name": "gosnn", "display_name": "Go (gosnn)", "language": "go"}},
 "nbformat": 4,
 "nbformat_minor": 5
}`

func TestParseNotebook(t *testing.T) {
	nb, err := ParseNotebook([]byte(sampleNotebook))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Minor != 5 || len(nb.Cells) != 3 {
		t.Fatalf("minor %d, %d cells; want 5, 3", nb.Minor, len(nb.Cells))
	}
	md, code := nb.Cells[0], nb.Cells[1]
	if md.Type != "markdown" || md.ID != "intro" || md.Source != "# Title\ntext" {
		t.Errorf("markdown cell = %+v", md)
	}
	if string(md.Metadata) != `{"tags":["a"]}` {
		t.Errorf("markdown metadata = %s", md.Metadata)
	}
	if code.ExecutionCount == nil || *code.ExecutionCount != 7 || len(code.Outputs) != 1 {
		t.Errorf("code cell = %+v", code)
	}
	if !strings.Contains(string(nb.Metadata), `"language":"go"`) {
		t.Errorf("notebook metadata = %s", nb.Metadata)
	}
}

func TestParseNotebookErrors(t *testing.T) {
	cell := func(s string) string {
		return `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [` + s + `]}`
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "not a JSON notebook"},
		{"garbage", `{"cells": [`, "not a JSON notebook"},
		{"array", `[]`, "not a JSON notebook"},
		{"null", `null`, "top level is not a JSON object"},
		{"no nbformat", `{"cells": []}`, "no nbformat field"},
		{"nbformat string", `{"nbformat": "4", "nbformat_minor": 0, "cells": []}`, "nbformat is not an integer"},
		{"v3", `{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}`, "nbformat 3 is not supported"},
		{"no minor", `{"nbformat": 4, "cells": []}`, "no nbformat_minor"},
		{"negative minor", `{"nbformat": 4, "nbformat_minor": -1, "cells": []}`, "nbformat_minor is not"},
		{"no cells", `{"nbformat": 4, "nbformat_minor": 4, "metadata": {}}`, "no cells field"},
		{"cells object", `{"nbformat": 4, "nbformat_minor": 4, "cells": {}}`, "cells is not a JSON array"},
		{"metadata array", `{"nbformat": 4, "nbformat_minor": 4, "metadata": [], "cells": []}`, "metadata is not a JSON object"},
		{"cell not object", cell(`3`), "cell 1: not a JSON object"},
		{"bad type", cell(`{"cell_type": "heading", "source": ""}`), `cell 1: unknown cell_type "heading"`},
		{"no type", cell(`{"source": ""}`), "cell 1: cell_type is missing"},
		{"no source", cell(`{"cell_type": "code"}`), "cell 1: no source field"},
		{"source number", cell(`{"cell_type": "code", "source": 5}`), "cell 1: source is not a string or a list of strings"},
		{"bad id", cell(`{"cell_type": "code", "id": "a b", "source": ""}`), "cell 1: id"},
		{"cell metadata", cell(`{"cell_type": "code", "metadata": 1, "source": ""}`), "cell 1: metadata is not a JSON object"},
		{"count", cell(`{"cell_type": "code", "source": "", "execution_count": "x"}`), "execution_count is not an integer"},
		{"outputs", cell(`{"cell_type": "code", "source": "", "outputs": {}}`), "outputs is not an array"},
		{"output type", cell(`{"cell_type": "code", "source": "", "outputs": [{}]}`), "output 1 has no output_type"},
		{"second cell", cell(`{"cell_type": "raw", "source": ""}, {"cell_type": "x", "source": ""}`), "cell 2: unknown cell_type"},
		{"attachments", cell(`{"cell_type": "markdown", "source": "", "attachments": 1}`), "attachments is not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNotebook([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadNotebookFileNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.ipynb")
	if err := os.WriteFile(path, []byte(`{"nbformat": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadNotebookFile(path)
	if err == nil || !strings.Contains(err.Error(), "broken.ipynb") || !strings.Contains(err.Error(), "nbformat 3") {
		t.Errorf("error = %v, want the file name and the problem", err)
	}
	_, err = ReadNotebookFile(filepath.Join(t.TempDir(), "missing.ipynb"))
	if err == nil || !strings.Contains(err.Error(), "missing.ipynb") {
		t.Errorf("error = %v, want the file name", err)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	nb, err := ParseNotebook([]byte(sampleNotebook))
	if err != nil {
		t.Fatal(err)
	}
	data, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	cells := top["cells"].([]any)
	src := cells[0].(map[string]any)["source"]
	if !reflect.DeepEqual(src, []any{"# Title\n", "text"}) {
		t.Errorf("source written as %#v, want a list of lines", src)
	}
	if _, has := cells[2].(map[string]any)["outputs"]; has {
		t.Errorf("raw cell has outputs: %v", cells[2])
	}
	if _, has := cells[1].(map[string]any)["execution_count"]; !has {
		t.Error("code cell has no execution_count")
	}
	again, err := ParseNotebook(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(nb, again) {
		t.Errorf("round trip changed the notebook:\n%+v\n%+v", nb, again)
	}
}

func TestEnsureIDs(t *testing.T) {
	tests := []struct {
		name      string
		minor     int
		ids       []string
		wantMinor int
		wantIDs   bool
	}{
		{"4.4 without ids stays", 4, []string{"", ""}, 4, false},
		{"4.5 gets ids", 5, []string{"", ""}, 5, true},
		{"4.4 with an id becomes 4.5", 4, []string{"x", ""}, 5, true},
		{"duplicates renamed", 5, []string{"x", "x", "gosnn-1"}, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb := &Notebook{Minor: tt.minor}
			for _, id := range tt.ids {
				nb.Cells = append(nb.Cells, &Cell{Type: "code", ID: id})
			}
			nb.ensureIDs()
			if nb.Minor != tt.wantMinor {
				t.Errorf("minor = %d, want %d", nb.Minor, tt.wantMinor)
			}
			seen := map[string]bool{}
			for i, c := range nb.Cells {
				if !tt.wantIDs {
					if c.ID != "" {
						t.Errorf("cell %d got id %q", i, c.ID)
					}
					continue
				}
				if !cellIDPattern.MatchString(c.ID) || seen[c.ID] {
					t.Errorf("cell %d: id %q invalid or duplicate", i, c.ID)
				}
				seen[c.ID] = true
				if tt.ids[i] != "" && i == 0 && c.ID != tt.ids[i] {
					t.Errorf("first id changed from %q to %q", tt.ids[i], c.ID)
				}
			}
		})
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"\n\n", []string{"\n", "\n"}},
	}
	for _, tt := range tests {
		if got := splitLines(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Join(splitLines(tt.in), "") != tt.in {
			t.Errorf("splitLines(%q) does not join back", tt.in)
		}
	}
}

func FuzzReadNotebook(f *testing.F) {
	f.Add([]byte(sampleNotebook))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 2, "cells": []}`))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": ["a", "b"], "outputs": [{"output_type": "stream", "text": "x"}]}]}`))
	f.Add([]byte(`{"nbformat": 3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := ParseNotebook(data)
		if err != nil {
			return
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatalf("cannot write a notebook that was read: %v", err)
		}
		again, err := ParseNotebook(out)
		if err != nil {
			t.Fatalf("cannot read back a written notebook: %v\n%s", err, out)
		}
		if len(again.Cells) != len(nb.Cells) {
			t.Fatalf("cells: %d then %d", len(nb.Cells), len(again.Cells))
		}
		for i := range nb.Cells {
			if again.Cells[i].Source != nb.Cells[i].Source || again.Cells[i].Type != nb.Cells[i].Type || again.Cells[i].ID != nb.Cells[i].ID {
				t.Fatalf("cell %d changed: %+v then %+v", i, nb.Cells[i], again.Cells[i])
			}
		}
	})
}
