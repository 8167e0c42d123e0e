//go:build linux

package slurmtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosnn/gosnn/internal/dirlock"
	"github.com/gosnn/gosnn/internal/testskip"
)

// Marker is the environment variable, set to the cluster's directory, that the daemons and
// every command run with Env carry (sbatch passes it on to the jobs), so that Cleanup can
// find the processes of one cluster and of no other.
const Marker = "GOSNN_SLURMTEST_DIR"

// dirPrefix starts the name of every cluster's directory in os.TempDir().
const dirPrefix = "slurmtest-"

// Partition is the name of the cluster's only partition, the default one.
const Partition = "debug"

// Node is the name of the cluster's only node.
const Node = "localhost"

// startTimeout bounds the wait for a cluster to become ready; runTimeout bounds one client
// command of Run.
const (
	startTimeout = 60 * time.Second
	runTimeout   = 2 * time.Minute
)

// binaries the harness needs: the daemons and the clients.
var binaries = []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo"}

// Option changes the cluster that Start builds.
type Option func(*config)

type config struct {
	cpus  int
	extra string // more lines of slurm.conf (for the tests of a failed start)
}

// CPUs sets the number of CPUs the node declares (by default runtime.NumCPU()). More than the
// machine has oversubscribes it: Slurm runs that many one-CPU tasks at once.
func CPUs(n int) Option {
	return func(c *config) {
		if n < 1 {
			panic("slurmtest: CPUs(" + strconv.Itoa(n) + ")")
		}
		c.cpus = n
	}
}

// Cluster is a running single-node Slurm cluster made by Start.
type Cluster struct {
	// Dir is the cluster's scratch directory: configuration, munge key and socket, state,
	// spool and logs. It is removed at the end of the test.
	Dir string
	// Conf is the path of slurm.conf, the value of SLURM_CONF in Env.
	Conf string
	// CPUs is the number of CPUs the node declares; MemoryMB its RealMemory.
	CPUs, MemoryMB int
	// CtldPort and SlurmdPort are the TCP ports on 127.0.0.1 of slurmctld and slurmd.
	CtldPort, SlurmdPort int
	// Ready is how long Start took from launching munged to a ready cluster.
	Ready time.Duration

	t       testing.TB
	cfg     config
	bin     map[string]string
	daemons []*daemon
	user    string
	lock    *dirlock.Lock // held while the cluster lives; see sweep
}

type daemon struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited and been reaped
}

func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

func (d *daemon) wait(timeout time.Duration) bool {
	select {
	case <-d.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Start starts a single-node Slurm cluster on 127.0.0.1 and returns it once a job submitted
// to it runs. It skips t (fails it under CI=true) when a Slurm or munge program is missing or
// the test does not run as root, and fails t, with the tails of the daemons' logs, when the
// cluster does not become ready. The cluster is stopped, every process it started is killed
// and its directory is removed in t's Cleanup, whatever the outcome of the test.
func Start(t testing.TB, opts ...Option) *Cluster {
	t.Helper()
	cfg := config{cpus: runtime.NumCPU()}
	for _, o := range opts {
		o(&cfg)
	}
	bin, missing := lookBinaries()
	testskip.Need(t, testskip.Slurm, len(missing) == 0, fmt.Sprintf(
		"slurmtest: %s not found; install them with: apt-get install --no-install-recommends slurmctld slurmd slurm-client munge",
		strings.Join(missing, ", ")))
	testskip.Need(t, testskip.Slurm, os.Geteuid() == 0,
		"slurmtest: the Slurm test cluster runs its daemons as root; run the tests as root")
	u, err := user.Current()
	if err != nil {
		t.Fatalf("slurmtest: %v", err)
	}
	// A short directory directly under the temporary directory: t.TempDir() paths can exceed
	// the ~108-byte limit of a unix socket path (munge's socket, slurmd's step sockets).
	sweep(t)
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		t.Fatalf("slurmtest: %v", err)
	}
	// munged wants execute permission for all on every directory above its socket.
	if err := os.Chmod(dir, 0o711); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("slurmtest: %v", err)
	}
	lock, err := dirlock.Acquire(dir, "slurmtest "+t.Name())
	if err != nil {
		os.RemoveAll(dir)
		t.Fatalf("slurmtest: %v", err)
	}
	c := &Cluster{Dir: dir, Conf: filepath.Join(dir, "slurm.conf"), CPUs: cfg.cpus, cfg: cfg, t: t, bin: bin, user: u.Username, lock: lock}
	t.Cleanup(c.stop)
	if c.MemoryMB, err = memoryMB(); err != nil {
		t.Fatalf("slurmtest: %v", err)
	}
	if c.CtldPort, c.SlurmdPort, err = freePorts(); err != nil {
		t.Fatalf("slurmtest: free ports: %v", err)
	}
	if err := c.writeFiles(); err != nil {
		t.Fatalf("slurmtest: %v", err)
	}
	t0 := time.Now()
	if err := c.launch(); err != nil {
		t.Fatalf("slurmtest: %v\n%s", err, c.LogTails(30))
	}
	if err := c.waitReady(startTimeout); err != nil {
		t.Fatalf("slurmtest: %v\n%s", err, c.LogTails(30))
	}
	c.Ready = time.Since(t0)
	return c
}

