//go:build !unix

package cpustat

// Seconds returns 0: the CPU time is not measured on this system.
func Seconds() float64 { return 0 }
