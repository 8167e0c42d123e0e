// Package sweep runs parameter sweeps of gosnn experiments, on this machine or as Slurm job
// arrays, with the same spec and the same results.
//
// A Spec is a value (JSON in a file for `gosnn sweep run`, a Go value in a notebook): an
// experiment kind of package experiment with base options, or a notebook (NotebookKind) run
// with papermill-style parameters, and a grid of parameters × seeds named by the options'
// JSON field names (exactly: encoding/json would accept any case), each axis an explicit list
// of values or a range. Expand turns it into Tasks, the first axis varying slowest and the
// seeds fastest; a task's ID is a hash of the kind, the base options (or notebook) and its
// point, so it does not depend on the task's position nor on how the spec spells a value
// (spacing, key order, string escapes).
//
// Prepare writes a sweep directory DIR: spec.json, tasks.json and tasks/ID/ per task. A task
// is done when tasks/ID/result.json exists (the experiment's result envelope, written
// atomically: temporary file and rename); these files are the truth. A task that fails
// leaves tasks/ID/failed.json (error, exit code, failures so far); every attempt is logged in
// tasks/ID/attempts.log, with the lines the experiment logs (a spontaneous task's "resumed
// from .../state.bin at t = ... ms"). Running a sweep again on the same DIR runs only the tasks without a
// result, failed ones included; a DIR holding another sweep is refused.
//
// Executors: Local runs the tasks on this machine, Workers at a time (default: cores /
// threads per task): one at a time an experiment task runs in this process, several at a
// time each in a gosnn process of its own (`gosnn sweep task DIR INDEX`), so that the CPU
// time it reports is its own (notebook tasks always run in child gosnn processes);
// cancelling its context stops the running tasks. Slurm submits the tasks that are neither done nor queued as one
// `sbatch --parsable --array=LIST[%K]` job whose batch script (DIR/slurm/job.sh, with the
// spec's SlurmOptions: partition, account, time, memory, CPUs per task, extra #SBATCH lines,
// a prolog, --requeue and --signal=B:TERM@S) runs `gosnn sweep task DIR $SLURM_ARRAY_TASK_ID`
// and forwards SIGTERM to it. The task then stops through its context and exits with
// ExitInterrupted (143 when SIGTERM comes before it can catch it); after a failure with
// retries left it exits with ExitRetry; in these cases the script requeues the array task with
// scontrol (up to a bound, never after Cancel), and the rerun resumes as far as the kind
// resumes (spontaneous from its last snapshot, tasks/ID/state.bin, written every 500 ms of
// simulated time and when it is stopped after a step since the last one). Array task logs are
// DIR/slurm/task-INDEX.log (appended across requeues), exit statuses DIR/slurm/task-INDEX.exit,
// submitted arrays DIR/slurm/jobs.json. Slurm.Run waits until no task is queued; cancelling its
// context stops the wait, not the jobs.
//
// A Job is one resumable gosnn command as a batch job of its own, what gosnn paper submits
// for each of its runs: Slurm.Submit writes its script (Job.Dir/job.sh, the same options, the
// same forwarding of SIGTERM and requeue after ExitInterrupted) and submits it, after the jobs
// it depends on (--dependency=afterok, --kill-on-invalid-dep=yes); its output goes to
// Job.Dir/job.log, its exit status to job.exit, the job ID to job.json. Slurm.Queued says
// whether that job is still queued or running; Slurm.CancelJob marks Job.Dir so that the job
// is not requeued and cancels it.
//
// Status combines the files with `squeue -h -r -t all -j ID -o ...` (text output, stable
// across Slurm versions): per-state counts, failures with their exit code and the tail of
// their log, and a fatal reason (PartitionConfig and the like) for a job that can never start.
// A pending array task cancelled with scancel leaves no record in Slurm: without a result it
// counts as cancelled (after Cancel) or not run. After Cancel, or when squeue says CANCELLED, a
// task without a result or failure record counts as cancelled whatever its exit status. Cancel marks DIR, cancels the arrays and
// waits until none of their tasks is active, and signals a local executor of this host.
// Collect writes DIR/results.csv and DIR/results.json: a row per task with its parameters and
// the scalar fields of its result; Table.Summary and Table.Plot give the mean ± SD over seeds.
//
// The package runs processes and talks to Slurm, so it is not part of package snn. Errors
// carry the prefix "sweep: ".
package sweep