// lookBinaries finds the programs on PATH or in /usr/sbin and /usr/bin (the daemons are in
// /usr/sbin, which is not on every PATH).
func lookBinaries() (map[string]string, []string) {
	bin := map[string]string{}
	var missing []string
	for _, name := range binaries {
		p, err := exec.LookPath(name)
		if err != nil {
			for _, d := range []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
				if fi, err := os.Stat(filepath.Join(d, name)); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
					p = filepath.Join(d, name)
					break
				}
			}
		}
		if p == "" {
			missing = append(missing, name)
			continue
		}
		bin[name] = p
	}
	return bin, missing
}

// memoryMB returns 80 % of MemTotal in MB.
func memoryMB() (int, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: %q: %v", line, err)
			}
			return kb / 1024 * 8 / 10, nil
		}
	}
	return 0, errors.New("/proc/meminfo has no MemTotal")
}

// freePorts asks the kernel for two distinct free TCP ports on 127.0.0.1. Both listeners are
// held until both ports are known, so the two differ; they are free again when the daemons
// bind them a few milliseconds later, and the kernel hands out ephemeral ports in turn, so
// two clusters started together get different ones.
func freePorts() (int, int, error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, err
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

func (c *Cluster) path(parts ...string) string {
	return filepath.Join(append([]string{c.Dir}, parts...)...)
}

// writeFiles creates the directories, the munge key and slurm.conf.
func (c *Cluster) writeFiles() error {
	for _, d := range []struct {
		name string
		mode os.FileMode
	}{{"munge", 0o711}, {"etc", 0o700}, {"state", 0o700}, {"spool", 0o755}, {"log", 0o755}, {"run", 0o755}} {
		p := c.path(d.name)
		if err := os.Mkdir(p, d.mode); err != nil {
			return err
		}
		// Mkdir applies the umask; munged insists on exactly 0711 for its socket directory.
		if err := os.Chmod(p, d.mode); err != nil {
			return err
		}
	}
	key := make([]byte, 1024)
	f, err := os.Open("/dev/urandom")
	if err != nil {
		return err
	}
	_, err = f.Read(key)
	f.Close()
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.path("etc", "munge.key"), key, 0o600); err != nil {
		return err
	}
	conf := fmt.Sprintf(`# Written by gosnn internal/slurmtest for a throw-away single-node cluster.
ClusterName=slurmtest
SlurmctldHost=%[3]s(127.0.0.1)
SlurmctldPort=%[4]d
SlurmdPort=%[5]d
NodeName=%[3]s NodeHostname=%[3]s NodeAddr=127.0.0.1 CPUs=%[6]d RealMemory=%[7]d State=UNKNOWN
PartitionName=%[8]s Nodes=%[3]s Default=YES MaxTime=INFINITE State=UP
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[1]s/munge/munge.socket.2,cred_expire=10
SlurmUser=%[2]s
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=%[1]s/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=2,bf_interval=2
EnforcePartLimits=ALL
MinJobAge=600
KillWait=5
ReturnToService=2
JobRequeue=1
MailProg=/bin/true
%[9]sStateSaveLocation=%[1]s/state
SlurmdSpoolDir=%[1]s/spool
SlurmctldPidFile=%[1]s/run/slurmctld.pid
SlurmdPidFile=%[1]s/run/slurmd.pid
SlurmctldLogFile=%[1]s/log/slurmctld.log
SlurmdLogFile=%[1]s/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
`, c.Dir, c.user, Node, c.CtldPort, c.SlurmdPort, c.CPUs, c.MemoryMB, Partition, c.cfg.extra)
	return os.WriteFile(c.Conf, []byte(conf), 0o644)
}

