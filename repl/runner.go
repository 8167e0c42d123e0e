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

	"github.com/gosnn/gosnn/display"
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
	// FiguresDir, when set, receives every image of the run as cell<N>-<k>.png or .svg
	// (N the cell's position, k counting the cell's images from 1).
	FiguresDir string
	// Echo, when set, also receives the streams and the text of results and displays as
	// the cells run.
	Echo io.Writer
}

// RunNotebook executes the code cells of nb in order with ev, replacing their outputs and
// execution counts; markdown and raw cells are kept. Empty code cells are not executed. It
// stops at the first failing cell and returns a *CellError; the cells after it are left
// with no outputs and no execution count, so that nb can still be written. Other errors
// (a figure that cannot be written) are returned as they are. Notebook metadata without
// language_info gets Go's, as Jupyter adds it when it runs a notebook.
func RunNotebook(ctx context.Context, ev Evaluator, nb *Notebook, opts RunOptions) error {
	nb.setLanguageInfo()
	count := 0
	var failed error
	displays := map[string][]map[string]any{}
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
		sink := &notebookSink{cell: c, number: i + 1, figDir: opts.FiguresDir, echo: opts.Echo, displays: displays}
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
		sink.mu.Unlock()
		if ferr != nil && failed == nil {
			failed = ferr
		}
	}
	return failed
}

// goLanguageInfo is the notebook's language_info as the gosnn kernel reports it.
var goLanguageInfo = json.RawMessage(`{"codemirror_mode":"go","file_extension":".go","mimetype":"text/x-go",` +
	`"name":"go","nbconvert_exporter":"script","pygments_lexer":"go"}`)

// setLanguageInfo adds language_info to the notebook metadata when it has none, as Jupyter
// does when it runs a notebook, so that viewers highlight the code as Go.
func (nb *Notebook) setLanguageInfo() {
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
	cell      *Cell
	number    int
	figDir    string
	nfig      int
	figErr    error
	echo      io.Writer
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
	if s.figDir == "" {
		return
	}
	if png, ok := pngBytes(b.Data[display.MIMEPNG]); ok {
		s.saveFigureLocked(png, ".png")
	}
	if svg, ok := b.Data[display.MIMESVG].(string); ok {
		s.saveFigureLocked([]byte(svg), ".svg")
	}
}

func (s *notebookSink) saveFigureLocked(data []byte, ext string) {
	s.nfig++
	if err := os.MkdirAll(s.figDir, 0o755); err != nil {
		s.figErr = fmt.Errorf("repl: figures: %w", err)
		return
	}
	path := filepath.Join(s.figDir, fmt.Sprintf("cell%d-%d%s", s.number, s.nfig, ext))
	if err := writeFileAtomic(path, data, 0o644); err != nil && s.figErr == nil {
		s.figErr = err
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
