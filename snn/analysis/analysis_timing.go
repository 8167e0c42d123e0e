package analysis

// Timing variability of replay (docs/MODEL.md 7.5 item 4 and section 8 A10).

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// TimingFit describes how the across-trial spread of activation times grows with time.
type TimingFit struct {
	// MeanMs[k] and SDMs[k] are the mean and the standard deviation of cluster k's activation
	// time across the n = Trials[k] trials where it is present. The SD divides by n, as the
	// authors' plot_time_variability.m does (MATLAB's std(x, 1); docs/MODEL.md section 9 item
	// 21); multiply by sqrt(n/(n−1)) for the sample SD. Clusters present in fewer than 2 trials
	// have NaN and are not fitted.
	MeanMs, SDMs []float64 // per cluster, ms
	Trials       []int     // per cluster, trials with an activation
	// Points is the number of clusters used in the fits.
	Points int
	// SqrtK is the least-squares k of SD ≈ k·√mean (ms^½); SqrtRMSE its root-mean-square
	// error (ms).
	SqrtK, SqrtRMSE float64
	// LinSlope is the least-squares slope of the proportional fit SD ≈ LinSlope·mean, the
	// linear fit of docs/MODEL.md A10 (through the origin, like the √ fit); LinRMSE is its
	// root-mean-square error (ms).
	LinSlope, LinRMSE float64
	// AffineSlope and AffineIntercept are the ordinary least-squares line
	// SD ≈ AffineIntercept + AffineSlope·mean; AffineRMSE its root-mean-square error (ms).
	AffineSlope, AffineIntercept, AffineRMSE float64
	// VarIntercept (ms²) and VarSlope (ms²/ms) are the ordinary least-squares line through
	// the variances, SD² ≈ VarIntercept + VarSlope·mean: independent timing noise added at
	// every cluster-to-cluster step makes the variance grow linearly in time (SD ∝ √t, the
	// law of A10), and a jitter that does not grow (the detector's, the reference cluster's
	// own) adds a constant. VarRMSE is the root-mean-square error of the SD this predicts,
	// √max(VarIntercept + VarSlope·mean, 0), in ms. On the authors' timePoints.mat the
	// intercept is small (about 0.65 ms² against 0.044 ms²/ms); on gosnn's replays of the
	// 15 × 160 matrix, with the activation detector of section 8, it dominates over one cycle
	// (docs/MODEL.md 7.5 item 4).
	VarIntercept, VarSlope, VarRMSE float64
}

