package repl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

func textBundle(s, id string) display.Bundle {
	return display.Bundle{Data: map[string]any{display.MIMEText: s}, DisplayID: id}
}

func TestTermSinkStreams(t *testing.T) {
	var out, errw bytes.Buffer
	s := NewTermSink(TermOptions{Stdout: &out, Stderr: &errw})
	s.Stream("stdout", "a\n")
	s.Stream("stderr", "b\n")
	s.Show(textBundle("value", ""))
	s.Show(display.Bundle{Data: map[string]any{display.MIMEMarkdown: "# md", display.MIMEText: "plain"}})
	s.Show(display.Bundle{Data: map[string]any{display.MIMEMarkdown: "# md"}})
	s.Show(display.Bundle{Data: map[string]any{display.MIMEHTML: "<b>x</b>"}})
	s.Show(display.Bundle{Data: map[string]any{display.MIMEJSON: 1}})
	want := "a\nvalue\nplain\n# md\n[text/html output: open the notebook in Jupyter to see it]\n"
	if out.String() != want || errw.String() != "b\n" {
		t.Errorf("stdout %q, stderr %q; want %q, %q", out.String(), errw.String(), want, "b\n")
	}
}

func TestTermSinkLiveLines(t *testing.T) {
	progress := func(f float64, text string) display.Bundle {
		b := textBundle(text, "p")
		b.Metadata = map[string]any{ProgressKey: f}
		return b
	}
	tests := []struct {
		name string
		tty  bool
		want string
	}{
		{"terminal", true, "[" + strings.Repeat(".", 20) + "]   0% start" +
			"\r\x1b[K[" + strings.Repeat("#", 10) + strings.Repeat(".", 10) + "]  50% half" +
			"\nprinted\n" + "status 1" + "\r\x1b[Kstatus 2" + "\n"},
		{"pipe", false, "printed\n[" + strings.Repeat("#", 10) + strings.Repeat(".", 10) + "]  50% half\nstatus 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			s := NewTermSink(TermOptions{Stdout: &out, Terminal: tt.tty})
			s.Show(progress(0, "start"))
			s.Update(progress(0.5, "half"))
			s.Stream("stdout", "printed\n")
			s.Show(textBundle("status 1", "s"))
			s.Update(textBundle("status 2", "s"))
			s.Flush()
			if out.String() != tt.want {
				t.Errorf("output\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

// A live line's last update (ProgressEndKey) ends it: text printed straight to the terminal
// afterwards starts on a new line, and off a terminal the final text is printed at once.
func TestTermSinkLiveLineEnd(t *testing.T) {
	tests := []struct {
		name string
		tty  bool
		want string
	}{
		{"terminal", true, "[" + strings.Repeat("#", 10) + strings.Repeat(".", 10) + "]  50% run" +
			"\r\x1b[K[" + strings.Repeat("#", 20) + "] 100% done\n" + "direct\n" + "[" + strings.Repeat(".", 20) + "]   0% next\n"},
		{"pipe", false, "[" + strings.Repeat("#", 20) + "] 100% done\n" + "direct\n" + "[" + strings.Repeat(".", 20) + "]   0% next\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			s := NewTermSink(TermOptions{Stdout: &out, Terminal: tt.tty})
			b := textBundle("run", "p")
			b.Metadata = map[string]any{ProgressKey: 0.5}
			s.Show(b)
			b = textBundle("done", "p")
			b.Metadata = map[string]any{ProgressKey: 1.0, ProgressEndKey: true}
			s.Update(b)
			out.WriteString("direct\n") // a cell's print, not through the sink
			b = textBundle("next", "q")
			b.Metadata = map[string]any{ProgressKey: 0.0}
			s.Show(b)
			s.Flush()
			if out.String() != tt.want {
				t.Errorf("output\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestTermSinkHTMLProgressAndWidth(t *testing.T) {
	var out bytes.Buffer
	s := NewTermSink(TermOptions{Stdout: &out, Terminal: true, Width: func() int { return 30 }})
	b := display.Bundle{
		Data: map[string]any{
			display.MIMEText: "snn run running: 250 of 1000 ms",
			display.MIMEHTML: `<div><progress value="0.2500" max="1"></progress> snn run</div>`,
		},
		DisplayID: "run",
	}
	s.Show(b)
	s.Flush()
	want := "[#####...............]  25% s\n" // 29 columns: one less than the width
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestProgressBar(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "[..........]   0%"},
		{0.25, "[###.......]  25%"},
		{1, "[##########] 100%"},
	}
	for _, tt := range tests {
		if got := progressBar(tt.f, 10); got != tt.want {
			t.Errorf("progressBar(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
	for _, v := range []any{-1.0, 2, float32(0.5), "x", nil} {
		f, ok := progressFraction(v)
		if ok && (f < 0 || f > 1) {
			t.Errorf("progressFraction(%v) = %v outside [0, 1]", v, f)
		}
	}
}

func TestTermSinkFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "figs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// An existing figure from an earlier run must not be overwritten.
	if err := os.WriteFile(filepath.Join(dir, "fig-001.png"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := NewTermSink(TermOptions{Stdout: &out, FiguresDir: dir, Images: ImageITerm})
	s.Show(display.Bundle{Data: map[string]any{display.MIMEPNG: fake.PNG(), display.MIMEText: "<image>"}})
	s.Show(display.Bundle{Data: map[string]any{display.MIMESVG: "<svg/>"}})
	figs := s.Figures()
	want := []string{filepath.Join(dir, "fig-002.png"), filepath.Join(dir, "fig-003.svg")}
	if strings.Join(figs, ",") != strings.Join(want, ",") {
		t.Fatalf("figures %v, want %v", figs, want)
	}
	if data, _ := os.ReadFile(figs[0]); !bytes.Equal(data, fake.PNG()) {
		t.Error("PNG file differs from the image shown")
	}
	if old, _ := os.ReadFile(filepath.Join(dir, "fig-001.png")); string(old) != "old" {
		t.Error("an existing figure was overwritten")
	}
	o := out.String()
	if !strings.Contains(o, "[figure: "+figs[0]+"]\n") || !strings.Contains(o, "[figure: "+figs[1]+"]\n") {
		t.Errorf("paths not printed: %q", o)
	}
	if strings.Count(o, "\x1b]1337;File=") != 1 {
		t.Errorf("want one inline (PNG) image in iTerm mode, output %q", o)
	}
}

func TestTermSinkFigureDirError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	var out, errw bytes.Buffer
	s := NewTermSink(TermOptions{Stdout: &out, Stderr: &errw, FiguresDir: filepath.Join(file, "sub")})
	s.Show(display.Bundle{Data: map[string]any{display.MIMEPNG: fake.PNG()}})
	if !strings.Contains(errw.String(), "repl: figures directory") {
		t.Errorf("stderr %q, want a clear error", errw.String())
	}
}

func TestTermSinkInput(t *testing.T) {
	s := NewTermSink(TermOptions{Stdout: &bytes.Buffer{}})
	if _, err := s.Input("? ", false); err == nil {
		t.Error("Input without a reader did not fail")
	}
	s = NewTermSink(TermOptions{Stdout: &bytes.Buffer{}, Input: func(p string, pw bool) (string, error) { return p + "answer", nil }})
	if got, err := s.Input("? ", false); err != nil || got != "? answer" {
		t.Errorf("Input = %q, %v", got, err)
	}
}

// TestTermSinkConcurrent writes from many goroutines; run with -race.
func TestTermSinkConcurrent(t *testing.T) {
	var out bytes.Buffer
	s := NewTermSink(TermOptions{Stdout: &out, Terminal: true})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				s.Stream("stdout", "line\n")
				s.Update(textBundle("progress", "p"))
			}
		}()
	}
	wg.Wait()
	s.Flush()
	if got := strings.Count(out.String(), "line\n"); got != 800 {
		t.Errorf("%d lines, want 800", got)
	}
}
