package sweep

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// Run prepares spec in dir and runs it with x (nil: Auto()), calling progress (if not nil)
// with the status as it changes: the notebook form of `gosnn sweep run`. In a notebook,
//
//	bar := display.Show(sweep.Status{})
//	s, err := sweep.Run(spec, dir, nil, func(st sweep.Status) { bar.Update(st) })
//
// draws the progress in place (a Status renders itself as Markdown). Run again on the same
// dir, it runs only what is missing. Interrupting the cell stops the networks of the running
// tasks (they run with the session's context), which then count as not run.
func Run(spec Spec, dir string, x Executor, progress func(Status)) (*Sweep, error) {
	s, err := Prepare(spec, dir)
	if err != nil {
		return nil, err
	}
	if x == nil {
		x = Auto()
	}
	last := ""
	report := func(st Status) {
		if progress == nil {
			return
		}
		if line := st.String(); line != last {
			last = line
			progress(st)
		}
	}
	return s, x.Run(context.Background(), s, report)
}

// Auto returns the Slurm executor when a Slurm cluster answers (sbatch is on PATH and sinfo
// lists a partition within 5 s), else Local{}.
func Auto() Executor {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return Local{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sinfo", "-h", "-o", "%P").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return Local{}
	}
	return Slurm{}
}
