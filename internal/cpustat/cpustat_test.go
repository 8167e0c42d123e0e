package cpustat

import (
	"runtime"
	"testing"
	"time"
)

// TestSecondsGrows: busy work shows in the CPU time, and the clock never goes back.
func TestSecondsGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" {
		t.Skip("no CPU clock on", runtime.GOOS)
	}
	t0 := Seconds()
	x := 0.0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		x += 1e-9
	}
	t1 := Seconds()
	if !(t1 > t0) || x == 0 {
		t.Errorf("CPU time %v s before 50 ms of busy work, %v s after", t0, t1)
	}
}
