package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	ystdlib "github.com/traefik/yaegi/stdlib"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/stdlib"
)

// Options configure a Session.
type Options struct {
	// Capture redirects file descriptors 1 and 2 of the process to the session for its
	// whole life (Linux only), so that everything interpreted and compiled code writes to
	// stdout and stderr reaches the running cell's Sink.Stream in order; output written
	// between cells (by goroutines that outlive their cell) goes to the last cell's sink.
	// Hosts then write to Session.Stdout and Session.Stderr (the original streams). Only
	// one session per process can capture at a time. Without Capture, output goes to the
	// process's stdout and stderr as usual.
	Capture bool
	// Unrestricted gives interpreted code the non-sandboxed parts of the standard library
	// (os/exec, syscall); see yaegi's interp.Options. The process environment is seen by
	// cells either way (os.Getenv, os.Setenv act on the real environment).
	Unrestricted bool
}

// Session is one configured Yaegi interpreter with every gosnn symbol loaded. It runs one
// cell at a time; Complete, Inspect and IsComplete may be called at any time. It implements
// kernel.Evaluator.
type Session struct {
	mu     sync.Mutex // held while a cell runs
	in     *interp.Interpreter
	opt    Options
	cap    *capture
	disp   *display.Displayer
	closed bool
	stdio  stdio // the cells' os.Stdout and os.Stderr (stdio.go)

	// The running cell, or the last one between cells.
	cell atomic.Pointer[cellState]

	imports map[impSpec]bool

	// Package names for completion: those imported by cells (guarded by scopeMu) and all
	// known ones (built once).
	importNames map[string]string
	pkgOnce     sync.Once
	pkgNames    map[string]string   // name -> shortest path
	pkgAll      map[string][]string // name -> every path
	pathNames   map[string]string   // path -> name

	// scope is what completion knows of names defined by earlier cells.
	scopeMu sync.Mutex
	scope   scopeIndex

	// snn runs in flight (see host.go).
	runsMu   sync.Mutex
	runsCond *sync.Cond
	runs     int

	// runCtx is the context of compiled snn runs; an interrupt cancels it and makes a new one
	// and sets interrupted, which the next cell clears after waiting for the stopped runs.
	runMu       sync.Mutex
	runCtx      context.Context
	runCancel   context.CancelFunc
	interrupted bool

	// progressDelay is how long an snn run goes before its progress display appears.
	progressDelay time.Duration

	// Line marks (see lines.go): the interpreted variable _gosnnL, the cells by base line,
	// and the base of the next cell.
	mark     *int
	cells    []cellLines
	nextBase int

	// Result of the trailing expression of the running cell.
	result   []any
	resultOK bool
}

// cellState is what output routing, display and the snn host need to know of a cell.
type cellState struct {
	ctx  context.Context
	sink display.Sink
	diag []string // interpreter diagnostics (panic locations)
	dmu  sync.Mutex
}

// settleWait bounds how long an interrupted Execute waits for snn runs to stop.
const settleWait = 150 * time.Millisecond

// runWait bounds how long the cell after an interrupt waits for the stopped snn runs that are
// still finishing their last chunk, so that it can run the same networks again (runs of one
// network cannot overlap).
const runWait = 5 * time.Second

// rtPath is the import path of the session runtime package seen by cells.
const rtPath = "gosnn.internal/rt"

