package repl

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/notebooks"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

// progressPattern matches what gosnn run writes on stderr for a notebook that runs through:
// a line per cell and the final done line.
var progressPattern = regexp.MustCompile(`^(\[\d+/\d+\] cell \d+: \d+\.\d s(, \d+ figures?)?\n)+done: \d+ cells in \d+\.\d s(, \d+ figures?( -> \S+)?)?\n$`)

// fakeFigure is a bundle like the session's for a plot: PNG data, and Figure rendering the
// other formats.
func fakeFigure() display.Bundle {
	b := display.PNGBundle(fake.PNG())
	b.Figure = func(format string) ([]byte, error) {
		switch format {
		case "svg":
			return []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), nil
		case "pdf":
			return []byte("%PDF-1.4 fake"), nil
		}
		return nil, errors.New("no " + format)
	}
	return b
}

func figureEvaluator() *scriptedEvaluator {
	return &scriptedEvaluator{cells: map[string]func(display.Sink){
		"plot": func(out display.Sink) { out.Show(fakeFigure()) },
		"live": func(out display.Sink) {
			for i := 0; i < 3; i++ {
				b := fakeFigure()
				b.DisplayID = "w"
				if i == 0 {
					out.Show(b)
				} else {
					out.Update(b)
				}
			}
			out.Show(fakeFigure())
		},
		"plot2": func(out display.Sink) {
			out.Show(fakeFigure())
			out.Show(fakeFigure())
		},
	}}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestRunNotebookFigureNames runs two notebooks into one figures directory: each keeps its
// figures, named after the notebook.
func TestRunNotebookFigureNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"01-quickstart", "04-replay"} {
		nb := notebookOf("markdown:m", "code:image", "code:plot2")
		if err := RunNotebook(context.Background(), figureEvaluator(), nb, RunOptions{FiguresDir: dir, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"01-quickstart-cell2-1.png", "01-quickstart-cell3-1.png", "01-quickstart-cell3-2.png",
		"04-replay-cell2-1.png", "04-replay-cell3-1.png", "04-replay-cell3-2.png",
	}
	if got := dirNames(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("figures %v, want %v", got, want)
	}
	// A figure updated in place is one figure, rewritten.
	dir = t.TempDir()
	if err := RunNotebook(context.Background(), figureEvaluator(), notebookOf("code:live"), RunOptions{FiguresDir: dir, Name: "nb"}); err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); !reflect.DeepEqual(got, []string{"nb-cell1-1.png", "nb-cell1-2.png"}) {
		t.Errorf("live figure: files %v, want one per figure", got)
	}
}

func TestRunNotebookFigureFormats(t *testing.T) {
	tests := []struct {
		formats []string
		want    []string
	}{
		{nil, []string{"nb-cell1-1.png", "nb-cell2-1.png"}},
		{[]string{"png", "svg", "pdf"}, []string{"nb-cell1-1.png", "nb-cell2-1.pdf", "nb-cell2-1.png", "nb-cell2-1.svg"}},
		// An image without Figure is written as it is shown when it has none of the formats.
		{[]string{"svg", "pdf"}, []string{"nb-cell1-1.png", "nb-cell2-1.pdf", "nb-cell2-1.svg"}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		nb := notebookOf("code:image", "code:plot")
		err := RunNotebook(context.Background(), figureEvaluator(), nb, RunOptions{FiguresDir: dir, Name: "nb", FigureFormats: tt.formats})
		if err != nil {
			t.Fatal(err)
		}
		if got := dirNames(t, dir); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("formats %v: figures %v, want %v", tt.formats, got, tt.want)
		}
		// The notebook keeps the PNG only.
		if data := nb.Cells[1].Outputs[0]["data"].(map[string]any); len(data) != 2 {
			t.Errorf("formats %v: notebook output data %v, want image/png and text/plain", tt.formats, data)
		}
	}
	// A format the figure cannot be rendered in is an error of the run.
	nb := notebookOf("code:plot")
	err := RunNotebook(context.Background(), figureEvaluator(), nb, RunOptions{FiguresDir: t.TempDir(), FigureFormats: []string{"eps"}})
	if err == nil || !strings.Contains(err.Error(), "figure as eps: no eps") {
		t.Errorf("error %v, want the eps failure", err)
	}
}

