package session

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestMain lets GOSNN_CRASH_FILE name a file that receives the crash output of the test
// binary: with output capture on, fds 1 and 2 are pipes and a crash message would be lost.
func TestMain(m *testing.M) {
	if p := os.Getenv("GOSNN_CRASH_FILE"); p != "" {
		f, _ := os.Create(p)
		debug.SetCrashOutput(f, debug.CrashOptions{})
	}
	os.Exit(m.Run())
}
