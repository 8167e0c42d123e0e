package repl

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gosnn/gosnn/notebooks"
	"github.com/gosnn/gosnn/session"
)

// End-to-end tests of the real gosnn binary (the Yaegi session): built once per test run.

var (
	gosnnOnce sync.Once
	gosnnBin  string
	gosnnErr  error
	gosnnOut  []byte
)

func gosnnBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the gosnn binary; skipped with -short")
	}
	bin := fakeBinary(t) // makes binDir
	gosnnOnce.Do(func() {
		gosnnBin = filepath.Join(filepath.Dir(bin), "gosnn")
		gosnnOut, gosnnErr = exec.Command("go", "build", "-o", gosnnBin, "../cmd/gosnn").CombinedOutput()
	})
	if gosnnErr != nil {
		t.Fatalf("build gosnn: %v\n%s", gosnnErr, gosnnOut)
	}
	return gosnnBin
}

// sessionCan reports whether the real session runs code without error (a probe for
// features other parts of gosnn add over time).
func sessionCan(t *testing.T, code string) bool {
	t.Helper()
	s, err := session.New(session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Execute(context.Background(), code, nil)
	return err == nil
}

func startGosnn(t *testing.T, hist string) *tmuxTerm {
	t.Helper()
	needTmux(t)
	bin := gosnnBinary(t)
	if hist == "" {
		hist = "off"
	}
	m := startTmux(t, replCommand(bin, "repl", "-history", hist, "-figures", t.TempDir()))
	m.waitPrompt()
	return m
}

func TestGosnnTerminal(t *testing.T) {
	m := startGosnn(t, "")
	m.line(`import "fmt"`)
	m.waitPrompt()
	m.line("func greet(name string) string {")
	m.waitFor(`(?m)^  \.\.\.>`)
	m.line(`return "hi " + name`)
	m.line("}")
	m.waitPrompt()
	m.line(`greet("bob")`)
	m.waitFor(`(?m)^"hi bob"$`)
	m.line(`fmt.Println("printed", 6*7)`)
	m.waitFor(`(?m)^printed 42$`)
	m.line("x := 7")
	m.waitPrompt()
	// Ctrl-C must reach the terminal once the cell runs: a ^C typed while the line editor
	// still has the terminal in raw mode is queued as input instead of raising SIGINT.
	m.line(`fmt.Println("looping"); for { x = x + 0 }`)
	m.waitFor(`(?m)^looping\z`)
	m.interrupt(`Interrupted`)
	m.waitPrompt()
	m.line("x * 6")
	m.waitFor(`(?m)^42$`)
	m.line("undefinedName + 1")
	m.waitFor(`undefined: undefinedName`)
	m.line(`import ("image"; "github.com/gosnn/gosnn/display")`)
	m.waitPrompt()
	m.line("_ = display.Image(image.NewGray(image.Rect(0, 0, 8, 8)))")
	s := m.waitFor(`\[figure: [^\]]+fig-001\.png\]`)
	path := regexp.MustCompile(`\[figure: ([^\]]+)\]`).FindStringSubmatch(s)[1]
	if data, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("figure %s: %v", path, err)
	}
	m.line(`name, _ := display.Input("Your name? ")`)
	m.waitFor(`(?m)^Your name\?\z`)
	m.line("Ada")
	m.waitPrompt()
	m.line("name")
	m.waitFor(`(?m)^"Ada"$`)
	lib := filepath.Join(t.TempDir(), "lib.go")
	os.WriteFile(lib, []byte("package main\n\nfunc triple(n int) int { return 3 * n }\n"), 0o644)
	m.line(":load " + lib)
	m.waitPrompt()
	m.line("triple(x)")
	m.waitFor(`(?m)^21$`)
	m.keys("C-d")
	m.waitFor(`EXIT=0`)
}

func TestGosnnHistory(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	m := startGosnn(t, hist)
	m.line(`y := "from the first run"`)
	m.waitPrompt()
	m.keys("C-d")
	m.waitFor(`EXIT=0`)
	m = startGosnn(t, hist)
	m.keys("Up")
	m.waitFor(`(?m)^gosnn> y := "from the first run"$`)
	m.keys("Enter")
	m.waitPrompt()
	m.line("y")
	m.waitFor(`(?m)^"from the first run"$`)
}

