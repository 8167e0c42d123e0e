package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

// scriptReader is a lineReader that returns prepared lines (errAborted for "^C", io.EOF at
// the end) and records the prompts and suggestions it was given.
type scriptReader struct {
	lines   []string
	prompts []string
	suggest []string
	history []string
	before  map[int]func() // called before returning line i
}

func (s *scriptReader) PromptWithSuggestion(prompt, text string, pos int) (string, error) {
	i := len(s.prompts)
	s.prompts = append(s.prompts, prompt)
	s.suggest = append(s.suggest, text)
	if f := s.before[i]; f != nil {
		f()
	}
	if i >= len(s.lines) {
		return "", io.EOF
	}
	if s.lines[i] == "^C" {
		return "", errAborted
	}
	return text + s.lines[i], nil
}

func (s *scriptReader) AppendHistory(item string) { s.history = append(s.history, item) }

func newTestREPL(t *testing.T, ev Evaluator, lines ...string) (*REPL, *scriptReader, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errw bytes.Buffer
	r, err := New(Config{
		NewEvaluator: func() (Evaluator, error) { return ev, nil },
		Stdout:       &out, Stderr: &errw, FiguresDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	sr := &scriptReader{lines: lines}
	r.lr = sr
	r.interactive = true
	return r, sr, &out, &errw
}

func TestLoopMultiLine(t *testing.T) {
	ev := &fake.Evaluator{}
	r, sr, out, _ := newTestREPL(t, ev, "func f() {", "print one", "print two", "}", "f()")
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ev.Executed) != 2 || ev.Executed[0] != "func f() {\n    print one\n    print two\n    }\n" {
		t.Errorf("executed %q", ev.Executed)
	}
	if out.String() != "one\ntwo\n\n" {
		t.Errorf("output %q", out.String())
	}
	wantPrompts := []string{PromptFirst, PromptContinue, PromptContinue, PromptContinue, PromptFirst, PromptFirst}
	if strings.Join(sr.prompts, "|") != strings.Join(wantPrompts, "|") {
		t.Errorf("prompts %q, want %q", sr.prompts, wantPrompts)
	}
	if sr.suggest[1] != "    " {
		t.Errorf("continuation line suggested %q, want the evaluator's indent", sr.suggest[1])
	}
	if len(sr.history) != 5 {
		t.Errorf("history %q, want every line", sr.history)
	}
}

func TestLoopCtrlCClearsInput(t *testing.T) {
	ev := &fake.Evaluator{}
	r, _, out, _ := newTestREPL(t, ev, "func f() {", "print lost", "^C", "print kept")
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ev.Executed) != 1 || ev.Executed[0] != "print kept\n" {
		t.Errorf("executed %q", ev.Executed)
	}
	if !strings.HasPrefix(out.String(), "kept\n") {
		t.Errorf("output %q", out.String())
	}
}

func TestLoopEOFDiscardsPendingInput(t *testing.T) {
	ev := &fake.Evaluator{}
	r, _, out, _ := newTestREPL(t, ev, "func f() {") // then io.EOF (Ctrl-D)
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(ev.Executed) != 0 || !strings.Contains(out.String(), "(input discarded)") {
		t.Errorf("executed %q, output %q", ev.Executed, out.String())
	}
}

func TestLoopResultsAndErrors(t *testing.T) {
	ev := &fake.Evaluator{}
	r, _, out, errw := newTestREPL(t, ev, "x := 42", "x", "undefinedname", "panic boom", "fail plain", "x")
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if out.String() != "42\n42\n\n" {
		t.Errorf("output %q", out.String())
	}
	want := "1:1: undefined: undefinedname\npanic: boom\n\tat line 1\nfake: plain\n"
	if errw.String() != want {
		t.Errorf("errors\n%q\nwant\n%q", errw.String(), want)
	}
}

