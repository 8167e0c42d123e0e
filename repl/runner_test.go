package repl

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/notebooks"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

// notebookOf builds a 4.5 notebook from cells given as "code:..." or "markdown:...".
func notebookOf(cells ...string) *notebooks.Notebook {
	nb := &notebooks.Notebook{Minor: 5}
	for _, c := range cells {
		typ, src, _ := strings.Cut(c, ":")
		nb.Cells = append(nb.Cells, &notebooks.Cell{Type: typ, Source: src})
	}
	return nb
}

func TestRunNotebookOutputs(t *testing.T) {
	nb := notebookOf(
		"markdown:# Title",
		"code:print a\nprint b\neprint c\nprint d",
		"code:x := 3\nx",
		"code:",
		"code:image",
		"raw:raw text",
		"code:svg",
	)
	if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	c := nb.Cells
	wantStreams := []map[string]any{
		{"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
		{"output_type": "stream", "name": "stderr", "text": "c\n"},
		{"output_type": "stream", "name": "stdout", "text": "d\n"},
	}
	if !reflect.DeepEqual(c[1].Outputs, wantStreams) {
		t.Errorf("streams = %v\nwant %v", c[1].Outputs, wantStreams)
	}
	wantResult := []map[string]any{{
		"output_type": "execute_result", "execution_count": 2,
		"data": map[string]any{"text/plain": "3"}, "metadata": map[string]any{},
	}}
	if !reflect.DeepEqual(c[2].Outputs, wantResult) {
		t.Errorf("result = %v\nwant %v", c[2].Outputs, wantResult)
	}
	if c[3].ExecutionCount != nil || len(c[3].Outputs) != 0 {
		t.Errorf("empty cell was executed: %+v", c[3])
	}
	for i, want := range []int{1, 2, 0, 3, 0, 4} {
		cell := c[i+1]
		if want == 0 {
			continue
		}
		if cell.ExecutionCount == nil || *cell.ExecutionCount != want {
			t.Errorf("cell %d execution count = %v, want %d", i+2, cell.ExecutionCount, want)
		}
	}
	img := c[4].Outputs[0]
	data := img["data"].(map[string]any)
	if img["output_type"] != "display_data" || data["image/png"] != base64.StdEncoding.EncodeToString(fake.PNG()) || data["text/plain"] != "<image>" {
		t.Errorf("image output = %v", img)
	}
	svg := c[6].Outputs[0]["data"].(map[string]any)
	if svg["text/plain"] != "<image/svg+xml>" {
		t.Errorf("text/plain was not added to an SVG-only bundle: %v", svg)
	}
	if c[0].Source != "# Title" || c[5].Source != "raw text" {
		t.Error("markdown or raw cell changed")
	}
}

func TestRunNotebookStopsAtFailure(t *testing.T) {
	for _, tt := range []struct {
		name, code, ename, evalue string
	}{
		{"user error", "panic boom", "panic", "boom"},
		{"plain error", "fail disk", "Error", "fake: disk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nb := notebookOf("markdown:intro", "code:print ok", "code:print before\n"+tt.code, "code:print never")
			nb.Cells[3].Outputs = []map[string]any{{"output_type": "stream", "name": "stdout", "text": "stale"}}
			n := 9
			nb.Cells[3].ExecutionCount = &n
			err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{})
			var ce *CellError
			if !errors.As(err, &ce) {
				t.Fatalf("error = %v, want a *CellError", err)
			}
			if ce.Cell != 3 || ce.EName != tt.ename || ce.EValue != tt.evalue {
				t.Errorf("CellError = %+v, want cell 3 %s: %s", ce, tt.ename, tt.evalue)
			}
			if want := "cell 3: " + tt.ename + ": " + tt.evalue; ce.Error() != want {
				t.Errorf("message %q, want %q", ce.Error(), want)
			}
			outs := nb.Cells[2].Outputs
			if len(outs) != 2 || outs[0]["text"] != "before\n" || outs[1]["output_type"] != "error" ||
				outs[1]["ename"] != tt.ename || outs[1]["evalue"] != tt.evalue {
				t.Errorf("failing cell outputs = %v", outs)
			}
			if _, ok := outs[1]["traceback"].([]string); !ok {
				t.Errorf("traceback is %T, want []string", outs[1]["traceback"])
			}
			if nb.Cells[3].Outputs != nil || nb.Cells[3].ExecutionCount != nil {
				t.Errorf("cell after the failure kept stale output: %+v", nb.Cells[3])
			}
		})
	}
}