// New returns a session with every symbol loaded.
func New(opt Options) (*Session, error) {
	s := &Session{opt: opt, imports: map[impSpec]bool{}, importNames: map[string]string{}}
	s.runsCond = sync.NewCond(&s.runsMu)
	s.progressDelay = progressDelay
	s.runCtx, s.runCancel = context.WithCancel(context.Background())
	s.cell.Store(&cellState{ctx: s.runCtx})
	if opt.Capture {
		c, err := startCapture(s.route)
		if err != nil {
			return nil, err
		}
		s.cap = c
	}
	s.stdio.init()
	s.in = interp.New(interp.Options{
		Stdin:        &inputReader{s: s},
		Stderr:       &diagWriter{s: s},
		Unrestricted: opt.Unrestricted,
	})
	s.disp = display.NewDisplayer(s.displaySink, s.render)
	if err := s.in.Use(ystdlib.Symbols); err != nil {
		s.Close()
		return nil, fmt.Errorf("session: loading the standard library: %w", err)
	}
	if opt.Unrestricted {
		if err := useUnrestricted(s.in); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.in.Use(stdlib.Symbols); err != nil {
		s.Close()
		return nil, fmt.Errorf("session: loading gosnn symbols: %w", err)
	}
	if err := s.in.Use(s.overrides()); err != nil {
		s.Close()
		return nil, fmt.Errorf("session: loading session symbols: %w", err)
	}
	if _, err := s.in.Eval(`import ` + rtName + ` "` + rtPath + `"`); err != nil {
		s.Close()
		return nil, fmt.Errorf("session: importing the runtime: %w", err)
	}
	if err := s.initMark(); err != nil {
		s.Close()
		return nil, err
	}
	// Decode the doc index in the background so that the first inspect is quick.
	go func() { _, _ = stdlib.Docs() }()
	return s, nil
}

// Close ends output capture, if any. The session must not be used afterwards.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.interruptRuns()
	s.stdio.close()
	if s.cap != nil {
		return s.cap.stop()
	}
	return nil
}

// Stdout returns the process's original standard output: with Capture, what the host writes
// there bypasses the session; without, it is os.Stdout.
func (s *Session) Stdout() io.Writer {
	if s.cap != nil {
		return s.cap.origOut
	}
	return os.Stdout
}

// Stderr returns the process's original standard error (see Stdout).
func (s *Session) Stderr() io.Writer {
	if s.cap != nil {
		return s.cap.origErr
	}
	return os.Stderr
}

// Displayer returns the displayer that the display package's functions use in this
// session's cells.
func (s *Session) Displayer() *display.Displayer { return s.disp }

// Interpreter returns the underlying interpreter, for hosts that need more than Execute
// (Use of extra symbols, for example). Do not evaluate code on it while a cell runs.
func (s *Session) Interpreter() *interp.Interpreter { return s.in }

func (s *Session) currentSink() display.Sink {
	if c := s.cell.Load(); c != nil {
		return c.sink
	}
	return nil
}

// displaySink is the running cell's sink for display calls: it first forwards what the cell
// printed so far, so that a display comes after the output written before it.
func (s *Session) displaySink() display.Sink {
	if s.cap != nil {
		s.cap.flush()
	}
	return s.currentSink()
}

// route forwards captured output to the running (or last) cell's sink, or to the original
// stream when no cell ran yet.
func (s *Session) route(name, text string) {
	if sink := s.currentSink(); sink != nil {
		sink.Stream(name, text)
		return
	}
	if s.cap == nil {
		return
	}
	if name == "stderr" {
		_, _ = s.cap.origErr.WriteString(text)
	} else {
		_, _ = s.cap.origOut.WriteString(text)
	}
}

// Execute runs one cell (see kernel.Evaluator). The cell's runs are evaluated in order and
// the first error stops the cell. When ctx is cancelled, Execute returns an Interrupted
// error promptly; the session keeps its state. Output written by the cell has reached out
// when Execute returns.
func (s *Session) Execute(ctx context.Context, code string, out display.Sink) (res *display.Bundle, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errors.New("session: closed")
	}
	if out == nil {
		out = discardSink{}
	}
	// After an interrupt, the stopped runs may still be finishing their last chunk (the
	// interrupted Execute waited only settleWait): wait for them, so that this cell can run
	// the same networks again.
	if s.takeInterrupted() {
		s.settle(runWait)
	}
	// Compiled runs get the session's run context, not ctx: a run in a goroutine outlives its
	// cell (the front end may cancel ctx when Execute returns), and an interrupt of any cell
	// stops all runs, as yaegi stops all interpreted goroutines.
	// If the interrupt has fired, wait for it to finish before returning: run late (its
	// goroutine delayed under load), it would cancel the runs of the next cell instead.
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		s.interruptRuns()
	})
	defer func() {
		if !stop() {
			<-fired
		}
	}()
	cell := &cellState{ctx: s.runContext(), sink: out}
	s.cell.Store(cell)
	s.stdio.renew()
	defer func() {
		if s.cap != nil {
			s.cap.flush()
		}
	}()

	runs, err := splitCell(code)
	if err != nil {
		return nil, userError(err, true, 1, nil)
	}
	base := s.nextBase
	s.cells = append(s.cells, cellLines{base: base, code: code})
	s.nextBase += strings.Count(code, "\n") + 2
	s.result, s.resultOK = nil, false
	for _, r := range runs {
		if err := ctx.Err(); err != nil {
			return nil, userError(err, false, r.line, nil)
		}
		if err := s.eval(ctx, cell, r, base); err != nil {
			return nil, err
		}
	}
	if !s.resultOK {
		return nil, nil
	}
	vals := s.result
	s.result = nil
	return s.resultBundle(vals), nil
}

