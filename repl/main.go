package repl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/gosnn/gosnn/notebooks"
)

// Main is the "gosnn repl" command: it parses args (flags only), starts a REPL over the
// evaluators made by newEvaluator and returns the exit status.
//
// Flags: -images auto|kitty|iterm|sixel|off (default $GOSNN_IMAGES or auto), -figures DIR
// (default gosnn-figures), -history FILE (default DefaultHistoryFile; "off" keeps none).
func Main(args []string, newEvaluator func() (Evaluator, error)) int {
	fs := flag.NewFlagSet("gosnn repl", flag.ContinueOnError)
	images := fs.String("images", envOr("GOSNN_IMAGES", "auto"), "inline images: auto, kitty, iterm, sixel or off")
	figures := fs.String("figures", "gosnn-figures", "directory where figures are written")
	hist := fs.String("history", DefaultHistoryFile(os.Getenv), `history file ("off" keeps no history)`)
	quiet := fs.Bool("q", false, "do not print the banner")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gosnn repl [flags]   (gosnn alone starts it with the defaults)\n\nThe interactive Go session with the snn simulator. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gosnn: repl takes no arguments (got %q); to run a file use 'gosnn run FILE'\n", fs.Arg(0))
		return 2
	}
	mode, err := ParseImageMode(*images)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosnn: %v\n", err)
		return 2
	}
	if mode == ImageAuto {
		mode = DetectImageMode(os.Getenv)
	}
	if *hist == "off" {
		*hist = ""
	}
	out := original(os.Stdout)
	cfg := Config{
		NewEvaluator: newEvaluator, HistoryFile: *hist, Images: mode, FiguresDir: *figures,
		Stdout: out, Stderr: os.Stderr, Terminal: isTerminal(out),
		Width: func() int { return terminalWidth(out) },
	}
	if !*quiet {
		cfg.Banner = "gosnn: Go with the snn simulator. :help for help, Ctrl-D to exit."
	}
	r, err := New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosnn: %v\n", err)
		return 1
	}
	defer r.close()
	if err := r.Run(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "gosnn: %v\n", err)
		return 1
	}
	return 0
}

func (r *REPL) close() {
	if c, ok := r.ev.(io.Closer); ok {
		c.Close()
	}
}

// RunMain is the "gosnn run" command: gosnn run FILE.ipynb [-o OUT.ipynb] [-figures DIR]
// [-figure-format png,svg,pdf] [-p name=value ...] [-q] executes a notebook (and writes it
// with outputs when -o is given; without -o the output is printed on stdout); gosnn run
// FILE.go runs a Go script. Flags may come before or after FILE. Each -p sets a parameter
// (InjectParameters). A line per cell and a final "done: ..." line go to stderr (-q: none).
// Figures are written to DIR as <stem>-cell<N>-<k>.<format> for a notebook and
// <stem>-NNN.<format> for a script, stem being the file name without its extension. The exit
// status is 1 at the first failing cell, with "gosnn: cell N: ename: evalue" on stderr and
// the partial notebook still written, and 2 for bad usage (an unknown format, a malformed
// parameter or one the parameters cell does not declare, -o or -p with a script).
func RunMain(args []string, newEvaluator func() (Evaluator, error)) int {
	fs := flag.NewFlagSet("gosnn run", flag.ContinueOnError)
	outPath := fs.String("o", "", "write the executed notebook to `OUT.ipynb`")
	figures := fs.String("figures", "", "write each figure to `DIR`/<notebook>-cell<N>-<k>.png (scripts: DIR/<script>-NNN.png)")
	formatList := fs.String("figure-format", "png", "write each figure in these `formats` (comma-separated: png, svg, pdf, eps, jpg, tif)")
	quiet := fs.Bool("q", false, "print no progress on stderr")
	var params []Parameter
	fs.Func("p", "set a notebook parameter, `name=value` (repeatable; typed int, float, bool, duration such as 250ms, else string)", func(s string) error {
		p, err := ParseParameter(s)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), "repl: "))
		}
		params = append(params, p)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gosnn run FILE.ipynb [-o OUT.ipynb] [-figures DIR] [-figure-format png,svg,pdf] [-p name=value ...] [-q]\n       gosnn run FILE.go [-figures DIR] [-figure-format png,svg,pdf]\n\nflags:")
		fs.PrintDefaults()
	}
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	formats, err := ParseFigureFormats(*formatList)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gosnn: %s\n", strings.TrimPrefix(err.Error(), "repl: "))
		return 2
	}
	file := files[0]
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	stdout, stderr := original(os.Stdout), original(os.Stderr) // before a session redirects them
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch strings.ToLower(filepath.Ext(file)) {
	case ".ipynb":
		opts := RunOptions{FiguresDir: *figures, Name: stem, FigureFormats: formats}
		if !*quiet {
			// Live lines only when the cells' output does not go to the same terminal.
			opts.Progress = stderr
			opts.ProgressTerminal = isTerminal(stderr) && (*outPath != "" || !isTerminal(stdout))
			opts.ProgressWidth = func() int { return terminalWidth(stderr) }
		}
		return runNotebookFile(ctx, newEvaluator, stdout, stderr, file, *outPath, params, opts)
	case ".go":
		if *outPath != "" {
			fmt.Fprintln(os.Stderr, "gosnn: -o applies to notebooks only")
			return 2
		}
		if len(params) > 0 {
			fmt.Fprintln(os.Stderr, "gosnn: -p applies to notebooks only (a script reads its settings itself, from os.Getenv or os.Args)")
			return 2
		}
		return runScriptFile(ctx, newEvaluator, stdout, stderr, file, TermOptions{FiguresDir: *figures, FigurePrefix: stem, FigureFormats: formats})
	}
	fmt.Fprintf(os.Stderr, "gosnn: run %s: want a notebook (.ipynb) or a Go script (.go)\n", file)
	return 2
}

