package repl

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/notebooks"
)

// CellError reports the first failing cell of a notebook run.
type CellError struct {
	// Cell is the 1-based position of the cell in the notebook (markdown cells count).
	Cell int
	// EName, EValue and Traceback are as in the cell's error output.
	EName, EValue string
	Traceback     []string
}

// Error returns "cell N: ename: evalue".
func (e *CellError) Error() string {
	return fmt.Sprintf("cell %d: %s: %s", e.Cell, e.EName, e.EValue)
}

// RunOptions configures RunNotebook.
type RunOptions struct {
	// FiguresDir, when set, receives every figure of the run as <Name>-cell<N>-<k>.<format>
	// (N the cell's position, k counting the cell's figures from 1; without a Name,
	// cell<N>-<k>.<format>), once per format of FigureFormats. A figure updated in place
	// (display.Handle.Update) keeps its k: its files end with its last state.
	FiguresDir string
	// Name starts the figure file names: the notebook's file name without its extension, so
	// that several notebooks can share one figures directory.
	Name string
	// FigureFormats are the formats each figure is written in ("png", "svg", "pdf", "eps",
	// "jpg", "tif"); nil means png. Plots and snnplot figures are rendered again in each
	// format (display.Bundle.Figure); an image shown as PNG or SVG bytes only is written as
	// it is, in the formats of those it has, or else as it is shown.
	FigureFormats []string
	// Echo, when set, also receives the streams and the text of results and displays as
	// the cells run.
	Echo io.Writer
	// Progress, when set, receives a line per executed cell ("[3/12] cell 5: 2.1 s,
	// 1 figure") and, when every cell has run, "done: 12 cells in 65.0 s, 4 figures -> DIR".
	Progress io.Writer
	// ProgressTerminal says that Progress is a terminal: the live progress lines a cell shows
	// (those of snn runs) are drawn there in place, and cleared when the cell ends.
	ProgressTerminal bool
	// ProgressWidth, when set, returns the terminal's width in columns (0 if unknown); live
	// lines are cut to fit, so that redrawing them in place works.
	ProgressWidth func() int
}

// RunNotebook executes the code cells of nb in order with ev, replacing their outputs and
// execution counts; markdown and raw cells are kept. Empty code cells are not executed. It
// stops at the first failing cell and returns a *CellError; the cells after it are left
// with no outputs and no execution count, so that nb can still be written. Other errors
// (a figure that cannot be written) are returned as they are. Notebook metadata without
// language_info gets Go's, as Jupyter adds it when it runs a notebook.
func RunNotebook(ctx context.Context, ev Evaluator, nb *notebooks.Notebook, opts RunOptions) error {
	setLanguageInfo(nb)
	count := 0
	var failed error
	displays := map[string][]map[string]any{}
	formats := opts.FigureFormats
	if len(formats) == 0 {
		formats = []string{"png"}
	}
	total := 0
	for _, c := range nb.Cells {
		if c.Type == "code" && strings.TrimSpace(c.Source) != "" {
			total++
		}
	}
	prog := &progressLine{w: opts.Progress, tty: opts.ProgressTerminal, width: opts.ProgressWidth}
	start := time.Now()
	figures := 0
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		c.Outputs = nil
		c.ExecutionCount = nil
		if failed != nil || strings.TrimSpace(c.Source) == "" {
			continue
		}
		count++
		n := count
		c.ExecutionCount = &n
		label := fmt.Sprintf("[%d/%d] cell %d", n, total, i+1)
		sink := &notebookSink{cell: c, number: i + 1, figDir: opts.FiguresDir, name: opts.Name, formats: formats,
			echo: opts.Echo, displays: displays, live: func(line string) { prog.live(label + ": " + line) }}
		cellStart := time.Now()
		res, err := ev.Execute(ctx, c.Source, sink)
		sink.mu.Lock()
		if err == nil && res != nil {
			out := map[string]any{"output_type": "execute_result", "execution_count": n}
			sink.fillLocked(out, *res, true)
			sink.addLocked(out)
		}
		if err != nil {
			ename, evalue, tb := errorParts(err)
			sink.addLocked(map[string]any{"output_type": "error", "ename": ename, "evalue": evalue, "traceback": tb})
			failed = &CellError{Cell: i + 1, EName: ename, EValue: evalue, Traceback: tb}
		}
		ferr := sink.figErr
		sink.closed = true
		nfig := sink.nfig
		sink.mu.Unlock()
		figures += nfig
		elapsed := time.Since(cellStart).Seconds()
		if failed != nil {
			prog.line(fmt.Sprintf("%s: failed after %.1f s", label, elapsed))
		} else {
			prog.line(fmt.Sprintf("%s: %.1f s%s", label, elapsed, figureCount(nfig, ", ")))
		}
		if ferr != nil && failed == nil {
			failed = ferr
		}
	}
	if failed == nil {
		done := fmt.Sprintf("done: %d cells in %.1f s%s", count, time.Since(start).Seconds(), figureCount(figures, ", "))
		if figures > 0 && opts.FiguresDir != "" {
			done += " -> " + opts.FiguresDir
		}
		prog.line(done)
	}
	return failed
}

