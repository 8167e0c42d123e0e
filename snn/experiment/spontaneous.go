package experiment

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/gosnn/gosnn/internal/atomicfile"
	"github.com/gosnn/gosnn/snn"
)

// Spontaneous is the "spontaneous" kind: a network built from snn.DefaultConfig with the
// fields below replaced runs DurationMs of spontaneous activity (the Poisson drive only,
// no stimulus, no plasticity). It is small and quick with small NE and NI, which makes it
// the kind that tests of sweeps run.
//
// With Env.Dir set, Run locks the directory and runs in chunks of SnapshotMs (500 ms) of
// simulated time; after each chunk, and when the context is cancelled after a step since the
// last snapshot, it writes DIR/state.bin atomically: the options, the spike hash and count so
// far and the network's full state (snn.Network.WriteState). A later Run with the same
// options and Dir resumes from that snapshot (saying so on Env.Log) and returns the same
// result, bit for bit, as an uninterrupted run; state.bin of other options is refused with
// an error. A finished run removes its snapshot (it holds every weight: megabytes per task of
// a sweep), so a rerun starts again. Without Env.Dir it runs in one go and writes nothing.
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

// SnapshotMs is the simulated time between two snapshots of a Spontaneous run with Env.Dir.
const SnapshotMs = 500

// stateFile is the snapshot of a Spontaneous run in Env.Dir.
const stateFile = "state.bin"

// Run builds the network and runs it; with Env.Dir it resumes from and writes snapshots
// there (see Spontaneous).
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
	h := newSpikeHasher()
	if env.Dir == "" {
		if err := net.RunContext(ctx, o.DurationMs); err != nil {
			return nil, fmt.Errorf("experiment: spontaneous: %w", err)
		}
		h.add(net.DT(), mons[0].Spikes(), mons[1].Spikes())
	} else if err := o.runChunks(ctx, env, net, mons, h); err != nil {
		return nil, fmt.Errorf("experiment: spontaneous: %w", err)
	}
	ne, ni := net.SpikeCount(snn.PopE), net.SpikeCount(snn.PopI)
	r := SpontaneousResult{Spikes: int(ne + ni), Hash: h.String()}
	sec := net.Time() / 1000
	if o.NE > 0 {
		r.RateE = float64(ne) / float64(o.NE) / sec
	}
	if o.NI > 0 {
		r.RateI = float64(ni) / float64(o.NI) / sec
	}
	return r, nil
}

// runChunks runs net to o.DurationMs in chunks of SnapshotMs, resuming from and writing
// env.Dir/state.bin.
func (o *Spontaneous) runChunks(ctx context.Context, env Env, net *snn.Network, mons []*snn.SpikeMonitor, h *spikeHasher) error {
	lock, err := lockDir(env, "spontaneous")
	if err != nil {
		return err
	}
	defer lock.Release()
	opts, err := json.Marshal(o)
	if err != nil {
		return err
	}
	path := filepath.Join(env.Dir, stateFile)
	resumed, err := readSpontaneousState(path, opts, net, h)
	if err != nil {
		return err
	}
	total := int64(math.Round(o.DurationMs / net.DT()))
	if resumed {
		env.logf("spontaneous: resumed from %s at t = %.1f ms of %.1f ms", path, net.Time(), float64(total)*net.DT())
	}
	chunk := max(int64(math.Round(SnapshotMs/net.DT())), 1)
	save := func() error {
		h.add(net.DT(), mons[0].Spikes(), mons[1].Spikes())
		for _, m := range mons { // hashed: keep memory bounded over long runs
			sp := m.Spikes()
			sp.Time, sp.Neuron = sp.Time[:0], sp.Neuron[:0]
		}
		return atomicfile.Write(path, 0o644, func(w io.Writer) error {
			return writeSpontaneousState(w, opts, net, h)
		})
	}
	saved := net.Steps() // the step the snapshot on disk (or none, at 0) holds
	for net.Steps() < total {
		k := min(chunk, total-net.Steps())
		if err := net.RunContext(ctx, float64(k)*net.DT()); err != nil {
			if ctx.Err() != nil || errors.Is(err, context.Canceled) {
				if net.Steps() == saved { // nothing new: what is on disk (if anything) is this state
					env.logf("spontaneous: interrupted at t = %.1f ms, before a step since the last snapshot", net.Time())
					return err
				}
				if serr := save(); serr != nil {
					return errors.Join(err, serr)
				}
				env.logf("spontaneous: interrupted at t = %.1f ms, state saved to %s", net.Time(), path)
			}
			return err
		}
		if net.Steps() < total {
			if err := save(); err != nil {
				return err
			}
			saved = net.Steps()
		}
	}
	h.add(net.DT(), mons[0].Spikes(), mons[1].Spikes())
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// spontaneousMagic starts state.bin (statefile.go): the header is the options as JSON, the
// trailer the spike hash so far (uint64).
const spontaneousMagic = "GOSNNSP\x00"

func writeSpontaneousState(w io.Writer, opts []byte, net *snn.Network, h *spikeHasher) error {
	return writeRunState(w, spontaneousMagic, opts, binary.LittleEndian.AppendUint64(nil, h.h), net)
}

// readSpontaneousState restores net and h from path if it exists; it reports whether it did.
func readSpontaneousState(path string, opts []byte, net *snn.Network, h *spikeHasher) (bool, error) {
	trail, ok, err := readRunState(path, spontaneousMagic, "spontaneous", 8, net, func(saved []byte) error {
		if !bytes.Equal(saved, opts) {
			return otherRun(saved)
		}
		return nil
	})
	if ok {
		h.h = binary.LittleEndian.Uint64(trail)
	}
	return ok, err
}

// spikeHasher is an incremental FNV-1a 64-bit hash of spike trains (see
// SpontaneousResult.Hash): hashing consecutive time windows one after the other gives the
// hash of the whole train.
type spikeHasher struct{ h uint64 }

func newSpikeHasher() *spikeHasher { return &spikeHasher{h: 14695981039346656037} }

func (s *spikeHasher) write(b []byte) {
	for _, c := range b {
		s.h ^= uint64(c)
		s.h *= 1099511628211
	}
}

// String returns the hash in hex.
func (s *spikeHasher) String() string { return fmt.Sprintf("%016x", s.h) }

// add hashes the merged spike trains a and b in (time, neuron) order.
func (s *spikeHasher) add(dt float64, a, b *snn.Spikes) {
	var buf [12]byte
	put := func(t float64, n int32) {
		binary.LittleEndian.PutUint64(buf[:8], uint64(int64(math.Round(t/dt))))
		binary.LittleEndian.PutUint32(buf[8:], uint32(n))
		s.write(buf[:])
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
}
