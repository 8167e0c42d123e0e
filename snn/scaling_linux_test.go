package snn

import (
	"syscall"
	"unsafe"
)

// threadCPUClock returns the CPU time of the calling thread, ns (CLOCK_THREAD_CPUTIME_ID).
func threadCPUClock() int64 {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func init() { profThreadClock = threadCPUClock }
