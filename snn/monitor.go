package snn

import (
	"fmt"
	"math"
)

// Monitors observe a network and never change its state. They are filled at the end of every
// chunk of steps, on the goroutine that runs the network.

// SpikeMonitor records the spikes of one population (all neurons or chosen ones) compactly.
type SpikeMonitor struct {
	pop  int
	keep []bool // nil: all neurons
	sp   Spikes
}

// RecordSpikes starts recording the spikes of population id from now on: of the given local
// neuron indices, or of all neurons when neurons is nil.
func (n *Network) RecordSpikes(id PopID, neurons []int) (*SpikeMonitor, error) {
	p, err := n.pop(id)
	if err != nil {
		return nil, err
	}
	m := &SpikeMonitor{pop: int(id)}
	if neurons != nil {
		m.keep = make([]bool, p.n)
		for _, i := range neurons {
			if i < 0 || i >= p.n {
				return nil, fmt.Errorf("snn: RecordSpikes: neuron %d out of range [0, %d) of population %s", i, p.n, p.name)
			}
			m.keep[i] = true
		}
	}
	n.spikeMons = append(n.spikeMons, m)
	return m, nil
}

// Spikes returns the record so far: times in ms and global neuron indices, sorted by time and
// then by index. The record is the monitor's own; later runs append to it.
func (m *SpikeMonitor) Spikes() *Spikes { return &m.sp }

func (m *SpikeMonitor) add(t float64, off int, sp []int32) {
	for _, i := range sp {
		if m.keep == nil || m.keep[i] {
			m.sp.Time = append(m.sp.Time, t)
			m.sp.Neuron = append(m.sp.Neuron, int32(off)+i)
		}
	}
}

// StateMonitor records chosen state variables of chosen neurons every few steps.
type StateMonitor struct {
	every   int64
	dt      float64
	entries []stateEntry
	nvars   int
	data    []float64 // sample-major: data[sample*len(entries) + neuron*nvars + var]
	times   []float64
	base    int   // index in data of the chunk's first sample
	first   int64 // sample number (step/every) of the chunk's first sample
}

type stateEntry struct {
	pop, i int
	v      Var
}

// RecordState starts recording the variables vars of the given local neurons of population id
// after every step whose time is a multiple of everyMs (rounded to whole steps, at least one).
func (n *Network) RecordState(id PopID, neurons []int, vars []Var, everyMs float64) (*StateMonitor, error) {
	p, err := n.pop(id)
	if err != nil {
		return nil, err
	}
	if bad(everyMs) || everyMs <= 0 {
		return nil, fmt.Errorf("snn: RecordState: interval = %v ms: must be > 0", everyMs)
	}
	if len(vars) == 0 {
		return nil, fmt.Errorf("snn: RecordState: no variables given")
	}
	for _, v := range vars {
		if err := checkVar(p, v); err != nil {
			return nil, err
		}
	}
	m := &StateMonitor{every: max(int64(math.Round(everyMs/n.dt)), 1), dt: n.dt, nvars: len(vars)}
	for _, i := range neurons {
		if i < 0 || i >= p.n {
			return nil, fmt.Errorf("snn: RecordState: neuron %d out of range [0, %d) of population %s", i, p.n, p.name)
		}
		for _, v := range vars {
			m.entries = append(m.entries, stateEntry{pop: int(id), i: i, v: v})
		}
	}
	n.stateMons = append(n.stateMons, m)
	n.ready = false
	return m, nil
}

// grow makes room for the samples of steps s0 … s1.
func (m *StateMonitor) grow(s0, s1 int64) {
	first := (s0 + m.every - 1) / m.every
	last := s1 / m.every
	m.base, m.first = len(m.data), first
	for k := first; k <= last; k++ {
		m.times = append(m.times, float64(k*m.every)*m.dt)
		m.data = append(m.data, make([]float64, len(m.entries))...)
	}
}

// Times returns the sample times in ms.
func (m *StateMonitor) Times() []float64 { return m.times }

// Trace returns the samples of variable number v (its position in the vars given to
// RecordState) of neuron number k (its position in the neurons given) as a new slice.
func (m *StateMonitor) Trace(k, v int) []float64 {
	w := len(m.entries)
	if w == 0 || v < 0 || v >= m.nvars || k < 0 || k*m.nvars+v >= w {
		return nil
	}
	out := make([]float64, len(m.data)/w)
	for s := range out {
		out[s] = m.data[s*w+k*m.nvars+v]
	}
	return out
}

