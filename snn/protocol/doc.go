// Package protocol runs training protocols on a network of package snn (docs/MODEL.md
// sections 7.1 and 7.2). Protocols are values: a Protocol is a list of Phase values built with
// Stimulate (sequential stimulation in any cluster order, 9 ms on in each 15-ms slot, §7.1;
// SequenceSchedule gives its stimulus schedule), Spontaneous (with or without plasticity,
// §7.2) and Record (frozen, E spikes analysed for replay with package analysis); Paper is the
// whole §7.1 pipeline and Short a shortened one of the same shape. Degradation is the
// authors' open-loop weight-degradation test (§7.2, sim_degradation).
//
// Run runs one on a network whose rules are attached (snn.Setup.Build attaches the paper's),
// with progress through the network's host and, given Options.Dir, atomic weight snapshots
// after every phase (and the spikes of the last recording) from which a later call resumes
// (written with package snnio).
//
// It imports the core (package snn), analysis and snnio, and never prints; the core does not
// import it. Times are in ms, rates in reports in Hz. Errors start with "protocol: ".
package protocol
