package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/snn"
)

// The progress display appears only for runs longer than progressDelay, is updated in place
// and ends with a summary.
func TestProgressDisplay(t *testing.T) {
	s := newTestSession(t)
	rec := &recorder{}
	s.cell.Store(&cellState{ctx: context.Background(), sink: rec})
	h := &netHost{host: s.host}
	h.cond = newCond(h)
	// A short run: no display at all.
	h.Context()
	h.Progress(snn.Progress{Done: 10, Total: 10, Wall: 50 * time.Millisecond, Final: true})
	if len(rec.events) != 0 {
		t.Fatalf("short run showed %v", rec.events)
	}
	// A long run: show, update, final update.
	h.Context()
	h.Progress(snn.Progress{Done: 100, Total: 1000, Wall: 100 * time.Millisecond, Rates: []float64{1, 2}})
	h.Progress(snn.Progress{Done: 400, Total: 1000, Wall: 600 * time.Millisecond, Rates: []float64{1, 2}})
	h.Progress(snn.Progress{Done: 800, Total: 1000, Wall: 900 * time.Millisecond, Rates: []float64{1, 2}})
	h.Progress(snn.Progress{Done: 1000, Total: 1000, Wall: time.Second, Rates: []float64{1.5, 2}, Final: true})
	if len(rec.events) != 3 {
		t.Fatalf("events %q, want show + 2 updates", rec.events)
	}
	if !strings.HasPrefix(rec.events[0], "display: [text/html text/plain] id snn run running: 400.0 of 1000.0 ms (40%)") {
		t.Errorf("first event %q", rec.events[0])
	}
	if !strings.HasPrefix(rec.events[2], "update: ") || !strings.Contains(rec.events[2], "snn run done") ||
		!strings.Contains(rec.events[2], "pop0 1.50 Hz") {
		t.Errorf("last event %q", rec.events[2])
	}
	if h.running || s.runs != 0 {
		t.Errorf("run still counted after its final report: running=%v runs=%d", h.running, s.runs)
	}
}
