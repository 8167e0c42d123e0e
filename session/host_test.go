package session

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/snn"
)

// progressHost returns a test session whose cell records its output, and a network host in it.
func progressHost(t *testing.T) (*Session, *recorder, *netHost) {
	s := newTestSession(t)
	rec := &recorder{}
	s.cell.Store(&cellState{ctx: context.Background(), sink: rec})
	return s, rec, s.newNetHost()
}

// The progress display appears only for runs longer than progressDelay, is updated in place
// and ends with a summary.
func TestProgressDisplay(t *testing.T) {
	s, rec, h := progressHost(t)
	// A short run: no display at all.
	h.Progress(snn.Progress{Start: true})
	h.Progress(snn.Progress{Done: 10, Total: 10, Wall: 50 * time.Millisecond, Final: true})
	if len(rec.events) != 0 {
		t.Fatalf("short run showed %v", rec.events)
	}
	// A long run: show, update, final update.
	h.Progress(snn.Progress{Start: true})
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
	if s.runs != 0 {
		t.Errorf("run still counted after its final report: runs=%d", s.runs)
	}
}

// A protocol's phases share one progress display: every phase after the first updates it, and
// the display closes after the last phase (or a stopped one).
func TestProgressDisplayProtocol(t *testing.T) {
	_, rec, h := progressHost(t)
	long := time.Second
	for ph := 0; ph < 3; ph++ {
		h.Progress(snn.Progress{Start: true})
		h.Progress(snn.Progress{Done: 500, Total: 1000, Wall: long, Phase: ph, Phases: 3})
		h.Progress(snn.Progress{Done: 1000, Total: 1000, Wall: long, Phase: ph, Phases: 3, Final: true})
	}
	var shows, updates int
	for _, e := range rec.events {
		switch {
		case strings.HasPrefix(e, "display: "):
			shows++
		case strings.HasPrefix(e, "update: "):
			updates++
		}
	}
	if shows != 1 || updates != 5 {
		t.Fatalf("events %q: want 1 display and 5 updates", rec.events)
	}
	if last := rec.events[len(rec.events)-1]; !strings.Contains(last, "snn protocol phase 3 of 3 done") {
		t.Errorf("last event %q", last)
	}
	if h.handle != nil {
		t.Error("display still open after the last phase")
	}
	// A new run after the protocol gets a display of its own.
	h.Progress(snn.Progress{Start: true})
	h.Progress(snn.Progress{Done: 500, Total: 1000, Wall: long})
	if e := rec.events[len(rec.events)-1]; !strings.HasPrefix(e, "display: ") {
		t.Errorf("run after the protocol: %q, want a new display", e)
	}
	// A stopped phase closes the display too.
	h.Progress(snn.Progress{Done: 1000, Total: 1000, Wall: long, Final: true})
	h.Progress(snn.Progress{Start: true})
	h.Progress(snn.Progress{Done: 200, Total: 1000, Wall: long, Phase: 0, Phases: 3})
	h.Progress(snn.Progress{Done: 300, Total: 1000, Wall: long, Phase: 0, Phases: 3, Final: true})
	if h.handle != nil {
		t.Error("display still open after a stopped phase")
	}
}

// endSink records, for each display call, whether the bundle marks the display's end.
type endSink struct {
	mu   sync.Mutex
	ends []bool
}

func (e *endSink) Stream(name, text string) {}
func (e *endSink) Clear(wait bool)          {}
func (e *endSink) Show(b display.Bundle)    { e.add(b) }
func (e *endSink) Update(b display.Bundle)  { e.add(b) }
func (e *endSink) add(b display.Bundle) {
	end, _ := b.Metadata["progress_end"].(bool)
	e.mu.Lock()
	e.ends = append(e.ends, end)
	e.mu.Unlock()
}

