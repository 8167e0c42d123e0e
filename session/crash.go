package session

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// A fatal runtime error (stack overflow, out of memory, concurrent map writes) cannot be
// recovered: the process dies. CrashLog keeps, in small files under a base path, the cell the
// process is running and the runtime's fatal-error report, so that the next process started
// with the same base can tell the user which cell killed its predecessor and why.

// crashActive is set while a CrashLog owns the runtime's crash output.
var crashActive atomic.Bool

func crashLogActive() bool { return crashActive.Load() }

// CrashLog records the running cell and receives the runtime's fatal-error report
// (runtime/debug.SetCrashOutput) for one process. Create it with OpenCrashLog; its methods
// may be called from any goroutine.
type CrashLog struct {
	base string
	mu   sync.Mutex
	cell *os.File // base+".cell", open for the process's life
}

// Crash is what a process that died left in its CrashLog.
type Crash struct {
	// Cell is the label of the cell that was running (as given to Begin), empty when the
	// process died between cells.
	Cell string
	// Code is the source of that cell.
	Code string
	// Fatal is the head of the runtime's report ("fatal error: stack overflow" and the
	// lines before it), empty when the process was killed without one (by the Linux
	// out-of-memory killer or SIGKILL, for example).
	Fatal string
	// Report is the file holding the runtime's whole report, empty if there is none.
	Report string
}

// maxCrashCode bounds the code kept for a cell.
const maxCrashCode = 8 << 10

// CrashBase returns the base path under which a process identified by key (a kernel's
// connection file, for example) keeps its CrashLog: a file name derived from key in a
// per-user directory of the system's temporary directory, which it creates.
func CrashBase(key string) (string, error) {
	if abs, err := filepath.Abs(key); err == nil {
		key = abs
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gosnn-crash-%d", os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("session: crash log directory: %w", err)
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:12])), nil
}

// OpenCrashLog reads and clears what a previous process left under base (nil when it ended
// cleanly or there was none), then starts recording this process there: the runtime's fatal
// error reports go to base+".fatal". Only one CrashLog per process may be open.
func OpenCrashLog(base string) (*CrashLog, *Crash, error) {
	if !crashActive.CompareAndSwap(false, true) {
		return nil, nil, errors.New("session: a crash log is already open in this process")
	}
	prev, err := ReadCrash(base)
	if err != nil {
		crashActive.Store(false)
		return nil, nil, err
	}
	f, err := os.OpenFile(base+".fatal", os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		crashActive.Store(false)
		return nil, nil, fmt.Errorf("session: crash log: %w", err)
	}
	defer f.Close() // SetCrashOutput keeps its own duplicate
	cell, err := os.OpenFile(base+".cell", os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o600)
	if err == nil {
		if _, err = cell.WriteAt([]byte(cellIdle), 0); err != nil {
			cell.Close()
		}
	}
	if err != nil {
		crashActive.Store(false)
		return nil, nil, fmt.Errorf("session: crash log: %w", err)
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		cell.Close()
		crashActive.Store(false)
		return nil, nil, fmt.Errorf("session: crash log: %w", err)
	}
	return &CrashLog{base: base, cell: cell}, prev, nil
}

// The record of the running cell, base+".cell", stays open for the process's life and is
// overwritten in place: creating, renaming and removing a file for each cell cost a few
// hundred microseconds on ext4, the largest part of a trivial cell's round trip. The file
// starts with a header of cellHeaderLen bytes, cellRunning and the length of the record
// that follows it ("label\ncode"), or cellIdle between cells; bytes after the record are
// left over from a longer one. Begin writes the record, then the header (within the first
// page, so it is never torn), so a header never describes a half-written record.
const (
	cellRunning   = "gosnn-cell "
	cellIdle      = "gosnn-idle 000000000000\n"
	cellHeaderLen = len(cellIdle)
)

// cellHeader returns the header of a running cell's record of n bytes.
func cellHeader(n int) []byte {
	return fmt.Appendf(nil, "%s%012d\n", cellRunning, n)
}

// parseCellRecord returns the running cell's record ("label\ncode") from the content of a
// base+".cell" file, or "" when no cell was running. A file without a header is a record
// whole, as gosnn wrote it before the header existed.
func parseCellRecord(b []byte) string {
	if len(b) < cellHeaderLen || !strings.HasPrefix(string(b), "gosnn-") {
		return string(b)
	}
	h := string(b[:cellHeaderLen])
	if !strings.HasPrefix(h, cellRunning) || h[cellHeaderLen-1] != '\n' {
		return ""
	}
	n, err := strconv.Atoi(h[len(cellRunning) : cellHeaderLen-1])
	if err != nil || n < 0 || n > len(b)-cellHeaderLen {
		return ""
	}
	return string(b[cellHeaderLen : cellHeaderLen+n])
}

