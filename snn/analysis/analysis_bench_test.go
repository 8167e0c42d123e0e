package analysis_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/snnio"
	"gonum.org/v1/gonum/mat"
)

// benchSpikes returns durMs of activity shaped like the nc160 replay (docs/MODEL.md A7): 15
// clusters of 160 E neurons replaying in order every 23 ms, plus Poisson background spikes of
// all 2400 E neurons at 2.7 Hz and 600 I neurons at 6.4 Hz.
func benchSpikes(durMs float64) (*snn.Spikes, snn.Clusters) {
	cl := snn.UniformClusters(15, 160)
	rng := rand.New(rand.NewPCG(7, 8))
	sp := &snn.Spikes{}
	for t, i := 10.5, 0; t < durMs-10; t, i = t+23, i+1 {
		analysis.TBurst(sp, cl, i%15, t)
	}
	for n := 0; n < 3000; n++ {
		rate := 2.7e-3 // per ms
		if n >= 2400 {
			rate = 6.4e-3
		}
		for t := rng.ExpFloat64() / rate; t < durMs; t += rng.ExpFloat64() / rate {
			sp.Time = append(sp.Time, t)
			sp.Neuron = append(sp.Neuron, int32(n))
		}
	}
	analysis.TSortSpikes(sp)
	return sp, cl
}

// BenchmarkAnalyzeReplay10s runs the A7 detector and replay statistics on 10 s of spikes
// (about 170 000 spikes).
func BenchmarkAnalyzeReplay10s(b *testing.B) {
	sp, cl := benchSpikes(10000)
	b.ResetTimer()
	for b.Loop() {
		st, err := analysis.AnalyzeReplay(sp, cl, 0, 10000, analysis.DefaultReplayOptions())
		if err != nil || st.InOrderFraction < 0.9 {
			b.Fatal(err, st.InOrderFraction)
		}
	}
	b.ReportMetric(float64(sp.Len()), "spikes")
}

// BenchmarkEEBlockMeans3000 computes the block means of a dense 3000×3000 matrix with 15
// clusters of 160 (the size of the authors' nc160 network).
func BenchmarkEEBlockMeans3000(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	w := mat.NewDense(3000, 3000, nil)
	raw := w.RawMatrix().Data
	for i := range raw {
		if rng.Float64() < 0.1 {
			raw[i] = 1 + rng.Float64()
		}
	}
	cl := snn.UniformClusters(15, 160)
	b.ResetTimer()
	for b.Loop() {
		if _, err := analysis.EEBlockMeans(w, cl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedSpectrumFF60b computes all 3000 eigenvalues of the authors' trained matrix
// with inhibitory columns negated (docs/MODEL.md 7.5 item 5). It is slow: run with -benchtime 1x.
func BenchmarkSignedSpectrumFF60b(b *testing.B) {
	w, err := snnio.LoadWeights(testskip.AuthorsFile(b, "FF60b_2400_nc160.mat"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		ev, err := analysis.SignedSpectrum(w, 2400)
		if err != nil || len(ev) != 3000 {
			b.Fatal(err)
		}
	}
}