func TestParseFigureFormats(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"png", []string{"png"}, ""},
		{"png,svg,pdf", []string{"png", "svg", "pdf"}, ""},
		{" SVG , .pdf,svg,jpeg", []string{"svg", "pdf", "jpg"}, ""},
		{"png,gif", nil, `unknown figure format "gif"`},
		{"", nil, `unknown figure format ""`},
	}
	for _, tt := range tests {
		got, err := ParseFigureFormats(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestRunNotebookProgress(t *testing.T) {
	var prog bytes.Buffer
	nb := notebookOf("markdown:m", "code:print a", "code:", "code:plot2", "code:print b")
	opts := RunOptions{Progress: &prog, FiguresDir: "figs-not-written", Name: "nb"}
	opts.FiguresDir = t.TempDir()
	if err := RunNotebook(context.Background(), figureEvaluator(), nb, opts); err != nil {
		t.Fatal(err)
	}
	got := prog.String()
	if !progressPattern.MatchString(got) {
		t.Fatalf("progress %q does not have the expected form", got)
	}
	lines := strings.Split(got, "\n")
	for i, prefix := range []string{"[1/3] cell 2: ", "[2/3] cell 4: ", "[3/3] cell 5: ", "done: 3 cells in "} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], prefix)
		}
	}
	if !strings.HasSuffix(lines[1], ", 2 figures") || !strings.HasSuffix(lines[3], ", 2 figures -> "+opts.FiguresDir) {
		t.Errorf("figures not counted: %q", got)
	}

	// A failing cell ends the report with its line, and no done line.
	prog.Reset()
	nb = notebookOf("code:print a", "code:panic boom", "code:print never")
	if err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{Progress: &prog}); err == nil {
		t.Fatal("no error")
	}
	if lines := strings.Split(prog.String(), "\n"); len(lines) != 3 || !regexp.MustCompile(`^\[2/3\] cell 2: failed after \d+\.\d s$`).MatchString(lines[1]) {
		t.Errorf("progress of a failing run %q", prog.String())
	}
}

