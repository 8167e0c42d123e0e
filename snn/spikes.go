package snn

import "fmt"

// Spikes is a compact spike record: spike k is neuron Neuron[k] at time Time[k] (ms).
// Neuron indices are global network indices (E neurons first, then I; see doc.go).
// Records produced by monitors are sorted by time, and by neuron within one step.
type Spikes struct {
	Time   []float64 // ms
	Neuron []int32
}

// Len returns the number of spikes.
func (s *Spikes) Len() int { return len(s.Time) }

// Clusters describes a partition of consecutive E neuron indices into clusters: cluster k
// holds the E neurons Bounds[k] <= i < Bounds[k+1]. Bounds[0] is 0 and the last bound is the
// number of clustered E neurons (docs/MODEL.md section 1).
type Clusters struct {
	Bounds []int
}

// UniformClusters returns count clusters of size consecutive neurons each, starting at 0.
func UniformClusters(count, size int) Clusters {
	b := make([]int, count+1)
	for k := range b {
		b[k] = k * size
	}
	return Clusters{Bounds: b}
}

// Count returns the number of clusters.
func (c Clusters) Count() int {
	if len(c.Bounds) == 0 {
		return 0
	}
	return len(c.Bounds) - 1
}

// Size returns the number of neurons in cluster k.
func (c Clusters) Size(k int) int { return c.Bounds[k+1] - c.Bounds[k] }

// Of returns the cluster of E neuron i, or -1 if i is in no cluster.
func (c Clusters) Of(i int) int {
	lo, hi := 0, c.Count()
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case i < c.Bounds[m]:
			hi = m
		case i >= c.Bounds[m+1]:
			lo = m + 1
		default:
			return m
		}
	}
	return -1
}

// Validate reports malformed bounds: a negative first bound or bounds that do not increase
// strictly (an empty cluster). No clusters at all (no bounds) is valid.
func (c Clusters) Validate() error {
	b := c.Bounds
	if len(b) == 0 {
		return nil
	}
	if b[0] < 0 {
		return fmt.Errorf("snn: Clusters.Bounds[0] = %d: must be >= 0", b[0])
	}
	for k := 1; k < len(b); k++ {
		if b[k] <= b[k-1] {
			return fmt.Errorf("snn: Clusters.Bounds[%d] = %d: bounds must increase", k, b[k])
		}
	}
	return nil
}
