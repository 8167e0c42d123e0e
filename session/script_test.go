package session

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
)

// Script tests: testdata/*.txt hold cells and the transcript each one must produce, in
// txtar-like sections:
//
//	-- cell --            code of one cell (options: "-- cell interrupt=300ms --")
//	-- want --            its transcript (see recorder.transcript)
//
// Run with -update to rewrite the want sections from what the session does now (then review
// the diff before committing).

var update = flag.Bool("update", false, "rewrite testdata scripts with the current transcripts")

type section struct {
	name, args, body string
}

// parseSections splits a script into sections. Text before the first section is a comment.
func parseSections(data string) (comment string, secs []section) {
	lines := strings.SplitAfter(data, "\n")
	cur := -1
	var b strings.Builder
	flush := func() {
		if cur < 0 {
			comment = b.String()
		} else {
			secs[cur].body = b.String()
		}
		b.Reset()
	}
	for _, l := range lines {
		t := strings.TrimRight(l, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) >= 6 {
			flush()
			f := strings.Fields(t[3 : len(t)-3])
			if len(f) == 0 {
				f = []string{""}
			}
			secs = append(secs, section{name: f[0], args: strings.Join(f[1:], " ")})
			cur = len(secs) - 1
			continue
		}
		b.WriteString(l)
	}
	flush()
	return comment, secs
}

// recorder is a Sink that records events in order.
type recorder struct {
	mu     sync.Mutex
	events []string
	inputs []string
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Chunking depends on timing: merge consecutive writes to one stream.
	if n := len(r.events); n > 0 && strings.HasPrefix(r.events[n-1], name+"|") {
		r.events[n-1] += text
		return
	}
	r.events = append(r.events, name+"|"+text)
}

func bundleText(b display.Bundle) string {
	var mimes []string
	for k := range b.Data {
		mimes = append(mimes, k)
	}
	sort.Strings(mimes)
	txt, _ := b.Data[display.MIMEText].(string)
	id := ""
	if b.DisplayID != "" {
		id = " id"
	}
	return fmt.Sprintf("[%s]%s %s", strings.Join(mimes, " "), id, txt)
}

func (r *recorder) Show(b display.Bundle)   { r.add("display: " + bundleText(b)) }
func (r *recorder) Update(b display.Bundle) { r.add("update: " + bundleText(b)) }
func (r *recorder) Clear(wait bool)         { r.add(fmt.Sprintf("clear: %v", wait)) }

func (r *recorder) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "input: "+prompt)
	if len(r.inputs) == 0 {
		return "", fmt.Errorf("no more input")
	}
	s := r.inputs[0]
	r.inputs = r.inputs[1:]
	return s, nil
}

// transcript renders the recorded events, then the result or error of the cell.
func (r *recorder) transcript(res *display.Bundle, err error) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		if i := strings.IndexByte(e, '|'); i > 0 && (e[:i] == "stdout" || e[:i] == "stderr") {
			text := e[i+1:]
			for _, l := range strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n") {
				fmt.Fprintf(&b, "%s| %s\n", e[:i], strings.TrimSuffix(l, "\n"))
			}
			continue
		}
		b.WriteString(e + "\n")
	}
	if res != nil {
		b.WriteString("result: " + bundleText(*res) + "\n")
	}
	if err != nil {
		if ue, ok := err.(*Error); ok {
			fmt.Fprintf(&b, "error: %s: %s\n", ue.ErrorName(), ue.Value)
		} else {
			fmt.Fprintf(&b, "error (not a UserError): %v\n", err)
		}
	}
	return b.String()
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runScript(t, file)
		})
	}
}

func runScript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	comment, secs := parseSections(string(data))
	s, err := New(Options{Capture: captureSupported && os.Getenv("GOSNN_TEST_NOCAPTURE") == ""})
	if err != nil {
		t.Fatal(err)
	}
	// Progress displays depend on timing; TestProgressDisplay covers them.
	s.progressDelay = time.Hour
	// While the session captures fds 1 and 2, nothing here may call t.Log (it would be
	// captured): failures are collected and reported after Close.
	var fails []string
	var out strings.Builder
	out.WriteString(comment)
	for i := 0; i < len(secs); i++ {
		sec := secs[i]
		if sec.name != "cell" {
			fails = append(fails, fmt.Sprintf("section %d: want a cell, got %q", i, sec.name))
			break
		}
		var want *section
		if i+1 < len(secs) && secs[i+1].name == "want" {
			want = &secs[i+1]
			i++
		}
		rec := &recorder{}
		ctx, cancel := context.WithCancel(context.Background())
		var cancelled time.Time
		var timer *time.Timer
		for _, a := range strings.Fields(sec.args) {
			k, v, _ := strings.Cut(a, "=")
			switch k {
			case "interrupt":
				d, err := time.ParseDuration(v)
				if err != nil {
					fails = append(fails, fmt.Sprintf("bad interrupt %q", v))
					continue
				}
				var mu sync.Mutex
				timer = time.AfterFunc(d, func() { mu.Lock(); cancelled = time.Now(); mu.Unlock(); cancel() })
			case "input":
				rec.inputs = append(rec.inputs, v)
			}
		}
		res, err := s.Execute(ctx, sec.body, rec)
		returned := time.Now()
		if timer != nil {
			timer.Stop()
			if !cancelled.IsZero() {
				// Sanity bound only (timing is measured by BenchmarkInterrupt): a run
				// that ignored the interrupt would take its full length.
				if d := returned.Sub(cancelled); d > 5*time.Second {
					fails = append(fails, fmt.Sprintf("cell %d returned %v after the interrupt", i, d))
				}
			}
		}
		cancel()
		got := rec.transcript(res, err)
		fmt.Fprintf(&out, "-- cell%s --\n%s-- want --\n%s", prefixSpace(sec.args), sec.body, got)
		if want == nil {
			fails = append(fails, fmt.Sprintf("cell %d has no want section; got:\n%s", i, got))
		} else if got != want.body {
			fails = append(fails, fmt.Sprintf("cell:\n%s\ngot:\n%s\nwant:\n%s", sec.body, got, want.body))
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if *update {
		if err := os.WriteFile(file, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, f := range fails {
		t.Error(f)
	}
}

func prefixSpace(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}