// Only the last update of a progress display (the run's final report, or the last phase of
// a protocol) carries "progress_end", which tells a terminal to end the line there.
func TestProgressDisplayEnd(t *testing.T) {
	s, _, h := progressHost(t)
	sink := &endSink{}
	s.cell.Store(&cellState{ctx: context.Background(), sink: sink})
	long := time.Second
	for ph := 0; ph < 2; ph++ {
		h.Progress(snn.Progress{Start: true})
		h.Progress(snn.Progress{Done: 500, Total: 1000, Wall: long, Phase: ph, Phases: 2})
		h.Progress(snn.Progress{Done: 1000, Total: 1000, Wall: long, Phase: ph, Phases: 2, Final: true})
	}
	h.Progress(snn.Progress{Start: true})
	h.Progress(snn.Progress{Done: 500, Total: 1000, Wall: long})
	h.Progress(snn.Progress{Done: 1000, Total: 1000, Wall: long, Final: true})
	want := []bool{false, false, false, true, false, true}
	if fmt.Sprint(sink.ends) != fmt.Sprint(want) {
		t.Errorf("progress_end per display call %v, want %v", sink.ends, want)
	}
}

// hostOf returns the session whose host the network or setup named name, in session s, has.
func hostOf(t *testing.T, s *Session, name string) *Session {
	t.Helper()
	v, err := s.in.Eval(name)
	if err != nil {
		t.Fatal(err)
	}
	var h snn.Host
	switch x := v.Interface().(type) {
	case *snn.Network:
		h = x.Host()
	case snn.Setup:
		h = x.Host
	default:
		t.Fatalf("%s is a %T", name, x)
	}
	nh, ok := h.(*netHost)
	if !ok {
		t.Fatalf("%s: host %T, want a session host", name, h)
	}
	return nh.s
}

// TestHostPerSession: two sessions in one process; the networks a cell creates, directly
// (snn.New, snn.NewFromWeights) or through compiled code (Setup.Build of a setup an snn
// function returned), get a host of the cell's own session, one host per network, and a
// network that already has a host keeps it.
func TestHostPerSession(t *testing.T) {
	a, b := newTestSession(t), newTestSession(t)
	code := `cfg := snn.ReducedConfig(2, 20)
net, _ := snn.New(cfg)
wnet, _ := snn.NewFromWeights(cfg, net.WeightMatrix(), snn.Clusters{})
setup := snn.ReducedSetup(2, 20)
bnet, _ := setup.Build()
bnet2, _ := setup.Build()
own, _ := snn.New(cfg)
`
	for _, s := range []*Session{a, b} {
		if _, err := s.Execute(context.Background(), code, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*Session{a, b} {
		for _, name := range []string{"net", "wnet", "setup", "bnet", "bnet2"} {
			if got := hostOf(t, s, name); got != s {
				t.Errorf("%s has the host of another session", name)
			}
		}
		v, _ := s.in.Eval("net")
		w, _ := s.in.Eval("wnet")
		bn, _ := s.in.Eval("bnet")
		st, _ := s.in.Eval("setup")
		if v.Interface().(*snn.Network).Host() == w.Interface().(*snn.Network).Host() {
			t.Error("two networks created by snn.New and snn.NewFromWeights share a host")
		}
		if bn.Interface().(*snn.Network).Host() != st.Interface().(snn.Setup).Host {
			t.Error("Setup.Build's network does not have the setup's host")
		}
	}
	// A network given a host keeps it: the wrappers attach one only where there is none.
	if _, err := a.Execute(context.Background(), "own.SetHost(net.Host())\nown.Host() == net.Host()", nil); err != nil {
		t.Fatal(err)
	}
}

// TestHostOverrides: the session wraps every exported function of the simulator's packages
// that returns a network or a setup (found in the symbol tables, no list to keep).
func TestHostOverrides(t *testing.T) {
	s := newTestSession(t)
	ex := s.hostOverrides()
	for _, name := range []string{"New", "NewFromWeights", "PaperSetup", "ReducedSetup"} {
		if _, ok := ex[snnPath+"/snn"][name]; !ok {
			t.Errorf("snn.%s is not wrapped", name)
		}
	}
	for _, name := range []string{"DefaultConfig", "ReducedConfig", "LoadWeights"} {
		if _, ok := ex[snnPath+"/snn"][name]; ok {
			t.Errorf("snn.%s is wrapped", name)
		}
	}
}
