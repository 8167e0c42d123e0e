package repl

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/notebooks"
)

// Cells that kill the process: gosnn run and the REPL run in a supervised child process,
// and the gosnn command reports the child's fatal error with the cell that caused it.

// fatalCells are cells whose fatal error no program can recover from.
// The REPL runs each line as a cell: line at is the one that dies.
var fatalCells = []struct {
	name, code, fatal string
	at                int
}{
	{"recursion", "func down(n int) int { return down(n+1) + 1 }\ndown(0)", "stack overflow", 1},
	{"allocation", "b := make([]byte, 50<<30)\nb[0] = 1", "out of memory", 0},
}

// fatalLimit bounds how long a dying process may take (it only catches a hang).
const fatalLimit = 2 * time.Minute

// runBounded runs bin with args in dir, failing the test if it is still running after
// fatalLimit; it returns the exit status, stdout, stderr and the time taken.
func runBounded(t *testing.T, dir, bin string, args ...string) (int, string, string, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fatalLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("%v still running after %v (hung); stderr:\n%s", args, fatalLimit, tail(errw.String(), 2000))
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errw.String(), took
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func TestGosnnRunFatalCell(t *testing.T) {
	bin := gosnnBinary(t)
	for _, tc := range fatalCells {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.ipynb")
			writeNotebook(t, in, "code:import \"fmt\"\nfmt.Println(\"first\")", "code:"+tc.code, "code:fmt.Println(\"never\")")
			code, stdout, stderr, took := runBounded(t, dir, bin, "run", in)
			t.Logf("gosnn run ended %v after it started", took.Round(time.Millisecond))
			if code == 0 {
				t.Errorf("exit status 0")
			}
			if !strings.Contains(stdout, "first") || strings.Contains(stdout, "never") {
				t.Errorf("stdout %q", stdout)
			}
			end := tail(stderr, 600)
			for _, want := range []string{
				"gosnn: the gosnn run process died while running cell [2]:\n",
				"    " + strings.SplitN(tc.code, "\n", 2)[0] + "\n",
				"fatal error: " + tc.fatal,
			} {
				if !strings.Contains(end, want) {
					t.Errorf("the end of stderr lacks %q:\n%s", want, end)
				}
			}
		})
	}
}

func TestGosnnREPLFatalCell(t *testing.T) {
	for _, tc := range fatalCells {
		t.Run(tc.name, func(t *testing.T) {
			m := startGosnn(t, "")
			lines := strings.Split(tc.code, "\n")
			for _, l := range lines[:tc.at] {
				m.line(l)
				m.waitPrompt()
			}
			m.line(lines[tc.at])
			scr := m.waitFor(`EXIT=\d+`)
			end := scr[max(0, strings.LastIndex(scr, "gosnn: the gosnn repl")):]
			for _, want := range []string{
				"gosnn: the gosnn repl process died while running cell [" + strconv.Itoa(tc.at+1) + "]:\n    " + lines[tc.at] + "\n",
				"fatal error: " + tc.fatal,
			} {
				if !strings.Contains(end, want) {
					t.Errorf("the screen's end lacks %q:\n%s", want, tail(scr, 1500))
				}
			}
			if st := regexp.MustCompile(`EXIT=(\d+)`).FindStringSubmatch(scr); st == nil || st[1] == "0" {
				t.Errorf("exit status %v", st)
			}
		})
	}
}

// A cell that closes os.Stdout and os.Stderr closes its own files: later prints of the
// session arrive, and the next file opened does not take descriptor 1 or 2.
func TestGosnnRunStdoutClose(t *testing.T) {
	bin := gosnnBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	writeNotebook(t, in,
		"code:import (\n\"fmt\"\n\"os\"\n)",
		"code:os.Stdout.Close()\nos.Stderr.Close()\nfmt.Println(\"same cell\")",
		"code:f, err := os.Create(\"x.txt\")\nif err != nil {\n\tpanic(err)\n}\nfmt.Println(f.Fd())",
		"code:fmt.Println(\"println\")\nfmt.Fprintln(os.Stdout, \"os.Stdout\")\nfmt.Fprintln(os.Stderr, \"os.Stderr\")",
	)
	code, _, stderr, _ := runBounded(t, dir, bin, "run", in, "-o", "out.ipynb")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	nb, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	text := func(i int) string {
		var b strings.Builder
		for _, o := range nb.Cells[i].Outputs {
			b.WriteString(o["name"].(string) + ": " + joinText(o["text"]))
		}
		return b.String()
	}
	if got := text(1); got != "stdout: same cell\n" {
		t.Errorf("closing cell: %q", got)
	}
	fd, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text(2), "stdout: ")))
	if err != nil || fd <= 2 {
		t.Errorf("new file: %q, want a descriptor above 2", text(2))
	}
	if got := text(3); got != "stdout: println\nos.Stdout\nstderr: os.Stderr\n" {
		t.Errorf("later cell: %q", got)
	}
}

// A cell that closes os.Stdin closes its own file: the line editor keeps reading the terminal.
func TestGosnnREPLStdinClose(t *testing.T) {
	m := startGosnn(t, "")
	m.line(`import "os"`)
	m.waitPrompt()
	m.line(`os.Stdin.Close()`)
	m.waitPrompt()
	m.line(`40 + 2`)
	m.waitFor(`(?m)^42$`)
}
