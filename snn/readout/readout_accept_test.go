package readout

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// TestReadoutABCBAAcceptance runs the ABCBA protocol of docs/MODEL.md 7.3/7.4 on the authors'
// trained nc160 matrix (frozen): training, then 2 s of replay with one third of the E→R
// weights deleted at 1 s. The run is deterministic for a seed (any thread count).
//
// With the paper's 12 s it checks that the replay before the deletion has every read-out in the
// cyclic order A B C B in every clock cycle and no wrong transition, that the error measure is
// below 0.3 (A15), and A14: at least 80 % of each R's weight mass from clusters active in its
// element's windows, each delayed by the R's response latency (the supervisor makes R fire
// about 21-24 ms after an element's onset, so on this clock, whose clusters last about 23 ms,
// R learns from the cluster that straddles its window's end; with the supervisor's own windows
// C's mass varies with the seed around 0.8: seeds 1-3 give 0.70, 0.71, 0.92, and 0.96-0.98
// delayed). The activity after the deletion is logged, not asserted, at 12 s: this clock's
// period (≈ 345 ms) is shorter than the 400-ms pattern, so the supervisor can start only every
// other cycle (≈ 17 presentations in 12 s), and with the weights that gives, a weak read-out (B or
// C, depending on which weights the deletion draws) misses cycles after the deletion or falls
// silent. The authors' read-out code trains ABCBA on their 30 × 80 network
// (FF60b_2400_nc80.mat, not published); a 30 × 80 network trained with protocol.Paper has a ≈
// 450-ms clock, which takes one presentation per cycle (≈ 26 in 12 s).
//
// With 20 s of training (≈ 29 presentations, what 12 s give on that clock) it asserts
// the robustness of docs/MODEL.md 7.4 as well: after the deletion every read-out fires and
// every clock cycle still has every read-out in order. About 30-60 s in all; skipped with -short.
func TestReadoutABCBAAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("32 s of simulated training; skipped with -short")
	}
	w, err := snnio.LoadWeights(testskip.AuthorsFile(t, "FF60b_2400_nc160.mat"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		trainMs     float64
		assertAfter bool
	}{{12000, false}, {20000, true}} {
		t.Run(fmt.Sprintf("train%.0fs", tc.trainMs/1000), func(t *testing.T) {
			prot := DefaultProtocol()
			prot.TrainMs = tc.trainMs
			rep, _, _, err := RunExperiment(context.Background(), nc160Network(t, w), DefaultConfig(), prot, ABCBA())
			if err != nil {
				t.Fatal(err)
			}
			g := rep.Groups[0]
			st := rep.Replays[0].Groups[0]
			t.Logf("period %.0f ms, %d training starts, weight mass %v (nominal windows %v, latency %v ms), max weight %.2f, error %.3f, order before %v (%d/%d wrong, %d/%d cycles in order), after %v (%d/%d wrong, %d/%d cycles), replay spikes %v",
				float64(rep.ClockPeriod), g.Starts, g.WeightMass, g.WeightMassNominal, g.ResponseLatency, g.MaxWeight, float64(st.Error), st.Order, st.OrderErrors, st.Transitions, st.CyclesInOrder, st.Cycles,
				st.OrderAfter, st.OrderErrorsAfter, st.TransitionsAfter, st.CyclesInOrderAft, st.CyclesAfter, st.RSpikes)
			for e, m := range g.WeightMass {
				if !(float64(m) >= 0.8) {
					t.Errorf("A14: R %s has %.2f of its weight mass in its windows, want >= 0.8", g.Elements[e], float64(m))
				}
			}
			if st.Cycles < 2 || st.CyclesInOrder != st.Cycles {
				t.Errorf("replay before deletion: %d of %d clock cycles with every read-out in order", st.CyclesInOrder, st.Cycles)
			}
			if st.Transitions < 6 || st.OrderErrors != 0 {
				t.Errorf("replay before deletion: %d of %d transitions out of order (%v)", st.OrderErrors, st.Transitions, st.Order)
			}
			if e := float64(st.Error); math.IsNaN(e) || e >= 0.3 {
				t.Errorf("error measure %v, want < 0.3", e)
			}
			after := map[string]bool{}
			for _, n := range st.OrderAfter {
				after[n] = true
			}
			for _, n := range g.Elements {
				if tc.assertAfter && !after[n] {
					t.Errorf("read-out %s silent after the deletion", n)
				}
			}
			if tc.assertAfter && (st.CyclesAfter < 2 || st.CyclesInOrderAft != st.CyclesAfter || st.OrderErrorsAfter != 0) {
				t.Errorf("replay after deletion: %d of %d clock cycles in order, %d of %d transitions wrong (%v)",
					st.CyclesInOrderAft, st.CyclesAfter, st.OrderErrorsAfter, st.TransitionsAfter, st.OrderAfter)
			}
		})
	}
}

