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
	"github.com/gosnn/gosnn/stdlib"
)

// progressDelay is how long a run goes before a live progress display appears: short runs
// (loops of Run(1), for example) show nothing.
const progressDelay = 500 * time.Millisecond

// netHost is the snn.Host of one network created in a cell (or of the networks built from one
// snn.Setup): its Context is the session's context of compiled runs, cancelled by an
// interrupt, so that a run started in a cell stops without the user passing a context; its
// Progress shows a live progress display (Sink.Show, then Sink.Update with one display ID,
// and a final summary) and counts the runs in flight (Session.settle waits for them).
type netHost struct {
	s *Session

	mu     sync.Mutex
	handle *display.Handle // progress display of the current run, nil until shown
}

var _ snn.Host = (*netHost)(nil)

// newNetHost returns a new host in this session.
func (s *Session) newNetHost() *netHost { return &netHost{s: s} }

// Context returns the context of compiled runs: cancelled when a cell is interrupted (and
// when the session closes), not when a cell ends, so that runs in goroutines outlive their
// cell. It has no side effects.
func (h *netHost) Context() context.Context {
	if c := h.s.cell.Load(); c != nil && c.ctx != nil {
		return c.ctx
	}
	return context.Background()
}

// Progress counts the run in or out (Start and Final reports) and shows or updates the run's
// progress display (a Start report only counts).
func (h *netHost) Progress(p snn.Progress) {
	if p.Start {
		h.s.runStarted()
		if !p.Final {
			return // nothing to show yet
		}
	}
	if p.Final {
		defer h.s.runEnded()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.handle == nil {
		if p.Final || p.Wall < h.s.progressDelay {
			return
		}
		h.handle = h.s.disp.Bundle(progressBundle(p))
		return
	}
	b := progressBundle(p)
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

// popName is the name of population i of a report.
func popName(p snn.Progress, i int) string {
	if i < len(p.Pops) {
		return p.Pops[i]
	}
	return fmt.Sprintf("pop%d", i)
}

// progressBundle formats a progress report: simulated time, speed relative to real time
// and the mean rate of each population over the run so far.
func progressBundle(p snn.Progress) display.Bundle {
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
		rates = append(rates, fmt.Sprintf("%s %.2f Hz", popName(p, i), r))
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

// snnPath is the import path of package snn; the packages under it are the simulator's too.
const snnPath = "github.com/gosnn/gosnn/snn"

var (
	networkType = reflect.TypeOf((*snn.Network)(nil))
	hostType    = reflect.TypeOf((*snn.Host)(nil)).Elem()
)

// hostField returns the index of the field of type snn.Host of struct type t (snn.Setup's
// Host), or -1.
func hostField(t reflect.Type) int {
	if t.Kind() != reflect.Struct {
		return -1
	}
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && f.Type == hostType {
			return i
		}
	}
	return -1
}

// hosting reports whether a result of type t gets the session's host: a *snn.Network, or a
// struct (or pointer to one) with a field of type snn.Host, as snn.Setup has.
func hosting(t reflect.Type) bool {
	if t == networkType {
		return true
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return hostField(t) >= 0
}

// hostOverrides wraps every exported function of the simulator's packages (snn and those
// under it) whose results include a *snn.Network, or a struct with a Host field such as
// snn.Setup, so that what a cell creates gets a host of this session: a network without a
// host gets a new one (SetHost); a Host field left nil is filled with a new host, which
// Setup.Build attaches to the networks it builds. Runs of those networks then use the running
// cell's context and show live progress. Nothing is registered anywhere: each session wraps
// the functions of its own interpreter, so two sessions in one process keep their networks
// apart.
func (s *Session) hostOverrides() interp.Exports {
	ex := interp.Exports{}
	for key, syms := range stdlib.Symbols {
		path := key[:max(strings.LastIndexByte(key, '/'), 0)]
		if path != snnPath && !strings.HasPrefix(path, snnPath+"/") {
			continue
		}
		for name, v := range syms {
			if v.Kind() != reflect.Func {
				continue
			}
			t := v.Type()
			for i := 0; i < t.NumOut(); i++ {
				if hosting(t.Out(i)) {
					if ex[key] == nil {
						ex[key] = map[string]reflect.Value{}
					}
					ex[key][name] = s.wrapHosting(v)
					break
				}
			}
		}
	}
	return ex
}

// wrapHosting returns f with the session's host attached to its results (see hostOverrides).
func (s *Session) wrapHosting(f reflect.Value) reflect.Value {
	t := f.Type()
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		var out []reflect.Value
		if t.IsVariadic() {
			out = f.CallSlice(args)
		} else {
			out = f.Call(args)
		}
		for i, o := range out {
			out[i] = s.attachHost(o)
		}
		return out
	})
}

// attachHost gives v, a result of a wrapped function, the session's host where it has none.
func (s *Session) attachHost(v reflect.Value) reflect.Value {
	switch t := v.Type(); {
	case t == networkType:
		if n := v.Interface().(*snn.Network); n != nil && n.Host() == nil {
			n.SetHost(s.newNetHost())
		}
	case t.Kind() == reflect.Struct:
		if i := hostField(t); i >= 0 && v.Field(i).IsNil() {
			c := reflect.New(t).Elem()
			c.Set(v)
			c.Field(i).Set(reflect.ValueOf(snn.Host(s.newNetHost())))
			return c
		}
	case t.Kind() == reflect.Pointer && !v.IsNil():
		if i := hostField(t.Elem()); i >= 0 && v.Elem().Field(i).IsNil() {
			v.Elem().Field(i).Set(reflect.ValueOf(snn.Host(s.newNetHost())))
		}
	}
	return v
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
