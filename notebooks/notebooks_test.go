package notebooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/maesdata"
)

// tutorial lists the committed notebooks and the figures a run must produce: always (at
// least), and with the authors' data present.
var tutorials = []struct {
	name              string
	figures, withData int
}{
	{"01-quickstart", 2, 2},
	{"02-learning-the-clock", 5, 5},
	{"03-trained-network", 0, 4},
	{"04-readout", 0, 1},
	{"05-bird-song", 0, 1},
	{"06-time-scales", 3, 3},
	{"07-paper", 0, 1},
}

// haveData reports whether the authors' weight matrix is found by maesdata.Find, as the
// notebooks look for it (they run with the tests' environment).
func haveData(t *testing.T) bool {
	t.Helper()
	_, err := maesdata.Find(maesdata.Weights)
	if err != nil {
		t.Logf("%v: data notebooks are checked for graceful skipping only", err)
	}
	return err == nil
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, src string
		want      []SourceCell
		err       string
	}{
		{"one code cell", "%% code\nx := 1\n", []SourceCell{{"code", "x := 1"}}, ""},
		{"blank lines trimmed", "\n%% markdown\n\n# T\n\n%% code\n\na\n\nb\n\n", []SourceCell{{"markdown", "# T"}, {"code", "a\n\nb"}}, ""},
		{"CRLF", "%% code\r\na\r\nb\r\n", []SourceCell{{"code", "a\nb"}}, ""},
		{"text before marker", "hello\n%% code\na", nil, "before the first cell marker"},
		{"unknown marker", "%% raw\nx", nil, "unknown cell marker"},
		{"empty cell", "%% code\n\n%% code\nx", nil, "cell 1 (code) is empty"},
		{"no cells", "\n\n", nil, "no cells"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.src)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "notebooks: ") {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d cells %q, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("cell %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBuild(t *testing.T) {
	out, err := Build("nb-1", "%% markdown\n# Title <b>\n%% code\nfmt.Println(1)\nx := 2")
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType       string          `json:"cell_type"`
			ID             string          `json:"id"`
			Source         []string        `json:"source"`
			Outputs        []any           `json:"outputs"`
			ExecutionCount json.RawMessage `json:"execution_count"`
		} `json:"cells"`
		Metadata struct {
			Kernelspec map[string]string `json:"kernelspec"`
		} `json:"metadata"`
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
	}
	if err := json.Unmarshal(out, &nb); err != nil {
		t.Fatal(err)
	}
	if nb.NBFormat != 4 || nb.NBFormatMinor != 5 {
		t.Errorf("nbformat %d.%d, want 4.5", nb.NBFormat, nb.NBFormatMinor)
	}
	if ks := nb.Metadata.Kernelspec; ks["name"] != "gosnn" || ks["language"] != "go" {
		t.Errorf("kernelspec %v", ks)
	}
	if len(nb.Cells) != 2 || nb.Cells[0].ID != "nb-1-01" || nb.Cells[1].ID != "nb-1-02" {
		t.Fatalf("cells %+v", nb.Cells)
	}
	if got := strings.Join(nb.Cells[1].Source, "|"); got != "fmt.Println(1)\n|x := 2" {
		t.Errorf("code source %q", got)
	}
	if string(nb.Cells[1].ExecutionCount) != "null" || nb.Cells[1].Outputs == nil {
		t.Errorf("code cell not clean: %s %v", nb.Cells[1].ExecutionCount, nb.Cells[1].Outputs)
	}
	if !strings.Contains(string(out), "<b>") {
		t.Error("HTML escaped in markdown")
	}
	if _, err := Build("bad name", "%% code\nx"); err == nil {
		t.Error("Build accepted a name with a space")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("%% code\nx := 1\n")
	f.Add("%% markdown\n# a\n%% code\n\n")
	f.Add("x\n%% code")
	f.Fuzz(func(t *testing.T, src string) {
		cells, err := Parse(src)
		if err != nil {
			return
		}
		if len(cells) == 0 {
			t.Fatal("no cells and no error")
		}
		for _, c := range cells {
			if c.Source == "" || (c.Kind != "code" && c.Kind != "markdown") {
				t.Fatalf("bad cell %q", c)
			}
		}
		if _, err := Build("fuzz", src); err != nil {
			t.Fatalf("Build failed where Parse succeeded: %v", err)
		}
	})
}