// RateMonitor counts spikes per population, and per E cluster, in bins of fixed width.
type RateMonitor struct {
	net      *Network
	binSteps int64
	start    int64     // step at creation: bin b covers steps start+b·binSteps+1 … start+(b+1)·binSteps
	counts   [][]int64 // per population, per bin
	cl       [][]int64 // per cluster, per bin
}

// RecordRates starts counting spikes in bins of binMs (rounded to whole steps, at least one).
func (n *Network) RecordRates(binMs float64) (*RateMonitor, error) {
	if bad(binMs) || binMs <= 0 {
		return nil, fmt.Errorf("snn: RecordRates: bin = %v ms: must be > 0", binMs)
	}
	m := &RateMonitor{net: n, binSteps: max(int64(math.Round(binMs/n.dt)), 1), start: n.step}
	m.cl = make([][]int64, n.clusters.Count())
	n.rateMons = append(n.rateMons, m)
	return m, nil
}

func (m *RateMonitor) add(n *Network, s int64, pi int, sp []int32) {
	b := int((s - m.start - 1) / m.binSteps)
	for len(m.counts) <= pi {
		m.counts = append(m.counts, nil)
	}
	m.counts[pi] = extend(m.counts[pi], b+1)
	m.counts[pi][b] += int64(len(sp))
	if pi == 0 && len(m.cl) > 0 {
		for _, i := range sp {
			if k := n.clusters.Of(int(i)); k >= 0 {
				m.cl[k] = extend(m.cl[k], b+1)
				m.cl[k][b]++
			}
		}
	}
}

func extend(c []int64, n int) []int64 {
	for len(c) < n {
		c = append(c, 0)
	}
	return c
}

// bins returns the number of bins so far (the last may be incomplete) and the steps covered
// by bin b.
func (m *RateMonitor) bins() int {
	return int((m.net.step - m.start + m.binSteps - 1) / m.binSteps)
}

func (m *RateMonitor) rates(c []int64, size int) []float64 {
	nb := m.bins()
	out := make([]float64, nb)
	if size <= 0 {
		return out
	}
	for b := range out {
		steps := min(m.binSteps, m.net.step-m.start-int64(b)*m.binSteps)
		if b < len(c) {
			out[b] = float64(c[b]) / float64(size) / (float64(steps) * m.net.dt / 1000)
		}
	}
	return out
}

// Rates returns the mean rate (Hz) of population id in each bin.
func (m *RateMonitor) Rates(id PopID) []float64 {
	var c []int64
	if int(id) < len(m.counts) && id >= 0 {
		c = m.counts[id]
	}
	return m.rates(c, m.net.Size(id))
}

// ClusterRates returns the mean rate (Hz) of E cluster k in each bin.
func (m *RateMonitor) ClusterRates(k int) []float64 {
	if k < 0 || k >= len(m.cl) {
		return nil
	}
	return m.rates(m.cl[k], m.net.clusters.Size(k))
}

// BinTimes returns the start time of each bin, ms.
func (m *RateMonitor) BinTimes() []float64 {
	out := make([]float64, m.bins())
	for b := range out {
		out[b] = float64(m.start+int64(b)*m.binSteps) * m.net.dt
	}
	return out
}

// StopSpikes stops the spike monitor m (its record stays readable); stopping a monitor that is
// not recording does nothing. Long protocols record spikes only in their recording phases.
func (n *Network) StopSpikes(m *SpikeMonitor) {
	keep := n.spikeMons[:0]
	for _, x := range n.spikeMons {
		if x != m {
			keep = append(keep, x)
		}
	}
	for i := len(keep); i < len(n.spikeMons); i++ {
		n.spikeMons[i] = nil
	}
	n.spikeMons = keep
}

// RateTable is a set of rate traces on common time bins, the form rates are exported in:
// TimeMs[b] is the time of bin b and Hz[k][b] the rate of trace k (named Names[k]) in it.
type RateTable struct {
	TimeMs []float64
	Names  []string
	Hz     [][]float64
}

// Table returns the monitor's rates so far: one trace per population (named by the
// population), then one per E cluster ("cluster_0", "cluster_1", ...), at the start time of
// each bin (BinTimes).
func (m *RateMonitor) Table() RateTable {
	t := RateTable{TimeMs: m.BinTimes()}
	for i := 0; i < m.net.NumPops(); i++ {
		t.Names = append(t.Names, m.net.PopName(PopID(i)))
		t.Hz = append(t.Hz, m.Rates(PopID(i)))
	}
	for k := range m.cl {
		t.Names = append(t.Names, fmt.Sprintf("cluster_%d", k))
		t.Hz = append(t.Hz, m.ClusterRates(k))
	}
	return t
}
