package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// TestReadoutMatchesReference checks the read-out layer against an independent
// re-simulation of the authors' MATLAB read-out ([M], docs/MODEL.md 3.3-3.5, 4.4, 5.4, 7.3):
// snn/testdata/mref/readout_ref.py re-runs the R, S and H neurons and the E→R plasticity on
// the E spikes and supervisor starts that a gosnn exp readout run recorded, with its own
// Poisson draws. For each threshold rule (section 9 item 8) the two must learn the same
// amount (total E→R weight within 25 %, every read-out within a factor 1.6), in the same
// place (weight matrices correlated ≥ 0.8), with the same training spike counts (within
// 15 %). Needs the authors' nc160 matrix and /usr/bin/python3 with numpy and scipy (with
// CI=true their absence fails the test). About 45 s.
func TestReadoutMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("12 s of simulated training twice, plus the Python reference; skipped with -short")
	}
	weights := authorsFile(t, "FF60b_2400_nc160.mat")
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import numpy, scipy.io").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("%s cannot import numpy and scipy (Debian: python3-numpy python3-scipy): %v\n%s", py, err, out)
		testskip.Need(t, testskip.NumPy, false, msg)
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "snn", "testdata", "mref", "readout_ref.py"))
	if err != nil {
		t.Fatal(err)
	}
	for i, thr := range []string{"set", "increment"} {
		t.Run(thr, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			seed := 11 + i
			var out, errb bytes.Buffer
			args := []string{"--weights", weights, "--seed", strconv.Itoa(seed), "--threads", "1", "--readout-threshold", thr,
				"--replay", "100ms", "--delete-at", "off", "--json", "--out", dir}
			if code := readoutCmd(args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var res readoutOutput
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if res.Threshold != thr {
				t.Errorf("report records threshold rule %q, ran %q", res.Threshold, thr)
			}
			g := res.Report.Groups[0]
			refOut, err := exec.Command(py, script, dir, "--seed", strconv.Itoa(seed+100), "--threshold", thr).Output()
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			var ref struct {
				Starts int `json:"starts"`
				Ref    struct {
					Mean    []float64 `json:"mean"`
					Max     []float64 `json:"max"`
					RSpikes []int     `json:"train_r_spikes"`
				} `json:"ref"`
				Corr float64 `json:"weight_correlation"`
			}
			if err := json.Unmarshal(refOut, &ref); err != nil {
				t.Fatalf("%v in %s", err, refOut)
			}
			t.Logf("gosnn: mean %.3f max %.2f spikes %v; reference: mean %.3f max %.2f spikes %v; correlation %.3f",
				g.MeanWeight, g.MaxWeight, g.RSpikes, ref.Ref.Mean, ref.Ref.Max, ref.Ref.RSpikes, ref.Corr)
			if ref.Starts != res.Report.TrainStarts {
				t.Errorf("reference replayed %d supervisor starts, gosnn had %d", ref.Starts, res.Report.TrainStarts)
			}
			if len(ref.Ref.Mean) != len(g.MeanWeight) {
				t.Fatalf("%d reference read-outs, %d in gosnn", len(ref.Ref.Mean), len(g.MeanWeight))
			}
			var goSum, refSum float64
			goSpk, refSpk := 0, 0
			for j := range g.MeanWeight {
				goSum += g.MeanWeight[j]
				refSum += ref.Ref.Mean[j]
				goSpk += g.RSpikes[j]
				refSpk += ref.Ref.RSpikes[j]
				if r := g.MeanWeight[j] / ref.Ref.Mean[j]; !(r > 1/1.6 && r < 1.6) {
					t.Errorf("read-out %s: mean weight %.3f, reference %.3f", g.Elements[j], g.MeanWeight[j], ref.Ref.Mean[j])
				}
			}
			if math.Abs(goSum-refSum) > 0.25*refSum {
				t.Errorf("total mean E→R weight %.3f, reference %.3f", goSum, refSum)
			}
			if math.Abs(float64(goSpk-refSpk)) > 0.15*float64(refSpk) {
				t.Errorf("training R spikes %d, reference %d", goSpk, refSpk)
			}
			if !(ref.Corr >= 0.8) {
				t.Errorf("weight matrices correlate %.3f, want >= 0.8", ref.Corr)
			}
		})
	}
}
