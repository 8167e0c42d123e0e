//go:build unix

package paper

import (
	"runtime"
	"syscall"
)

// cpuSeconds returns the process's user + system CPU time, s.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// gomaxprocs is the number of threads a run uses by default.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
