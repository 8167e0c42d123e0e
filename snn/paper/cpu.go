package paper

import (
	"runtime"

	"github.com/gosnn/gosnn/internal/cpustat"
)

// cpuSeconds returns the process's user + system CPU time, s (internal/cpustat).
func cpuSeconds() float64 { return cpustat.Seconds() }

// gomaxprocs is the number of threads a run uses by default.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
