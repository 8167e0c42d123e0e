package snn

import "unsafe"

// The per-neuron arrays of a population (V, V_T, w, the conductance auxiliaries, the inputs,
// the traces, …) are read side by side, element i of each in the same step of the neuron loop.
// Allocated one by one, every array of more than a few kilobytes starts at the same offset
// modulo the 4-KiB page, so element i of all of them falls in the same set of the L1 data
// cache (64 sets of 64-byte lines, 8 ways, on the AMD EPYC these were measured on): fifteen
// streams through eight ways evict each other at every block. On the main network's 2400 AdEx
// neurons, the vector update took 21 ns per neuron with the plasticity traces and 8.4 without;
// on staggered arrays it takes 5.7 and 4.3 (BenchmarkNeuronStep, median of 6; the pure-Go
// path went from 85 and 40 to about 25 and 17). staggered cuts the arrays from one allocation
// with their starts spread over the page.

const (
	pageBytes    = 4096 // the span of the L1 sets: addresses this far apart share a set
	staggerBytes = 128  // the distance between the starts of successive arrays, modulo pageBytes
)

// Stagger phases: the arrays of a population take the phases phaseCells … phaseRate+1 (phase
// k starts at byte k·staggerBytes modulo pageBytes, so that element i of each array is in a
// set of its own), pageBytes/staggerBytes = 32 at most.
const (
	phaseCells  = 0  // the ten float64 arrays of cells
	phaseLast   = 10 // cells.last
	phaseTraces = 11 // ū−, ū+, x̄, y
	phaseRate   = 15 // the external rate and weight (population.rate, population.extW)
)

// staggered returns count zeroed slices of n elements, cut from one allocation, slice i
// starting at byte offset (phase+i)·staggerBytes modulo pageBytes; the capacity of each is its
// length, so that an append never runs into its neighbour.
func staggered[T float64 | int64](n, count, phase int) [][]T {
	const elem = 8
	span := (n*elem+pageBytes-1)/pageBytes*pageBytes + staggerBytes // ≡ staggerBytes (mod pageBytes)
	buf := make([]T, (count*span+pageBytes)/elem)
	base := int(uintptr(unsafe.Pointer(&buf[0])) % pageBytes)
	lead := ((phase*staggerBytes-base)%pageBytes + pageBytes) % pageBytes
	out := make([][]T, count)
	for i := range out {
		o := (lead + i*span) / elem
		out[i] = buf[o : o+n : o+n]
	}
	return out
}