// eval evaluates one run of a cell whose lines start at base (see lines.go).
func (s *Session) eval(ctx context.Context, cell *cellState, r run, base int) error {
	if r.kind == runImport {
		return s.importSpecs(ctx, cell, r.imports, r.line)
	}
	f, fset, off, perr := parseRun(r.src, r.kind)
	if perr != nil {
		f = nil
	}
	imps, err := s.resolvePackages(f, fset, off, r.line)
	if err != nil {
		return err
	}
	if len(imps) > 0 {
		if err := s.importSpecs(ctx, cell, imps, r.line); err != nil {
			return err
		}
	}
	*s.mark = base + r.line
	prefix := len("package p\n")
	if r.kind != runDecl {
		prefix = len("package p\nfunc _() {\n")
	}
	src := instrument(r.src, f, fset, prefix, off, r.line, base, r.kind)
	switch r.kind {
	case runExpr:
		wrapped := rtName + ".Result(" + guardGo(src, runStmt) + ")"
		p, cerr := s.compile(wrapped)
		if cerr == nil {
			err = s.execute(ctx, cell, p, r.line, "", runExpr)
			break
		}
		// Not a single value (a call without results, a type): run it as a statement.
		src = instrument(r.src, f, fset, prefix, off, r.line, base, runStmt)
		err = s.compileRun(ctx, cell, guardGo(src, runStmt), r.src, r.line, runStmt)
	default:
		err = s.compileRun(ctx, cell, guardGo(src, r.kind), r.src, r.line, r.kind)
	}
	var ue *Error
	if errors.As(err, &ue) && ue.Name == ErrPanic && ue.Value == msgIndex && f != nil && r.kind != runDecl {
		s.indexDetail(ue, f, fset, off, r.line, *s.mark-base)
	}
	return err
}

// initMark declares the line-mark variable and keeps a pointer to it.
func (s *Session) initMark() error {
	if _, err := s.in.Eval("var " + markName + " int"); err != nil {
		return fmt.Errorf("session: declaring the line mark: %w", err)
	}
	v, err := s.in.Eval("&" + markName)
	if err != nil {
		return fmt.Errorf("session: the line mark: %w", err)
	}
	p, ok := v.Interface().(*int)
	if !ok {
		return fmt.Errorf("session: the line mark is a %s", v.Type())
	}
	s.mark = p
	return nil
}

// importSpecs imports packages, dropping those the session already imported (a repeated
// import is not an error, and an explicit import of an implicitly imported package is legal).
func (s *Session) importSpecs(ctx context.Context, cell *cellState, imports []impSpec, line int) error {
	var keep []string
	var specs []impSpec
	for _, sp := range imports {
		if sp.name == s.pkgNameOf(sp.path) {
			sp.name = "" // import snn ".../snn" is import ".../snn"
		}
		if s.imports[sp] {
			continue
		}
		specs = append(specs, sp)
		keep = append(keep, sp.name+" "+quote(sp.path))
	}
	if len(keep) == 0 {
		return nil
	}
	src := "import (\n" + strings.Join(keep, "\n") + "\n)"
	if err := s.compileRun(ctx, cell, src, "", line, runImport); err != nil {
		return err
	}
	s.scopeMu.Lock()
	for _, sp := range specs {
		s.imports[sp] = true
		name := sp.name
		if name == "" {
			name = s.pkgNameOf(sp.path)
		}
		if name != "_" && name != "." {
			s.importNames[name] = sp.path
		}
	}
	s.scopeMu.Unlock()
	return nil
}

