// Package slurmtest starts a real single-node Slurm cluster for tests, so that they drive the
// real sbatch, squeue, scancel and scontrol rather than a mock, and stops it and everything it
// started at the end of the test.
//
// Start(t) makes a directory os.TempDir()/slurmtest-NNN (short: unix socket paths are limited
// to about 108 bytes, and t.TempDir() paths can be longer) holding everything of the cluster,
// nothing in /etc: slurm.conf, a fresh 1024-byte munge key (mode 0600), munge's socket
// directory (mode 0711: munged refuses 0700 as "inaccessible"), slurmctld's state, slurmd's
// spool, pid files and logs. The node, "localhost" at 127.0.0.1, declares CPUs=NumCPU (or
// the CPUs option) and RealMemory=80 % of MemTotal; partition "debug" is the default. The
// daemons listen on 127.0.0.1 only, on two ports that the kernel reports free just before, so
// clusters started side by side, in one test binary or several, do not collide. It then runs,
// each as a child process in the foreground (-D, munged --foreground) in its own process group
// with a parent-death signal: munged, slurmctld once munge's socket exists, and
// slurmd -N localhost once slurmctld answers `scontrol ping`. The cluster is ready when
// `sinfo` says the node is idle and `scontrol show slurmd` answers: sinfo reports idle from
// the saved state before slurmd has registered, and a job submitted then is requeued. If a
// daemon exits or the cluster is not ready in time (a minute at most), Start fails the test
// with the tail of every log. When a Slurm or munge program is missing, or the test does not run as root (the
// daemons run as root, as do the jobs), Start skips the test with a message (reason
// testskip.Slurm), and fails it under CI=true, where .ci/run installs Debian's slurmctld,
// slurmd, slurm-client and munge.
//
// Env gives the environment for the clients (SLURM_CONF is all they need, and the test's own
// SLURM_* variables are dropped); Run runs a client with it and returns its output or an error
// holding its standard error. Every daemon, and every command run with Env, carries Marker=Dir
// in its environment; sbatch passes the environment on, so the batch scripts and their
// children carry it too. That is how Processes finds the processes of one cluster and no other:
// slurmstepd, which runs each job step, leaves slurmd's process group and is re-parented to
// PID 1, so process groups alone do not find it.
//
// The configuration follows the measurements in the project's SLURM.md (Slurm 22.05, Debian
// bookworm): proctrack/linuxproc and task/none (no cgroups), cons_tres with CR_Core, munge
// credentials that expire in 10 s, a scheduler without batch delay, MinJobAge=600 (finished
// jobs stay visible to squeue and scontrol for 10 minutes), no accounting database (sacct does
// not work; finished jobs are logged to log/jobcomp.txt in Dir), JobRequeue=1 and
// ReturnToService=2. EnforcePartLimits=ALL makes sbatch refuse a job that the node cannot
// ever run (more CPUs per task than it has) with "Batch job submission failed" instead of
// leaving it pending for ever with reason PartitionConfig.
//
// The Cleanup that Start registers runs whatever the outcome of the test: it cancels every
// job (scancel), waits for the queue to empty, sends `scontrol shutdown`, stops munged, sends
// SIGKILL to the daemons' process groups and to every process that Processes still finds
// until none is left, fails the test if one survives, and removes Dir. A test process killed
// outright (SIGKILL, or go test's timeout) runs no Cleanup: its daemons die with it through the
// parent-death signal, but running job steps survive and Dir stays. For that case each cluster
// holds a dirlock on its directory while its test process lives, and every Start first kills
// the processes, and removes the directories, of clusters whose directory is no longer locked
// (or no longer exists).
// A job submitted with an environment without the Marker (sbatch --export=NONE) escapes that
// sweep, though not scancel.
//
// The package works on Linux only (it reads /proc).
package slurmtest