// figureCount returns sep + "1 figure" or "N figures", or "" for none.
func figureCount(n int, sep string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return sep + "1 figure"
	}
	return fmt.Sprintf("%s%d figures", sep, n)
}

// progressLine writes the runner's progress: whole lines, and on a terminal a live line
// redrawn in place, cleared before the next whole line. A nil writer writes nothing.
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	width func() int
	open  bool
}

func (p *progressLine) live(text string) {
	if p.w == nil || !p.tty {
		return
	}
	if p.width != nil {
		if w := p.width(); w > 1 {
			text = cutRunes(text, w-1)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, "\r\x1b[K"+text)
	p.open = true
}

func (p *progressLine) line(text string) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		io.WriteString(p.w, "\r\x1b[K")
		p.open = false
	}
	io.WriteString(p.w, text+"\n")
}

// goLanguageInfo is the notebook's language_info as the gosnn kernel reports it.
var goLanguageInfo = json.RawMessage(`{"codemirror_mode":"go","file_extension":".go","mimetype":"text/x-go",` +
	`"name":"go","nbconvert_exporter":"script","pygments_lexer":"go"}`)

// setLanguageInfo adds language_info to the notebook metadata when it has none, as Jupyter
// does when it runs a notebook, so that viewers highlight the code as Go.
func setLanguageInfo(nb *notebooks.Notebook) {
	var meta map[string]json.RawMessage
	if json.Unmarshal(rawOrEmpty(nb.Metadata), &meta) != nil || meta == nil {
		return
	}
	if _, ok := meta["language_info"]; ok {
		return
	}
	meta["language_info"] = goLanguageInfo
	if data, err := json.Marshal(meta); err == nil {
		nb.Metadata = data
	}
}

// notebookSink collects the outputs of one cell. Update reaches displays of earlier cells
// too, through the shared displays map.
type notebookSink struct {
	mu        sync.Mutex
	cell      *notebooks.Cell
	number    int
	figDir    string
	name      string
	formats   []string
	nfig      int            // figures shown by the cell
	figIDs    map[string]int // figure number of each DisplayID shown or updated in the cell
	figErr    error
	echo      io.Writer
	live      func(line string) // draws a live progress line (nil: none)
	clearNext bool
	closed    bool // the cell has finished: late output from goroutines is dropped
	displays  map[string][]map[string]any
}

var _ display.Sink = (*notebookSink)(nil)

func (s *notebookSink) addLocked(o map[string]any) {
	if s.clearNext {
		s.cell.Outputs = nil
		s.clearNext = false
	}
	s.cell.Outputs = append(s.cell.Outputs, o)
}

// Stream appends text to the cell's last output when it is the same stream.
func (s *notebookSink) Stream(name, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.echo != nil {
		io.WriteString(s.echo, text)
	}
	if name != "stderr" {
		name = "stdout"
	}
	if k := len(s.cell.Outputs); k > 0 && !s.clearNext {
		last := s.cell.Outputs[k-1]
		if last["output_type"] == "stream" && last["name"] == name {
			if t, ok := last["text"].(string); ok {
				last["text"] = t + text
				return
			}
		}
	}
	s.addLocked(map[string]any{"output_type": "stream", "name": name, "text": text})
}

// Show adds a display_data output.
func (s *notebookSink) Show(b display.Bundle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	out := map[string]any{"output_type": "display_data"}
	s.fillLocked(out, b, true)
	s.addLocked(out)
	if b.DisplayID != "" {
		s.displays[b.DisplayID] = append(s.displays[b.DisplayID], out)
	}
	s.liveLocked(b)
}

// liveLocked draws b on the progress line when it is a live line (see TermSink).
func (s *notebookSink) liveLocked(b display.Bundle) {
	if s.live == nil {
		return
	}
	if line, ok := liveLine(b); ok {
		s.live(line)
	}
}

// Update replaces the data of every output shown earlier with b's DisplayID; an unknown
// DisplayID is ignored, as in Jupyter.
func (s *notebookSink) Update(b display.Bundle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, out := range s.displays[b.DisplayID] {
		s.fillLocked(out, b, false)
	}
	s.liveLocked(b)
}

// Clear removes the cell's outputs, at once or (wait) when the next output arrives.
func (s *notebookSink) Clear(wait bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if wait {
		s.clearNext = true
		return
	}
	s.cell.Outputs = nil
}

