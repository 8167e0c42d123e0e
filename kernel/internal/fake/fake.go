// Package fake is a scripted evaluator for testing the kernel without an interpreter. A cell
// is a list of commands, one per line:
//
//	print TEXT            write TEXT and a newline to stdout
//	eprint TEXT           write TEXT and a newline to stderr
//	= VALUE               the cell's result is VALUE (text/plain); a known variable name gives its value
//	set NAME VALUE        define a variable
//	show MIME TEXT        display TEXT as MIME (image/png gets a tiny PNG)
//	showid ID TEXT        display TEXT with display ID
//	update ID TEXT        update the display with ID
//	clear                 clear the output
//	error MSG             fail with a user error (ename "FakeError")
//	plainerror MSG        fail with a plain Go error
//	panic MSG             panic inside Execute
//	sleep                 block until interrupted (returns an "Interrupted" user error)
//	progress N            show a display and update it N times, 10 ms apart
//	flood N               write N bytes to stdout in 100-byte lines
//	input PROMPT          ask for a line and print "got: " and the answer
//	password PROMPT       the same, hidden
//	later TEXT            print TEXT from a goroutine 50 ms later
//	comm TARGET           register comm TARGET; it echoes each comm_msg back
//	opencomm TARGET       open a comm to TARGET from the kernel
//
// It is internal: only the kernel's tests and the fakekernel test program use it.
package fake

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/display"
)

// Evaluator is the fake evaluator. Its zero value is not usable: call New.
type Evaluator struct {
	mu   sync.Mutex
	vars map[string]string
}

// New returns an empty fake evaluator.
func New() *Evaluator { return &Evaluator{vars: map[string]string{}} }

// Error is a user error.
type Error struct{ Name, Msg string }

func (e *Error) Error() string { return e.Msg }

// ErrorName is the Jupyter ename.
func (e *Error) ErrorName() string { return e.Name }

// ErrorTraceback is the traceback.
func (e *Error) ErrorTraceback() []string { return []string{e.Name + ": " + e.Msg, "  at fake cell"} }

// PNG is a 1x1 PNG image.
var PNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// Execute runs the commands of code.
func (f *Evaluator) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	var result *display.Bundle
	for _, line := range strings.Split(code, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			out.Stream("stdout", arg+"\n")
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "=":
			f.mu.Lock()
			v, ok := f.vars[arg]
			f.mu.Unlock()
			if !ok {
				v = arg
			}
			result = &display.Bundle{Data: map[string]any{display.MIMEText: v}}
		case "set":
			name, val, _ := strings.Cut(arg, " ")
			f.mu.Lock()
			f.vars[name] = val
			f.mu.Unlock()
		case "show":
			mime, text, _ := strings.Cut(arg, " ")
			var v any = text
			if mime == display.MIMEPNG {
				v = PNG
			}
			out.Show(display.Bundle{Data: map[string]any{mime: v}})
		case "showid", "update":
			id, text, _ := strings.Cut(arg, " ")
			b := display.Bundle{Data: map[string]any{display.MIMEText: text}, DisplayID: id}
			if cmd == "showid" {
				out.Show(b)
			} else {
				out.Update(b)
			}
		case "clear":
			out.Clear(false)
		case "error":
			return nil, &Error{"FakeError", arg}
		case "plainerror":
			return nil, errors.New(arg)
		case "panic":
			panic(arg)
		case "sleep":
			<-ctx.Done()
			return nil, &Error{"Interrupted", "interrupted"}
		case "progress":
			var n int
			fmt.Sscan(arg, &n)
			out.Show(display.Bundle{Data: map[string]any{display.MIMEText: "step 0"}, DisplayID: "progress"})
			for i := 1; i <= n; i++ {
				select {
				case <-ctx.Done():
					return nil, &Error{"Interrupted", "interrupted"}
				case <-time.After(10 * time.Millisecond):
				}
				out.Update(display.Bundle{Data: map[string]any{display.MIMEText: fmt.Sprintf("step %d", i)}, DisplayID: "progress"})
			}
		case "flood":
			var n int
			fmt.Sscan(arg, &n)
			chunk := strings.Repeat("x", 99) + "\n"
			for w := 0; w < n; w += len(chunk) {
				out.Stream("stdout", chunk)
			}
		case "input", "password":
			in, ok := out.(display.Inputter)
			if !ok {
				return nil, &Error{"NoInput", "the sink cannot read input"}
			}
			s, err := in.Input(arg, cmd == "password")
			if err != nil {
				return nil, &Error{"InputError", err.Error()}
			}
			out.Stream("stdout", "got: "+s+"\n")
		case "later":
			go func() {
				time.Sleep(50 * time.Millisecond)
				out.Stream("stdout", arg+"\n")
			}()
		case "comm", "opencomm":
			host, ok := out.(display.CommHost)
			if !ok {
				return nil, &Error{"NoComm", "the sink has no comms"}
			}
			h := display.CommHandler{
				Open: func(c display.Comm, data map[string]any) { c.Send(map[string]any{"opened": data}) },
				Msg:  func(c display.Comm, data map[string]any) { c.Send(map[string]any{"echo": data}) },
			}
			if cmd == "comm" {
				host.RegisterCommTarget(arg, h)
			} else if _, err := host.OpenComm(arg, map[string]any{"hello": 1}, h); err != nil {
				return nil, &Error{"CommError", err.Error()}
			}
		default:
			return nil, &Error{"CompileError", fmt.Sprintf("unknown command %q", cmd)}
		}
	}
	return result, nil
}

var words = []string{"print", "printf", "println", "eprint", "error", "set", "show", "showid", "update", "clear", "sleep", "flood", "input"}

func isIdent(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// Complete completes the word before cursor from the command names and variables.
func (f *Evaluator) Complete(code string, cursor int) ([]string, int, int) {
	if cursor < 0 || cursor > len(code) {
		cursor = len(code)
	}
	start := cursor
	for start > 0 && isIdent(code[start-1]) {
		start--
	}
	prefix := code[start:cursor]
	var m []string
	f.mu.Lock()
	cands := append([]string(nil), words...)
	for v := range f.vars {
		cands = append(cands, v)
	}
	f.mu.Unlock()
	for _, w := range cands {
		if strings.HasPrefix(w, prefix) {
			m = append(m, w)
		}
	}
	sort.Strings(m)
	return m, start, cursor
}

// Inspect documents the command word at cursor.
func (f *Evaluator) Inspect(code string, cursor, detail int) (display.Bundle, bool) {
	if cursor < 0 || cursor > len(code) {
		cursor = len(code)
	}
	s, e := cursor, cursor
	for s > 0 && isIdent(code[s-1]) {
		s--
	}
	for e < len(code) && isIdent(code[e]) {
		e++
	}
	w := code[s:e]
	for _, known := range words {
		if w == known {
			return display.Bundle{Data: map[string]any{display.MIMEText: w + ": a fake command", display.MIMEMarkdown: "`" + w + "`"}}, true
		}
	}
	return display.Bundle{}, false
}

// IsComplete: unbalanced "{" is incomplete, a stray "}" invalid.
func (f *Evaluator) IsComplete(code string) (string, string) {
	depth := 0
	for _, r := range code {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("    ", depth)
	}
	return "complete", ""
}
