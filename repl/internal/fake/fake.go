// Package fake is a tiny evaluator with the method set of repl.Evaluator, for the tests of
// package repl and the tmux tests of its terminal behaviour. It understands one command
// per line:
//
//	NAME := VALUE     store VALUE (the rest of the line) under NAME
//	NAME = VALUE      replace the value of NAME (error if undefined)
//	// TEXT           a comment: nothing
//	NAME              show the value of NAME (a result; error if undefined)
//	print TEXT        write TEXT and a newline to stdout
//	eprint TEXT       write TEXT and a newline to stderr
//	sleep             run until interrupted, updating a progress display
//	progress N        show a progress display updated N times, then finish
//	panic TEXT        fail with a user error named "panic"
//	fail TEXT         fail with a plain (non-user) error
//	image             show a 2x2 PNG image
//	svg               show an SVG image
//	clear             clear the output
//	func NAME() {     a block: lines up to the matching "}" are stored; NAME() runs them
//
// Braces decide whether input is complete. Complete offers the stored names and a few
// fixed words; Inspect documents "Println" and stored names.
package fake

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sort"
	"strings"
	"sync"

	"github.com/gosnn/gosnn/display"
)

// UserError is an error from "user code", with the methods of kernel.UserError.
type UserError struct {
	Name, Msg string
	Trace     []string
}

func (e *UserError) Error() string { return e.Msg }

// ErrorName returns the Jupyter ename.
func (e *UserError) ErrorName() string { return e.Name }

// ErrorTraceback returns the traceback lines.
func (e *UserError) ErrorTraceback() []string { return e.Trace }

// Evaluator is the fake evaluator. The zero value is ready to use.
type Evaluator struct {
	mu    sync.Mutex
	vars  map[string]string
	funcs map[string][]string
	// Executed records every cell passed to Execute.
	Executed []string
}

var words = []string{"Println", "Printf", "Sprintf", "print", "progress", "sleep"}

// Execute runs code, one command per line.
func (e *Evaluator) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.Executed = append(e.Executed, code)
	if e.vars == nil {
		e.vars, e.funcs = map[string]string{}, map[string][]string{}
	}
	return e.run(ctx, strings.Split(code, "\n"), out)
}

