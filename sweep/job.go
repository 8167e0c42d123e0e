package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Job is one batch job running one gosnn command, resumable like an array task: what
// `gosnn paper run --executor slurm` submits for each run of the paper (a training, then the
// replays that read its weights, each job after those it depends on).
type Job struct {
	// Name is the job's name (--job-name).
	Name string
	// Dir is the job's directory: its batch script job.sh, its output job.log, its exit
	// status job.exit and job.json (the submitted job) go there.
	Dir string
	// Args are the gosnn arguments (after the binary). The command must exit with
	// ExitInterrupted when SIGTERM stops it so that the job is requeued and resumes.
	Args []string
	// After are the IDs of jobs that must end successfully before this one starts
	// (--dependency=afterok); if one fails, Slurm cancels this job (--kill-on-invalid-dep).
	After []string
	// CPUs is --cpus-per-task unless Options.CPUsPerTask says (0: 1).
	CPUs int
	// Options are the Slurm options; their MaxRunning does not apply to a single job.
	Options SlurmOptions
}

// SubmittedJob is the record of a submitted job, Dir/job.json.
type SubmittedJob struct {
	ID        string   `json:"id"`
	After     []string `json:"after,omitempty"`
	Submitted string   `json:"submitted"`
}

// jobFile is the record of a submitted job in its directory.
const jobFile = "job.json"

// Script returns the batch script of the job with the gosnn binary bin.
func (j Job) Script(bin string) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n# Written by gosnn: one resumable command (" + strings.ReplaceAll(j.Name, "\n", " ") + ").\n")
	j.Options.header(&b, j.Name, filepath.Join(j.Dir, "job.log"), j.CPUs)
	q := shellQuote
	words := []string{q(bin)}
	for _, a := range j.Args {
		words = append(words, q(a))
	}
	b.WriteString("\necho \"== job $SLURM_JOB_ID (restart ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -u +%FT%TZ)\" >&2\n")
	requeueBody(&b, strings.Join(words, " "), q(filepath.Join(j.Dir, "job.exit")), q(filepath.Join(j.Dir, cancelFile)),
		`"$SLURM_JOB_ID"`, j.Options.requeues(), ExitInterrupted)
	return b.String()
}

// Submit writes the job's script and submits it; it returns the job ID, also recorded in
// Dir/job.json.
func (x Slurm) Submit(ctx context.Context, j Job) (string, error) {
	if err := j.Options.validate(); err != nil {
		return "", err
	}
	if strings.ContainsAny(j.Name, "\n\r\x00") {
		return "", fmt.Errorf("sweep: job name %q: no line breaks", j.Name)
	}
	bin, dir, err := j.Options.prepare(j.Dir, ".")
	if err != nil {
		return "", err
	}
	j.Dir = dir
	os.Remove(filepath.Join(dir, cancelFile))
	os.Remove(filepath.Join(dir, "job.exit"))
	script := filepath.Join(dir, "job.sh")
	if err := writeAtomic(script, []byte(j.Script(bin))); err != nil {
		return "", err
	}
	args := []string{"--parsable", "--chdir=" + dir}
	if len(j.After) > 0 {
		args = append(args, "--dependency=afterok:"+strings.Join(j.After, ":"), "--kill-on-invalid-dep=yes")
	}
	out, err := runClient(ctx, x.Env, "sbatch", append(args, script)...)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sweep: sbatch printed %q, not a job id", out)
	}
	rec, _ := json.MarshalIndent(SubmittedJob{ID: id, After: j.After, Submitted: time.Now().UTC().Format(time.RFC3339)}, "", "  ")
	return id, writeAtomic(filepath.Join(dir, jobFile), append(rec, '\n'))
}

// Queued returns the ID of the job last submitted from dir (Submit) while Slurm still
// lists it as queued or running, else "".
func (x Slurm) Queued(ctx context.Context, dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, jobFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	var rec SubmittedJob
	if err == nil {
		err = json.Unmarshal(data, &rec)
	}
	if err != nil {
		return "", fmt.Errorf("sweep: %s: %v", filepath.Join(dir, jobFile), err)
	}
	text, err := runClient(ctx, x.Env, "squeue", "-h", "-t", "all", "-j", rec.ID, "-o", "%T")
	if err != nil {
		if strings.Contains(err.Error(), "Invalid job id") {
			return "", nil // ended longer ago than MinJobAge
		}
		return "", err
	}
	for _, state := range strings.Fields(text) {
		if (squeueEntry{state: state}).active() {
			return rec.ID, nil
		}
	}
	return "", nil
}

// CancelJob stops the job submitted from dir if Slurm still lists it: it marks dir so that
// the job is not requeued, then cancels it (scancel). It returns the job's ID, "" when there
// was none to cancel.
func (x Slurm) CancelJob(ctx context.Context, dir string) (string, error) {
	id, err := x.Queued(ctx, dir)
	if err != nil || id == "" {
		return "", err
	}
	if err := writeAtomic(filepath.Join(dir, cancelFile), []byte(time.Now().UTC().Format(time.RFC3339)+"\n")); err != nil {
		return "", err
	}
	if _, err := runClient(ctx, x.Env, "scancel", id); err != nil {
		return "", err
	}
	return id, nil
}
