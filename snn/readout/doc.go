// Package readout is the read-out layer of Maes, Barahona & Clopath (2020) attached to a
// network of package snn (docs/MODEL.md sections 1, 4.4 and 7.3-7.5): one R, one S and one H
// neuron per element of a supervisor Pattern, with plastic E→R synapses (New, Layer.Train,
// Layer.Replay); the supervision schedule and cycle detection (CycleDetector), the error of a
// replay (Rates, Kernel, Error; ErrorWith with ReversedRows for the authors' form), the whole experiment (RunExperiment with Protocol, reported
// as JSON by Report), patterns (ABCBA, DEDED, PatternFromIntervals, LoadPattern), the
// bird-song supervisor (SongSupervisor, from a recording of package audio) and ExtendRing.
//
// The layer integrates nothing itself: R, S and H are populations of the network
// (Network.AddPopulation; Layer.PopR, PopS, PopH), E→R, S→R, R→H and H→R are its projections
// (Layer.ProjER), E→R learning is the core's VoltageSTDP with a soft bound, active only during
// Train (Network.SetRuleActive; the network's own rules stay frozen), and the supervisors are
// S's Poisson drive, whose rates a function registered with Network.OnStep sets after every
// step from the cycle detector and the pattern. The network's own weights are not touched. R,
// S and H draw their initial state and Poisson input from the network's seed; Config.Seed
// seeds the deletion.
//
// It imports the core (package snn), analysis, snnio and audio, and never prints; the core
// does not import it. Units as in snn: time in ms, potentials in mV, rates in kHz unless a
// name says Hz. Errors start with "readout: ".
//
// # The read-out against the authors' code
//
// snn/testdata/mref/readout_ref.py re-simulates [M]'s read-out layer independently, fed with
// the E spikes and supervisor starts of a gosnn run; the two learn the same E→R weights
// within seed noise (TestReadoutMatchesReference in cmd/gosnn; numbers in its README). [M]
// trains ABCBA on the authors' 30 × 80 network (FF60b_2400_nc80.mat, not published; a 30 × 80
// network trained with protocol.Paper runs at about 450 ms per cycle, which takes one 400-ms
// presentation per cycle), not on the published 15 × 160 matrix,
// whose 345-ms clock lets the supervisor start only every other cycle: 12 s give about 17
// presentations there instead of about 26, and the weakest read-out then misses cycles after
// the deletion test of docs/MODEL.md 7.4. 16 or 20 s on the 15 × 160 matrix (23-29
// presentations), 12 s on that clock extended to 20 clusters (ExtendRing: period ≈ 430 ms,
// 27-28 presentations), or 12 s on a 30 × 80 network trained with protocol.Paper, give the
// robustness the paper describes.
//
// The supervisor makes an R fire about 21-24 ms after its element's onset (S needs about 15 ms,
// R about 7 more), and R learns from the clusters active while it fires. The weight mass of
// A14 (GroupReport.WeightMass) therefore counts each element's windows delayed by its R's
// measured latency (GroupReport.ResponseLatency); with the supervisor's own windows
// (GroupReport.WeightMassNominal) a 23-ms cluster of the 15 × 160 clock that straddles a
// window's end falls out although its R fires with it.
package readout