// fillLocked sets the data and metadata of out from b: binary data base64-encoded, text/plain
// always present, images also written to the figures directory. With echo, the text goes
// to the echo writer too (updates are not echoed).
func (s *notebookSink) fillLocked(out map[string]any, b display.Bundle, echo bool) {
	data := map[string]any{}
	var mimes []string
	for mime := range b.Data {
		mimes = append(mimes, mime)
	}
	sort.Strings(mimes)
	for _, mime := range mimes {
		switch v := b.Data[mime].(type) {
		case []byte:
			data[mime] = base64.StdEncoding.EncodeToString(v)
		case string:
			data[mime] = v
		default:
			if _, err := json.Marshal(v); err != nil {
				data[display.MIMEText] = fmt.Sprintf("<%s value that cannot be encoded as JSON: %v>", mime, err)
				continue
			}
			data[mime] = v
		}
	}
	if _, ok := data[display.MIMEText]; !ok {
		data[display.MIMEText] = "<" + strings.Join(mimes, ", ") + ">"
	}
	meta := map[string]any{}
	if b.Metadata != nil {
		if _, err := json.Marshal(b.Metadata); err == nil {
			meta = b.Metadata
		}
	}
	out["data"] = data
	out["metadata"] = meta
	if s.echo != nil && echo {
		if _, img := data[display.MIMEPNG]; !img {
			t := data[display.MIMEText].(string)
			if !strings.HasSuffix(t, "\n") {
				t += "\n"
			}
			io.WriteString(s.echo, t)
		}
	}
	if !isFigure(b) {
		return
	}
	// A display updated in place (a live figure) keeps its number: its files are rewritten.
	k := s.figIDs[b.DisplayID]
	if k == 0 {
		s.nfig++
		k = s.nfig
		if b.DisplayID != "" {
			if s.figIDs == nil {
				s.figIDs = map[string]int{}
			}
			s.figIDs[b.DisplayID] = k
		}
	}
	if s.figDir == "" {
		return
	}
	files, err := figureFiles(b, s.formats)
	if err != nil && s.figErr == nil {
		s.figErr = err
	}
	if err := os.MkdirAll(s.figDir, 0o755); err != nil {
		if s.figErr == nil {
			s.figErr = fmt.Errorf("repl: figures: %w", err)
		}
		return
	}
	stem := fmt.Sprintf("cell%d-%d", s.number, k)
	if s.name != "" {
		stem = s.name + "-" + stem
	}
	for _, f := range files {
		path := filepath.Join(s.figDir, stem+"."+f.ext)
		if err := writeFileAtomic(path, f.data, 0o644); err != nil && s.figErr == nil {
			s.figErr = err
		}
	}
}

// ScriptError reports a failing Go script run by RunScript.
type ScriptError struct {
	// EName, EValue and Traceback describe the error as for a notebook cell.
	EName, EValue string
	Traceback     []string
}

// Error returns "ename: evalue".
func (e *ScriptError) Error() string { return e.EName + ": " + e.EValue }

// scriptMain is what func main of a whole-program script is renamed to: the interpreter
// runs a function named main by itself after evaluating code, and RunScript calls it once,
// explicitly.
const scriptMain = "gosnnMain"

// RunScript runs a Go script with ev, sending its output to out. The script is either a whole
// program (package main with func main: the package clause is dropped, main is renamed
// gosnnMain, the declarations are executed, then gosnnMain is called once) or a cell-style
// script of declarations and statements, executed as one cell. A result, if the script has
// one, is shown on out. A failure is returned as a *ScriptError.
func RunScript(ctx context.Context, ev Evaluator, src string, out display.Sink) error {
	body, mainAt := stripPackageClause(src)
	steps := []string{body}
	if mainAt >= 0 {
		steps = []string{body[:mainAt] + scriptMain + body[mainAt+len("main"):], scriptMain + "()"}
	}
	for _, code := range steps {
		res, err := ev.Execute(ctx, code, out)
		if err != nil {
			ename, evalue, tb := errorParts(err)
			return &ScriptError{EName: ename, EValue: evalue, Traceback: tb}
		}
		if res != nil {
			out.Show(*res)
		}
	}
	return nil
}

// stripPackageClause blanks out the package clause of a Go file (keeping line and column
// positions) and returns the byte offset of the name of its func main (-1 when it has
// none). A script without a package clause is returned unchanged, with -1.
func stripPackageClause(src string) (body string, mainAt int) {
	fset := token.NewFileSet()
	file := fset.AddFile("script.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0) // comments skipped
	pos, tok, _ := s.Scan()
	if tok != token.PACKAGE {
		return src, -1
	}
	start := file.Offset(pos)
	p, t, lit := s.Scan()
	if t != token.IDENT {
		return src, -1 // not a valid package clause: let the evaluator report it
	}
	end := file.Offset(p) + len(lit)
	if p, t, lit := s.Scan(); t == token.SEMICOLON && lit == ";" {
		end = file.Offset(p) + 1
	}
	b := []byte(src)
	for i := start; i < end; i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b), declaresMain(file, &s)
}

// declaresMain scans the rest of a file for a top-level "func main": a func keyword at
// bracket depth 0 followed by the name main, and returns the offset of the name, or -1. It
// works on files that do not parse as Go (the evaluator reports those).
func declaresMain(file *token.File, s *scanner.Scanner) int {
	depth := 0
	prevFunc := false
	for {
		p, t, lit := s.Scan()
		switch t {
		case token.EOF:
			return -1
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		case token.IDENT:
			if prevFunc && lit == "main" {
				return file.Offset(p)
			}
		}
		prevFunc = t == token.FUNC && depth == 0
	}
}
