package session

import (
	"context"
	"fmt"
	"html"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// host connects compiled snn runs to the session: its Context is the running cell's
// context, so an interrupt stops a run started in a cell without the user passing one.
type host struct{ s *Session }

// Context returns the context of compiled runs: cancelled when a cell is interrupted (and
// when the session closes), not when a cell ends, so that runs in goroutines outlive their
// cell.
func (h *host) Context() context.Context {
	if c := h.s.cell.Load(); c != nil && c.ctx != nil {
		return c.ctx
	}
	return context.Background()
}

// progressDelay is how long a run goes before a live progress display appears: short runs
// (loops of Run(1), for example) show nothing.
const progressDelay = 500 * time.Millisecond

// netHost is the snn.Host of one network created in a cell: the session's context and a live
// progress display (Sink.Show, then Sink.Update with one display ID, and a final summary).
type netHost struct {
	*host
	net *snn.Network

	mu      sync.Mutex
	cond    *sync.Cond
	running bool            // a Run has asked for its context and not reported its end
	handle  *display.Handle // progress display of the current run, nil until shown
}

// runWait bounds how long a Run waits for an earlier, interrupted run of the same network to
// finish its last chunk (a run that failed with NaN reports no end; see the report).
const runWait = 5 * time.Second

// Context is called by Run when it starts: it waits for an earlier run of the same network
// that is still finishing (after an interrupt, Execute returns while the compiled run ends its
// current chunk), so that runs of one network never overlap, then returns the running cell's
// context.
func (h *netHost) Context() context.Context {
	h.mu.Lock()
	if h.running {
		deadline := time.Now().Add(runWait)
		t := time.AfterFunc(runWait, func() { h.mu.Lock(); h.cond.Broadcast(); h.mu.Unlock() })
		for h.running && time.Now().Before(deadline) {
			h.cond.Wait()
		}
		t.Stop()
	}
	if !h.running {
		h.s.runStarted()
	}
	h.running = true
	h.mu.Unlock()
	return h.host.Context()
}

func (h *netHost) ended() {
	if h.running {
		h.running = false
		h.s.runEnded()
		h.cond.Broadcast()
	}
}

var _ snn.Host = (*netHost)(nil)

// Progress shows or updates the run's progress display.
func (h *netHost) Progress(p snn.Progress) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.Final {
		defer h.ended()
	}
	if h.handle == nil {
		if p.Final || p.Wall < h.s.progressDelay {
			return
		}
		h.handle = h.s.disp.Bundle(h.progressBundle(p))
		return
	}
	b := h.progressBundle(p)
	// A protocol (protocol.Run) keeps one display for all its phases: the next phase
	// updates it, so a long protocol leaves one line under the cell, not one per phase.
	last := p.Final && (p.Phases == 0 || p.Phase+1 >= p.Phases || p.Done < p.Total)
	if last {
		// The display's last update: a terminal front end ends the line here, so that what
		// the cell prints next (straight to the terminal in the REPL) starts on a new line.
		b.Metadata["progress_end"] = true
	}
	h.handle.Bundle(b)
	if last {
		h.handle = nil
	}
}

func (h *netHost) popName(i int) string {
	if h.net != nil && i < h.net.NumPops() {
		return h.net.PopName(snn.PopID(i))
	}
	return fmt.Sprintf("pop%d", i)
}

