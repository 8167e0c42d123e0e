package repl

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/notebooks"
)

var (
	binOnce sync.Once
	binDir  string
	binErr  error
	binOut  []byte
)

// fakeBinary builds repl/internal/fakegosnn (the REPL and runner over the fake evaluator)
// once per test run and returns its path.
func fakeBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "gosnn-repl-test")
		if binErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, "fakegosnn"), "./internal/fakegosnn")
		binOut, binErr = cmd.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("build fakegosnn: %v\n%s", binErr, binOut)
	}
	return filepath.Join(binDir, "fakegosnn")
}

func TestMain(m *testing.M) {
	code := testskip.Run(m)
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// runBinary runs bin with args in dir and returns its exit status, stdout and stderr.
func runBinary(t *testing.T, dir, bin string, args ...string) (int, string, string) {
	t.Helper()
	return runBinaryEnv(t, dir, bin, nil, args...)
}

// runBinaryEnv is runBinary with env added to the test's environment.
func runBinaryEnv(t *testing.T, dir, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errw.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errw.String()
}

func writeNotebook(t *testing.T, path string, cells ...string) {
	t.Helper()
	nb := notebookOf(cells...)
	if err := nb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
}

func TestRunCommandNotebook(t *testing.T) {
	bin := fakeBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	writeNotebook(t, in, "markdown:# Hi", "code:print hello", "code:image\nsvg")
	// Flags after the file, in both spellings.
	code, stdout, stderr := runBinary(t, dir, bin, "run", in, "-o", "out.ipynb", "--figures", "figs")
	if code != 0 || stdout != "" || !progressPattern.MatchString(stderr) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "[2/2] cell 3: ") || !strings.HasSuffix(stderr, " 2 figures -> figs\n") {
		t.Errorf("stderr %q: want the cells counted and the figures reported", stderr)
	}
	nb, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if o := nb.Cells[1].Outputs; len(o) != 1 || joinText(o[0]["text"]) != "hello\n" {
		t.Errorf("outputs of cell 2: %v", nb.Cells[1].Outputs)
	}
	for _, f := range []string{"in-cell3-1.png", "in-cell3-2.svg"} {
		if _, err := os.Stat(filepath.Join(dir, "figs", f)); err != nil {
			t.Error(err)
		}
	}
	validateNotebook(t, filepath.Join(dir, "out.ipynb"))

	// Without -o the output is printed and nothing is written; -q silences the progress.
	code, stdout, stderr = runBinary(t, dir, bin, "run", in, "-q")
	if code != 0 || stdout != "hello\n<image/svg+xml>\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestRunCommandFailingCell(t *testing.T) {
	bin := fakeBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	writeNotebook(t, in, "markdown:intro", "code:print ok", "code:panic boom", "code:print never")
	code, _, stderr := runBinary(t, dir, bin, "run", "-o", "out.ipynb", in)
	if code != 1 || !strings.HasSuffix(stderr, "gosnn: cell 3: panic: boom\n") {
		t.Errorf("exit %d, stderr %q; want 1 and the cell named", code, stderr)
	}
	nb, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatalf("partial notebook not written: %v", err)
	}
	if o := nb.Cells[2].Outputs; len(o) != 1 || o[0]["output_type"] != "error" {
		t.Errorf("failing cell outputs %v", o)
	}
	validateNotebook(t, filepath.Join(dir, "out.ipynb"))
}

