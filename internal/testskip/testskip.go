// Package testskip records why tests are skipped and prints one summary line per test binary,
// so that a skip for missing data or a missing client is visible without -v:
//
//	SKIPPED 4 tests: 3 need the authors' data (set GOSNN_DATA or run `gosnn data fetch`), 1 needs tmux
//
// A package uses it with a TestMain that calls Main (or Run, to add its own setup), and calls
// Skip, Need or AuthorsFile instead of t.Skip at the sites that skip for something missing.
// The line goes to standard output after the tests have run. go test shows it when it runs
// the package in its directory ("go test" with no package arguments), with -v, and when the
// package fails. With package arguments ("go test ./...") go test discards the output of a
// package that passes, so when standard output is not a terminal and the test is not verbose,
// the line, prefixed with the package, is also written to the controlling terminal
// (/dev/tty) when there is one: a user who runs plain "go test ./..." sees it there.
package testskip

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gosnn/gosnn/maesdata"
)

// Reason is why a test is skipped, worded to follow "needs" in the summary line.
type Reason string

// The reasons tests skip for something missing.
const (
	Data    Reason = "the authors' data (set GOSNN_DATA or run `gosnn data fetch`)"
	Jupyter Reason = "the Debian Jupyter clients (python3-jupyter-client, python3-nbclient, jupyter-console…)"
	NumPy   Reason = "NumPy or SciPy for /usr/bin/python3 (python3-numpy, python3-scipy)"
	Slurm   Reason = "Slurm (slurmctld, slurmd, slurm-client, munge)"
	Tmux    Reason = "tmux"
)

var skips struct {
	sync.Mutex
	by map[string]Reason // test name → reason
}

// Skip records that t is skipped for reason r and skips it with msg.
func Skip(t testing.TB, r Reason, msg string) {
	t.Helper()
	record(t.Name(), r)
	t.Skip(msg)
}

// Need does nothing when ok; otherwise it fails t when CI=true (a tool the CI installs is
// missing) and skips it for reason r elsewhere, with msg.
func Need(t testing.TB, r Reason, ok bool, msg string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: %s", msg)
	}
	Skip(t, r, msg)
}

// AuthorsFile returns the path of the authors' file name (such as "FF60b_2400_nc160.mat")
// found by maesdata.Find, and skips t for reason Data when it is absent.
func AuthorsFile(t testing.TB, name string) string {
	t.Helper()
	p, err := maesdata.Find(name)
	if err != nil {
		Skip(t, Data, err.Error())
	}
	return p
}

func record(name string, r Reason) {
	skips.Lock()
	defer skips.Unlock()
	if skips.by == nil {
		skips.by = map[string]Reason{}
	}
	skips.by[name] = r
}

// Summary returns the summary line of the skips recorded so far, or "" when there are none.
func Summary() string {
	skips.Lock()
	defer skips.Unlock()
	if len(skips.by) == 0 {
		return ""
	}
	count := map[Reason]int{}
	for _, r := range skips.by {
		count[r]++
	}
	rs := make([]Reason, 0, len(count))
	for r := range count {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if count[rs[i]] != count[rs[j]] {
			return count[rs[i]] > count[rs[j]]
		}
		return rs[i] < rs[j]
	})
	parts := make([]string, len(rs))
	for i, r := range rs {
		verb := "needs"
		if count[r] > 1 {
			verb = "need"
		}
		parts[i] = fmt.Sprintf("%d %s %s", count[r], verb, r)
	}
	return fmt.Sprintf("SKIPPED %d %s: %s", len(skips.by), plural(len(skips.by), "test"), strings.Join(parts, ", "))
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// Run runs the tests and prints the summary line, if any, to standard output; it returns m.Run's
// exit code.
func Run(m *testing.M) int {
	code := m.Run()
	if s := Summary(); s != "" {
		fmt.Println(s)
		if echoToTerminal(testing.Verbose(), isTerminal(os.Stdout)) {
			if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
				fmt.Fprintf(tty, "%s: %s\n", packagePath(), s)
				tty.Close()
			}
		}
	}
	return code
}

// echoToTerminal reports whether the summary must also go to the controlling terminal: when go
// test may hide standard output (not verbose, and standard output is not the terminal itself).
func echoToTerminal(verbose, stdoutIsTerminal bool) bool {
	return !verbose && !stdoutIsTerminal
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// packagePath is the import path of the package under test ("github.com/gosnn/gosnn/snn").
func packagePath() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Path != "" {
		return strings.TrimSuffix(bi.Path, ".test")
	}
	return strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")
}

// Main is a TestMain: it exits with Run's code.
func Main(m *testing.M) { os.Exit(Run(m)) }
