//go:build linux

package slurmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/testskip"
)

func TestMain(m *testing.M) { testskip.Main(m) }

// sbatch submits a job with --parsable and returns its id.
func sbatch(t *testing.T, c *Cluster, args ...string) string {
	t.Helper()
	out, err := c.Run(append([]string{"sbatch", "--parsable"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(out)
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("sbatch --parsable printed %q, want a job id", out)
	}
	return id
}

// waitFor calls ok every 20 ms until it returns true, and fails t after timeout.
func waitFor(t *testing.T, c *Cluster, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			out, _ := c.Run("squeue", "-t", "all")
			t.Fatalf("no %s after %v; squeue -t all:\n%s\n%s", what, timeout, out, c.LogTails(20))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runArray submits an array of n tasks, each writing its index to out_<index> in a fresh
// directory, waits for every output, checks them and returns the time from submission to the
// first output and to the last.
func runArray(t *testing.T, c *Cluster, n int) (first, all time.Duration) {
	t.Helper()
	dir := t.TempDir()
	t0 := time.Now()
	sbatch(t, c, fmt.Sprintf("--array=0-%d", n-1), "--chdir="+dir, "--output="+filepath.Join(dir, "slurm-%A_%a.log"),
		"--wrap", `echo $SLURM_ARRAY_TASK_ID > out_$SLURM_ARRAY_TASK_ID.tmp && mv out_$SLURM_ARRAY_TASK_ID.tmp out_$SLURM_ARRAY_TASK_ID`)
	done := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "out_*[0-9]"))
		return len(m)
	}
	waitFor(t, c, time.Minute, "first output", func() bool { return done() > 0 })
	first = time.Since(t0)
	waitFor(t, c, 3*time.Minute, fmt.Sprintf("%d outputs", n), func() bool { return done() == n })
	all = time.Since(t0)
	for i := 0; i < n; i++ {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("out_%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(b)); got != strconv.Itoa(i) {
			t.Errorf("out_%d holds %q, want %d", i, got, i)
		}
	}
	return first, all
}

// TestArray runs a 4-task array and checks every task's output; it reports the cold start,
// the time to the first task's output and the time for 20 trivial tasks.
func TestArray(t *testing.T) {
	c := Start(t)
	t.Logf("cold start to ready: %v (CPUs=%d RealMemory=%d MB, ports %d and %d, %s)", c.Ready, c.CPUs, c.MemoryMB, c.CtldPort, c.SlurmdPort, c.Dir)
	first, all := runArray(t, c, 4)
	t.Logf("4-task array: first output %v after sbatch, all %v", first, all)
	first, all = runArray(t, c, 20)
	t.Logf("20-task array: first output %v after sbatch, all %v", first, all)
}

// TestImpossible checks that a job asking for more CPUs than the node has is refused by sbatch
// at once rather than left pending for ever.
func TestImpossible(t *testing.T) {
	c := Start(t)
	t0 := time.Now()
	out, err := c.Run("sbatch", "--parsable", "--cpus-per-task="+strconv.Itoa(c.CPUs+1), "--wrap", "true")
	t.Logf("sbatch answered in %v", time.Since(t0))
	if err == nil {
		t.Fatalf("sbatch --cpus-per-task=%d on a %d-CPU node succeeded: %q", c.CPUs+1, c.CPUs, out)
	}
	if !strings.Contains(err.Error(), "Batch job submission failed") {
		t.Errorf("sbatch error %q, want it to say the submission failed", err)
	}
	if q, err := c.Run("squeue", "-h", "-t", "all", "-o", "%i"); err != nil || strings.TrimSpace(q) != "" {
		t.Errorf("squeue after a refused job: %q, %v; want no job", q, err)
	}
}

// sleepers returns the cluster's processes named sleep.
func sleepers(c *Cluster) []Process {
	var ps []Process
	for _, p := range c.Processes() {
		if p.Comm == "sleep" {
			ps = append(ps, p)
		}
	}
	return ps
}

