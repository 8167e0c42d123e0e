package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/notebooks"
	"github.com/peterh/liner"
)

// Prompts of the REPL.
const (
	PromptFirst    = "gosnn> "
	PromptContinue = "  ...> "
)

const helpText = `Enter Go code: declarations, statements or an expression (its value is shown).
A cell continues over several lines until it is complete (balanced braces);
Ctrl-C clears the input, or interrupts a running cell (state is kept); Ctrl-D exits.
Tab completes; Up and Down walk the history; Ctrl-R searches it.

Commands:
  :help          this text
  :doc NAME      documentation of NAME (a package, function, type or variable)
  :load FILE     run a Go file in the session (a package clause is dropped), or the
                 code cells of a notebook (FILE.ipynb) in order in a fresh session (as
                 Jupyter does), stopping at an error; its variables stay afterwards
  :reset         start a fresh session (all variables are lost)
  :quit          exit (as Ctrl-D)
`

// Config configures a REPL.
type Config struct {
	// NewEvaluator creates the interpreter session; it is called at start and by :reset.
	NewEvaluator func() (Evaluator, error)
	// HistoryFile is where input lines persist between runs ("" keeps no history).
	HistoryFile string
	// Images and FiguresDir are passed to the TermSink (see TermOptions).
	Images     ImageMode
	FiguresDir string
	// Stdout and Stderr receive cell output and messages (os.Stdout and os.Stderr when
	// nil). Line editing itself always uses the process's terminal.
	Stdout, Stderr io.Writer
	// Terminal says that Stdout is a terminal (live progress lines are redrawn in place).
	Terminal bool
	// Width returns the terminal's width in columns, 0 if unknown (see TermOptions).
	Width func() int
	// Banner is printed once at start when not empty.
	Banner string
}

// lineReader is the line editor: liner in production, a script in tests.
type lineReader interface {
	PromptWithSuggestion(prompt, text string, pos int) (string, error)
	AppendHistory(item string)
}

// errAborted is returned by a lineReader when the user pressed Ctrl-C at the prompt.
var errAborted = liner.ErrPromptAborted

// REPL is the read-eval-print loop over an Evaluator.
type REPL struct {
	cfg         Config
	ev          Evaluator
	sink        *TermSink
	out, errw   io.Writer
	lr          lineReader
	interactive bool
	hist        *history

	pending string // lines of the cell being entered, before the current line

	mu      sync.Mutex
	cancel  context.CancelFunc // of the running cell, nil at the prompt
	nsig    int                // interrupts received during the running cell
	onForce func()             // called on the third interrupt of one cell
}

// New creates a REPL and its evaluator.
func New(cfg Config) (*REPL, error) {
	if cfg.NewEvaluator == nil {
		return nil, errors.New("repl: Config.NewEvaluator is nil")
	}
	ev, err := cfg.NewEvaluator()
	if err != nil {
		return nil, err
	}
	r := &REPL{cfg: cfg, ev: ev, out: cfg.Stdout, errw: cfg.Stderr}
	if r.out == nil {
		r.out = os.Stdout
	}
	if r.errw == nil {
		r.errw = os.Stderr
	}
	r.sink = NewTermSink(TermOptions{
		Stdout: r.out, Stderr: r.errw, Terminal: cfg.Terminal, Images: cfg.Images,
		FiguresDir: cfg.FiguresDir, Input: r.input, Width: cfg.Width,
	})
	r.onForce = func() {
		fmt.Fprintln(r.errw, "\ngosnn: the cell does not stop; exiting")
		os.Exit(130)
	}
	return r, nil
}

// Run reads cells from the terminal until Ctrl-D or :quit. SIGINT interrupts the running
// cell and is ignored at other times (at the prompt, Ctrl-C clears the line instead).
func (r *REPL) Run(ctx context.Context) error {
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(r.complete)
	r.lr = &linerReader{State: ln}
	r.onForce = func() {
		fmt.Fprintln(r.errw, "\ngosnn: the cell does not stop; exiting")
		ln.Close() // give the terminal back its mode
		os.Exit(130)
	}
	r.interactive = true
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		r.interactive = false
	}
	if r.cfg.HistoryFile != "" {
		r.hist = &history{path: r.cfg.HistoryFile}
		if err := r.hist.load(ln); err != nil {
			fmt.Fprintln(r.errw, err)
		}
	}
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-sigc:
				r.interrupt()
			case <-done:
				return
			}
		}
	}()
	if r.cfg.Banner != "" {
		fmt.Fprintln(r.out, r.cfg.Banner)
	}
	return r.loop(ctx)
}

