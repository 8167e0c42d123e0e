package session

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// Output written between cells (by a goroutine that outlived its cell) reaches the last
// cell's sink; only one session at a time can capture; Close gives the descriptors back.
func TestCaptureBetweenCells(t *testing.T) {
	if !captureSupported {
		t.Skip("output capture is not supported on this platform")
	}
	s, err := New(Options{Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	// No t.Log while capturing (it would be captured): collect, report after Close.
	var fails []string
	if _, err := New(Options{Capture: true}); err == nil || !strings.Contains(err.Error(), "already active") {
		fails = append(fails, "second capturing session: err = "+errString(err))
	}
	rec := &recorder{}
	_, err = s.Execute(context.Background(), "import (\n\"fmt\"\n\"time\"\n)\ngo func() {\n\ttime.Sleep(50 * time.Millisecond)\n\tfmt.Println(\"after the cell\")\n}()", rec)
	if err != nil {
		fails = append(fails, "cell: "+err.Error())
	}
	deadline := time.Now().Add(10 * time.Second)
	got := ""
	for time.Now().Before(deadline) {
		if got = rec.transcript(nil, nil); got != "" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for _, f := range fails {
		t.Error(f)
	}
	if got != "stdout| after the cell\n" {
		t.Errorf("last sink got %q", got)
	}
	// After Close another session can capture.
	s2, err := New(Options{Capture: true})
	if err != nil {
		t.Fatalf("capture after Close: %v", err)
	}
	s2.Close()
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// slowSink counts streamed bytes and is slow to take them, so the capture pipe fills up while
// the cell is still printing.
type slowSink struct {
	discardSink
	mu sync.Mutex
	n  int
}

func (s *slowSink) Stream(name, text string) {
	time.Sleep(10 * time.Millisecond)
	s.mu.Lock()
	s.n += len(text)
	s.mu.Unlock()
}

// A cell that prints faster than the front end takes its output loses nothing: writes wait
// for room in the pipe instead of failing, on stdout (a blocking descriptor) and on stderr
// (non-blocking for the runtime's sake, written through files that wait in the poller), by
// every way a cell writes there.
func TestCaptureFullPipeLosesNothing(t *testing.T) {
	if !captureSupported {
		t.Skip("output capture is not supported on this platform")
	}
	const lines, width = 40000, 100 // 4 MB: several times the pipe's 1 MiB
	for _, tc := range []struct{ name, imports, print string }{
		{"fmt.Println", `"fmt"`, "fmt.Println(line)"},
		{"os.Stdout", `"fmt"; "os"`, "fmt.Fprintln(os.Stdout, line)"},
		{"os.Stderr", `"fmt"; "os"`, "fmt.Fprintln(os.Stderr, line)"},
		{"log", `"log"`, "log.Print(line[:79]) // after the 20-byte date prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(Options{Capture: true})
			if err != nil {
				t.Fatal(err)
			}
			sink := &slowSink{}
			code := "import (" + tc.imports + "; \"strings\")\nline := strings.Repeat(\"x\", 99)\nfor i := 0; i < 40000; i++ {\n" + tc.print + "\n}"
			_, execErr := s.Execute(context.Background(), code, sink)
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if execErr != nil {
				t.Fatalf("cell: %v", execErr)
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			if sink.n != lines*width {
				t.Errorf("streamed %d bytes, want %d", sink.n, lines*width)
			}
		})
	}
}

// Output printed before a display call reaches the sink before the display, as it does in
// Jupyter with ipykernel: a notebook cell that prints where it looked and then shows a
// Markdown note keeps that order in every front end.
func TestCaptureOrderBeforeDisplay(t *testing.T) {
	if !captureSupported {
		t.Skip("output capture is not supported on this platform")
	}
	s, err := New(Options{Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < 20 && err == nil; i++ {
		rec := &recorder{}
		_, err = s.Execute(context.Background(), `fmt.Println("first")
display.Markdown("second")
fmt.Fprintln(os.Stderr, "third")
display.Show(4)
fmt.Print("fifth")`, rec)
		got = rec.events
		if len(got) != 5 || got[0] != "stdout|first\n" || !strings.Contains(got[1], "second") ||
			got[2] != "stderr|third\n" || !strings.Contains(got[3], " 4") || got[4] != "stdout|fifth" {
			break
		}
		got = nil
	}
	if cerr := s.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Errorf("events out of order: %q", got)
	}
}
