package experiment

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/gosnn/gosnn/snn"
)

// Spontaneous is the "spontaneous" kind: a network built from snn.DefaultConfig with the
// fields below replaced runs DurationMs of spontaneous activity (the Poisson drive only,
// no stimulus, no plasticity). It is small and quick with small NE and NI, which makes it
// the kind that tests of sweeps run.
//
// It does not resume: a run cancelled part-way leaves nothing in Env.Dir and a later Run
// starts again from the beginning (it gives the same result, the run being deterministic).
type Spontaneous struct {
	NE         int     `json:"NE"`         // excitatory neurons (2400)
	NI         int     `json:"NI"`         // inhibitory neurons (600)
	Clusters   int     `json:"Clusters"`   // E clusters, a divisor of NE (30)
	Seed       uint64  `json:"Seed"`       // seed of every random draw (1)
	ExtERate   float64 `json:"ExtERate"`   // Poisson drive to E, kHz (4.5)
	ExtEWeight float64 `json:"ExtEWeight"` // its weight, pF (1.6)
	ExtIRate   float64 `json:"ExtIRate"`   // Poisson drive to I, kHz (2.25)
	ExtIWeight float64 `json:"ExtIWeight"` // its weight, pF (1.52)
	DurationMs float64 `json:"DurationMs"` // simulated time, ms (1000)
}

// SpontaneousResult is the result of a Spontaneous run.
type SpontaneousResult struct {
	RateE  float64 `json:"RateE"`  // mean firing rate of the E neurons, Hz
	RateI  float64 `json:"RateI"`  // mean firing rate of the I neurons, Hz
	Spikes int     `json:"Spikes"` // number of spikes, E and I
	// Hash is the FNV-1a 64-bit hash of the spike train (for every spike in time order:
	// the step as int64, then the global neuron index as int32, little-endian), in hex:
	// equal hashes mean the same spikes, bit for bit.
	Hash string `json:"Hash"`
}

// DefaultSpontaneous returns the options of the main network of docs/MODEL.md for 1 s.
func DefaultSpontaneous() *Spontaneous {
	c := snn.DefaultConfig()
	return &Spontaneous{
		NE: c.NE, NI: c.NI, Clusters: c.Clusters, Seed: c.Seed,
		ExtERate: c.ExtE.Rate, ExtEWeight: c.ExtE.Weight,
		ExtIRate: c.ExtI.Rate, ExtIWeight: c.ExtI.Weight,
		DurationMs: 1000,
	}
}

// Kind returns "spontaneous".
func (*Spontaneous) Kind() string { return "spontaneous" }

// Kind returns "spontaneous".
func (SpontaneousResult) Kind() string { return "spontaneous" }

// config returns the network configuration of o.
func (o *Spontaneous) config() snn.Config {
	c := snn.DefaultConfig()
	c.NE, c.NI, c.Clusters, c.Seed = o.NE, o.NI, o.Clusters, o.Seed
	c.ExtE = snn.Drive{Rate: o.ExtERate, Weight: o.ExtEWeight}
	c.ExtI = snn.Drive{Rate: o.ExtIRate, Weight: o.ExtIWeight}
	return c
}

// Validate reports the first invalid field.
func (o *Spontaneous) Validate() error {
	if math.IsNaN(o.DurationMs) || math.IsInf(o.DurationMs, 0) || o.DurationMs <= 0 {
		return fmt.Errorf("experiment: spontaneous DurationMs = %v: must be finite and > 0", o.DurationMs)
	}
	c := o.config()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("experiment: spontaneous: %w", err)
	}
	return nil
}

// Run builds the network and runs it. Env.Dir is not used.
func (o *Spontaneous) Run(ctx context.Context, env Env) (Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := o.config()
	c.Threads = env.Threads
	net, err := snn.New(c)
	if err != nil {
		return nil, fmt.Errorf("experiment: spontaneous: %w", err)
	}
	if env.Host != nil {
		net.SetHost(env.Host)
	}
	mons := make([]*snn.SpikeMonitor, 2)
	for i, id := range []snn.PopID{snn.PopE, snn.PopI} {
		if mons[i], err = net.RecordSpikes(id, nil); err != nil {
			return nil, fmt.Errorf("experiment: spontaneous: %w", err)
		}
	}
	if err := net.RunContext(ctx, o.DurationMs); err != nil {
		return nil, fmt.Errorf("experiment: spontaneous: %w", err)
	}
	se, si := mons[0].Spikes(), mons[1].Spikes()
	r := SpontaneousResult{Spikes: se.Len() + si.Len(), Hash: spikeHash(net.DT(), se, si)}
	sec := net.Time() / 1000
	if o.NE > 0 {
		r.RateE = float64(se.Len()) / float64(o.NE) / sec
	}
	if o.NI > 0 {
		r.RateI = float64(si.Len()) / float64(o.NI) / sec
	}
	return r, nil
}

// spikeHash hashes the merged spike trains a and b in (time, neuron) order.
func spikeHash(dt float64, a, b *snn.Spikes) string {
	h := fnv.New64a()
	var buf [12]byte
	put := func(t float64, n int32) {
		binary.LittleEndian.PutUint64(buf[:8], uint64(int64(math.Round(t/dt))))
		binary.LittleEndian.PutUint32(buf[8:], uint32(n))
		h.Write(buf[:])
	}
	i, j := 0, 0
	for i < a.Len() || j < b.Len() {
		if j >= b.Len() || (i < a.Len() && (a.Time[i] < b.Time[j] || (a.Time[i] == b.Time[j] && a.Neuron[i] < b.Neuron[j]))) {
			put(a.Time[i], a.Neuron[i])
			i++
		} else {
			put(b.Time[j], b.Neuron[j])
			j++
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
