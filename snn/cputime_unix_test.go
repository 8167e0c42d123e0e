//go:build unix

package snn

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) the test process has used, or 0 if
// unknown. On a shared machine it measures a benchmark better than the wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
