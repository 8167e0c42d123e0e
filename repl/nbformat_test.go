package repl

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/repl/internal/fake"
)

// needTool skips the test when an external tool is missing, except under CI=true, where
// the tool is required and its absence fails the test.
func needTool(t *testing.T, ok bool, what, install string) {
	t.Helper()
	if ok {
		return
	}
	r := testskip.Jupyter
	if what == "tmux" {
		r = testskip.Tmux
	}
	testskip.Need(t, r, false, fmt.Sprintf("%s is missing; install it with: %s", what, install))
}

const validatePy = `
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)
nbformat.validate(nb)
assert nb.nbformat == 4, nb.nbformat
print(nb.nbformat_minor, len(nb.cells))
`

// validateNotebook checks a notebook file with Python's nbformat (Debian python3-nbformat).
func validateNotebook(t *testing.T, path string) {
	t.Helper()
	py := "/usr/bin/python3"
	ok := exec.Command(py, "-c", "import nbformat").Run() == nil
	needTool(t, ok, "python3-nbformat", "apt-get install -y python3-nbformat")
	out, err := exec.Command(py, "-c", validatePy, path).CombinedOutput()
	if err != nil {
		data, _ := os.ReadFile(path)
		t.Fatalf("nbformat rejects %s: %v\n%s\n%s", path, err, out, data)
	}
}

func TestNbformatValidates(t *testing.T) {
	for _, minor := range []int{4, 5} {
		nb := notebookOf(
			"markdown:# Title\n\nSome *text*.",
			"code:print a\neprint b",
			"code:x := 3\nx",
			"code:image\nsvg",
			"raw:raw",
			"code:",
			"code:panic boom",
			"code:print never",
		)
		nb.Minor = minor
		nb.Metadata = []byte(`{"kernelspec": {"name": "gosnn", "display_name": "Go (gosnn)", "language": "go"}}`)
		err := RunNotebook(context.Background(), &fake.Evaluator{}, nb, RunOptions{})
		if err == nil {
			t.Fatal("the failing cell did not fail")
		}
		path := filepath.Join(t.TempDir(), "out.ipynb")
		if err := nb.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		validateNotebook(t, path)
	}
}
