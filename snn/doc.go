// Package snn simulates the recurrent spiking network of Maes, Barahona & Clopath (2020),
// "Learning spatiotemporal signals using a recurrent spiking network that discretizes time"
// (PLoS Comput Biol 16:e1007606), as specified in docs/MODEL.md, with forward Euler at dt = 0.1 ms
// in the per-step order of the original code.
//
// snn is the core: configuration, network, populations, projections, the per-step schedule,
// plasticity rules, monitors and the host interface. Packages beside it import it, never the
// reverse: snn/protocol (training protocols with resumable snapshots), snn/analysis (rates,
// replay, weight structure), snn/snnio (file formats: .mat, .npy, text, CSV), snn/audio (WAV
// and spectrograms) and snn/readout (the read-out layer and the bird-song supervisor).
//
// snn is plain compiled Go: it never prints, keeps no package-level state that changes (its
// package-level variables are lookup tables filled once during package initialisation: the
// exponential's table, the table of neuron models, model.go, and whether the processor has
// the vector path, simd.go), and imports nothing of this
// repository (only the standard library and gonum).
//
// # Hosts
//
// A Host receives the progress of runs and supplies a context that stops them. A run finds its
// host in one way: the host its context carries (WithHost, HostFromContext), else the
// network's own (SetHost; Setup.Build attaches Setup.Host), else none; snn keeps no other
// record of hosts (no factory, no registry). A run asks its host for its Context once, which
// must have no side effects; it sends the host a Start report before its first step, reports
// at most every 100 ms of wall time, and a Final report on every return path (and when a hook
// panics). protocol.Run decorates the run's host through the context so that its reports carry
// Progress.Phase and Phases. The interactive session gives a host to every network a cell
// creates: it wraps the exported functions of snn and its packages that return a *Network
// or a Setup (see package session).
//
// # Rendering
//
// Values render themselves: *Network has String and HTML (a summary with a table of its
// populations), *Spikes has String, through the one-method interfaces an environment that
// shows values uses (package display's), so that it needs to know no snn type.
//
// # Units
//
// Time in ms, potentials in mV, conductances in nS, capacitance in pF, currents in pA, rates
// in kHz (events per ms) unless a name says Hz. Synaptic weights are the time integral of the
// conductance a spike adds, in "pF" = nS·ms (docs/MODEL.md section 4.1).
//
// # Indices
//
// Every neuron has a global index: the E neurons come first (0 … NE−1, clusters of
// consecutive indices), then the I neurons (NE … NE+NI−1), then the neurons of each
// population added with AddPopulation, in order. Methods taking a PopID use local indices
// (0 … Size−1) within that population; Spikes records hold global indices. Weight matrices
// are post × pre: row = postsynaptic neuron, column = presynaptic neuron (docs/MODEL.md 4.2).
//
// # The per-step schedule
//
// The step loop lives in step.go, and each neuron model's per-neuron loop (steps 4a-4e
// below) in the model's own file, model_<name>.go (model.go describes the seam; an unknown
// Model is a validation error). Step s (s = 1, 2, …; t = s·dt) does, in the order of
// docs/MODEL.md section 2:
//
//  1. normalisation (SetNormalization, §5.3) when s is a multiple of its period (200 steps);
//  2. stimulus bookkeeping: switches of a schedule installed with ScheduleStimuli (§7.1) are
//     applied before the step; functions registered with OnStep ran at the end of step s−1
//     (see 6); hooks registered with Every run between chunks on the caller's goroutine
//     (SetRate, SetDriveWeight, SetPlastic);
//  3. (implicit) the current-step accumulators are empty;
//  4. for each neuron, populations in order, in index order:
//     a. decay of the iSTDP trace y (populations with traces: Config.Traces, or a rule that
//     needs them: the postsynaptic side of vSTDP, both sides of iSTDP);
//     b. external Poisson arrivals with time <= t join the neuron's previous-step input
//     (no delay; renewal process per neuron, exponential intervals at the current rate;
//     events of negative weight go to Config.NegativeExt, those of a Drive with Channel Inh
//     to the inhibitory conductance); intervals by the ziggurat method from the neuron's own
//     stream; all arrivals of the population are added before its neuron loop (arrivals; four
//     neurons at a time on the vector path, see below);
//     c. the four conductance auxiliaries: x ← x·(1 − dt/τ) + input (§4.1), g = (x_d − x_r)/(τ_d − τ_r);
//     d. AdEx only: V_T and w from the previous-step V; traces ū−, ū+, x̄ (Config.Traces);
//     the vSTDP rules' own presynaptic traces x̄ (τ_x per rule) decay and jump after the loop;
//     e. unless refractory (s <= last spike step + round(τ_ref/dt); the population's last
//     spike with NeuronParams.SharedRefractory): Euler update of V (the
//     exponential of the AdEx term by a table-based routine accurate to 2 ulp, expm; four
//     neurons at a time on the vector path, see below), and if
//     V > VPeak: spike, V = VReset, V_T jump (ThresholdSet or ThresholdIncrement), w += b,
//     y += 1 and x̄ += 1;
//     f. plasticity (SetVoltageSTDP, SetInhibitorySTDP; active while SetPlastic(true)): see 5;
//  5. the step's spikes, in global index order, add their weights to the input buffers that
//     their targets consume in step s+1: the one-step recurrent delay (§2). Right after a
//     spike has been delivered through a plastic synapse, LTD (§5.1) and the presynaptic
//     iSTDP branch (§5.2) update it; after all spikes, LTP (§5.1, §5.4) and the postsynaptic
//     iSTDP branch run on every postsynaptic row. These rules read the traces at their
//     end-of-step values (the original reads not-yet-updated traces of higher-indexed neurons:
//     one step of decay apart). Rules attached to a projection act only while it is active
//     (SetRuleActive);
//  6. functions registered with OnStep see the step's spikes and may change drives and
//     weights for the next step (the read-out's supervisor schedule).
//
// After every chunk of 100 steps (or earlier, at a hook), the run returns to the calling
// goroutine: the context is checked, monitors are filled, V is checked for NaN/Inf, and
// progress is reported to the Host.
//
// # Threads
//
// With T workers every population is cut into T contiguous ranges, equal at first and then
// moved towards the measured speed of each worker by a balancer that times one chunk in
// eight (balance.go: the cores need not be equally fast); worker k integrates range
// k of each population, then (after one barrier that spins, yields, then sleeps) adds the
// step's spikes into the inputs of its own range, and applies plasticity to the rows of its own
// postsynaptic neurons; with plasticity on, a second barrier follows, because delivery reads
// the presynaptic traces (x̄, y) of other ranges that the next integration updates.
// (Double-buffering those traces to drop the second barrier was measured 15-20 % slower on 2
// cores.) LTP is the exception to "own rows": the depolarised neurons cluster (under the
// training stimulus nearly all are in the stimulated cluster), so each worker lists its
// depolarised rows and, after one more barrier, every worker updates an equal share of all
// listed rows by synapse count. Spikes are visited in global index order, every row is updated
// by one worker with the same operations, and every neuron draws its Poisson input from its
// own SplitMix64 stream seeded from the seed and its global index, so the same seed gives
// bit-identical results for any thread count. Threads = 1 runs without goroutines or barriers.
//
// Threads = 0 (Config.Threads, SetThreads) starts from a count set by the network's size:
// one worker per 250 neurons, at least 1 and at most runtime.GOMAXPROCS(0) (the
// paper's 3000-neuron network uses up to 12; a network under 500 neurons, one). A worker's
// share must be large against the barriers (1 per step, 3 with plasticity, 0.2-0.3 µs each
// with 2 goroutines on the development machine): the rule keeps them under about 10 % of the
// step. Each worker adapts how long it spins at a barrier before sleeping: when its waits
// often end asleep (a partner descheduled by other jobs), it spins less, leaving the core to
// them. Still, on a machine whose cores are busy with other jobs a descheduled worker stalls
// the others at every barrier (2 cores, the other one busy: static at 2 threads took 1.7 wall s
// per simulated s, at 1 thread 0.6-0.9). So with Threads = 0 the count adapts to the load: a
// run times its chunks and now and then runs a few at half (or twice) the count, up to the
// size rule's, and keeps the count whose median step is clearly shorter (threads.go), probing
// less and less often while nothing changes (under 0.5 % of the chunks). Changing the count
// between chunks changes no result; Threads > 0 fixes it.
//
// # State and synapse storage
//
// The state every step reads and writes for every neuron (V, V_T, w, the four conductance
// auxiliaries, the pending inputs, the next Poisson arrival and the last spike step) is a
// structure of arrays, one array per variable, as are the plasticity traces, drives and random
// streams. The state, trace and drive arrays of a population are cut from shared allocations,
// their starts 128 bytes apart modulo the 4-KiB page, so that the arrays a neuron loop reads
// side by side do not compete for one set of the L1 cache (stagger.go).
//
// # Vector path
//
// On amd64 processors with AVX2 (checked at start-up), the AdEx update and the LIF update
// (without SharedRefractory) of steps 4a-4e run four neurons at a time in assembly kernels,
// exponential and refractory and spike tests included; the reset and jumps of the rare
// neurons that spiked, and any block of four whose exponential argument is outside
// (−700, 700) or NaN, are done in Go, in index order. The kernels perform the same operations
// in the same order as the pure-Go loops, which the other processors (and the other models)
// use, and neither fuses a multiply-add: the two paths give bit-identical states, spikes and
// weights (tested), so results do not depend on the processor.
//
// The external Poisson arrivals (step 4b) have a vector path too: an assembly kernel lists the
// blocks of four neurons with an arrival due, then passes over that list, each pass adding
// one arrival to every due neuron of a block (weight added, stream advanced, the next
// interval drawn by the ziggurat's fast path and divided by the rate) and keeping the blocks
// with a neuron still due. The draws that leave the fast path (2.2 %) are finished in Go, the
// blocks with a negative weight sent to the inhibitory channel (Config.NegativeExt) and the
// neurons after the last whole block of four done in Go. Every neuron sees the same operations in the same
// order on both paths, so the arrival times, inputs and streams are bit-identical (tested).
//
// A projection stores its weights contiguously by postsynaptic neuron (CSR post → pre), as
// LTP and normalisation need, plus a pre → post index into that weight array for delivery:
// about 20 bytes per synapse. A projection whose weights cannot change during a run (no
// active rule) delivers from a copy of its weights in that order once its presynaptic
// neurons have fired half a spike each (8 more bytes per copied synapse, made only with the
// memory for it; delivery.go), with the same results. LTP and normalisation stream those rows; they clip weights with
// conditional moves that give the same bits as Go's min and max (see plasticity.go), at about
// half the instructions. New and NewFromWeights estimate the memory a network needs
// (synapses and neuron state) and return an error when it exceeds what the machine has
// available (MemAvailable of /proc/meminfo, lowered to the room a cgroup v2 memory.max
// leaves), instead of letting the allocation kill the process.
//
// WriteState and ReadState save and restore everything a continued run depends on (step,
// neuron state, drives, random streams, traces, weights, pending stimuli, plastic and
// rule-active flags, spike counts; not monitors, hooks or the thread count), in a binary
// little-endian format with a version header and a checksum, documented in state.go: a
// network built the same way that reads the state runs on bit for bit as the original would
// have, so a job killed part-way resumes from its snapshot. ReadState refuses a network built
// differently, and a truncated or corrupt stream, with an error, changing nothing.
//
// # Learning: rules and setups
//
// Plasticity rules are attached per projection (SetVoltageSTDP on E→E, §5.1; SetInhibitorySTDP
// on I→E, §5.2; SetNormalization on E→E, §5.3) and act while SetPlastic(true); they can be
// frozen and thawed at any moment, also from a hook. A Setup bundles a configuration with its
// rules (PaperSetup: docs/MODEL.md; ReducedSetup: a small, fast-learning preset for tests and
// notebooks, documented there; ClusterSizeSetup: the settings of the authors' nc160 and nc200
// matrices, section 9 item 24). HandMadeClustered and SynfireRing build the authors' hand-made
// control networks (section 7.5 item 6). SetOpenLoop delivers a projection's spikes with a
// frozen copy of its weights while its rules change the live ones (the authors' open-loop
// sim_degradation, section 7.2). Package protocol runs training protocols on a network;
// package analysis measures what was learned; LTPUpdates counts the work of LTP. WeightRow
// and SetWeightRows read and set weights straight from the synapse storage, without a dense
// copy (for snapshots of large networks).
//
// # docs/MODEL.md section 9 switches
//
// Each alternative is a named setting, with the "default for Go" as default. Item 1 (training
// input channel): Config.NegativeExt (Exc [J], default; Inh [R]). Item 2
// (LTD amplitude): VoltageSTDP.ALTD, 1.4e-4 per spike. Item 3 (iSTDP rate):
// InhibitorySTDP.Eta = 1. Item 4 (normalisation): Normalization.Mode (Subtractive default,
// Multiplicative), target fixed when attached. Item 5 (state between chunks): continuous;
// ResetState for the original's re-initialisation. Item 6: traces start at the initial V.
// Item 8 (threshold after a spike): NeuronParams.Threshold, per population, so also
// readout.Config.R and .S ([M] increments V_T for R and S; `gosnn exp readout
// --readout-threshold increment`). Items 9/10: forward Euler,
// one-step recurrent delay and undelayed external input, always. Item 11: x̄ += 1 per spike.
// Item 12 (read-out bound): VoltageSTDP.SoftBound. Weight bounds: VoltageSTDP.WMin/WMax,
// InhibitorySTDP.WMin/WMax and Normalization.WMin/WMax. Item 13 (initial V):
// NeuronParams.VInitLow/VInitHigh. Item 14 (H refractoriness): per neuron by default;
// NeuronParams.SharedRefractory (readout.Config.H) reproduces [M]'s shared clock. Item 7
// (the last-E-neuron bug of [J]): fixed by default; Config.LastENeuronBug reproduces it.
// Items 15-17 belong to the read-out experiment; item 19 follows item 7 (iSTDP treats every
// E neuron alike). Item 23 (stimulus onset): a stimulus is on from the first step with
// t >= start, as in [J], with no switch. Item 24: ClusterSizeSetup.
package snn
