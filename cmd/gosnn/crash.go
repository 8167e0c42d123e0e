package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/kernel"
	"github.com/gosnn/gosnn/session"
)

// A fatal runtime error in a cell (a runaway recursion's stack overflow, an allocation larger
// than the machine's memory) kills the process: it cannot be recovered. gosnn makes it clean:
// each cell is recorded in a session.CrashLog before it runs, the runtime's report goes to the
// log's file, and the next process reports both. The kernel is restarted by Jupyter with the
// same connection file and says it in its first cell's output and in its log; gosnn run and
// the REPL run as a supervised child process of the gosnn command, which reports the child's
// death on the terminal.

// maxStack bounds the stack of every goroutine (the runtime's default is 1 GB). Interpreted
// calls use a few hundred bytes to kilobytes of Go stack each, so 256 MB still allows
// recursions hundreds of thousands deep, and a runaway recursion dies four times sooner.
const maxStack = 256 << 20

// envCrashBase names the crash log base of a supervised child process.
const envCrashBase = "GOSNN_CRASH_LOG"

// crashEvaluator records each cell in a CrashLog while it runs, and shows notice (the
// previous process's death) on stderr before the first cell's own output.
type crashEvaluator struct {
	kernel.Evaluator
	log    *session.CrashLog
	label  func(ctx context.Context, n int) (string, bool)
	mu     sync.Mutex
	n      int
	notice string
}

// Execute records the cell, runs it, and clears the record.
func (e *crashEvaluator) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	e.mu.Lock()
	e.n++
	label, isCell := e.label(ctx, e.n)
	notice := ""
	if isCell && out != nil {
		notice, e.notice = e.notice, ""
	}
	e.mu.Unlock()
	if notice != "" {
		out.Stream("stderr", notice)
	}
	if e.log != nil {
		e.log.Begin(label, code)
		defer e.log.End()
	}
	return e.Evaluator.Execute(ctx, code, out)
}

// kernelLabel names a kernel cell by its execution count.
func kernelLabel(ctx context.Context, _ int) (string, bool) {
	if n, ok := kernel.ExecutionCount(ctx); ok {
		return "[" + strconv.Itoa(n) + "]", true
	}
	return "(a silent request)", false
}

// seqLabel names a cell by its position among the executed ones.
func seqLabel(_ context.Context, n int) (string, bool) {
	return "[" + strconv.Itoa(n) + "]", true
}

// childCrashLog is the crash log of a supervised child process (nil otherwise).
var childCrashLog *session.CrashLog

// withCrashLog wraps ev for a supervised child: its cells are recorded.
func withCrashLog(ev kernel.Evaluator) kernel.Evaluator {
	if childCrashLog == nil {
		return ev
	}
	return &crashEvaluator{Evaluator: ev, log: childCrashLog, label: seqLabel}
}

// supervised runs the command name (gosnn run, the REPL) in a child process, the same binary
// with the same arguments, and reports on stderr a fatal error that kills the child, with the
// cell it was running; it returns the child's exit status. In the child (envCrashBase set),
// it runs run itself with a crash log. When the child cannot be started, run runs here.
func supervised(name string, args []string, run func([]string) int) int {
	debug.SetMaxStack(maxStack)
	if base := os.Getenv(envCrashBase); base != "" {
		os.Unsetenv(envCrashBase) // not for processes the cells start
		clog, _, err := session.OpenCrashLog(base)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosnn:", err, "(a fatal error will not be reported)")
			return run(args)
		}
		childCrashLog = clog
		code := run(args)
		childCrashLog = nil
		_ = clog.Close()
		return code
	}
	exe, err := os.Executable()
	if err != nil {
		return run(args)
	}
	dir, err := os.MkdirTemp("", "gosnn-"+name+"-")
	if err != nil {
		return run(args)
	}
	base := filepath.Join(dir, "crash")
	cmd := exec.Command(exe, append([]string{name}, args...)...)
	cmd.Env = append(os.Environ(), envCrashBase+"="+base)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	term := saveTerminal()
	// The child handles signals. A terminal sends Ctrl-C to both processes; SIGINT from
	// elsewhere (kill -INT) is forwarded, and so are SIGTERM and SIGHUP.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		signal.Stop(sigs)
		return run(args)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if s != os.Interrupt || term == nil {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	werr := cmd.Wait()
	close(done)
	term.restore()
	status := 0
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		status = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			status = 128 + int(ws.Signal())
		}
	} else if werr != nil {
		fmt.Fprintln(os.Stderr, "gosnn:", werr)
		status = 1
	}
	crash, _ := session.ReadCrash(base)
	if crash == nil || status == 0 {
		os.RemoveAll(dir)
		return status
	}
	// Keep dir: the message names the runtime's whole report in it.
	if crash.Report == "" {
		os.RemoveAll(dir)
	}
	fmt.Fprint(os.Stderr, "\ngosnn: "+crash.Message("the gosnn "+name+" process"))
	return status
}

// Close closes the wrapped evaluator when it implements io.Closer.
func (e *crashEvaluator) Close() error {
	if c, ok := e.Evaluator.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