// daemonEnv is the environment of the daemons: ours without SLURM_* variables (the test may
// itself run inside a Slurm job), with SLURM_CONF and the Marker.
func (c *Cluster) daemonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SLURM_") || strings.HasPrefix(kv, Marker+"=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "SLURM_CONF="+c.Conf, Marker+"="+c.Dir)
}

// Env returns the environment for running Slurm's clients (sbatch, squeue, scancel,
// scontrol…) against this cluster: the test's environment without its SLURM_* variables,
// with SLURM_CONF set to Conf and Marker set to Dir.
func (c *Cluster) Env() []string { return c.daemonEnv() }

// start launches one daemon in the foreground, in its own process group, its standard output
// and error going to log/<name>.out.
func (c *Cluster) start(name string, args ...string) error {
	out, err := os.Create(c.path("log", name+".out"))
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin[name], args...)
	cmd.Env = c.daemonEnv()
	cmd.Dir = c.Dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return fmt.Errorf("start %s: %v", name, err)
	}
	d := &daemon{name: name, cmd: cmd, done: make(chan struct{})}
	c.daemons = append(c.daemons, d)
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(d.done)
	}()
	return nil
}

// launch starts munged, slurmctld and slurmd, in that order, each once the previous one
// answers.
func (c *Cluster) launch() error {
	sock := c.path("munge", "munge.socket.2")
	if err := c.start("munged", "--foreground", "--force",
		"--socket="+sock, "--key-file="+c.path("etc", "munge.key"),
		"--pid-file="+c.path("run", "munged.pid"), "--log-file="+c.path("log", "munged.log"),
		"--seed-file="+c.path("etc", "munged.seed")); err != nil {
		return err
	}
	if err := c.poll(10*time.Second, "munged's socket", func() bool {
		_, err := os.Stat(sock)
		return err == nil
	}); err != nil {
		return err
	}
	if err := c.start("slurmctld", "-D", "-f", c.Conf); err != nil {
		return err
	}
	if err := c.poll(20*time.Second, "slurmctld to answer", func() bool {
		_, err := c.run(5*time.Second, "scontrol", "ping")
		return err == nil
	}); err != nil {
		return err
	}
	return c.start("slurmd", "-D", "-f", c.Conf, "-N", Node)
}

// waitReady waits until sinfo says the node is idle and slurmd answers: sinfo reports idle
// from slurmctld's state before slurmd has registered, and a job submitted then is requeued.
func (c *Cluster) waitReady(timeout time.Duration) error {
	return c.poll(timeout, "the node to be idle and slurmd to answer", func() bool {
		out, err := c.run(5*time.Second, "sinfo", "-h", "-o", "%T")
		if err != nil || strings.TrimSpace(out) != "idle" {
			return false
		}
		_, err = c.run(5*time.Second, "scontrol", "show", "slurmd")
		return err == nil
	})
}

