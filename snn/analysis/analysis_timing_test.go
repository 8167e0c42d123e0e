package analysis

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// tTimes builds a 2-trial table whose column k has mean means[k] and SD sds[k] (dividing by
// the number of trials, as the authors do).
func tTimes(means, sds []float64) *mat.Dense {
	m := mat.NewDense(2, len(means), nil)
	for k := range means {
		h := sds[k] // {m − h, m + h} has SD h (and sample SD h·√2)
		m.Set(0, k, means[k]-h)
		m.Set(1, k, means[k]+h)
	}
	return m
}

// TestTimingVariabilitySDDividesByN: the across-trial SD is MATLAB's std(x, 1), dividing by
// the number of trials present (docs/MODEL.md section 9 item 21), not the sample SD.
func TestTimingVariabilitySDDividesByN(t *testing.T) {
	nan := math.NaN()
	times := mat.NewDense(4, 3, []float64{
		0, 10, 20,
		0, 12, 20,
		0, 14, nan,
		0, 16, 26,
	})
	f, err := TimingVariability(times)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		k      int
		sd     float64
		trials int
	}{
		{0, 0, 4},
		{1, math.Sqrt((9 + 1 + 1 + 9) / 4.0), 4}, // mean 13; the sample SD would be √(20/3)
		{2, math.Sqrt((4 + 4 + 16) / 3.0), 3},    // mean 22 over the 3 trials present
	} {
		if math.Abs(f.SDMs[c.k]-c.sd) > 1e-12 || f.Trials[c.k] != c.trials {
			t.Errorf("cluster %d: SD %v over %d trials, want %v over %d", c.k, f.SDMs[c.k], f.Trials[c.k], c.sd, c.trials)
		}
	}
}

func TestTimingVariabilitySynthetic(t *testing.T) {
	means := []float64{0, 25, 100, 225, 400, 625}
	t.Run("sqrt law", func(t *testing.T) {
		sds := make([]float64, len(means))
		for k, x := range means {
			sds[k] = 0.2 * math.Sqrt(x)
		}
		f, err := TimingVariability(tTimes(means, sds))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.SqrtK-0.2) > 1e-12 || f.SqrtRMSE > 1e-12 || !(f.LinRMSE > 0.1) || !(f.AffineRMSE > 0.01) {
			t.Errorf("fit %+v: want k = 0.2 exactly and worse lines", f)
		}
		for k := range means {
			if math.Abs(f.MeanMs[k]-means[k]) > 1e-9 || math.Abs(f.SDMs[k]-sds[k]) > 1e-9 || f.Trials[k] != 2 {
				t.Errorf("cluster %d: mean %v SD %v (%d trials), want %v %v", k, f.MeanMs[k], f.SDMs[k], f.Trials[k], means[k], sds[k])
			}
		}
	})
	t.Run("linear law", func(t *testing.T) {
		sds := make([]float64, len(means))
		for k, x := range means {
			sds[k] = 1 + 0.01*x
		}
		f, err := TimingVariability(tTimes(means, sds))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.AffineSlope-0.01) > 1e-12 || math.Abs(f.AffineIntercept-1) > 1e-12 || f.AffineRMSE > 1e-12 || !(f.SqrtRMSE > 0.01) {
			t.Errorf("fit %+v: want the affine fit exact", f)
		}
	})
	t.Run("missing and negative", func(t *testing.T) {
		m := tTimes([]float64{-5, 10, 40, 90}, []float64{1, 1, 2, 3})
		m.Set(0, 0, math.NaN()) // cluster 0 has one trial only: not fitted
		f, err := TimingVariability(m)
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(f.SDMs[0]) || f.Trials[0] != 1 || f.Points != 3 {
			t.Errorf("fit %+v", f)
		}
	})
}

func TestTimingVariabilityErrors(t *testing.T) {
	if _, err := TimingVariability(mat.NewDense(1, 5, nil)); err == nil || !strings.Contains(err.Error(), "need 3") {
		t.Errorf("one trial: err = %v", err)
	}
	m := tTimes([]float64{0, 1, 2}, []float64{1, 1, 1})
	m.Set(0, 1, math.Inf(1))
	if _, err := TimingVariability(m); err == nil || !strings.Contains(err.Error(), "infinite time at trial 0, cluster 1") {
		t.Errorf("Inf: err = %v", err)
	}
	if _, err := TimingVariability(nil); err == nil {
		t.Error("nil matrix accepted")
	}
}

func TestCycleTimes(t *testing.T) {
	cl := snn.UniformClusters(4, 10)
	sp := tReplay(cl, 3, 20, 50.5, nil)
	acts, err := DetectActivations(sp, cl, 0, 50.5+12*20+50, DefaultActivationOptions())
	if err != nil {
		t.Fatal(err)
	}
	ct, err := CycleTimes(acts, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := mat.NewDense(3, 4, []float64{0, 20, 40, 60, 0, 20, 40, 60, 0, 20, 40, 60})
	if !mat.Equal(ct, want) {
		t.Errorf("cycle times\n%v\nwant\n%v", mat.Formatted(ct), mat.Formatted(want))
	}
	// Starting at cluster 2: the last trial misses clusters 0 and 1.
	ct, err = CycleTimes(acts, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := ct.Dims(); r != 3 || ct.At(0, 0) != 40 || ct.At(0, 3) != 20 || !math.IsNaN(ct.At(2, 0)) {
		t.Errorf("from cluster 2:\n%v", mat.Formatted(ct))
	}
	if _, err := CycleTimes(acts, 4, 4); err == nil {
		t.Error("start cluster out of range accepted")
	}
	if _, err := CycleTimes(nil, 4, 0); err == nil || !strings.Contains(err.Error(), "never activates") {
		t.Errorf("no activations: err = %v", err)
	}
}

func ExampleTimingVariability() {
	// Activation times (ms) of 4 clusters in 3 trials; the spread grows along the sequence.
	times := mat.NewDense(3, 4, []float64{
		0, 24, 48, 73,
		0, 25, 50, 75,
		0, 26, 52, 77,
	})
	f, err := TimingVariability(times)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("SD %.1f ms at mean %.0f ms\n", f.SDMs[3], f.MeanMs[3])
	fmt.Printf("sqrt fit: k = %.3f, RMSE %.3f ms; linear: %.4f per ms, RMSE %.3f ms\n", f.SqrtK, f.SqrtRMSE, f.LinSlope, f.LinRMSE)
	// Output:
	// SD 1.6 ms at mean 75 ms
	// sqrt fit: k = 0.198, RMSE 0.151 ms; linear: 0.0257 per ms, RMSE 0.244 ms
}

// TestTimingVariabilityVarianceLine: with a fixed jitter j² added to a diffusion D·t, the
// variance line recovers both exactly, and the pure √t law (j = 0) has a zero intercept.
func TestTimingVariabilityVarianceLine(t *testing.T) {
	means := []float64{0, 25, 100, 225, 400, 625}
	for _, c := range []struct{ jitter2, d float64 }{{0, 0.04}, {50, 0.3}, {9, 0.0}} {
		sds := make([]float64, len(means))
		for k, x := range means {
			sds[k] = math.Sqrt(c.jitter2 + c.d*x)
		}
		f, err := TimingVariability(tTimes(means, sds))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.VarIntercept-c.jitter2) > 1e-9 || math.Abs(f.VarSlope-c.d) > 1e-12 || f.VarRMSE > 1e-6 {
			t.Errorf("SD² = %v + %v·t: fitted %v + %v·t (RMSE %v)", c.jitter2, c.d, f.VarIntercept, f.VarSlope, f.VarRMSE)
		}
	}
}
