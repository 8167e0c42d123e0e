package paper

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/maesdata"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/experiment"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// TestControlsQuick makes the quick runs of the hand-made controls (C1, C2) and of the
// open-loop degradation test (C3, on the authors' matrix: skipped without it) and reports
// them: the clustered matrix replays in decreasing order, the synfire ring in increasing
// order, and C3 gives the block means of every chunk with no reference to compare.
func TestControlsQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("2-s replays of the controls and 9 s of plastic activity on the authors' matrix (about 15 s)")
	}
	ids := []string{"C1", "C2"}
	if _, err := maesdata.Find(maesdata.Weights); err == nil {
		ids = append(ids, "C3")
	} else {
		t.Logf("C3 not run: %v", err)
	}
	out := t.TempDir()
	var log bytes.Buffer
	if _, err := Run(context.Background(), RunConfig{Out: out, Scale: Quick, IDs: ids, Log: &log, Threads: 1}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	rep, err := Write(out, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Verdict{"C1": Agrees, "C2": Agrees, "C3": NoReference}
	for _, e := range rep.Entries {
		t.Logf("%s: %s\n  %s", e.ID, e.Verdict, strings.Join(e.Measured, "\n  "))
		if e.Verdict != want[e.ID] {
			t.Errorf("%s: verdict %q, want %q (measured %v, note %q)", e.ID, e.Verdict, want[e.ID], e.Measured, e.Note)
		}
		if fi, err := os.Stat(filepath.Join(out, "figures", e.ID+".png")); e.ID == "C3" && (err != nil || fi.Size() < 1000) {
			t.Errorf("figures/C3.png missing or tiny (%v)", err)
		}
		if e.ID == "C3" {
			m := strings.Join(e.Measured, "\n")
			if !strings.Contains(m, "3 chunks of 3 s") || strings.Count(strings.SplitN(strings.SplitAfter(m, "forward at the start and after each chunk (pF): ")[1], "\n", 2)[0], ",") != 3 {
				t.Errorf("C3 measured %v: want 3 chunks and 4 forward means", e.Measured)
			}
		}
	}
}

// TestControlVerdicts checks C1's and C2's verdicts on fabricated replays.
func TestControlVerdicts(t *testing.T) {
	tests := []struct {
		name, id, run, order string
		transitions          int
		in, opp              float64
		want                 Verdict
	}{
		{"clustered, decreasing", "C1", "control-clustered", "down", 150, 0.99, 0.005, Agrees},
		{"clustered, measured increasing", "C1", "control-clustered", "up", 150, 0.99, 0.005, Disagrees},
		{"clustered, both ways", "C1", "control-clustered", "down", 150, 0.8, 0.3, Disagrees},
		{"clustered, too few transitions", "C1", "control-clustered", "down", 10, 1, 0, Disagrees},
		{"synfire, increasing", "C2", "control-synfire", "up", 80, 0.95, 0.01, Agrees},
		{"synfire, mostly out of order", "C2", "control-synfire", "up", 80, 0.5, 0.1, Disagrees},
	}
	for _, tt := range tests {
		out := t.TempDir()
		fabricate(t, out, tt.run, Full, &experiment.ReplayResult{Control: "x", Clusters: 30, ClusterSize: 80, Order: tt.order,
			Transitions: tt.transitions, InOrderFraction: analysis.OptFloat(tt.in), OppositeFraction: analysis.OptFloat(tt.opp), PeriodMs: 380})
		checkVerdict(t, out, tt.id, tt.name, tt.want)
	}
}

// TestChainTrend: what the open-loop plasticity did to the chain, from the first and last
// block means.
func TestChainTrend(t *testing.T) {
	for _, tt := range []struct {
		f0, b0, f1, b1 float64
		want           string
	}{
		{1, 0.35, 1.2, 0.3, "reinforced"},
		{1, 0.35, 0.9, 0.4, "eroded"},
		{1, 0.35, 1.1, 0.4, "mixed (forward grows, backward grows)"},
		{1, 0.35, 0.9, 0.3, "mixed (forward shrinks, backward shrinks)"},
		{1, 0.35, 1, 0.35, "mixed (forward stays, backward stays)"},
	} {
		got := chainTrend(experiment.DegradationChunk{Forward: tt.f0, Backward: tt.b0}, experiment.DegradationChunk{Forward: tt.f1, Backward: tt.b1})
		if got != tt.want {
			t.Errorf("%v → %v: %q, want %q", tt, tt.f1, got, tt.want)
		}
	}
}

// ringBlocks returns a K × K block matrix: within on the diagonal, fwd at (j+shift, j), bwd
// at (j, j+1), other elsewhere, each entry changed by up to ±noise (a fixed pattern).
func ringBlocks(k, shift int, within, fwd, bwd, other, noise float64) *mat.Dense {
	b := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			v := other
			switch {
			case i == j:
				v = within
			case i == (j+shift)%k:
				v = fwd
			case j == (i+1)%k:
				v = bwd
			}
			b.Set(i, j, v+noise*math.Sin(float64(7*i+13*j)))
		}
	}
	return b
}