// ReadCrash returns what a dead process left under base, or nil when it left nothing to
// report, and removes it (the whole fatal report is kept in base+".report", named in Crash).
// A process may have finished its last cell and died later: then Cell is empty.
func ReadCrash(base string) (*Crash, error) {
	cell, cerr := os.ReadFile(base + ".cell")
	fatal, ferr := os.ReadFile(base + ".fatal")
	for _, err := range []error{cerr, ferr} {
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("session: reading the crash log: %w", err)
		}
	}
	cell = []byte(parseCellRecord(cell))
	if len(cell) == 0 && len(strings.TrimSpace(string(fatal))) == 0 {
		_ = os.Remove(base + ".fatal")
		return nil, nil
	}
	c := &Crash{}
	if len(cell) > 0 {
		c.Cell, c.Code, _ = strings.Cut(string(cell), "\n")
	}
	if len(strings.TrimSpace(string(fatal))) > 0 {
		c.Fatal = fatalHead(string(fatal))
		c.Report = base + ".report"
		if err := os.Rename(base+".fatal", c.Report); err != nil {
			c.Report = ""
		}
	}
	_ = os.Remove(base + ".cell")
	_ = os.Remove(base + ".fatal")
	return c, nil
}

// fatalHead returns what a runtime report says before its first stack trace ("panic: ..."
// and the lines after it), without the register and stack-bound lines. The runtime writes
// the lines of a fatal error ("runtime: goroutine stack exceeds 268435456-byte limit",
// "fatal error: stack overflow") to file descriptor 2 only, before its crash output starts:
// when they are missing, the error is named from the report's first stack trace.
func fatalHead(report string) string {
	var keep []string
	for _, line := range strings.Split(report, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "goroutine ") || t == "runtime stack:" {
			break
		}
		if t == "" || strings.HasPrefix(t, "runtime: sp=") || strings.HasPrefix(t, "runtime: gp=") {
			continue
		}
		keep = append(keep, t)
		if len(keep) == 8 {
			break
		}
	}
	if len(keep) > 0 {
		return strings.Join(keep, "\n")
	}
	return inferFatal(report)
}

// inferFatal names the fatal error of a runtime report from the functions in its first
// stack traces (the runtime stack, then the failing goroutine's).
func inferFatal(report string) string {
	var funcs []string
	for _, line := range strings.Split(report, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(t, "goroutine ") || t == "runtime stack:" {
			continue
		}
		if i := strings.IndexByte(t, '('); i > 0 {
			funcs = append(funcs, t[:i])
		}
		if len(funcs) == 40 {
			break
		}
	}
	has := func(name string) bool {
		for _, f := range funcs {
			if f == name {
				return true
			}
		}
		return false
	}
	switch {
	case has("runtime.newstack"):
		return "fatal error: stack overflow (a goroutine's stack grew past its limit: a runaway recursion?)"
	case has("runtime.sysMapOS") || has("runtime.sysMap") || has("runtime.(*mheap).grow"):
		return "fatal error: out of memory (the system refused the memory the process asked for)"
	}
	for i, f := range funcs {
		if !strings.HasSuffix(f, ".throw") && !strings.HasSuffix(f, ".fatal") || i+1 >= len(funcs) {
			continue
		}
		if next := funcs[i+1]; strings.Contains(next, "map") {
			return "fatal error: concurrent map access (goroutines used a map without a lock), raised by " + next
		}
		return "fatal error in the Go runtime, raised by " + funcs[i+1]
	}
	return "fatal error in the Go runtime"
}

// Begin records that the cell labelled label (one line, "[3]" for example) starts running
// code. The record is written before the header that announces it; End marks it finished.
func (l *CrashLog) Begin(label, code string) {
	if len(code) > maxCrashCode {
		code = code[:maxCrashCode] + "\n…"
	}
	label = strings.ReplaceAll(label, "\n", " ")
	rec := label + "\n" + code
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.cell.WriteAt([]byte(rec), int64(cellHeaderLen)); err == nil {
		_, _ = l.cell.WriteAt(cellHeader(len(rec)), 0)
	}
}

// End records that the cell started by Begin has finished.
func (l *CrashLog) End() {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.cell.WriteAt([]byte(cellIdle), 0)
}

// Close stops recording and removes the files: the process ends cleanly.
func (l *CrashLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	crashActive.Store(false)
	l.cell.Close()
	_ = os.Remove(l.base + ".cell")
	if err := os.Remove(l.base + ".fatal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("session: crash log: %w", err)
	}
	return nil
}

// Message describes the crash for the user; who names the dead process ("the previous
// kernel process"). The cell's first lines are quoted, indented.
func (c *Crash) Message(who string) string {
	var b strings.Builder
	switch {
	case c.Cell != "":
		fmt.Fprintf(&b, "%s died while running cell %s:\n", who, c.Cell)
		lines := strings.Split(strings.TrimRight(c.Code, "\n"), "\n")
		for i, line := range lines {
			if i == 10 {
				fmt.Fprintf(&b, "    … (%d more lines)\n", len(lines)-i)
				break
			}
			b.WriteString("    " + line + "\n")
		}
	default:
		fmt.Fprintf(&b, "%s died between cells (in a goroutine started by a cell):\n", who)
	}
	if c.Fatal != "" {
		b.WriteString(c.Fatal + "\n")
	} else {
		b.WriteString("It was killed without a Go fatal error (by the system's out-of-memory killer or a signal such as SIGKILL).\n")
	}
	if c.Report != "" {
		fmt.Fprintf(&b, "(the runtime's whole report: %s)\n", c.Report)
	}
	return b.String()
}