func TestGosnnCompletion(t *testing.T) {
	s, err := session.New(session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	matches, _, _ := s.Complete(`fmt.Prin`, len(`fmt.Prin`))
	s.Close()
	if len(matches) == 0 {
		t.Skip("the session does not complete fmt.Prin yet (session.Complete returns nothing)")
	}
	m := startGosnn(t, "")
	m.line(`import "fmt"`)
	m.waitPrompt()
	m.text("fmt.Prin")
	m.keys("Tab", "Tab")
	m.waitFor(`Printf\s+Println`)
}

func TestGosnnInterruptSimulation(t *testing.T) {
	if !sessionCan(t, `import "github.com/gosnn/gosnn/snn"`+"\n"+`_ = snn.DefaultConfig()`) {
		t.Skip("package snn is not in the interpreter's symbol tables yet")
	}
	m := startGosnn(t, "")
	m.line(`import "github.com/gosnn/gosnn/snn"`)
	m.waitPrompt()
	m.line(`before := "defined before the run"`)
	m.waitPrompt()
	m.line("net, err := snn.New(snn.DefaultConfig())")
	m.waitPrompt()
	m.line("err")
	m.waitFor(`(?m)^<nil>$`)
	m.line("net.Run(1e7)")       // hours of simulated time
	m.waitFor(`snn run running`) // the progress line: the run has started
	m.interrupt(`(?i)interrupt`)
	m.waitPrompt()
	m.line("before")
	m.waitFor(`(?m)^"defined before the run"$`)
}

func TestGosnnRunNotebook(t *testing.T) {
	bin := gosnnBinary(t)
	dir := t.TempDir()
	nb := notebookOf(
		"markdown:# End to end",
		"code:import \"fmt\"\nfmt.Println(\"hello\")\nfmt.Println(\"world\")",
		"code:x := 21\nx * 2",
		"code:import (\n\t\"image\"\n\t\"image/color\"\n\t\"github.com/gosnn/gosnn/display\"\n)\nimg := image.NewRGBA(image.Rect(0, 0, 4, 4))\nimg.Set(1, 1, color.RGBA{255, 0, 0, 255})\n_ = display.Image(img)",
		"code:var m map[string]int\nm[\"a\"] = 1",
		"code:fmt.Println(\"never\")",
	)
	in := filepath.Join(dir, "in.ipynb")
	if err := nb.WriteFile(in); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runBinary(t, dir, bin, "run", in, "-o", "out.ipynb", "-figures", "figs")
	if code != 1 || !strings.Contains(stderr, "gosnn: cell 5: panic: ") || !strings.Contains(stderr, "nil map") {
		t.Errorf("exit %d, stderr %q; want 1 naming cell 5", code, stderr)
	}
	out, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	c := out.Cells
	if o := c[1].Outputs; len(o) != 1 || joinText(o[0]["text"]) != "hello\nworld\n" {
		t.Errorf("cell 2 outputs %v", o)
	}
	if o := c[2].Outputs; len(o) != 1 || o[0]["output_type"] != "execute_result" {
		t.Errorf("cell 3 outputs %v", o)
	}
	if o := c[3].Outputs; len(o) < 1 || o[0]["output_type"] != "display_data" {
		t.Errorf("cell 4 outputs %v", o)
	}
	if _, err := os.Stat(filepath.Join(dir, "figs", "in-cell4-1.png")); err != nil {
		t.Error(err)
	}
	if c[5].ExecutionCount != nil {
		t.Error("the cell after the failure ran")
	}
	validateNotebook(t, filepath.Join(dir, "out.ipynb"))

	script := filepath.Join(dir, "prog.go")
	os.WriteFile(script, []byte("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"main ran\")\n}\n"), 0o644)
	code, stdout, stderr := runBinary(t, dir, bin, "run", script)
	if code != 0 || stdout != "main ran\n" {
		t.Errorf("script: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestGosnnRunSeesEnvironment runs a notebook and a script whose data is reachable only
// through GOSNN_DATA, set on the gosnn process (issue #14: cells read the environment).
func TestGosnnRunSeesEnvironment(t *testing.T) {
	bin := gosnnBinary(t)
	dir, data := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "weights.txt"), []byte("found the weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	cell := "import (\"fmt\"; \"os\"; \"path/filepath\")\n" +
		"b, err := os.ReadFile(filepath.Join(os.Getenv(\"GOSNN_DATA\"), \"weights.txt\"))\n" +
		"if err != nil { panic(err) }\n" +
		"fmt.Println(string(b))"
	in := filepath.Join(dir, "in.ipynb")
	if err := notebookOf("code:" + cell).WriteFile(in); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "prog.go")
	prog := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"path/filepath\"\n)\n\nfunc main() {\n" +
		"\tb, err := os.ReadFile(filepath.Join(os.Getenv(\"GOSNN_DATA\"), \"weights.txt\"))\n" +
		"\tif err != nil {\n\t\tpanic(err)\n\t}\n\tfmt.Println(string(b))\n}\n"
	if err := os.WriteFile(script, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		return runBinaryEnv(t, dir, bin, []string{"GOSNN_DATA=" + data}, args...)
	}
	code, _, stderr := run("run", in, "-o", "out.ipynb")
	if code != 0 {
		t.Fatalf("notebook: exit %d, stderr %q", code, stderr)
	}
	out, err := notebooks.ReadNotebookFile(filepath.Join(dir, "out.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if o := out.Cells[0].Outputs; len(o) != 1 || joinText(o[0]["text"]) != "found the weights\n" {
		t.Errorf("notebook cell outputs %v", o)
	}
	code, stdout, stderr := run("run", script)
	if code != 0 || stdout != "found the weights\n" {
		t.Errorf("script: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestGosnnTerminalEnvironment types, in the real REPL, cells that need no import and find
// a file only through GOSNN_DATA, set on the REPL's process (issue #14).
func TestGosnnTerminalEnvironment(t *testing.T) {
	needTmux(t)
	bin := gosnnBinary(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "weights.txt"), []byte("found the weights"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := startTmux(t, "GOSNN_DATA="+shellQuote(data)+" "+replCommand(bin, "repl", "-history", "off", "-figures", t.TempDir()))
	m.waitPrompt()
	m.line(`b, err := os.ReadFile(filepath.Join(os.Getenv("GOSNN_DATA"), "weights.txt"))`)
	m.waitPrompt()
	m.line("string(b)")
	m.waitFor(`(?m)^"found the weights"$`)
	m.line("snn.DefaultConfig().NE")
	m.waitFor(`(?m)^2400$`)
	m.line("rand.Intn(2)")
	m.waitFor(`undefined: rand\s+hint: add import "math/rand"`)
}

// TestGosnnLoadNotebook loads a notebook in the real REPL (issue #14: the tutorials run
// through :load): its cells run in order in a fresh session, a figure is written, and what a
// cell prints after a run with a progress line starts on a line of its own.
func TestGosnnLoadNotebook(t *testing.T) {
	if !sessionCan(t, `import "github.com/gosnn/gosnn/snn"`+"\n"+`_ = snn.DefaultConfig()`) {
		t.Skip("package snn is not in the interpreter's symbol tables yet")
	}
	dir := t.TempDir()
	nb := notebookOf(
		"markdown:# Loaded",
		"code:net, err := snn.New(snn.DefaultConfig())\nif err != nil {\n\tpanic(err)\n}",
		// Long enough for the progress line to appear (runs under 0.5 s show none), short enough
		// for the 20-s wait of a loaded machine (5 s of network took 20 s under load).
		"code:err = net.Run(2000)\nfmt.Println(\"after the run\")\nerr == nil",
		"code:import (\n\t\"image\"\n\t\"github.com/gosnn/gosnn/display\"\n)\n_ = display.Image(image.NewGray(image.Rect(0, 0, 8, 8)))",
	)
	path := filepath.Join(dir, "walk.ipynb")
	if err := nb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m := startGosnn(t, "")
	m.line(`before := 1`)
	m.waitPrompt()
	m.line(":load " + path)
	m.waitFor(`\[figure: [^\]]+fig-001\.png\]`)
	m.waitPrompt()
	s := m.screen()
	for _, re := range []string{`(?m)^\[1/3\] cell 2 of walk\.ipynb$`, `(?m)^\[3/3\] cell 4 of walk\.ipynb$`,
		`snn run done`, `(?m)^after the run$`, `(?m)^true$`} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("screen lacks %s:\n%s", re, s)
		}
	}
	m.line("before")
	m.waitFor(`undefined: before`)
}