// poll calls ok every 50 ms until it returns true, a daemon exits or timeout passes.
func (c *Cluster) poll(timeout time.Duration, what string, ok func() bool) error {
	deadline := time.Now().Add(timeout)
	for {
		for _, d := range c.daemons {
			if d.exited() {
				return fmt.Errorf("%s exited (%v) while waiting for %s", d.name, d.cmd.ProcessState, what)
			}
		}
		if ok() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no %s after %v", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Run runs a Slurm client command (args[0] is sbatch, squeue, scancel, scontrol, sinfo or any
// program) with Env, in the test's working directory, and returns its standard output. A
// failure, including a run longer than two minutes, returns an error that holds the command,
// its exit status and its standard error.
func (c *Cluster) Run(args ...string) (string, error) {
	if len(args) == 0 {
		panic("slurmtest: Run without a command")
	}
	return c.run(runTimeout, args[0], args[1:]...)
}

func (c *Cluster) run(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	p := c.bin[name]
	if p == "" {
		p = name
	}
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Env = c.Env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v", timeout)
	}
	if err != nil {
		return stdout.String(), fmt.Errorf("slurmtest: %s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// LogTails returns the last n lines of each of the cluster's log files (the daemons' logs
// and their standard output and error), each under a header naming the file.
func (c *Cluster) LogTails(n int) string {
	names, _ := filepath.Glob(c.path("log", "*"))
	sort.Strings(names)
	var b strings.Builder
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > n {
			lines = lines[len(lines)-n:]
		}
		fmt.Fprintf(&b, "--- %s (last %d lines)\n%s\n", p, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// stop is the Cleanup: it cancels the jobs, shuts Slurm down, stops munged, kills whatever
// remains of the cluster's processes, checks that none is left and removes Dir.
func (c *Cluster) stop() {
	t := c.t
	t0 := time.Now()
	defer func() { t.Logf("slurmtest: stopped the cluster in %v", time.Since(t0).Round(time.Millisecond)) }()
	if c.ctldUp() {
		if _, err := c.run(20*time.Second, "scancel", "--user="+c.user); err != nil {
			t.Logf("slurmtest: cleanup: %v", err)
		}
		// Wait (KillWait is 5 s) for the jobs to end so that slurmd tears their steps down.
		_ = c.poll(15*time.Second, "the jobs to end", func() bool {
			out, err := c.run(5*time.Second, "squeue", "-h", "-o", "%i")
			return err == nil && strings.TrimSpace(out) == ""
		})
		if _, err := c.run(10*time.Second, "scontrol", "shutdown"); err != nil {
			t.Logf("slurmtest: cleanup: %v", err)
		}
	}
	for _, d := range c.daemons {
		if d.name == "munged" {
			continue
		}
		if !d.wait(15 * time.Second) {
			t.Logf("slurmtest: cleanup: %s did not stop after scontrol shutdown; killing it", d.name)
		}
	}
	for _, d := range c.daemons {
		if !d.exited() {
			_ = d.cmd.Process.Signal(syscall.SIGTERM)
			if !d.wait(5 * time.Second) {
				_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
				d.wait(5 * time.Second)
			}
		}
		// The daemon's process group outlives it when it leaves children behind.
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	}
	if left := killAll(c.Processes); len(left) > 0 {
		t.Errorf("slurmtest: processes of the cluster in %s survive SIGKILL: %v", c.Dir, left)
	}
	if t.Failed() {
		t.Logf("slurmtest: logs of the cluster in %s:\n%s", c.Dir, c.LogTails(30))
	}
	if err := os.RemoveAll(c.Dir); err != nil {
		t.Errorf("slurmtest: cleanup: %v", err)
	}
	_ = c.lock.Release()
}

func (c *Cluster) ctldUp() bool {
	for _, d := range c.daemons {
		if d.name == "slurmctld" && !d.exited() {
			return true
		}
	}
	return false
}

// Process is a live process that belongs to a cluster.
type Process struct {
	Pid  int
	Comm string // the command name, from /proc/<pid>/comm
}

func (p Process) String() string { return fmt.Sprintf("%d(%s)", p.Pid, p.Comm) }

// Processes returns the live (not zombie) processes of the cluster: those in the process
// group of one of its daemons and those whose environment holds Marker=Dir: the daemons,
// slurmstepd (which leaves slurmd's process group) and the jobs' processes, unless a job was
// submitted with an environment without the Marker (sbatch --export=NONE).
func (c *Cluster) Processes() []Process {
	pgids := map[int]bool{}
	for _, d := range c.daemons {
		pgids[d.cmd.Process.Pid] = true
	}
	var ps []Process
	for _, p := range scan() {
		if pgids[p.pgrp] || p.marker == c.Dir {
			ps = append(ps, p.Process)
		}
	}
	return ps
}

// proc is a live process seen in /proc.
type proc struct {
	Process
	pgrp   int
	marker string // the value of Marker in its environment, or ""
}

// scan lists the live (not zombie) processes other than this one.
func scan() []proc {
	entries, _ := os.ReadDir("/proc")
	var ps []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		j := strings.IndexByte(s, '(')
		if i < 0 || j < 0 || j > i {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		p := proc{Process: Process{Pid: pid, Comm: s[j+1 : i]}}
		p.pgrp, _ = strconv.Atoi(f[2])
		if env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ")); err == nil {
			for _, kv := range bytes.Split(env, []byte{0}) {
				if v, ok := bytes.CutPrefix(kv, []byte(Marker+"=")); ok {
					p.marker = string(v)
				}
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// killAll sends SIGKILL to the processes that mine selects until none is left, for at most
// five seconds, and returns those that remain.
func killAll(mine func() []Process) []Process {
	left := mine()
	for i := 0; len(left) > 0 && i < 100; i++ {
		for _, p := range left {
			_ = syscall.Kill(p.Pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
		left = mine()
	}
	return left
}

// sweep removes what clusters of dead test processes left behind: when a test binary is
// killed its Cleanup does not run; the kernel kills its daemons (they have a parent-death
// signal) but not the job steps that slurmd had started, nor the directory. A cluster's test
// process holds the dirlock of its directory while it lives, so a directory that can be
// locked, or that no longer exists, belongs to no live test.
func sweep(t testing.TB) {
	t.Helper()
	byDir := map[string][]Process{}
	for _, p := range scan() {
		if p.marker != "" {
			byDir[p.marker] = append(byDir[p.marker], p.Process)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		if _, ok := byDir[d]; !ok {
			byDir[d] = nil
		}
	}
	for dir, ps := range byDir {
		var lock *dirlock.Lock
		if _, err := os.Stat(dir); err == nil {
			// No lock file yet: a cluster being created right now.
			if _, err := os.Stat(filepath.Join(dir, dirlock.FileName)); err != nil {
				continue
			}
			if lock, err = dirlock.Acquire(dir, "slurmtest sweep"); err != nil {
				continue // a live cluster
			}
		}
		left := killAll(func() []Process {
			var mine []Process
			for _, p := range scan() {
				if p.marker == dir {
					mine = append(mine, p.Process)
				}
			}
			return mine
		})
		if len(left) > 0 {
			t.Logf("slurmtest: processes of a dead cluster in %s survive SIGKILL: %v", dir, left)
		}
		if lock != nil {
			if err := os.RemoveAll(dir); err != nil {
				t.Logf("slurmtest: %v", err)
			}
			_ = lock.Release()
		}
		t.Logf("slurmtest: removed the remains of a dead cluster in %s (processes %v)", dir, ps)
	}
}