func (e *Evaluator) run(ctx context.Context, lines []string, out display.Sink) (*display.Bundle, error) {
	var res *display.Bundle
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line != "" {
			res = nil
		}
		cmd, arg, _ := strings.Cut(line, " ")
		switch {
		case line == "":
		case strings.HasPrefix(line, "func ") && strings.HasSuffix(line, "{"):
			name := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(line, "{"), "func ")), "()")
			depth := 1
			var body []string
			for i++; i < len(lines) && depth > 0; i++ {
				depth += strings.Count(lines[i], "{") - strings.Count(lines[i], "}")
				if depth > 0 {
					body = append(body, strings.TrimSpace(lines[i]))
				}
			}
			i--
			e.funcs[name] = body
		case strings.HasSuffix(line, "()") && e.funcs[strings.TrimSuffix(line, "()")] != nil:
			if _, err := e.run(ctx, e.funcs[strings.TrimSuffix(line, "()")], out); err != nil {
				return nil, err
			}
		case strings.HasPrefix(line, "//"):
		case strings.Contains(line, ":="):
			name, val, _ := strings.Cut(line, ":=")
			e.vars[strings.TrimSpace(name)] = strings.TrimSpace(val)
		case strings.Contains(line, " = "):
			name, val, _ := strings.Cut(line, " = ")
			name = strings.TrimSpace(name)
			if _, ok := e.vars[name]; !ok {
				return nil, &UserError{Name: "CompileError", Msg: "undefined: " + name, Trace: []string{"1:1: undefined: " + name}}
			}
			e.vars[name] = strings.TrimSpace(val)
		case cmd == "print":
			out.Stream("stdout", arg+"\n")
		case cmd == "eprint":
			out.Stream("stderr", arg+"\n")
		case cmd == "panic":
			return nil, &UserError{Name: "panic", Msg: arg, Trace: []string{"panic: " + arg, "\tat line " + fmt.Sprint(i+1)}}
		case cmd == "fail":
			return nil, fmt.Errorf("fake: %s", arg)
		case cmd == "sleep":
			b := display.Bundle{Data: map[string]any{display.MIMEText: "running"}, DisplayID: "sleep"}
			out.Show(b)
			for k := 0; ; k++ {
				select {
				case <-ctx.Done():
					return nil, &UserError{Name: "Interrupted", Msg: "interrupted", Trace: []string{"Interrupted: cell stopped"}}
				default:
				}
				if k%1000 == 0 {
					out.Update(display.Bundle{Data: map[string]any{display.MIMEText: fmt.Sprintf("step %d", k)}, DisplayID: "sleep"})
				}
			}
		case cmd == "progress":
			var n int
			fmt.Sscan(arg, &n)
			out.Show(display.Bundle{Data: map[string]any{display.MIMEText: "step 0"}, Metadata: map[string]any{"progress": 0.0}, DisplayID: "p"})
			for k := 1; k <= n; k++ {
				out.Update(display.Bundle{Data: map[string]any{display.MIMEText: fmt.Sprintf("step %d", k)},
					Metadata: map[string]any{"progress": float64(k) / float64(n)}, DisplayID: "p"})
			}
		case cmd == "image":
			out.Show(display.Bundle{Data: map[string]any{display.MIMEPNG: PNG(), display.MIMEText: "<image>"}})
		case cmd == "svg":
			out.Show(display.Bundle{Data: map[string]any{display.MIMESVG: `<svg xmlns="http://www.w3.org/2000/svg"/>`}})
		case cmd == "clear":
			out.Clear(false)
		default:
			v, ok := e.vars[line]
			if !ok {
				return nil, &UserError{Name: "CompileError", Msg: "undefined: " + line, Trace: []string{"1:1: undefined: " + line}}
			}
			res = &display.Bundle{Data: map[string]any{display.MIMEText: v}}
		}
	}
	return res, nil
}

// Complete offers the fixed words and stored names that extend the identifier before cursor.
func (e *Evaluator) Complete(code string, cursor int) ([]string, int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cursor < 0 || cursor > len(code) {
		return nil, cursor, cursor
	}
	start := cursor
	for start > 0 && isIdent(code[start-1]) {
		start--
	}
	prefix := code[start:cursor]
	var m []string
	cands := append([]string{}, words...)
	for n := range e.vars {
		cands = append(cands, n)
	}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) {
			m = append(m, c)
		}
	}
	sort.Strings(m)
	return m, start, cursor
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Inspect documents Println and stored names.
func (e *Evaluator) Inspect(code string, cursor int, detail int) (display.Bundle, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := strings.TrimSpace(code)
	if name == "Println" || name == "fmt.Println" {
		return display.Bundle{Data: map[string]any{display.MIMEText: "func Println(a ...any) (n int, err error)\n    Println formats and writes to standard output."}}, true
	}
	if v, ok := e.vars[name]; ok {
		return display.Bundle{Data: map[string]any{display.MIMEText: "var " + name + " = " + v}}, true
	}
	return display.Bundle{}, false
}

// IsComplete reports "incomplete" while braces are open, "invalid" when more close than
// open, else "complete".
func (e *Evaluator) IsComplete(code string) (string, string) {
	d := strings.Count(code, "{") - strings.Count(code, "}")
	switch {
	case d > 0:
		return "incomplete", strings.Repeat("    ", d)
	case d < 0:
		return "invalid", ""
	}
	return "complete", ""
}

// PNG returns a 2x2 PNG image: red, green / blue, transparent.
func PNG() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 255, 0, 255})
	img.Set(0, 1, color.NRGBA{0, 0, 255, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
