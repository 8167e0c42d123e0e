// Package experiment holds gosnn's batch experiments as values: each kind is an Options type
// (a plain struct, JSON with a schema version through EncodeOptions and DecodeOptions) whose
// Run method returns a Result (JSON through EncodeResult). The command line (gosnn exp), a
// notebook cell and a sweep task (gosnn sweep, local or a Slurm array task) all build the same
// Options and call the same Run, so they give the same results.
//
// Runs take a context: cancelling it stops the simulation within a fraction of a second with
// an error wrapping the context's error. Long kinds (train, degradation, clock, and
// spontaneous with a Dir) write snapshots into Env.Dir and resume from them when run again with
// the same options and Dir (train after the last finished phase: see protocol.Options.Dir;
// degradation after the last finished chunk). Results do not depend on Env.Threads, apart from the
// fields that report it and the wall and CPU times.
//
// The kinds (Kinds) are "replay" (ReplayOptions: replay statistics of a trained weight matrix,
// or of one of the authors' hand-made control networks, with frozen weights), "degradation"
// (DegradationOptions: the authors' open-loop weight-degradation test on a trained matrix,
// resumable, docs/MODEL.md 7.2), "train" (TrainOptions: the stimulus protocol of package protocol,
// resumable, its weights and summary written into Env.Dir), "readout" (ReadoutOptions:
// readout.RunExperiment, its files written into Env.Dir if set), "bench" (BenchOptions: the
// simulator's speed on a standard scenario, at one of the sizes of BenchSizes), "clock" (Clock:
// a reduced network trained and its replay measured, the task of a size family) and
// "spontaneous" (Spontaneous: spontaneous activity of an untrained network, the kind sweep
// tests run). Options fields are flat and named in JSON
// (durations in ms, suffix _ms); the zero value of a field marked so means a default that
// depends on another field (a preset's cluster size, a pattern's training time). Results carry
// their summary figures as top-level fields (null in JSON when undefined: analysis.OptFloat); bulky data
// go to files in Env.Dir. Progress lines go to Env.Log, network progress to Env.Host.
//
// Units are those of package snn (ms, mV, pF, kHz unless a name says Hz).
package experiment