// nc160Network builds the frozen clock of the authors' nc160 matrix w (2400 E in 15 clusters,
// 600 I) with the default configuration.
func nc160Network(t *testing.T, w *mat.Dense) *snn.Network {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 2400, 600, 15
	net, err := snn.NewFromWeights(cfg, w, snn.Clusters{})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestLoadPattern(t *testing.T) {
	dir := t.TempDir()
	// Interval list.
	txt := filepath.Join(dir, "abcba.txt")
	if err := os.WriteFile(txt, []byte("A 25 100\nB 100 175\nC 175 250\nB 250 325\nA 325 400\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := LoadPattern(txt, 0.1, 0)
	if err != nil {
		t.Fatal(err)
	}
	ref := ABCBA()
	for e := range ref.Rates {
		for k := range ref.Rates[e] {
			if p.Rates[e][k] != ref.Rates[e][k] {
				t.Fatalf("interval file: rate[%d][%d] = %v, want %v", e, k, p.Rates[e][k], ref.Rates[e][k])
			}
		}
	}
	// MAT matrices: in kHz (max > 1, scale 1) and normalised (scale 10).
	for _, tc := range []struct {
		vals  []float64
		scale float64
	}{{[]float64{1, 10, 10, 1}, 1}, {[]float64{0, 0.5, 1, 0.25}, 10}} {
		mp := filepath.Join(dir, "p.mat")
		if err := snnio.WriteMatFile(mp, snnio.MatVar{Name: "supervisor", Class: "double", Rows: 2, Cols: 2, Data: tc.vals}); err != nil {
			t.Fatal(err)
		}
		p, err := LoadPattern(mp, 0.1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Elements() != 2 || p.Steps() != 2 || p.Rates[1][1] != tc.scale*tc.vals[3] {
			t.Errorf("mat %v: rates %v", tc.vals, p.Rates)
		}
	}
	// A WAV file: 45 bands × 6001 columns from the first 600 ms.
	x := make([]float64, 30000)
	for n := range x {
		x[n] = math.Sin(2 * math.Pi * 2000 * float64(n) / 44100)
	}
	wp := filepath.Join(dir, "tone.wav")
	if err := audio.WriteWAVFile(wp, &audio.Audio{SampleRate: 44100, Channels: [][]float64{x}}); err != nil {
		t.Fatal(err)
	}
	p, err = LoadPattern(wp, 0.1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Elements() != 45 || p.Steps() != 6001 {
		t.Fatalf("wav: %d × %d", p.Elements(), p.Steps())
	}
	// The 2 kHz tone lies in bin 12 (2067 Hz), row 49 − 12 = 37: the loudest row.
	best := 0
	for e := range p.Rates {
		if p.Rates[e][3000] > p.Rates[best][3000] {
			best = e
		}
	}
	if best != 37 {
		t.Errorf("wav: loudest row %d (%s), want 37", best, p.Name(best))
	}
	if _, err := LoadPattern(filepath.Join(dir, "nope.txt"), 0.1, 0); err == nil {
		t.Error("missing file accepted")
	}
	short := filepath.Join(dir, "short.wav")
	if err := audio.WriteWAVFile(short, &audio.Audio{SampleRate: 44100, Channels: [][]float64{x[:1000]}}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPattern(short, 0.1, 0); err == nil {
		t.Error("23-ms recording accepted for a 600-ms excerpt")
	}
}

// TestReadoutTwoSequencesAcceptance trains ABCBA and DEDED alternately (2-s blocks, 24 s) on
// the authors' nc160 matrix and replays each with the other inhibited (docs/MODEL.md 7.5 item 1): the
// selected sequence fires in its order in every clock cycle and the inhibited one stays all
// but silent: at most 1 spike for every 20 of the selected sequence (its inhibitory Poisson
// input, 1 kHz × 200 pF, can miss a strong E drive: one spike in 2 s was seen, beside 69 of the
// selected group). About 30-50 s; skipped with -short.
func TestReadoutTwoSequencesAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("24 s of simulated training; skipped with -short")
	}
	w, err := snnio.LoadWeights(testskip.AuthorsFile(t, "FF60b_2400_nc160.mat"))
	if err != nil {
		t.Fatal(err)
	}
	prot := DefaultProtocol()
	prot.TrainMs, prot.DeleteAt = 24000, -1
	rep, _, _, err := RunExperiment(context.Background(), nc160Network(t, w), DefaultConfig(), prot, ABCBA(), DEDED())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Replays) != 2 {
		t.Fatalf("%d replays, want 2 (one per selection)", len(rep.Replays))
	}
	count := func(st GroupReplayStats) int {
		n := 0
		for _, c := range st.RSpikes {
			n += c
		}
		return n
	}
	for sel, rr := range rep.Replays {
		selected := count(rr.Groups[sel])
		for g, st := range rr.Groups {
			spikes := count(st)
			t.Logf("select %d, pattern %d: %d spikes, order %v, %d/%d wrong, %d/%d cycles in order, error %.3f",
				sel, g, spikes, st.Order, st.OrderErrors, st.Transitions, st.CyclesInOrder, st.Cycles, float64(st.Error))
			if g != sel {
				if 20*spikes > selected {
					t.Errorf("select %d: inhibited pattern %d fired %d spikes, the selected one %d", sel, g, spikes, selected)
				}
				continue
			}
			if st.Cycles < 3 || st.CyclesInOrder != st.Cycles || st.OrderErrors != 0 {
				t.Errorf("select %d: %d/%d cycles in order, %d wrong transitions", sel, st.CyclesInOrder, st.Cycles, st.OrderErrors)
			}
		}
	}
}