// TestRunNotebookLiveProgress checks that on a terminal the progress displays of a cell (an
// snn run's) are drawn in place and then replaced by the cell's line, so that no bar is left
// at 84 %.
func TestRunNotebookLiveProgress(t *testing.T) {
	live := func(frac float64, text string) display.Bundle {
		return display.Bundle{Data: map[string]any{display.MIMEText: text}, Metadata: map[string]any{ProgressKey: frac}, DisplayID: "run1"}
	}
	ev := &scriptedEvaluator{cells: map[string]func(display.Sink){
		"run": func(out display.Sink) {
			out.Show(live(0.42, "t = 420 ms"))
			out.Update(live(0.84, "t = 840 ms"))
		},
	}}
	for _, tty := range []bool{true, false} {
		var prog bytes.Buffer
		nb := notebookOf("code:run", "code:print x")
		if err := RunNotebook(context.Background(), ev, nb, RunOptions{Progress: &prog, ProgressTerminal: tty}); err != nil {
			t.Fatal(err)
		}
		got := prog.String()
		if !tty {
			if !progressPattern.MatchString(got) {
				t.Errorf("not a terminal: progress %q, want whole lines only", got)
			}
			continue
		}
		want := "\r\x1b[K[1/2] cell 1: [########............]  42% t = 420 ms" +
			"\r\x1b[K[1/2] cell 1: [#################...]  84% t = 840 ms" +
			"\r\x1b[K[1/2] cell 1: "
		if !strings.HasPrefix(got, want) {
			t.Errorf("terminal progress %q, want it to start with %q", got, want)
		}
		// A narrow terminal gets the live line cut to its width.
		prog.Reset()
		nb = notebookOf("code:run")
		if err := RunNotebook(context.Background(), ev, nb, RunOptions{Progress: &prog, ProgressTerminal: true, ProgressWidth: func() int { return 21 }}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(prog.String(), "\r\x1b[K[1/1] cell 1: [#####\r\x1b[K") {
			t.Errorf("narrow terminal: %q", prog.String())
		}
		rest := strings.TrimPrefix(got, "\r\x1b[K")
		rest = rest[strings.LastIndex(rest, "\r\x1b[K")+len("\r\x1b[K"):]
		if !progressPattern.MatchString(rest) {
			t.Errorf("after the live line: %q, want the cell lines and done", rest)
		}
	}
}

func TestParseParameter(t *testing.T) {
	tests := []struct {
		in   string
		want any
		lit  string
		err  string
	}{
		{"n=3", int64(3), "3", ""},
		{"n=-7", int64(-7), "-7", ""},
		{"x=0.5", 0.5, "0.5", ""},
		{"x=2.0", 2.0, "2.0", ""},
		{"x=1e-3", 1e-3, "0.001", ""},
		{"ok=true", true, "true", ""},
		{"ok=false", false, "false", ""},
		{"d=250ms", 250 * time.Millisecond, "250000000 // 250ms", ""},
		{"d=1m30s", 90 * time.Second, "90000000000 // 1m30s", ""},
		{"s=hello world", "hello world", `"hello world"`, ""},
		{`s=say "hi"`, `say "hi"`, `"say \"hi\""`, ""},
		{"s=", "", `""`, ""},
		{"s=inf", "inf", `"inf"`, ""},
		{"s=True", "True", `"True"`, ""},
		{"s=nc160.mat", "nc160.mat", `"nc160.mat"`, ""},
		{"s=a=b", "a=b", `"a=b"`, ""},
		{"noequals", nil, "", "want name=value"},
		{"2x=1", nil, "", "not a Go variable name"},
		{"_=1", nil, "", "not a Go variable name"},
	}
	for _, tt := range tests {
		p, err := ParseParameter(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || p.Value != tt.want || p.goLiteral() != tt.lit {
			t.Errorf("%q: %#v (%s), %v; want %#v (%s)", tt.in, p.Value, p.goLiteral(), err, tt.want, tt.lit)
		}
	}
}

func params(t *testing.T, specs ...string) []Parameter {
	t.Helper()
	var ps []Parameter
	for _, s := range specs {
		p, err := ParseParameter(s)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func tagged(c *notebooks.Cell, tag string) *notebooks.Cell {
	c.Metadata = json.RawMessage(`{"tags":["` + tag + `"],"other":1}`)
	return c
}

func TestInjectParameters(t *testing.T) {
	nb := notebookOf("markdown:# T", "code:import \"time\"\n\nn := 10\nvar (\n\tx = 1.5\n\td = time.Second\n)\nvar name string = \"a\"\nconst k = 2", "code:use")
	tagged(nb.Cells[1], ParametersTag)
	nb.Metadata = json.RawMessage(`{"kernelspec":{"name":"gosnn"},"papermill":{"input_path":"x.ipynb","parameters":{"old":1}}}`)
	warning, err := InjectParameters(nb, params(t, "n=3", "name=b", "d=250ms", "x=0.25", "n=4"))
	if err != nil || warning != "" {
		t.Fatalf("%q, %v", warning, err)
	}
	if len(nb.Cells) != 4 || nb.Cells[3].Source != "use" {
		t.Fatalf("cells %d, want the injected cell added after the parameters cell", len(nb.Cells))
	}
	inj := nb.Cells[2]
	wantSrc := "// Parameters injected by gosnn run -p.\nn = 4\nname = \"b\"\nd = 250000000 // 250ms\nx = 0.25"
	if inj.Type != "code" || inj.Source != wantSrc || !hasTag(inj, InjectedParametersTag) {
		t.Errorf("injected cell %q %q %s", inj.Type, inj.Source, inj.Metadata)
	}
	var meta map[string]any
	if err := json.Unmarshal(nb.Metadata, &meta); err != nil {
		t.Fatal(err)
	}
	pm := meta["papermill"].(map[string]any)
	wantParams := map[string]any{"n": 4.0, "name": "b", "d": "250ms", "x": 0.25}
	if !reflect.DeepEqual(pm["parameters"], wantParams) || pm["input_path"] != "x.ipynb" || meta["kernelspec"] == nil {
		t.Errorf("metadata %s", nb.Metadata)
	}

	// Running the output notebook again replaces the injected cell.
	if _, err := InjectParameters(nb, params(t, "n=5")); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 4 || !strings.HasSuffix(nb.Cells[2].Source, "\nn = 5") {
		t.Errorf("rerun: %d cells, injected %q", len(nb.Cells), nb.Cells[2].Source)
	}
	// No parameters: the notebook is left as it is.
	before, _ := nb.Marshal()
	if _, err := InjectParameters(nb, nil); err != nil {
		t.Fatal(err)
	}
	if after, _ := nb.Marshal(); !bytes.Equal(before, after) {
		t.Error("no -p changed the notebook")
	}

	for _, tt := range []struct{ p, err string }{
		{"zz=1", "the parameters cell (cell 2) declares no variable zz (it declares: d, n, name, x)"},
		{"k=3", "k is a constant in the parameters cell (cell 2)"},
	} {
		if _, err := InjectParameters(nb, params(t, tt.p)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("-p %s: error %v, want %q", tt.p, err, tt.err)
		}
	}
}

func TestInjectParametersWithoutParametersCell(t *testing.T) {
	nb := notebookOf("markdown:# T", "code:use")
	warning, err := InjectParameters(nb, params(t, "n=3", "d=2s", "s=x"))
	if err != nil || !strings.Contains(warning, `no cell is tagged "parameters"`) {
		t.Fatalf("%q, %v", warning, err)
	}
	want := "// Parameters injected by gosnn run -p.\nimport \"time\"\n\nvar n = 3\nvar d = time.Duration(2000000000) // 2s\nvar s = \"x\""
	if c := nb.Cells[0]; c.Source != want || !hasTag(c, InjectedParametersTag) {
		t.Errorf("top cell %q, want %q", c.Source, want)
	}
}

func TestDeclaredNames(t *testing.T) {
	tests := []struct {
		src          string
		vars, consts []string
		err          string
	}{
		{"n := 10\nx, y := 1, 2\n_ = x", []string{"n", "x", "y"}, nil, ""},
		{"import (\n\t\"fmt\"\n\tt \"time\"\n)\nimport . \"math\"\nvar d = t.Second\nfmt.Println(d)", []string{"d"}, nil, ""},
		{"var (\n\ta = 1\n\tb, c int\n)\nconst (\n\tK = 3\n)", []string{"a", "b", "c"}, []string{"K"}, ""},
		{"func f() int { return 1 }\nvar v = f()", []string{"v"}, nil, ""},
		{"if true {\n\tinner := 1\n\t_ = inner\n}", nil, nil, ""},
		{"n := 1\nm := )\n", nil, nil, "line 2"},
	}
	set := func(names []string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	for _, tt := range tests {
		vars, consts, err := declaredNames(tt.src)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(vars, set(tt.vars)) || !reflect.DeepEqual(consts, set(tt.consts)) {
			t.Errorf("%q: vars %v consts %v err %v; want %v %v", tt.src, vars, consts, err, tt.vars, tt.consts)
		}
	}
}

func FuzzParseParameter(f *testing.F) {
	for _, s := range []string{"n=3", "x=0.5", "d=250ms", "ok=true", "s=a b", "bad", "x=1e999", "x=0x10", "d=1h2m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseParameter(s)
		if err != nil {
			return
		}
		// The Go literal of a string parameter reads back to the value.
		if v, ok := p.Value.(string); ok {
			_, text, _ := strings.Cut(s, "=")
			if v != text {
				t.Fatalf("%q: string value %q", s, v)
			}
		}
		if p.goLiteral() == "" {
			t.Fatalf("%q: empty literal", s)
		}
	})
}

func FuzzDeclaredNames(f *testing.F) {
	for _, s := range []string{"n := 1", "import \"time\"\nvar d = time.Second", "import (", "import", "const (", "var x, y = 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(blankImports(src)) != len(src) {
			t.Fatal("blankImports changed the length")
		}
		_, _, _ = declaredNames(src)
	})
}

// TestRunCommandParameters runs a notebook with -p through the command (fake evaluator): the
// injected cell runs after the parameters cell, and an undeclared parameter is refused.
func TestRunCommandParameters(t *testing.T) {
	bin := fakeBinary(t)
	dir := t.TempDir()
	nb := notebookOf("code:n := 10", "code:n")
	tagged(nb.Cells[0], ParametersTag)
	in := filepath.Join(dir, "p.ipynb")
	if err := nb.WriteFile(in); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBinary(t, dir, bin, "run", in, "-o", "out.ipynb", "-p", "n=3")
	if code != 0 || stdout != "" || !progressPattern.MatchString(stderr) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	out, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Cells) != 3 || !hasTag(out.Cells[1], InjectedParametersTag) || out.Cells[1].ExecutionCount == nil {
		t.Fatalf("cells %+v", out.Cells)
	}
	if o := out.Cells[2].Outputs; len(o) != 1 || joinText(o[0]["data"].(map[string]any)["text/plain"]) != "3" {
		t.Errorf("the cell after the injected one sees %v, want n = 3", o)
	}
	if !strings.Contains(string(out.Metadata), `"papermill":{"parameters":{"n":3}}`) {
		t.Errorf("metadata %s", out.Metadata)
	}
	validateNotebook(t, filepath.Join(dir, "out.ipynb"))
	code, _, stderr = runBinary(t, dir, bin, "run", in, "-p", "m=3")
	if code != 2 || !strings.Contains(stderr, "declares no variable m (it declares: n)") {
		t.Errorf("undeclared: exit %d, stderr %q", code, stderr)
	}
}

// TestGosnnRunBatch runs the real gosnn binary on a notebook with a parameters cell and
// figures: -p values reach the cells (assigned to the variables the parameters cell
// declares), plots and snnplot figures are written as PNG, SVG and PDF named after the
// notebook, and stderr has the progress lines and done.
func TestGosnnRunBatch(t *testing.T) {
	bin := gosnnBinary(t)
	dir := t.TempDir()
	nb := notebookOf(
		"markdown:# Batch",
		"code:import (\n\t\"fmt\"\n\t\"time\"\n)\n\nn := 10\nvar x = 1.5\nname := \"default\"\nvar d = 100 * time.Millisecond\nok := false",
		"code:fmt.Println(n, x, name, d, ok)",
		"code:import (\n\t\"gonum.org/v1/plot\"\n\t\"github.com/gosnn/gosnn/display\"\n\t\"github.com/gosnn/gosnn/snn/snnplot\"\n)\np := plot.New()\np.Title.Text = \"batch\"\n_ = display.Show(snnplot.Column(p, plot.New()))\np",
	)
	tagged(nb.Cells[1], ParametersTag)
	in := filepath.Join(dir, "02-batch.ipynb")
	if err := nb.WriteFile(in); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBinary(t, dir, bin, "run", in, "-o", "out.ipynb", "-figures", "figs",
		"--figure-format", "png,svg,pdf", "-p", "n=3", "-p", "x=0.25", "-p", "name=hello world", "-p", "d=250ms", "-p", "ok=true")
	if code != 0 || stdout != "" || !progressPattern.MatchString(stderr) || !strings.HasSuffix(stderr, " 2 figures -> figs\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	out, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if o := out.Cells[3].Outputs; len(o) != 1 || joinText(o[0]["text"]) != "3 0.25 hello world 250ms true\n" {
		t.Errorf("cell after the injected parameters printed %v", o)
	}
	validateNotebook(t, filepath.Join(dir, "out.ipynb"))
	var names []string
	for _, k := range []string{"1", "2"} {
		for _, ext := range []string{"png", "svg", "pdf"} {
			names = append(names, "02-batch-cell5-"+k+"."+ext)
		}
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, "figs", name))
		if err != nil {
			t.Error(err)
			continue
		}
		switch filepath.Ext(name) {
		case ".png":
			if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s is not a PNG", name)
			}
		case ".svg":
			if err := wellFormedXML(data); err != nil || !bytes.Contains(data, []byte("<svg")) {
				t.Errorf("%s is not an SVG document: %v", name, err)
			}
		case ".pdf":
			if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[len(data)-32:], []byte("%%EOF")) {
				t.Errorf("%s is not a PDF", name)
			}
		}
	}

	// A parameter the parameters cell does not declare is refused before anything runs.
	code, _, stderr = runBinary(t, dir, bin, "run", in, "-p", "seed=1")
	if code != 2 || !strings.Contains(stderr, "declares no variable seed (it declares: d, n, name, ok, x)") {
		t.Errorf("undeclared parameter: exit %d, stderr %q", code, stderr)
	}

	// A script names its figures after itself, in every format.
	script := filepath.Join(dir, "fig.go")
	os.WriteFile(script, []byte("import \"gonum.org/v1/plot\"\np := plot.New()\np\n"), 0o644)
	code, stdout, stderr = runBinary(t, dir, bin, "run", script, "-figures", "sfigs", "--figure-format", "svg,pdf")
	if code != 0 {
		t.Fatalf("script: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got := dirNames(t, filepath.Join(dir, "sfigs")); !reflect.DeepEqual(got, []string{"fig-001.pdf", "fig-001.svg"}) {
		t.Errorf("script figures %v", got)
	}
}

