package snn

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// FuzzNewFromWeights: arbitrary matrices (including NaN, Inf and negative entries) and
// cluster bounds give either an error with the package prefix or a network that runs a few
// steps; never a panic.
func FuzzNewFromWeights(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(4), uint8(1), uint8(2))
	f.Add(make([]byte, 200), uint8(5), uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, size, ni, ncl uint8) {
		n := int(size%8) + 1
		nI := int(ni) % n
		w := mat.NewDense(n, n, nil)
		for k := 0; k < n*n && 8*(k+1) <= len(data); k++ {
			x := math.Float64frombits(binary.LittleEndian.Uint64(data[8*k:]))
			if k%3 == 0 && !math.IsNaN(x) {
				x = math.Mod(math.Abs(x), 50) // mostly plausible weights
			}
			w.Set(k/n, k%n, x)
		}
		cfg := DefaultConfig()
		cfg.NE, cfg.NI, cfg.Clusters, cfg.Threads = n-nI, nI, 1, 1+int(ncl%3)
		var cl Clusters
		if ncl%2 == 1 && cfg.NE > 0 {
			cl = Clusters{Bounds: []int{0, int(ncl) % (cfg.NE + 2)}}
		}
		net, err := NewFromWeights(cfg, w, cl)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "snn: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if err := net.Run(2); err != nil && !strings.HasPrefix(err.Error(), "snn: ") {
			t.Fatalf("run error without prefix: %v", err)
		}
	})
}
