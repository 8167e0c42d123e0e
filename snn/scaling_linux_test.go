package snn

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
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

// setProcessAffinity sets the CPU affinity of every thread of the process to the CPUs of
// mask (bit k: CPU k), so that the Go runtime's threads share them.
func setProcessAffinity(mask []uint64) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, e := range tasks {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0]))); errno != 0 {
			return fmt.Errorf("thread %d: %v", tid, errno)
		}
	}
	return nil
}

// processAffinity returns the CPU affinity of the calling thread.
func processAffinity() ([]uint64, error) {
	mask := make([]uint64, 16)
	if _, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, uintptr(len(mask)*8), uintptr(unsafe.Pointer(&mask[0]))); errno != 0 {
		return nil, errno
	}
	return mask, nil
}

// TestMeasureWorkerPlacement measures what two workers of one network cost each other: the
// main network (static, as gosnn bench) runs 200 ms on 2 threads as usual, and again with
// every thread of the process confined to the first CPU it may use, so that the two workers
// take turns on one core; the thread CPU time of each worker's integration (arrivals and
// neuron update of its half of the neurons) is compared with that of the 1-thread run. Worker
// ranges and results are the same in all three runs; only where the workers run changes. It
// runs only with GOSNN_MEASURE=1 (Linux: sched_setaffinity), and asserts nothing about speed.
func TestMeasureWorkerPlacement(t *testing.T) {
	if os.Getenv("GOSNN_MEASURE") != "1" {
		t.Skip("a measurement: set GOSNN_MEASURE=1")
	}
	orig, err := processAffinity()
	if err != nil {
		t.Fatal(err)
	}
	first := -1
	for k := range len(orig) * 64 {
		if orig[k/64]&(1<<(k%64)) != 0 {
			first = k
			break
		}
	}
	if first < 0 || runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two CPUs")
	}
	const ms = 200
	var spikes [][2]int64
	for _, run := range []struct {
		name    string
		threads int
		oneCPU  bool
	}{
		{"1 thread", 1, false},
		{"2 threads on 2 CPUs", 2, false},
		{"2 threads on 1 CPU", 2, true},
	} {
		n := scalingNet(t, "static", run.threads)
		if err := n.Run(50); err != nil { // settle (the balancer moves no cut within 250 ms)
			t.Fatal(err)
		}
		p := n.profile(true)
		p.clock, p.lockThreads = profThreadClock, true
		if run.oneCPU {
			one := make([]uint64, len(orig))
			one[first/64] = 1 << (first % 64)
			if err := setProcessAffinity(one); err != nil {
				t.Fatal(err)
			}
		}
		t0 := time.Now()
		err := n.Run(ms)
		wall := time.Since(t0)
		if run.oneCPU {
			if err := setProcessAffinity(orig); err != nil {
				t.Fatal(err)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%-20s wall %6.1f µs/step; integration, thread CPU µs per step:", run.name, float64(wall.Nanoseconds())/float64(p.steps)/1e3)
		for id, w := range p.w {
			line += fmt.Sprintf(" worker %d %6.2f (%d E, %d I)", id, float64(w.ns[phIntegrate])/float64(p.steps)/1e3,
				n.workers[id].hi[PopE]-n.workers[id].lo[PopE], n.workers[id].hi[PopI]-n.workers[id].lo[PopI])
		}
		t.Log(line)
		spikes = append(spikes, [2]int64{n.SpikeCount(PopE), n.SpikeCount(PopI)})
	}
	for _, s := range spikes[1:] {
		if s != spikes[0] {
			t.Errorf("spikes E/I %v, want %v as on 1 thread", s, spikes[0])
		}
	}
}