// TestGosnnRunParametersWithoutCell checks the papermill fallback with the real session: no
// cell is tagged "parameters", so the parameters are declared in a cell at the top.
func TestGosnnRunParametersWithoutCell(t *testing.T) {
	bin := gosnnBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "np.ipynb")
	if err := notebookOf("code:import \"fmt\"\nfmt.Println(n+1, d*2, s)").WriteFile(in); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBinary(t, dir, bin, "run", in, "-q", "-p", "n=2", "-p", "d=1m30s", "-p", "s=x")
	if code != 0 || stdout != "3 3m0s x\n" || !strings.Contains(stderr, `warning: no cell is tagged "parameters"`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// wellFormedXML decodes data token by token.
func wellFormedXML(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestTmuxRunProgressDone runs a notebook with -o in a real terminal: the live progress line
// of a cell is drawn in place and replaced by the cell's line, and the run ends with done,
// no progress bar left behind.
func TestTmuxRunProgressDone(t *testing.T) {
	needTmux(t)
	bin := fakeBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "live.ipynb")
	writeNotebook(t, in, "code:progress 40", "code:print after")
	m := startTmux(t, replCommand(bin, "run", in, "-o", filepath.Join(dir, "out.ipynb")))
	s := m.waitFor(`EXIT=\d+`)
	if !strings.Contains(s, "EXIT=0") {
		t.Fatalf("run failed:\n%s", s)
	}
	lines := strings.Split(strings.TrimSpace(s[:strings.Index(s, "EXIT=")]), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "[1/2] cell 1: ") || !strings.HasPrefix(lines[1], "[2/2] cell 2: ") ||
		!strings.HasPrefix(lines[2], "done: 2 cells in ") || strings.Contains(s, "%") {
		t.Errorf("terminal after the run:\n%s\nwant a line per cell and done, no progress bar left", s)
	}
}

// TestGosnnRunExport calls the exports and snnplot.SaveAs from interpreted code, as a cell
// would: they are in the interpreter's symbol tables and write what they say.
func TestGosnnRunExport(t *testing.T) {
	bin := gosnnBinary(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "export.go")
	src := `import (
	"fmt"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/snnplot"
	"gonum.org/v1/plot"
)

k := 212
sp := &snn.Spikes{Time: []float64{float64(k) * 0.1}, Neuron: []int32{5}}
fmt.Println(sp.Time[0], snnio.SaveSpikes("spikes.csv", sp, 0.1), snnio.SaveSpikes("spikes.npy", sp, 0.1))
paths, err := snnplot.SaveAs(plot.New(), "raster", "png", "svg", "pdf")
fmt.Println(paths, err)
`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runBinary(t, dir, bin, "run", script)
	if code != 0 || stdout != "21.200000000000003 <nil> <nil>\n[raster.png raster.svg raster.pdf] <nil>\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "spikes.csv")); err != nil || string(data) != "time_ms,neuron\n21.2,5\n" {
		t.Errorf("spikes.csv = %q, %v", data, err)
	}
	for _, f := range []string{"spikes.npy", "raster.png", "raster.svg", "raster.pdf"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