// scriptedEvaluator runs a Go function per cell, for sink behaviour the fake cannot show.
type scriptedEvaluator struct {
	fake.Evaluator
	cells map[string]func(out display.Sink)
}

func (s *scriptedEvaluator) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	if f, ok := s.cells[code]; ok {
		f(out)
		return nil, nil
	}
	return s.Evaluator.Execute(ctx, code, out)
}

func TestRunNotebookDisplaysAndClear(t *testing.T) {
	text := func(s string) display.Bundle { return display.Bundle{Data: map[string]any{"text/plain": s}} }
	withID := func(s, id string) display.Bundle { b := text(s); b.DisplayID = id; return b }
	ev := &scriptedEvaluator{cells: map[string]func(display.Sink){
		"show": func(out display.Sink) { out.Show(withID("v1", "d")) },
		"update": func(out display.Sink) {
			out.Update(withID("v2", "d"))
			out.Update(withID("ignored", "unknown"))
			out.Stream("stdout", "x")
			out.Clear(true)
			out.Stream("stdout", "after wait-clear")
		},
		"clear": func(out display.Sink) {
			out.Stream("stdout", "gone")
			out.Clear(false)
			out.Show(display.Bundle{Data: map[string]any{"application/json": map[string]any{"a": 1}}})
		},
	}}
	nb := notebookOf("code:show", "code:update", "code:clear")
	if err := RunNotebook(context.Background(), ev, nb, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := nb.Cells[0].Outputs[0]["data"].(map[string]any)["text/plain"]; got != "v2" {
		t.Errorf("updated display shows %v, want v2", got)
	}
	if o := nb.Cells[1].Outputs; len(o) != 1 || o[0]["text"] != "after wait-clear" {
		t.Errorf("clear(wait) outputs = %v", o)
	}
	if o := nb.Cells[2].Outputs; len(o) != 1 || o[0]["output_type"] != "display_data" {
		t.Errorf("clear outputs = %v", o)
	}
}

func TestRunNotebookFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "figs")
	nb := notebookOf("markdown:m", "code:image\nimage\nsvg", "code:image")
	if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{FiguresDir: dir}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cell2-1.png", "cell2-2.png", "cell2-3.svg", "cell3-1.png"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		if strings.HasSuffix(name, ".png") && !bytes.Equal(data, fake.PNG()) {
			t.Errorf("%s is not the image shown", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("figures dir has %d entries, want 4 (no temporary files left)", len(entries))
	}
}

func TestRunNotebookEcho(t *testing.T) {
	var echo bytes.Buffer
	nb := notebookOf("code:print hello\nx := 5\nx", "code:image")
	if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{Echo: &echo}); err != nil {
		t.Fatal(err)
	}
	if echo.String() != "hello\n5\n" {
		t.Errorf("echo = %q, want %q", echo.String(), "hello\n5\n")
	}
}

func TestRunNotebookInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nb := notebookOf("code:sleep", "code:print after")
	err := RunNotebook(ctx, &fake.Evaluator{}, nb, RunOptions{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Cell != 1 || ce.EName != "Interrupted" {
		t.Fatalf("error = %v, want cell 1 Interrupted", err)
	}
}

func TestStripPackageClause(t *testing.T) {
	tests := []struct {
		name, in, want string
		mainAt         int
	}{
		{"cell script", "x := 1\nfmt.Println(x)\n", "x := 1\nfmt.Println(x)\n", -1},
		{"program", "package main\n\nfunc main() {}\n", "            \n\nfunc main() {}\n", 19},
		{"comment first", "// hello\npackage main\nfunc main() {}\n", "// hello\n            \nfunc main() {}\n", 27},
		{"semicolon", "package main; func main() {}", "              func main() {}", 19},
		{"no main", "package main\nfunc f() {}\n", "            \nfunc f() {}\n", -1},
		{"method main", "package main\ntype T int\nfunc (T) main() {}\n", "            \ntype T int\nfunc (T) main() {}\n", -1},
		{"bad clause", "package\n", "package\n", -1},
		{"empty", "", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, mainAt := stripPackageClause(tt.in)
			if got != tt.want || mainAt != tt.mainAt {
				t.Errorf("stripPackageClause(%q) = %q, %d; want %q, %d", tt.in, got, mainAt, tt.want, tt.mainAt)
			}
			if mainAt >= 0 && got[mainAt:mainAt+4] != "main" {
				t.Errorf("offset %d does not point at main in %q", mainAt, got)
			}
			if len(got) != len(tt.in) {
				t.Error("length changed: positions in error messages would move")
			}
		})
	}
}

func TestRunScript(t *testing.T) {
	ev := &fake.Evaluator{}
	var out bytes.Buffer
	sink := NewTermSink(TermOptions{Stdout: &out, FiguresDir: t.TempDir()})
	src := "package main\nfunc main() {\nprint in main\n}\n"
	if err := RunScript(context.Background(), ev, src, sink); err != nil {
		t.Fatal(err)
	}
	if len(ev.Executed) != 2 || ev.Executed[1] != "gosnnMain()" || strings.Contains(ev.Executed[0], "package") ||
		!strings.Contains(ev.Executed[0], "func gosnnMain() {") {
		t.Errorf("executed %q", ev.Executed)
	}
	if out.String() != "in main\n" {
		t.Errorf("output %q", out.String())
	}

	err := RunScript(context.Background(), &fake.Evaluator{}, "print a\npanic oops\n", sink)
	var se *ScriptError
	if !errors.As(err, &se) || se.EName != "panic" || se.EValue != "oops" || se.Error() != "panic: oops" {
		t.Errorf("error = %v, want panic: oops", err)
	}
}

func FuzzStripPackageClause(f *testing.F) {
	for _, s := range []string{"package main\nfunc main() {}\n", "x := 1", "package", "package main; func main", "// c\npackage p\nfunc (T) main() {}\nfunc main(){}", "package main\nvar main = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		body, mainAt := stripPackageClause(src)
		if len(body) != len(src) {
			t.Fatalf("length %d -> %d", len(src), len(body))
		}
		if mainAt >= 0 && (mainAt+4 > len(body) || body[mainAt:mainAt+4] != "main") {
			t.Fatalf("offset %d does not point at main in %q", mainAt, body)
		}
		if strings.Count(body, "\n") != strings.Count(src, "\n") {
			t.Fatal("line count changed")
		}
	})
}

func TestRunNotebookLanguageInfo(t *testing.T) {
	tests := []struct {
		meta, want string
	}{
		{"", `{"language_info":` + string(goLanguageInfo) + `}`},
		{`{"kernelspec":{"name":"gosnn"}}`, `{"kernelspec":{"name":"gosnn"},"language_info":` + string(goLanguageInfo) + `}`},
		{`{"language_info":{"name":"other"}}`, `{"language_info":{"name":"other"}}`},
	}
	for _, tt := range tests {
		nb := notebookOf("code:print x")
		nb.Metadata = json.RawMessage(tt.meta)
		if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if string(nb.Metadata) != tt.want {
			t.Errorf("metadata %s -> %s, want %s", tt.meta, nb.Metadata, tt.want)
		}
	}
}
