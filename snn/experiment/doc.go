// Package experiment holds gosnn's batch experiments as values: each kind is an Options type
// (a plain struct, JSON with a schema version through EncodeOptions and DecodeOptions) whose
// Run method returns a Result (JSON through EncodeResult). The command line (gosnn exp), a
// notebook cell and a sweep task (gosnn sweep, local or a Slurm array task) all build the same
// Options and call the same Run, so they give the same results.
//
// Runs take a context: cancelling it stops the simulation within a fraction of a second with
// an error wrapping the context's error. Long kinds write snapshots into Env.Dir and resume
// from them when run again with the same options. Results do not depend on Env.Threads.
//
// Units are those of package snn (ms, mV, pF, kHz unless a name says Hz).
package experiment