// interrupt cancels the running cell; the third interrupt of one cell exits the process.
func (r *REPL) interrupt() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.nsig++
	if r.nsig >= 3 && r.onForce != nil {
		r.onForce()
	}
}

// loop reads and runs cells until EOF or :quit.
func (r *REPL) loop(ctx context.Context) error {
	var buf strings.Builder
	indent := ""
	for {
		prompt := PromptFirst
		if buf.Len() > 0 {
			prompt = PromptContinue
		}
		r.pending = buf.String()
		line, err := r.lr.PromptWithSuggestion(prompt, indent, -1)
		switch {
		case errors.Is(err, errAborted):
			buf.Reset()
			indent = ""
			continue
		case errors.Is(err, io.EOF):
			if buf.Len() > 0 && r.interactive {
				fmt.Fprintln(r.out, "\n(input discarded)")
				buf.Reset()
				indent = ""
				continue
			}
			if buf.Len() > 0 {
				r.execute(ctx, buf.String())
			}
			fmt.Fprintln(r.out)
			return nil
		case err != nil:
			return fmt.Errorf("repl: read input: %w", err)
		}
		if strings.TrimSpace(line) != "" {
			r.lr.AppendHistory(line)
			r.saveHistory()
		}
		if buf.Len() == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if cmd := strings.TrimSpace(line); strings.HasPrefix(cmd, ":") {
				if quit := r.command(ctx, cmd); quit {
					return nil
				}
				continue
			}
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
		status, ind := r.ev.IsComplete(buf.String())
		if status == "incomplete" {
			// liner draws a tab as one cell: indent with spaces.
			indent = strings.ReplaceAll(ind, "\t", "    ")
			continue
		}
		r.execute(ctx, buf.String())
		buf.Reset()
		indent = ""
	}
}

// reset replaces the session by a fresh one; it reports whether it could.
func (r *REPL) reset() bool {
	ev, err := r.cfg.NewEvaluator()
	if err != nil {
		fmt.Fprintf(r.errw, "repl: reset: %v\n", err)
		return false
	}
	if c, ok := r.ev.(io.Closer); ok {
		c.Close()
	}
	r.ev = ev
	return true
}

// loadNotebook runs the non-empty code cells of the notebook at path in order in a fresh
// session, as Jupyter runs a notebook in a new kernel (a notebook's names and types would
// otherwise meet those of earlier cells), as cells typed at the prompt (figures go to the
// figures directory), with a line on stderr before each. It stops at the first cell that
// fails or is interrupted and says which. The session stays for further cells.
func (r *REPL) loadNotebook(ctx context.Context, path string) {
	nb, err := notebooks.ReadNotebookFile(path)
	if err != nil {
		fmt.Fprintln(r.errw, err)
		return
	}
	if !r.reset() {
		return
	}
	fmt.Fprintf(r.errw, "session reset: running %s in a fresh session\n", filepath.Base(path))
	var cells []int
	for i, c := range nb.Cells {
		if c.Type == "code" && strings.TrimSpace(c.Source) != "" {
			cells = append(cells, i)
		}
	}
	for k, i := range cells {
		fmt.Fprintf(r.errw, "[%d/%d] cell %d of %s\n", k+1, len(cells), i+1, filepath.Base(path))
		if !r.execute(ctx, nb.Cells[i].Source) {
			left := "s"
			if len(cells)-k-1 == 1 {
				left = ""
			}
			fmt.Fprintf(r.errw, "repl: %s: stopped at cell %d; %d code cell%s not run\n", path, i+1, len(cells)-k-1, left)
			return
		}
	}
}

// execute runs one cell, with SIGINT cancelling it, and prints its result or error; it
// reports whether the cell succeeded.
func (r *REPL) execute(parent context.Context, code string) bool {
	ctx, cancel := context.WithCancel(parent)
	r.mu.Lock()
	r.cancel, r.nsig = cancel, 0
	r.mu.Unlock()
	res, err := r.ev.Execute(ctx, code, r.sink)
	r.mu.Lock()
	r.cancel = nil
	r.mu.Unlock()
	cancel()
	r.sink.Flush()
	if err != nil {
		r.printError(err)
		return false
	}
	if res != nil {
		r.sink.Show(*res)
		r.sink.Flush()
	}
	return true
}

