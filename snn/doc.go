// Package snn simulates the recurrent spiking network of Maes, Barahona & Clopath (2020),
// "Learning spatiotemporal signals using a recurrent spiking network that discretizes time"
// (PLoS Comput Biol 16:e1007606), as specified in MODEL.md, with forward Euler at dt = 0.1 ms
// in the per-step order of the original code.
//
// snn is plain compiled Go: it never prints, keeps no package-level mutable state, and
// imports nothing of this repository (only the standard library and gonum).
//
// # Units
//
// Time in ms, potentials in mV, conductances in nS, capacitance in pF, currents in pA, rates
// in kHz (events per ms) unless a name says Hz. Synaptic weights are the time integral of the
// conductance a spike adds, in "pF" = nS·ms (MODEL.md section 4.1).
//
// # Indices
//
// Every neuron has a global index: the E neurons come first (0 … NE−1, clusters of
// consecutive indices), then the I neurons (NE … NE+NI−1), then the neurons of each
// population added with AddPopulation, in order. Methods taking a PopID use local indices
// (0 … Size−1) within that population; Spikes records hold global indices. Weight matrices
// are post × pre: row = postsynaptic neuron, column = presynaptic neuron (MODEL.md 4.2).
//
// # The per-step schedule
//
// The step loop lives in step.go and nowhere else. Step s (s = 1, 2, …; t = s·dt) does, in
// the order of MODEL.md section 2:
//
//  1. (plasticity issue) every 200 steps, E→E normalisation (§5.3);
//  2. hooks registered with Every run between steps on the caller's goroutine (stimulus
//     bookkeeping: SetRate, SetDriveWeight);
//  3. (implicit) the current-step accumulators are empty;
//  4. for each neuron, populations in order, in index order:
//     a. decay of the iSTDP trace y (Config.Traces);
//     b. external Poisson arrivals with time <= t join the neuron's previous-step input
//     (no delay; renewal process per neuron, exponential intervals at the current rate;
//     events of negative weight go to Config.NegativeExt);
//     c. the four conductance auxiliaries: x ← x·(1 − dt/τ) + input (§4.1), g = (x_d − x_r)/(τ_d − τ_r);
//     d. AdEx only: V_T and w from the previous-step V; traces ū−, ū+, x̄ (Config.Traces);
//     e. unless refractory (s <= last spike step + round(τ_ref/dt)): Euler update of V, and if
//     V > VPeak: spike, V = VReset, V_T jump (ThresholdSet or ThresholdIncrement), w += b,
//     y += 1 and x̄ += 1;
//     f. (plasticity issue) LTP, LTD and iSTDP of this neuron's synapses: marked hooks in
//     stepAdEx, stepLIF and deliver;
//  5. the step's spikes, in global index order, add their weights to the input buffers that
//     their targets consume in step s+1: the one-step recurrent delay (§2).
//
// After every chunk of 100 steps (or earlier, at a hook), the run returns to the calling
// goroutine: the context is checked, monitors are filled, V is checked for NaN/Inf, and
// progress is reported to the Host.
//
// # Threads
//
// With T workers every population is cut into T contiguous ranges; worker k integrates range
// k of each population, then (after one spinning barrier) adds the step's spikes into the
// inputs of its own range. Spikes are visited in global index order, every neuron draws its
// Poisson input from its own SplitMix64 stream seeded from the seed and its global index, so
// the same seed gives bit-identical results for any thread count. Threads = 1 runs without
// goroutines or barriers.
//
// # Synapse storage
//
// A projection stores its weights contiguously by postsynaptic neuron (CSR post → pre), as
// LTP and normalisation need, plus a pre → post index into that weight array for delivery.
//
// # MODEL.md section 9 switches
//
// Item 1 (training input channel): Config.NegativeExt (Exc [J], default; Inh [R]). Item 8
// (threshold after a spike): NeuronParams.Threshold. Item 9/10: forward Euler, one-step
// recurrent delay and undelayed external input, always. Item 13 (initial V):
// NeuronParams.VInitLow/VInitHigh. Item 14 (H refractoriness): always per neuron. Item 6:
// traces start at the initial V. Items 2-5, 11, 12 belong to the plasticity and read-out
// issues; item 7 (the last-E-neuron bug of [J]) is not reproduced.
package snn
