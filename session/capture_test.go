package session

import (
	"context"
	"strings"
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