// TestCommittedNotebooksMatchSources checks that every notebook is what the generator makes
// of its source (go run ./notebooks/cmd/nbgen regenerates them).
func TestCommittedNotebooksMatchSources(t *testing.T) {
	for _, tu := range tutorials {
		src, err := os.ReadFile(filepath.Join("src", tu.name+".nb"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Build(tu.name, string(src))
		if err != nil {
			t.Fatalf("%s: %v", tu.name, err)
		}
		got, err := os.ReadFile(tu.name + ".ipynb")
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s.ipynb differs from src/%s.nb: run go run ./notebooks/cmd/nbgen", tu.name, tu.name)
		}
	}
}

// buildGosnn builds the gosnn binary into a temporary directory.
func buildGosnn(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gosnn")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gosnn")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// outputs returns the outputs of the code cells of an executed notebook.
func outputs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			CellType string           `json:"cell_type"`
			Outputs  []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var outs []map[string]any
	for _, c := range nb.Cells {
		outs = append(outs, c.Outputs...)
	}
	return outs
}

// python returns /usr/bin/python3 if it can import every module, "" otherwise (a failure
// when CI=true).
func python(t *testing.T, modules string) string {
	t.Helper()
	const py = "/usr/bin/python3"
	err := exec.Command(py, "-c", "import "+modules).Run()
	if err == nil {
		return py
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s cannot import %s (apt-get install python3-nbclient python3-nbformat): %v", py, modules, err)
	}
	testskip.Skip(t, testskip.Jupyter, fmt.Sprintf("%s cannot import %s (Debian: apt-get install python3-nbclient python3-nbformat); skipping", py, modules))
	return ""
}

// TestNotebooksRun executes every notebook with gosnn run from the module root, as the
// README tells a new user to, and checks for error outputs, figures and nbformat validity.
//
// It runs in parallel with TestNotebooksKernel: the notebooks simulate on one thread, and
// together the two take several minutes, close to go test's default 10-minute timeout.
func TestNotebooksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every tutorial notebook (minutes); skipped with -short")
	}
	t.Parallel()
	bin := buildGosnn(t)
	data := haveData(t)
	out := t.TempDir()
	for _, tu := range tutorials {
		t.Run(tu.name, func(t *testing.T) {
			nbOut := filepath.Join(out, tu.name+".ipynb")
			figs := filepath.Join(out, tu.name+"-figures")
			cmd := exec.Command(bin, "run", filepath.Join("notebooks", tu.name+".ipynb"), "-o", nbOut, "--figures", figs)
			cmd.Dir = ".."
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("gosnn run: %v\n%s", err, tail(b))
			}
			for _, o := range outputs(t, nbOut) {
				if o["output_type"] == "error" {
					t.Errorf("error output: %v: %v", o["ename"], o["evalue"])
				}
				if o["output_type"] == "stream" && o["name"] == "stderr" {
					t.Errorf("stderr output: %v", o["text"])
				}
			}
			want := tu.figures
			if data {
				want = tu.withData
			}
			pngs, _ := filepath.Glob(filepath.Join(figs, "*.png"))
			if len(pngs) < want {
				t.Errorf("%d figures in %s, want at least %d", len(pngs), figs, want)
			}
			for _, p := range pngs {
				if fi, err := os.Stat(p); err != nil || fi.Size() < 1000 {
					t.Errorf("figure %s is missing or tiny", p)
				}
			}
		})
	}
	py := python(t, "nbformat")
	for _, tu := range tutorials {
		p := filepath.Join(out, tu.name+".ipynb")
		if _, err := os.Stat(p); err != nil {
			continue // not run (-run TestNotebooksRun/NAME); a failed run is reported above
		}
		cmd := exec.Command(py, "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", p)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: nbformat validation: %v\n%s", tu.name, err, b)
		}
	}
}

// TestNotebooksKernel executes every notebook through the Jupyter kernel with nbclient.
func TestNotebooksKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every tutorial notebook through Jupyter (minutes); skipped with -short")
	}
	t.Parallel()
	py := python(t, "nbclient, nbformat")
	bin := buildGosnn(t)
	haveData(t)
	args := []string{filepath.Join("testdata", "run_nbclient.py"), bin, t.TempDir()}
	for _, tu := range tutorials {
		args = append(args, tu.name+".ipynb")
	}
	cmd := exec.Command(py, args...)
	b, err := cmd.CombinedOutput()
	t.Logf("%s", b)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 3 {
		testskip.Skip(t, testskip.Jupyter, "nbclient missing")
	}
	if err != nil {
		t.Fatalf("nbclient: %v", err)
	}
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
