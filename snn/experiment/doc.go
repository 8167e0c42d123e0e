// Package experiment holds gosnn's batch experiments as values: each kind is an Options type
// (a plain struct, JSON with a schema version through EncodeOptions and DecodeOptions) whose
// Run method returns a Result (JSON through EncodeResult). The command line (gosnn exp), a
// notebook cell and a sweep task (gosnn sweep, local or a Slurm array task) all build the same
// Options and call the same Run, so they give the same results.
//
// Runs take a context: cancelling it stops the simulation within a fraction of a second with
// an error wrapping the context's error. Long kinds (train) write snapshots into Env.Dir and
// resume from them when run again with the same options and Dir (after the last finished
// phase: see protocol.Options.Dir). Results do not depend on Env.Threads, apart from the
// fields that report it and the wall and CPU times.
//
// The kinds (Kinds) are "replay" (ReplayOptions: replay statistics of a trained weight matrix
// with frozen weights), "train" (TrainOptions: the stimulus protocol of package protocol,
// resumable, its weights and summary written into Env.Dir), "readout" (ReadoutOptions:
// readout.RunExperiment, its files written into Env.Dir if set) and "bench" (BenchOptions: the
// simulator's speed on a standard scenario, at one of the sizes of BenchSizes). Options fields are flat and named in JSON
// (durations in ms, suffix _ms); the zero value of a field marked so means a default that
// depends on another field (a preset's cluster size, a pattern's training time). Results carry
// their summary figures as top-level fields (null in JSON when undefined: analysis.OptFloat); bulky data
// go to files in Env.Dir. Progress lines go to Env.Log, network progress to Env.Host.
//
// Units are those of package snn (ms, mV, pF, kHz unless a name says Hz).
package experiment