func quote(p string) string { return fmt.Sprintf("%q", p) }

// compile compiles src, turning an interpreter panic into an error. Some compile failures
// make yaegi call log.Panic, which writes to the standard logger (the cell's stderr with
// capture) before panicking: the logger's output is held during compilation, and what the
// panic already says is dropped, so that an error is reported once.
func (s *Session) compile(src string) (p *interp.Program, err error) {
	prev := log.Writer()
	hold := &heldLog{}
	log.SetOutput(hold)
	defer func() {
		log.SetOutput(prev)
		r := recover()
		if r != nil {
			p, err = nil, fmt.Errorf("%v", r)
		}
		for _, line := range hold.lines {
			if r != nil && strings.HasSuffix(strings.TrimRight(line, "\n"), fmt.Sprint(r)) {
				continue
			}
			_, _ = io.WriteString(prev, line)
		}
	}()
	return s.in.Compile(src)
}

// heldLog keeps what the standard logger writes while a cell compiles.
type heldLog struct {
	mu    sync.Mutex
	lines []string
}

func (h *heldLog) Write(p []byte) (int, error) {
	h.mu.Lock()
	h.lines = append(h.lines, string(p))
	h.mu.Unlock()
	return len(p), nil
}

// compileRun compiles and runs src; orig, the run as the user wrote it, is recorded for
// completion ("" for imports, which importSpecs records).
func (s *Session) compileRun(ctx context.Context, cell *cellState, src, orig string, line int, kind runKind) error {
	p, err := s.compile(src)
	if err != nil {
		return userError(err, true, line, nil)
	}
	return s.execute(ctx, cell, p, line, orig, kind)
}

// execute runs a compiled run; src, when set, is recorded for completion (see noteScope).
func (s *Session) execute(ctx context.Context, cell *cellState, p *interp.Program, line int, src string, kind runKind) error {
	_, err := s.in.ExecuteWithContext(ctx, p)
	if err != nil && ctx.Err() != nil {
		// The interpreter returns at once; compiled snn runs stop at their next check.
		s.settle(settleWait)
	}
	if err != nil {
		cell.dmu.Lock()
		diag := cell.diag
		cell.diag = nil
		cell.dmu.Unlock()
		var p interp.Panic
		if errors.As(err, &p) && ctx.Err() == nil {
			return panicError(p, s.panicLocation(), diag)
		}
		return userError(err, false, line, diag)
	}
	if src != "" {
		s.noteScope(src, kind)
	}
	return nil
}

// runContext returns the current context of compiled runs.
func (s *Session) runContext() context.Context {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.runCtx
}

// interruptRuns stops every compiled run in flight (those of the running cell and of
// goroutines started by earlier cells); later runs get a fresh context.
func (s *Session) interruptRuns() {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.runCancel()
	s.runCtx, s.runCancel = context.WithCancel(context.Background())
	s.interrupted = true
}

// takeInterrupted reports whether runs were interrupted since the last call.
func (s *Session) takeInterrupted() bool {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	was := s.interrupted
	s.interrupted = false
	return was
}

// setResult is the runtime's Result: it receives the values of a cell's trailing expression.
func (s *Session) setResult(v ...any) {
	s.result = v
	s.resultOK = true
}

// goPanic reports a panic in a goroutine started by interpreted code.
func (s *Session) goPanic(r any) {
	msg := "panic in goroutine: " + panicMessage(r) + "\n"
	if c := s.cell.Load(); c != nil && c.sink != nil {
		c.sink.Stream("stderr", msg)
		return
	}
	_, _ = io.WriteString(s.Stderr(), msg)
}