// progressBundle formats a progress report: simulated time, speed relative to real time
// and the mean rate of each population over the run so far.
func (h *netHost) progressBundle(p snn.Progress) display.Bundle {
	frac := 0.0
	if p.Total > 0 {
		frac = p.Done / p.Total
	}
	speed := 0.0
	if p.Wall > 0 {
		speed = p.Done / 1000 / p.Wall.Seconds()
	}
	var rates []string
	for i, r := range p.Rates {
		rates = append(rates, fmt.Sprintf("%s %.2f Hz", h.popName(i), r))
	}
	state := "running"
	if p.Final {
		state = "done"
		if p.Done < p.Total {
			state = "stopped"
		}
	}
	what := "snn run"
	if p.Phases > 0 {
		what = fmt.Sprintf("snn protocol phase %d of %d", p.Phase+1, p.Phases)
	}
	txt := fmt.Sprintf("%s %s: %.1f of %.1f ms (%.0f%%), t = %.1f ms, %.2fx real time, wall %s; rates: %s",
		what, state, p.Done, p.Total, 100*frac, p.Time, speed, p.Wall.Round(time.Millisecond), strings.Join(rates, ", "))
	htm := fmt.Sprintf(`<div><progress value="%.4f" max="1"></progress> %s</div>`, frac, html.EscapeString(txt))
	// The "progress" metadata key (a fraction in [0, 1]) lets terminal front ends draw a bar.
	return display.Bundle{Data: map[string]any{display.MIMEText: txt, display.MIMEHTML: htm},
		Metadata: map[string]any{"progress": frac}}
}

// newNetHost returns the host of network n in this session.
func (s *Session) newNetHost(n *snn.Network) *netHost {
	h := &netHost{host: s.host, net: n}
	h.cond = newCond(h)
	return h
}

// openSessions are the sessions not yet closed, oldest first. Networks that compiled code
// creates (Setup.Build and anything else built on snn.New) get the newest one's host through
// snn's host factory; the wrapped constructors below bind each cell's networks to its own
// session.
var (
	openMu       sync.Mutex
	openSessions []*Session
)

func init() {
	snn.SetHostFactory(func(n *snn.Network) snn.Host {
		openMu.Lock()
		defer openMu.Unlock()
		if len(openSessions) == 0 {
			return nil
		}
		return openSessions[len(openSessions)-1].newNetHost(n)
	})
}

func (s *Session) register() {
	openMu.Lock()
	openSessions = append(openSessions, s)
	openMu.Unlock()
}

func (s *Session) unregister() {
	openMu.Lock()
	defer openMu.Unlock()
	for i, o := range openSessions {
		if o == s {
			openSessions = append(openSessions[:i], openSessions[i+1:]...)
			return
		}
	}
}

// snnOverrides wraps the snn constructors so that networks created in a cell get the
// session's host: Run then uses the running cell's context and shows live progress.
func (s *Session) snnOverrides() interp.Exports {
	attach := func(n *snn.Network) {
		if n != nil {
			n.SetHost(s.newNetHost(n))
		}
	}
	return interp.Exports{
		"github.com/gosnn/gosnn/snn/snn": {
			"New": reflect.ValueOf(func(cfg snn.Config) (*snn.Network, error) {
				n, err := snn.New(cfg)
				attach(n)
				return n, err
			}),
			"NewFromWeights": reflect.ValueOf(func(cfg snn.Config, w *mat.Dense, cl snn.Clusters) (*snn.Network, error) {
				n, err := snn.NewFromWeights(cfg, w, cl)
				attach(n)
				return n, err
			}),
		},
	}
}

// runStarted and runEnded count the snn runs in flight, so that an interrupted Execute can
// wait for them to stop (they check the context every 100 steps).
func (s *Session) runStarted() {
	s.runsMu.Lock()
	s.runs++
	s.runsMu.Unlock()
}

func (s *Session) runEnded() {
	s.runsMu.Lock()
	s.runs--
	s.runsCond.Broadcast()
	s.runsMu.Unlock()
}

// settle waits at most d for the snn runs in flight to end.
func (s *Session) settle(d time.Duration) {
	t := time.AfterFunc(d, func() { s.runsMu.Lock(); s.runsCond.Broadcast(); s.runsMu.Unlock() })
	defer t.Stop()
	deadline := time.Now().Add(d)
	s.runsMu.Lock()
	for s.runs > 0 && time.Now().Before(deadline) {
		s.runsCond.Wait()
	}
	s.runsMu.Unlock()
}

func newCond(h *netHost) *sync.Cond { return sync.NewCond(&h.mu) }
