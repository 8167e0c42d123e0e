package testskip

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSummary skips subtests for several reasons and checks the summary line; with
// TESTSKIP_CHILD set it is the child process of TestSummaryPrinted.
func TestSummary(t *testing.T) {
	if os.Getenv("TESTSKIP_CHILD") == "" {
		if Summary() != "" {
			t.Fatalf("summary before any skip: %q", Summary())
		}
		// These skips are the test's own, not missing tools: keep them out of the package's line.
		t.Cleanup(func() {
			skips.Lock()
			skips.by = nil
			skips.Unlock()
		})
	}
	for _, tc := range []struct {
		name string
		r    Reason
	}{{"a", Data}, {"b", Data}, {"c", Tmux}, {"d", Data}} {
		t.Run(tc.name, func(t *testing.T) { Skip(t, tc.r, "missing") })
	}
	t.Run("ok", func(t *testing.T) { Need(t, Tmux, true, "present") })
	t.Run("e", func(t *testing.T) {
		t.Setenv("CI", "")
		Need(t, Jupyter, false, "absent")
		t.Error("Need did not skip")
	})
	want := "SKIPPED 5 tests: 3 need " + string(Data) + ", 1 needs " + string(Jupyter) + ", 1 needs tmux"
	if got := Summary(); got != want {
		t.Errorf("Summary() = %q\nwant        %q", got, want)
	}
}

// TestSummaryPrinted runs TestSummary in a test binary and checks that Main prints the line
// after the test results.
func TestSummaryPrinted(t *testing.T) {
	if os.Getenv("TESTSKIP_CHILD") != "" {
		t.Skip("child")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^TestSummary$")
	cmd.Env = append(os.Environ(), "TESTSKIP_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "SKIPPED 5 tests: 3 need the authors' data") {
		t.Errorf("last line %q, want the summary\n%s", last, out)
	}
}

func TestEchoToTerminal(t *testing.T) {
	for _, tc := range []struct {
		verbose, stdoutTTY, want bool
	}{
		{false, false, true}, // go test ./...: output of a passing package is discarded
		{true, false, false}, // go test -v: shown
		{false, true, false}, // output streamed to the terminal: shown
		{true, true, false},
	} {
		if got := echoToTerminal(tc.verbose, tc.stdoutTTY); got != tc.want {
			t.Errorf("echoToTerminal(verbose=%v, stdout terminal=%v) = %v, want %v", tc.verbose, tc.stdoutTTY, got, tc.want)
		}
	}
}

func TestPackagePath(t *testing.T) {
	if got, want := packagePath(), "github.com/gosnn/gosnn/internal/testskip"; got != want {
		t.Errorf("packagePath() = %q, want %q", got, want)
	}
}

func TestMain(m *testing.M) { Main(m) }