// overrides returns the per-session symbols: the runtime package, the display functions bound
// to this session's Displayer, the snn functions wrapped to attach hosts (hostOverrides) and the
// environment functions of os (see envOverrides).
func (s *Session) overrides() interp.Exports {
	result := reflect.ValueOf(s.setResult)
	show := reflect.ValueOf(s.disp.Show)
	update := reflect.ValueOf(display.Update)
	rich := []reflect.Type{
		reflect.TypeOf((*display.PNGer)(nil)).Elem(),
		reflect.TypeOf((*display.SVGer)(nil)).Elem(),
		reflect.TypeOf((*display.HTMLer)(nil)).Elem(),
		reflect.TypeOf((*display.Markdowner)(nil)).Elem(),
		reflect.TypeOf((*error)(nil)).Elem(),
		reflect.TypeOf((*fmt.Stringer)(nil)).Elem(),
	}
	d := s.disp
	ex := interp.Exports{
		rtPath + "/rt": {
			"Result":  result,
			"GoPanic": reflect.ValueOf(s.goPanic),
		},
		"github.com/gosnn/gosnn/display/display": {
			"Show":               show,
			"Text":               reflect.ValueOf(d.Text),
			"HTML":               reflect.ValueOf(d.HTML),
			"Markdown":           reflect.ValueOf(d.Markdown),
			"SVG":                reflect.ValueOf(d.SVG),
			"PNG":                reflect.ValueOf(d.PNG),
			"Image":              reflect.ValueOf(d.Image),
			"JSON":               reflect.ValueOf(d.JSON),
			"Update":             update,
			"Clear":              reflect.ValueOf(d.Clear),
			"Input":              reflect.ValueOf(d.Input),
			"Password":           reflect.ValueOf(d.Password),
			"RegisterCommTarget": reflect.ValueOf(d.RegisterCommTarget),
			"OpenComm":           reflect.ValueOf(d.OpenComm),
		},
		".": {"MapTypes": reflect.ValueOf(map[reflect.Value][]reflect.Type{
			result: rich,
			show:   rich,
			update: rich,
		})},
	}
	// Several overrides replace symbols of one package (os: the cell's own stdio files and
	// the real environment): merge them name by name.
	for _, extra := range []interp.Exports{s.hostOverrides(), s.stdio.exports(), envOverrides()} {
		for pkg, syms := range extra {
			if ex[pkg] == nil {
				ex[pkg] = map[string]reflect.Value{}
			}
			for name, v := range syms {
				ex[pkg][name] = v
			}
		}
	}
	return ex
}

// discardSink drops everything; Execute uses it when given a nil sink.
type discardSink struct{}

func (discardSink) Stream(string, string) {}
func (discardSink) Show(display.Bundle)   {}
func (discardSink) Update(display.Bundle) {}
func (discardSink) Clear(bool)            {}

// diagWriter receives what the interpreter writes to its own stderr: its panic diagnostics
// ("file:line:col: panic: ...") are kept for the cell's traceback (an error is reported once,
// without extra stderr); anything else (interpreted log output) goes to os.Stderr.
type diagWriter struct{ s *Session }

var diagRE = regexp.MustCompile(`^(?:[^\s:]*:)?\d+:\d+: panic`)

func (w *diagWriter) Write(p []byte) (int, error) {
	if diagRE.Match(p) {
		if c := w.s.cell.Load(); c != nil {
			c.dmu.Lock()
			if len(c.diag) < 50 {
				c.diag = append(c.diag, string(p))
			}
			c.dmu.Unlock()
		}
		return len(p), nil
	}
	return os.Stderr.Write(p)
}

// inputReader is the interpreter's stdin (fmt.Scan and friends): each line is asked from
// the running cell's sink when it implements display.Inputter; otherwise reads see EOF.
type inputReader struct {
	s   *Session
	buf []byte
}

func (r *inputReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		in, ok := r.s.currentSink().(display.Inputter)
		if !ok {
			return 0, io.EOF
		}
		line, err := in.Input("", false)
		if err != nil {
			return 0, err
		}
		r.buf = []byte(strings.TrimRight(line, "\n") + "\n")
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
