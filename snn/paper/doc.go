// Package paper is the reproduction report of Maes, Barahona & Clopath (2020): a catalogue
// with one Entry per figure of the paper (IDs "Fig1" … "Fig7"), per acceptance item of
// docs/MODEL.md section 8 (IDs "A1" … "A17", of which two numbers are not used) and per control
// the authors ran (IDs "C1" … "C4"), the runs they need, and the checks that turn the runs'
// results into measured values, a verdict and a figure. `gosnn paper run|report|list` is its
// command line.
//
// The controls (docs/MODEL.md 7.2, 7.5 items 5-6, and the section after the acceptance table):
// C1 and C2 replay the authors' hand-made matrices with frozen weights (runs control-clustered
// and control-synfire: experiment.ReplayOptions.Control), the clustered matrix in decreasing
// cluster order, the synfire ring in increasing order; C3 is their open-loop weight-degradation
// test sim_degradation on the nc160 matrix (run degradation-nc160, kind "degradation": 30
// chunks of 2 min at the full scale, 3 chunks of 3 s at the quick one), with no published
// outcome to compare; C4 compares the spectrum of the cluster-averaged E→E matrix at every
// recording of train-main (its blocks-NNNN.npy) with the ring of the three-node toy model
// built from its block means.
//
// Each entry has a title, its reference (what the paper or the authors' data say) with the
// provenance tag of docs/MODEL.md, the check (the "suggested check" column of section 8, or
// the figure's), and the names of its runs. The mapping of Figs 1, 3 and 5 to panels of the
// paper follows docs/MODEL.md and issue 18 and is marked [?] where it is inferred.
//
// A run (RunSpec) is one experiment of package experiment: named options at two scales,
// Quick (seconds to minutes on 2 cores: a smoke test of the pipeline, whose trainings are too
// short to learn a self-sustained replay) and Full (the paper's scale: the paper's 7353-s protocol, 20-s
// replays over 3 seeds, the paper's read-out training lengths). A run that reads another's
// output (a replay of a trained matrix) names it in After. The 80-cluster song network
// (train-song80, and its replay and song read-out) is a full-scale run only, trained with a
// shortened protocol (song80Train in runs.go); at the quick scale Figs 5-6 and A10 fall back on
// the nc160 clock. train-song80-paper trains the same network with the paper's own protocol
// (about 6 CPU hours on this project's 2-core machine) and is made last; its replay and
// read-outs (Entry.Prefer) replace the shortened protocol's in Figs 5-6 and A10 once they have
// finished, and until then the report lists them as not finished without holding the
// verdicts back.
//
// A family of runs is a sweep (SweepSpec, package sweep): the network-size families of Fig 3
// and A17 (sweeps "sizes-2400", "sizes" and, at full scale only, "sizes-budget": clock runs
// over cluster size; "sizes-2400" decides Fig 3 and "sizes" A17, and each entry draws the
// other families beside its own, as far as they have come, without waiting for them:
// Entry.Beside) live in OUT/sweeps/NAME, a directory of package sweep, so that
// `gosnn sweep run OUT/sweeps/NAME/spec.json -out OUT/sweeps/NAME -executor slurm` makes its
// tasks as one Slurm job array; Run makes them on this machine, one at a time (the deciding
// sweeps first), and the report reads the tasks' results whichever made them. Clock tasks resume
// from their snapshots after an interrupt or a Slurm requeue.
//
// Run makes the runs of some entries into OUT/runs/NAME, one after the other, or
// RunConfig.Jobs at a time, each in a gosnn process of its own (`gosnn paper run --run NAME`)
// and after the runs it reads: it writes options.json (the options envelope), calls the
// experiment with that directory, and on success writes run.json (Record: the options and
// result envelopes, the command line, the wall and CPU time), each atomically. A run whose
// run.json exists with the same options is skipped; a train or degradation run interrupted
// (its context cancelled) resumes from its snapshots on the next call. The authors' files a
// run reads are looked up (package maesdata) before anything runs, and a missing one is an
// error that says how to get it. With a sweep.Slurm executor, Run instead submits each run
// that has not finished as a Slurm job of its own (`gosnn paper run --run NAME` in
// OUT/runs/NAME/slurm: job.sh, job.log, job.json), after the jobs of the runs it reads
// (afterok), requeued and resumed when SIGTERM stops it before a time limit, and returns;
// Cancel stops those jobs (and the entries' sweeps) so that none is requeued.
//
// Build evaluates the entries on whatever runs and sweep tasks OUT holds and draws their
// figures to OUT/figures/ID.png; Write also writes OUT/report.md and OUT/report.json. An entry
// whose runs are missing (or whose deciding sweep has tasks left) is "not run", with the gosnn
// paper run command that makes them; an entry that needs no run (A1 reads the protocol) is
// evaluated always. Verdicts are "agrees" (the check
// passes), "disagrees", "not run" and "no reference" (measured, with nothing published to
// compare: the song's error, the degradation test). The report holds no time stamps: the same runs give the same
// report.
package paper