func TestLoopCommands(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "lib.go")
	os.WriteFile(script, []byte("package main\ny := loaded\nprint from file\n"), 0o644)
	evs := 0
	var out, errw bytes.Buffer
	r, err := New(Config{
		NewEvaluator: func() (Evaluator, error) { evs++; return &fake.Evaluator{}, nil },
		Stdout:       &out, Stderr: &errw, FiguresDir: dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.lr = &scriptReader{lines: []string{
		":help", ":doc Println", ":doc nothing", ":doc", ":load " + script, "y", ":load", ":load /no/such/file.go",
		":reset", "y", ":bogus", ":quit", "print not reached",
	}}
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	o, e := out.String(), errw.String()
	for _, want := range []string{":doc NAME", "func Println(a ...any)", "from file\n", "loaded\n", "session reset\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	for _, want := range []string{"no documentation for nothing", "usage: :doc NAME", "usage: :load FILE.go",
		"repl: open /no/such/file.go", "undefined: y", "unknown command :bogus"} {
		if !strings.Contains(e, want) {
			t.Errorf("errors lack %q:\n%s", want, e)
		}
	}
	if strings.Contains(o, "not reached") || evs != 2 {
		t.Errorf("after :quit: output %q, %d evaluators made (want 2)", o, evs)
	}
}

func TestLoopInterrupt(t *testing.T) {
	ev := &fake.Evaluator{}
	r, sr, out, errw := newTestREPL(t, ev, "x := 7", "sleep", "x")
	// Interrupt once the long cell has started: the watcher starts when the prompt returns the
	// "sleep" line (line 1), so the first cell, done by then, cannot take the interrupt (it
	// did under load, and the sleep cell then ran until the test timed out).
	sr.before = map[int]func(){1: func() {
		go func() {
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				r.mu.Lock()
				running := r.cancel != nil
				r.mu.Unlock()
				if running {
					r.interrupt()
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}}
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errw.String(), "Interrupted") {
		t.Errorf("errors %q, want Interrupted", errw.String())
	}
	if !strings.HasSuffix(out.String(), "7\n\n") {
		t.Errorf("output %q: the variable defined before the interrupt is lost", out.String())
	}
}

func TestInterruptForcesExit(t *testing.T) {
	r, _, _, _ := newTestREPL(t, &fake.Evaluator{})
	forced := 0
	r.onForce = func() { forced++ }
	r.interrupt() // at the prompt: nothing to do
	_, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.interrupt()
	r.interrupt()
	if forced != 0 {
		t.Fatal("forced exit before the third interrupt")
	}
	r.interrupt()
	if forced != 1 {
		t.Errorf("forced %d times after three interrupts, want 1", forced)
	}
}

func TestComplete(t *testing.T) {
	ev := &fake.Evaluator{}
	r, _, _, _ := newTestREPL(t, ev)
	ev.Execute(context.Background(), "longname := 1", display.Sink(NewTermSink(TermOptions{Stdout: io.Discard})))
	tests := []struct {
		line       string
		pos        int
		head, tail string
		matches    []string
	}{
		{"x := Pri", 8, "x := ", "", []string{"Printf", "Println"}},
		{"Pri + 1", 3, "", " + 1", []string{"Printf", "Println"}},
		{"é := long", 9, "é := ", "", []string{"longname"}},
		{"  ", 2, "", "", []string{"      "}},
		{"", 0, "", "", []string{"    "}},
		{":doc Prin", 9, ":doc ", "", []string{"Printf", "Println"}},
		{"zzz", 3, "", "", nil},
	}
	for _, tt := range tests {
		r.pending = ""
		head, m, tail := r.complete(tt.line, tt.pos)
		if head != tt.head || tail != tt.tail || strings.Join(m, ",") != strings.Join(tt.matches, ",") {
			t.Errorf("complete(%q, %d) = %q, %q, %q; want %q, %q, %q", tt.line, tt.pos, head, m, tail, tt.head, tt.matches, tt.tail)
		}
	}
}

// recordingEvaluator records what Complete is asked.
type recordingEvaluator struct {
	fake.Evaluator
	code   string
	cursor int
}

func (e *recordingEvaluator) Complete(code string, cursor int) ([]string, int, int) {
	e.code, e.cursor = code, cursor
	return e.Evaluator.Complete(code, cursor)
}

func TestCompleteSeesPendingLines(t *testing.T) {
	ev := &recordingEvaluator{}
	r, _, _, _ := newTestREPL(t, ev)
	r.pending = "func f() {\n"
	head, m, tail := r.complete("    Pri + 1", 7)
	if ev.code != "func f() {\n    Pri + 1" || ev.cursor != len("func f() {\n    Pri") {
		t.Errorf("evaluator asked about %q at %d", ev.code, ev.cursor)
	}
	if head != "    " || tail != " + 1" || len(m) != 2 {
		t.Errorf("complete = %q, %q, %q", head, m, tail)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without an evaluator constructor did not fail")
	}
	boom := errors.New("no session")
	if _, err := New(Config{NewEvaluator: func() (Evaluator, error) { return nil, boom }}); !errors.Is(err, boom) {
		t.Errorf("error = %v, want the constructor's", err)
	}
}

func TestDefaultHistoryFile(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GOSNN_HISTORY": "/h", "XDG_STATE_HOME": "/s", "HOME": "/home/u"}, "/h"},
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/home/u"}, filepath.Join("/s", "gosnn", "history")},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, filepath.Join("/home/u", ".local", "state", "gosnn", "history")},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := DefaultHistoryFile(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("DefaultHistoryFile(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestInputPrompt(t *testing.T) {
	r, sr, out, _ := newTestREPL(t, &fake.Evaluator{}, "Ada")
	got, err := r.sink.Input("Who are you?\nName:\t", false)
	if err != nil || got != "Ada" {
		t.Fatalf("Input = %q, %v", got, err)
	}
	if out.String() != "Who are you?\n" || sr.prompts[0] != "Name: " {
		t.Errorf("printed %q, prompted %q; want the first line printed and a clean prompt", out.String(), sr.prompts[0])
	}
}

// fakeHistory is a line editor's history for the tests of history.
type fakeHistory struct{ lines []string }

func (f *fakeHistory) AppendHistory(s string) { f.lines = append(f.lines, s) }
func (f *fakeHistory) WriteHistory(w io.Writer) (int, error) {
	for _, l := range f.lines {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return 0, err
		}
	}
	return len(f.lines), nil
}

// TestHistoryUnreadableKeptAside checks that a history file the REPL cannot read in full (a
// line longer than the line editor's own reader takes, invalid UTF-8) is kept aside with a
// message instead of being overwritten by the next save with what little was read.
func TestHistoryUnreadableKeptAside(t *testing.T) {
	long := strings.Repeat("x", 5000) // liner's ReadHistory stops at 4096 bytes
	for _, tc := range []struct {
		name, content string
		aside         bool
		want          []string
	}{
		{"good", "a\nb\n", false, []string{"a", "b"}},
		{"long line", "a\n" + long + "\nb\n", false, []string{"a", long, "b"}},
		{"invalid utf-8", "a\n\xff\xfe\nb\n", true, nil},
		{"over the line cap", "a\n" + strings.Repeat("y", historyMaxLine+1) + "\n", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "history")
			if err := os.WriteFile(p, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			h := &history{path: p}
			st := &fakeHistory{}
			err := h.load(st)
			asides, _ := filepath.Glob(p + ".unreadable-*")
			if tc.aside {
				if len(asides) != 1 || err == nil || !strings.Contains(err.Error(), "kept it as "+asides[0]) {
					t.Fatalf("kept aside %v, err %v; want one file named by the error", asides, err)
				}
				if b, _ := os.ReadFile(asides[0]); string(b) != tc.content {
					t.Errorf("kept-aside file changed")
				}
			} else if err != nil || len(asides) != 0 || !reflect.DeepEqual(st.lines, tc.want) {
				t.Fatalf("err %v, aside %v, lines %d; want %d lines", err, asides, len(st.lines), len(tc.want))
			}
			st.AppendHistory("new")
			if err := h.save(st); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(p)
			if want := strings.Join(append(tc.want, "new"), "\n") + "\n"; string(b) != want {
				t.Errorf("saved history %.80q, want %.80q", b, want)
			}
		})
	}
	// A history that is not a regular file (GOSNN_HISTORY=/dev/null) is neither read, moved
	// nor written.
	h := &history{path: os.DevNull}
	if err := h.load(&fakeHistory{}); err != nil || h.save(&fakeHistory{lines: []string{"x"}}) != nil {
		t.Errorf("/dev/null history: %v", err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s: %v, %v", os.DevNull, st, err)
	}
}

// TestLoadNotebook: :load FILE.ipynb runs the notebook's code cells in order as typed
// cells in a fresh session that stays afterwards (figures written to the figures directory), skips markdown and empty cells, and
// stops at the first failing cell; a file that is not a notebook is an error that names it.
func TestLoadNotebook(t *testing.T) {
	dir := t.TempDir()
	nbPath := filepath.Join(dir, "walk.ipynb")
	os.WriteFile(nbPath, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
 {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["print not code"]},
 {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": null, "outputs": [], "source": ["x := first\n", "print cell two"]},
 {"cell_type": "code", "id": "e", "metadata": {}, "execution_count": null, "outputs": [], "source": ["  "]},
 {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": null, "outputs": [], "source": "image"},
 {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": null, "outputs": [], "source": "panic boom"},
 {"cell_type": "code", "id": "d", "metadata": {}, "execution_count": null, "outputs": [], "source": "print not reached"}
]}`), 0o644)
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte("package main\n"), 0o644)
	evs := 0
	var out, errw bytes.Buffer
	r, err := New(Config{
		NewEvaluator: func() (Evaluator, error) { evs++; return &fake.Evaluator{}, nil },
		Stdout:       &out, Stderr: &errw, FiguresDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	r.lr = &scriptReader{lines: []string{"before := typed", ":load " + nbPath, "x", "before", ":load " + bad}}
	if err := r.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	o, e := out.String(), errw.String()
	if evs != 2 {
		t.Errorf("%d evaluators made, want 2 (a fresh one for the notebook only)", evs)
	}
	for _, want := range []string{"cell two\n", "[figure: ", "first\n"} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if strings.Contains(o, "not reached") || strings.Contains(o, "not code") {
		t.Errorf("a markdown cell or a cell after the failure ran:\n%s", o)
	}
	for _, want := range []string{"session reset: running walk.ipynb in a fresh session", "undefined: before", "[1/4] cell 2 of walk.ipynb", "[2/4] cell 4 of walk.ipynb", "[3/4] cell 5 of walk.ipynb",
		"panic: boom", "stopped at cell 5; 1 code cell not run", "notebooks: notebook " + bad + ": not a JSON notebook"} {
		if !strings.Contains(e, want) {
			t.Errorf("errors lack %q:\n%s", want, e)
		}
	}
	if figs := r.sink.Figures(); len(figs) != 1 || filepath.Ext(figs[0]) != ".png" {
		t.Errorf("figures %v, want one PNG", figs)
	}
}