// openEvaluator returns a new evaluator and the function that releases it, or reports the
// error on stderr and returns a nil evaluator.
func openEvaluator(newEvaluator func() (Evaluator, error), stderr io.Writer) (Evaluator, func()) {
	ev, err := newEvaluator()
	if err != nil {
		fmt.Fprintf(stderr, "gosnn: %v\n", err)
		return nil, nil
	}
	if c, ok := ev.(io.Closer); ok {
		return ev, func() { c.Close() }
	}
	return ev, func() {}
}

func runNotebookFile(ctx context.Context, newEvaluator func() (Evaluator, error), stdout, stderr io.Writer, file, outPath string, params []Parameter, opts RunOptions) int {
	nb, err := notebooks.ReadNotebookFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn: %v\n", err)
		return 1
	}
	warning, err := InjectParameters(nb, params)
	if err != nil {
		fmt.Fprintf(stderr, "gosnn: %s: %s\n", file, strings.TrimPrefix(err.Error(), "repl: "))
		return 2
	}
	if warning != "" {
		fmt.Fprintf(stderr, "gosnn: %s: warning: %s\n", file, warning)
	}
	ev, release := openEvaluator(newEvaluator, stderr)
	if ev == nil {
		return 1
	}
	defer release()
	if outPath == "" {
		opts.Echo = stdout
	}
	runErr := RunNotebook(ctx, ev, nb, opts)
	status := 0
	if outPath != "" {
		if err := nb.WriteFile(outPath); err != nil {
			fmt.Fprintf(stderr, "gosnn: %v\n", err)
			status = 1
		}
	}
	var ce *CellError
	switch {
	case errors.As(runErr, &ce):
		printTraceback(stderr, ce.Traceback, ce.EValue)
		fmt.Fprintf(stderr, "gosnn: %v\n", ce)
		return 1
	case runErr != nil:
		fmt.Fprintf(stderr, "gosnn: %s: %v\n", file, runErr)
		return 1
	}
	return status
}

func runScriptFile(ctx context.Context, newEvaluator func() (Evaluator, error), out, stderr io.Writer, file string, topts TermOptions) int {
	src, err := readBounded(file, MaxScriptBytes, "scripts")
	if err != nil {
		fmt.Fprintf(stderr, "gosnn: %v\n", err)
		return 1
	}
	ev, release := openEvaluator(newEvaluator, stderr)
	if ev == nil {
		return 1
	}
	defer release()
	if topts.FiguresDir == "" {
		topts.FiguresDir = "gosnn-figures"
	}
	topts.Stdout, topts.Stderr, topts.Terminal, topts.Images = out, stderr, isTerminal(out), ImageOff
	sink := NewTermSink(topts)
	err = RunScript(ctx, ev, string(src), sink)
	sink.Flush()
	var se *ScriptError
	if errors.As(err, &se) {
		printTraceback(stderr, se.Traceback, se.EValue)
		fmt.Fprintf(stderr, "gosnn: %s: %v\n", file, se)
		return 1
	}
	return 0
}

// printTraceback prints a traceback to w unless it only repeats evalue.
func printTraceback(w io.Writer, tb []string, evalue string) {
	if len(tb) == 0 || (len(tb) == 1 && tb[0] == evalue) {
		return
	}
	for _, l := range tb {
		fmt.Fprintln(w, l)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// isTerminal reports whether w is a character device other than /dev/null.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}
