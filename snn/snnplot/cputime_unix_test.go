//go:build unix

package snnplot

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used so far. Benchmarks
// report it per op besides wall time, since wall time on a shared machine is mostly waiting.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