// TimingVariability fits the across-trial standard deviation of activation times against
// their mean by k·√t and by a line through the origin, as the authors did for timePoints.mat
// (docs/MODEL.md A10: the √t law fits better, RMSE 0.22 against 0.82 ms), and by a free line. times holds one trial per row and one cluster per column, in
// ms relative to the start of the trial (for example cluster 0's activation); NaN marks a
// missing activation. Negative times are allowed (they do not enter √t: only clusters with
// a non-negative mean are fitted). It is an error if fewer than 3 clusters can be fitted.
func TimingVariability(times mat.Matrix) (TimingFit, error) {
	if times == nil {
		return TimingFit{}, fmt.Errorf("analysis: nil times matrix")
	}
	trials, K := times.Dims()
	f := TimingFit{MeanMs: make([]float64, K), SDMs: make([]float64, K), Trials: make([]int, K)}
	var xs, ys []float64
	for k := 0; k < K; k++ {
		sum, n := 0.0, 0
		for r := 0; r < trials; r++ {
			v := times.At(r, k)
			if math.IsInf(v, 0) {
				return TimingFit{}, fmt.Errorf("analysis: infinite time at trial %d, cluster %d", r, k)
			}
			if !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		f.Trials[k] = n
		if n < 2 {
			f.MeanMs[k], f.SDMs[k] = math.NaN(), math.NaN()
			continue
		}
		mean := sum / float64(n)
		ss := 0.0
		for r := 0; r < trials; r++ {
			if v := times.At(r, k); !math.IsNaN(v) {
				ss += (v - mean) * (v - mean)
			}
		}
		f.MeanMs[k] = mean
		f.SDMs[k] = math.Sqrt(ss / float64(n)) // [M]: std(x, 1)
		if mean >= 0 {
			xs = append(xs, mean)
			ys = append(ys, f.SDMs[k])
		}
	}
	f.Points = len(xs)
	if f.Points < 3 {
		return f, fmt.Errorf("analysis: only %d clusters have a mean time >= 0 in at least 2 trials; need 3 to fit", f.Points)
	}
	// k·√t: minimise Σ (y − k√x)² → k = Σ y√x / Σ x; proportional line: b = Σ xy / Σ x².
	sxy, sx, sxxy, sxx := 0.0, 0.0, 0.0, 0.0
	for i, x := range xs {
		sxy += ys[i] * math.Sqrt(x)
		sx += x
		sxxy += x * ys[i]
		sxx += x * x
	}
	if sx > 0 {
		f.SqrtK = sxy / sx
		f.LinSlope = sxxy / sxx
	}
	// Ordinary least-squares line.
	n := float64(len(xs))
	mx, my := 0.0, 0.0
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	cxy, cxx := 0.0, 0.0
	for i := range xs {
		cxy += (xs[i] - mx) * (ys[i] - my)
		cxx += (xs[i] - mx) * (xs[i] - mx)
	}
	if cxx > 0 {
		f.AffineSlope = cxy / cxx
	}
	f.AffineIntercept = my - f.AffineSlope*mx
	se, le, ae := 0.0, 0.0, 0.0
	for i, x := range xs {
		d := ys[i] - f.SqrtK*math.Sqrt(x)
		se += d * d
		d = ys[i] - f.LinSlope*x
		le += d * d
		d = ys[i] - (f.AffineIntercept + f.AffineSlope*x)
		ae += d * d
	}
	// Variance line: the same least squares on y².
	mv := 0.0
	for _, y := range ys {
		mv += y * y
	}
	mv /= n
	cxv := 0.0
	for i := range xs {
		cxv += (xs[i] - mx) * (ys[i]*ys[i] - mv)
	}
	if cxx > 0 {
		f.VarSlope = cxv / cxx
	}
	f.VarIntercept = mv - f.VarSlope*mx
	ve := 0.0
	for i, x := range xs {
		d := ys[i] - math.Sqrt(math.Max(f.VarIntercept+f.VarSlope*x, 0))
		ve += d * d
	}
	f.VarRMSE = math.Sqrt(ve / n)
	f.SqrtRMSE = math.Sqrt(se / n)
	f.LinRMSE = math.Sqrt(le / n)
	f.AffineRMSE = math.Sqrt(ae / n)
	return f, nil
}

// CycleTimes arranges activations into a trials × clusters table for TimingVariability:
// every activation of cluster start begins a trial, and element (r, k) is the time of the
// first activation of cluster k after the start of trial r and before the next trial starts,
// relative to the start of trial r (so column start is 0). Missing activations are NaN.
// acts must be sorted by time and have clusters 0…K−1. Trials cut short by the end of
// the record keep NaN for the clusters they miss.
func CycleTimes(acts []Activation, K, start int) (*mat.Dense, error) {
	if K < 1 || start < 0 || start >= K {
		return nil, fmt.Errorf("analysis: start cluster %d of %d clusters", start, K)
	}
	var starts []int
	for i, a := range acts {
		if a.Cluster < 0 || a.Cluster >= K {
			return nil, fmt.Errorf("analysis: activation %d has cluster %d, want 0…%d", i, a.Cluster, K-1)
		}
		if i > 0 && a.TimeMs < acts[i-1].TimeMs {
			return nil, fmt.Errorf("analysis: activations not sorted by time at %d", i)
		}
		if a.Cluster == start {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return nil, fmt.Errorf("analysis: cluster %d never activates", start)
	}
	out := mat.NewDense(len(starts), K, nil)
	for r, s := range starts {
		end := len(acts)
		if r+1 < len(starts) {
			end = starts[r+1]
		}
		for k := 0; k < K; k++ {
			out.Set(r, k, math.NaN())
		}
		t0 := acts[s].TimeMs
		out.Set(r, start, 0)
		for i := s + 1; i < end; i++ {
			a := acts[i]
			if math.IsNaN(out.At(r, a.Cluster)) {
				out.Set(r, a.Cluster, a.TimeMs-t0)
			}
		}
	}
	return out, nil
}
