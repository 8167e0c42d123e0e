package dirlock

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// The test binary doubles as the other process: with DIRLOCK_HOLD=DIR it locks DIR, says
// "locked" and waits until killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("DIRLOCK_HOLD"); dir != "" {
		if _, err := Acquire(dir, "gosnn exp train --seed 1"); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		fmt.Println("locked")
		select {}
	}
	os.Exit(m.Run())
}

func unixOnly(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no flock on " + runtime.GOOS)
	}
}

// TestAcquireOtherProcess locks a directory from another process: Acquire here fails at
// once naming that process, and succeeds after it is killed with SIGKILL (the OS releases
// the lock).
func TestAcquireOtherProcess(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DIRLOCK_HOLD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("holder said %q", line)
	}
	_, err = Acquire(dir, "gosnn exp train --seed 2")
	want := fmt.Sprintf("gosnn: %s is in use by pid %d (gosnn exp train --seed 1, started ", dir, cmd.Process.Pid)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("second Acquire: %v, want %s...", err, want)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	l, err := Acquire(dir, "gosnn exp train --seed 2")
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	if h := readHolder(filepath.Join(dir, FileName)); h.PID != os.Getpid() || h.Command != "gosnn exp train --seed 2" {
		t.Errorf("lock file names %+v", h)
	}
	l.Release()
}

// TestAcquireSameProcess checks that the lock is per open file: a second Acquire in the
// same process fails too, and succeeds after Release.
func TestAcquireSameProcess(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	l, err := Acquire(dir, "first")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, "second"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is in use by pid %d (first, started", os.Getpid())) {
		t.Errorf("second Acquire: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, "second")
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l2.Release()
	if _, err := Acquire(filepath.Join(dir, "missing"), "x"); err == nil || !strings.HasPrefix(err.Error(), "gosnn: lock ") {
		t.Errorf("missing directory: %v", err)
	}
}

// TestRemoveStaleTemps leaves the temporaries of writers killed mid-write and checks that
// only they are removed, and only with the lock held.
func TestRemoveStaleTemps(t *testing.T) {
	unixOnly(t)
	dir := t.TempDir()
	stale := []string{".trained_2400_nc80.npy.tmp-123456", ".state.json.tmp-9", ".summary.json.tmp42", ".gosnn-probe-77.npy"}
	keep := []string{"state.json", "weights-0003.npy", ".hidden", "notes.tmp-1", ".x.tmp-abc", FileName}
	for _, n := range append(append([]string{}, stale...), keep...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".sub.tmp-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	var unlocked *Lock
	if got, _ := unlocked.RemoveStaleTemps(); got != nil {
		t.Errorf("removed %v without the lock", got)
	}
	l, err := Acquire(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	got, err := l.RemoveStaleTemps()
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	sort.Strings(stale)
	if strings.Join(got, " ") != strings.Join(stale, " ") {
		t.Errorf("removed %v, want %v", got, stale)
	}
	for _, n := range append(keep, ".sub.tmp-1") {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}