func TestRunCommandErrors(t *testing.T) {
	bin := fakeBinary(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.ipynb"), []byte(`{"nbformat": 3, "nbformat_minor": 0}`), 0o644)
	os.WriteFile(filepath.Join(dir, "ok.go"), []byte("package main\n\nfunc main() {\nprint in main\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "cells.go"), []byte("x := 4\nprint script\nx\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "fail.go"), []byte("print a\npanic oops\n"), 0o644)
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"corrupt notebook", []string{"run", "bad.ipynb"}, 1, "", "gosnn: notebooks: notebook bad.ipynb: nbformat 3 is not supported"},
		{"missing file", []string{"run", "nothere.ipynb"}, 1, "", "nothere.ipynb: no such file"},
		{"no file", []string{"run"}, 2, "", "usage: gosnn run"},
		{"two files", []string{"run", "a.ipynb", "b.ipynb"}, 2, "", "usage: gosnn run"},
		{"unknown type", []string{"run", "x.txt"}, 2, "", "want a notebook (.ipynb) or a Go script (.go)"},
		{"bad flag", []string{"run", "-x", "ok.go"}, 2, "", "flag provided but not defined"},
		{"-o with script", []string{"run", "ok.go", "-o", "x.ipynb"}, 2, "", "-o applies to notebooks only"},
		{"-p with script", []string{"run", "ok.go", "-p", "n=1"}, 2, "", "-p applies to notebooks only"},
		{"bad parameter", []string{"run", "ok.go", "-p", "n"}, 2, "", `invalid value "n" for flag -p: parameter "n": want name=value`},
		{"bad figure format", []string{"run", "ok.go", "--figure-format", "png,gif"}, 2, "", `unknown figure format "gif"`},
		{"program", []string{"run", "ok.go"}, 0, "in main\n", ""},
		{"cell script", []string{"run", "cells.go"}, 0, "script\n4\n", ""},
		{"failing script", []string{"run", "fail.go"}, 1, "a\n", "gosnn: fail.go: panic: oops\n"},
		{"repl with argument", []string{"repl", "file.go"}, 2, "", "repl takes no arguments"},
		{"bad image mode", []string{"-images", "png"}, 2, "", `unknown image mode "png"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBinary(t, dir, bin, tt.args...)
			if code != tt.code || stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}

func TestReplPiped(t *testing.T) {
	bin := fakeBinary(t)
	cmd := exec.Command(bin, "-q", "-history", "off")
	cmd.Stdin = strings.NewReader("x := 5\nfunc f() {\nprint in f\n}\nf()\nx\n:doc Println\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"in f\n", "5\n", "func Println"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// joinText joins a multiline string read from a notebook (a string or a list of strings).
func joinText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var b strings.Builder
		for _, p := range x {
			s, _ := p.(string)
			b.WriteString(s)
		}
		return b.String()
	}
	return ""
}

func TestRunCommandInterrupt(t *testing.T) {
	bin := fakeBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	writeNotebook(t, in, "code:x := 1", "code:sleep", "code:print never")
	cmd := exec.Command(bin, "run", in)
	var errw bytes.Buffer
	cmd.Stderr = &errw
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The sleeping cell shows "running" (echoed without -o) once it has started.
	buf := make([]byte, 64)
	var got []byte
	for !bytes.Contains(got, []byte("running\n")) {
		n, err := stdout.Read(buf)
		if err != nil {
			t.Fatalf("stdout ended before the cell started: %q, %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.HasSuffix(errw.String(), "gosnn: cell 2: Interrupted: interrupted\n") {
		t.Errorf("exit %v, stderr %q; want 1 and cell 2 interrupted", err, errw.String())
	}
}

// TestRunCommandBoundedInputs runs gosnn run on inputs that never end or are not files
// (issue 13: a notebook linked to /dev/zero was read until the OOM killer struck): each
// fails at once with an error that says why.
func TestRunCommandBoundedInputs(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	bin := fakeBinary(t)
	dir := t.TempDir()
	for _, name := range []string{"zero.ipynb", "zero.go"} {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.ipynb"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{"zero.ipynb", "gosnn: notebooks: zero.ipynb is a device, not one of the notebooks"},
		{"zero.go", "gosnn: zero.go is a device, not one of the scripts"},
		{"dir.ipynb", "gosnn: notebooks: dir.ipynb is a directory, not one of the notebooks"},
	} {
		code, stdout, stderr := runBinary(t, dir, bin, "run", tt.file)
		if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("run %s: exit %d, stdout %q, stderr %q; want 1 and %q", tt.file, code, stdout, stderr, tt.want)
		}
	}
}

// TestReadBounded checks the size limit of readBounded, also on a stream that does not say
// its size (a pipe).
func TestReadBounded(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.go")
	big := filepath.Join(dir, "big.go")
	os.WriteFile(small, make([]byte, 1<<20), 0o644)
	os.WriteFile(big, make([]byte, 1<<20+1), 0o644)
	if b, err := readBounded(small, 1<<20, "scripts"); err != nil || len(b) != 1<<20 {
		t.Errorf("file at the limit: %d bytes, %v", len(b), err)
	}
	if _, err := readBounded(big, 1<<20, "scripts"); err == nil || err.Error() != big+" is larger than the 1-MiB limit for scripts" {
		t.Errorf("file over the limit: %v", err)
	}
	fifo := filepath.Join(dir, "pipe.go")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no named pipes: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		buf := make([]byte, 1<<16)
		for {
			if _, err := f.Write(buf); err != nil {
				return // the reader gave up: broken pipe
			}
		}
	}()
	if _, err := readBounded(fifo, 1<<20, "scripts"); err == nil || !strings.Contains(err.Error(), "larger than the 1-MiB limit") {
		t.Errorf("endless pipe: %v", err)
	}
}
