package snn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The check refuses what cannot fit (3 M neurons) with an error naming the need and the
// machine's memory; the paper's network fits. avail is a fake limit.
func TestMemoryCheck(t *testing.T) {
	big := DefaultConfig()
	big.NE, big.NI, big.Clusters = 2_400_000, 600_000, 30
	for _, tc := range []struct {
		name  string
		cfg   Config
		avail uint64
		want  string // "" accepted, else a substring of the error
	}{
		{"default, 8 GiB", DefaultConfig(), 8 << 30, ""},
		{"default, unknown memory", DefaultConfig(), 0, ""},
		{"default, 16 MiB", DefaultConfig(), 16 << 20, "needs about"},
		{"3 M neurons, 16 GiB", big, 16 << 30, "a network of 3000000 neurons and 1.8e+12 synapses needs about"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, syn := memoryEstimate(tc.cfg)
			err := checkMemory(float64(tc.cfg.NE+tc.cfg.NI), syn, tc.avail)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "available") {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// New refuses 3 M neurons on this machine (tens of terabytes) before allocating them.
func TestNewRefusesHugeNetwork(t *testing.T) {
	if availableMemory() == 0 {
		t.Skip("the available memory is unknown here")
	}
	cfg := DefaultConfig()
	cfg.NE, cfg.NI = 2_400_000, 600_000
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "snn: a network of 3000000 neurons") {
		t.Fatalf("New: err = %v", err)
	}
}

// The estimate is close to what New really allocates for the synapses.
func TestMemoryEstimateSynapses(t *testing.T) {
	cfg := DefaultConfig()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, pr := range n.projs {
		got += len(pr.w)
	}
	_, want := memoryEstimate(cfg)
	if d := float64(got) - want; d > 0.01*want || d < -0.01*want {
		t.Errorf("New made %d synapses, estimate %.0f", got, want)
	}
}

// The check of NewFromWeights counts the synapses of a matrix whose size alone does not fit.
func TestNewFromWeightsMemoryCheck(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 40, 10, 1
	w := mat.NewDense(50, 50, nil)
	w.Set(1, 0, 1)
	avail := uint64(50 * 50 * bytesPerSynapse / 2) // every entry as a synapse would not fit
	check := func() error {
		raw := w.RawMatrix()
		return checkWeightsMemory(raw.Data, raw.Stride, 50, avail)
	}
	if err := check(); err != nil {
		t.Fatalf("sparse matrix: %v", err)
	}
	if _, err := NewFromWeights(cfg, w, Clusters{}); err != nil {
		t.Fatalf("NewFromWeights: %v", err)
	}
	for i := 0; i < 50; i++ {
		for j := 0; j < 50; j++ {
			if i != j {
				w.Set(i, j, 1)
			}
		}
	}
	if err := check(); err == nil || !strings.Contains(err.Error(), "2.45e+03 synapses") {
		t.Fatalf("dense matrix: err = %v", err)
	}
}

// The machine's memory is read from meminfo and lowered to a cgroup's room.
func TestAvailableMemoryFiles(t *testing.T) {
	dir := t.TempDir()
	mi := filepath.Join(dir, "meminfo")
	if err := os.WriteFile(mi, []byte("MemTotal:       24000000 kB\nMemAvailable:   2000000 kB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := memAvailable(mi); got != 2000000<<10 {
		t.Errorf("memAvailable = %d", got)
	}
	for _, tc := range []struct {
		max, cur string
		want     uint64
	}{{"max\n", "100\n", 0}, {"1000\n", "400\n", 600}, {"1000\n", "1200\n", 1}} {
		cg := t.TempDir()
		_ = os.WriteFile(filepath.Join(cg, "memory.max"), []byte(tc.max), 0o600)
		_ = os.WriteFile(filepath.Join(cg, "memory.current"), []byte(tc.cur), 0o600)
		if got := cgroupRoom(cg); got != tc.want {
			t.Errorf("cgroupRoom(max %q, current %q) = %d, want %d", tc.max, tc.cur, got, tc.want)
		}
	}
	if got := cgroupRoom(filepath.Join(dir, "none")); got != 0 {
		t.Errorf("no cgroup: %d", got)
	}
}