// TestC4 checks C4's verdict on fabricated recordings of a training: a chain that grows along
// the ring agrees with the toy's ring (the early recordings, where forward ≈ backward, are
// too close to symmetric for the ring to set the leading pair); one whose forward blocks skip
// a cluster (j → j+2), so that the ring built from the means (j → j+1) predicts no rotation,
// does not, nor do blocks whose departure from the ring exceeds its rotation.
func TestC4(t *testing.T) {
	tests := []struct {
		name  string
		shift int
		noise float64
		want  Verdict
	}{
		{"a chain along the ring", 1, 0.05, Agrees},
		{"a chain along the ring, noisier blocks", 1, 0.3, Agrees},
		{"forward blocks skip a cluster", 2, 0.05, Disagrees},
		{"blocks too far from a ring to resolve its rotation", 1, 12, Disagrees},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			fabricate(t, out, "train-main", Full, &experiment.TrainResult{Protocol: "paper", Preset: "paper", Weights: "absent.npy", Clusters: 30, ClusterSize: 80})
			for i, fwd := range []float64{2, 4, 6, 8, 10, 12} {
				name := filepath.Join(runDir(out, "train-main"), fmt.Sprintf("blocks-%04d.npy", 3+6*i))
				if err := snnio.WriteNpyFile(name, ringBlocks(30, tt.shift, 5+5*float64(i), fwd, 2, 1.5, tt.noise)); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := Build(out, []string{"C4"})
			if err != nil {
				t.Fatal(err)
			}
			e := rep.Entries[0]
			t.Logf("%s: %s", e.Verdict, strings.Join(e.Measured, "\n  "))
			if e.Verdict != tt.want {
				t.Errorf("verdict %q, want %q (measured %v)", e.Verdict, tt.want, e.Measured)
			}
			if !strings.Contains(e.Measured[0], "6 recordings (phases 3 … 33)") {
				t.Errorf("measured %q: want the 6 recordings", e.Measured[0])
			}
		})
	}
}

// TestRingPoint: on an exact ring (a circulant block matrix) the matrix's spectrum is the
// ring's, and for three clusters the leading pair is the toy's closed form
// (2δ − ε − 1)/2 ± (√3/2)(ε − 1)i in units of the backward weight above the others.
func TestRingPoint(t *testing.T) {
	for _, tt := range []struct {
		k                       int
		within, fwd, bwd, other float64
	}{
		{3, 5, 4, 2, 1}, {3, 2, 6, 1.5, 0.5}, {15, 29.2, 10.1, 3.5, 1.45}, {30, 30, 12, 4, 1.45},
	} {
		p, err := ringPointOf(ringBlocks(tt.k, 1, tt.within, tt.fwd, tt.bwd, tt.other, 0))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.measIm-p.predIm) > 1e-9*p.predIm || math.Abs(p.measRe-p.predRe) > 1e-9*math.Abs(p.predRe) {
			t.Errorf("%+v: matrix max |Im| %v, leading Re %v; ring %v, %v", tt, p.measIm, p.measRe, p.predIm, p.predRe)
		}
		if tt.k == 3 {
			unit := tt.bwd - tt.other
			delta, eps := (tt.within-tt.other)/unit, (tt.fwd-tt.other)/unit
			re, im := unit*(2*delta-eps-1)/2, unit*math.Sqrt(3)/2*(eps-1)
			if math.Abs(p.predRe-re) > 1e-9 || math.Abs(p.predIm-im) > 1e-9 {
				t.Errorf("%+v: ring pair %v ± %vi, toy %v ± %vi", tt, p.predRe, p.predIm, re, im)
			}
		}
	}
	if _, err := ringPointOf(mat.NewDense(2, 2, nil)); err == nil {
		t.Error("a 2 × 2 block matrix accepted")
	}
}