// TestCancel checks that scancel of a running job leaves no process of it.
func TestCancel(t *testing.T) {
	c := Start(t)
	id := sbatch(t, c, "--chdir="+t.TempDir(), "--output=/dev/null", "--wrap", "sleep 300")
	waitFor(t, c, time.Minute, "running sleep", func() bool { return len(sleepers(c)) == 1 })
	t0 := time.Now()
	if _, err := c.Run("scancel", id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, 30*time.Second, "end of the sleep process", func() bool { return len(sleepers(c)) == 0 })
	t.Logf("sleep gone %v after scancel", time.Since(t0))
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// TestCleanup leaves a job running at the end of a test and checks that the Cleanup leaves no
// process of the cluster and no directory; two clusters run side by side meanwhile.
func TestCleanup(t *testing.T) {
	var c, other *Cluster
	var procs []Process
	other = Start(t)
	t.Run("cluster", func(t *testing.T) {
		c = Start(t)
		if c.CtldPort == other.CtldPort || c.SlurmdPort == other.SlurmdPort || c.Dir == other.Dir {
			t.Errorf("two clusters share ports or directory: %+v and %+v", c, other)
		}
		sbatch(t, c, "--chdir="+t.TempDir(), "--output=/dev/null", "--wrap", "sleep 300")
		waitFor(t, c, time.Minute, "running sleep", func() bool { return len(sleepers(c)) == 1 })
		procs = c.Processes()
		names := map[string]bool{}
		for _, p := range procs {
			names[p.Comm] = true
		}
		for _, n := range []string{"munged", "slurmctld", "slurmd", "slurmstepd", "sleep"} {
			if !names[n] {
				t.Errorf("no %s among the cluster's processes %v", n, procs)
			}
		}
		t.Logf("processes before cleanup: %v", procs)
	})
	for _, p := range procs {
		if alive(p.Pid) {
			t.Errorf("process %v of the cluster survives its cleanup", p)
		}
	}
	if left := c.Processes(); len(left) > 0 {
		t.Errorf("processes of the cluster after its cleanup: %v", left)
	}
	if _, err := os.Stat(c.Dir); err == nil {
		t.Errorf("%s remains after cleanup", c.Dir)
	}
	// The other cluster is untouched and still runs jobs.
	if out, err := other.Run("sinfo", "-h", "-o", "%T"); err != nil || strings.TrimSpace(out) != "idle" {
		t.Errorf("other cluster after the first one's cleanup: sinfo %q, %v", out, err)
	}
	if first, _ := runArray(t, other, 1); first <= 0 {
		t.Errorf("first output after %v", first)
	}
}

// markedBy returns the live processes whose environment marks them as the cluster's in dir.
func markedBy(dir string) []Process {
	var ps []Process
	for _, p := range scan() {
		if p.marker == dir {
			ps = append(ps, p.Process)
		}
	}
	return ps
}

// TestKilledTestProcess kills a test process (SIGKILL: its Cleanup cannot run) while its
// cluster runs a job, and checks that the next Start removes every process and the directory
// that it left behind. With SLURMTEST_CHILD set it is that test process.
func TestKilledTestProcess(t *testing.T) {
	if os.Getenv("SLURMTEST_CHILD") != "" {
		c := Start(t)
		sbatch(t, c, "--chdir="+c.Dir, "--output=/dev/null", "--wrap", "sleep 300")
		waitFor(t, c, time.Minute, "running sleep", func() bool { return len(sleepers(c)) == 1 })
		fmt.Printf("DIR=%s\n", c.Dir)
		_ = os.Stdout.Sync()
		p, _ := os.FindProcess(os.Getpid())
		_ = p.Kill()
		select {}
	}
	Start(t) // skips here when Slurm is missing
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^TestKilledTestProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "SLURMTEST_CHILD=1")
	out, _ := cmd.CombinedOutput()
	var dir string
	for _, line := range strings.Split(string(out), "\n") {
		if d, ok := strings.CutPrefix(line, "DIR="); ok {
			dir = d
		}
	}
	if dir == "" {
		t.Fatalf("the child test printed no cluster directory:\n%s", out)
	}
	// The daemons die with the test process; the job step and the job do not.
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := markedBy(dir)
		daemons := 0
		for _, p := range left {
			switch p.Comm {
			case "munged", "slurmctld", "slurmd", "slurmscriptd":
				daemons++
			}
		}
		if daemons == 0 {
			t.Logf("left behind by the killed test: %v", left)
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("daemons survive their killed test process: %v", left)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	Start(t)
	if left := markedBy(dir); len(left) > 0 {
		t.Errorf("processes of the dead cluster after the next Start: %v", left)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s remains after the next Start", dir)
	}
}

// recorder is a testing.TB that records failures and cleanups instead of acting on them, so
// that a test can watch Start fail.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	fatal    string
	errors   []string
	cleanups []func()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal != "" || len(r.errors) > 0
}

func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, f)
}

// TestStartFails breaks slurm.conf so that slurmctld exits at start, and checks that Start
// fails quickly with the daemons' logs in the message and that its Cleanup leaves nothing.
func TestStartFails(t *testing.T) {
	Start(t) // skips here when Slurm is missing
	r := &recorder{TB: t}
	done := make(chan *Cluster)
	go func() {
		var c *Cluster
		defer func() { done <- c }()
		c = Start(r, func(c *config) { c.extra = "NoSuchParameter=1\n" })
	}()
	if c := <-done; c != nil {
		t.Fatalf("Start with a broken slurm.conf returned a cluster in %s", c.Dir)
	}
	if !strings.Contains(r.fatal, "slurmctld exited") || !strings.Contains(r.fatal, "unrecognized key: NoSuchParameter") {
		t.Errorf("Start failed with %q, want it to say that slurmctld exited and show its log", r.fatal)
	}
	var dir string
	if _, after, ok := strings.Cut(r.fatal, "--- "); ok {
		dir = filepath.Dir(filepath.Dir(strings.Fields(after)[0]))
	}
	if !strings.HasPrefix(filepath.Base(dir), dirPrefix) {
		t.Fatalf("no cluster directory in the failure %q", r.fatal)
	}
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	if len(r.errors) > 0 {
		t.Errorf("Cleanup after a failed start: %q", r.errors)
	}
	if left := markedBy(dir); len(left) > 0 {
		t.Errorf("processes of the failed cluster after Cleanup: %v", left)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s remains after Cleanup", dir)
	}
}