// printError prints the traceback of err as Jupyter shows it, or "ename: evalue" when the
// traceback is empty.
func (r *REPL) printError(err error) {
	ename, evalue, tb := errorParts(err)
	if len(tb) == 0 {
		tb = []string{ename + ": " + evalue}
	}
	for _, l := range tb {
		fmt.Fprintln(r.errw, l)
	}
}

// command runs a :command; it returns true for :quit.
func (r *REPL) command(ctx context.Context, line string) (quit bool) {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ":help", ":h", ":?":
		io.WriteString(r.out, helpText)
	case ":quit", ":q", ":exit":
		return true
	case ":doc", ":d":
		if arg == "" {
			fmt.Fprintln(r.errw, "usage: :doc NAME")
			return false
		}
		b, ok := r.ev.Inspect(arg, len(arg), 1)
		if !ok {
			fmt.Fprintf(r.errw, "no documentation for %s\n", arg)
			return false
		}
		r.sink.Show(display.Bundle{Data: b.Data, Metadata: b.Metadata})
	case ":load", ":l":
		if arg == "" {
			fmt.Fprintln(r.errw, "usage: :load FILE.go or :load FILE.ipynb")
			return false
		}
		if strings.EqualFold(filepath.Ext(arg), ".ipynb") {
			r.loadNotebook(ctx, arg)
			return false
		}
		src, err := readBounded(arg, MaxScriptBytes, "scripts")
		if err != nil {
			fmt.Fprintf(r.errw, "repl: %v\n", err)
			return false
		}
		body, _ := stripPackageClause(string(src))
		r.execute(ctx, body)
	case ":reset":
		if r.reset() {
			fmt.Fprintln(r.out, "session reset")
		}
	default:
		fmt.Fprintf(r.errw, "unknown command %s (:help lists the commands)\n", name)
	}
	return false
}

// complete is liner's word completer: it asks the evaluator about the cell so far and the
// line (pos in runes), and splits the line around the replaced range. At the start of a line (only blanks before
// the cursor), Tab inserts four spaces.
func (r *REPL) complete(line string, pos int) (head string, matches []string, tail string) {
	cur := runeOffset(line, pos)
	before := line[:cur]
	if strings.TrimSpace(before) == "" {
		return "", []string{before + "    "}, line[cur:]
	}
	// The evaluator sees the lines already entered for this cell, so that names declared
	// there complete too; base is the offset of line in code.
	code, base := r.pending+line, len(r.pending)
	if r.pending == "" && strings.HasPrefix(strings.TrimSpace(line), ":doc ") {
		i := strings.Index(line, ":doc ") + len(":doc ")
		code, base = line[i:], -i
	}
	matches, start, end := r.ev.Complete(code, cur+base)
	start, end = start-base, end-base
	if len(matches) == 0 || start < 0 || end < start || end > len(line) || start > cur {
		return "", nil, ""
	}
	return line[:start], matches, line[end:]
}

// runeOffset converts a rune index into a byte offset in s.
func runeOffset(s string, runes int) int {
	off := 0
	for i := 0; i < runes && off < len(s); i++ {
		_, n := utf8.DecodeRuneInString(s[off:])
		off += n
	}
	return off
}

// input reads a line for user code (display.Inputter).
// Prompt lines before the last are printed first: liner accepts no control characters in
// a prompt.
func (r *REPL) input(prompt string, password bool) (string, error) {
	if r.lr == nil {
		return "", errors.New("repl: no terminal input available")
	}
	if i := strings.LastIndexByte(prompt, '\n'); i >= 0 {
		io.WriteString(r.out, prompt[:i+1])
		prompt = prompt[i+1:]
	}
	prompt = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return ' '
		}
		return c
	}, prompt)
	if lr, ok := r.lr.(*linerReader); ok && password {
		return lr.PasswordPrompt(prompt)
	}
	return r.lr.PromptWithSuggestion(prompt, "", -1)
}

func (r *REPL) saveHistory() {
	if r.hist == nil {
		return
	}
	if lr, ok := r.lr.(*linerReader); ok {
		if err := r.hist.save(lr.State); err != nil {
			fmt.Fprintln(r.errw, err)
		}
	}
}

// linerReader is liner's line editor. (When standard output is not a terminal, liner itself
// falls back to plain line reading.)
type linerReader struct {
	*liner.State
}
