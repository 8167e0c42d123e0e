//go:build !unix

package paper

import "runtime"

// cpuSeconds returns 0: the CPU time is not measured on this system.
func cpuSeconds() float64 { return 0 }

// gomaxprocs is the number of threads a run uses by default.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
