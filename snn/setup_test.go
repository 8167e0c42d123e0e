package snn

import (
	"math"
	"testing"
)

// TestClusterSizeSetup: the network ClusterSizeSetup builds has the authors' cluster-size
// settings (docs/MODEL.md 4.2, section 9 item 24): N_E 2400 in 2400/size clusters, density
// 16/size on all four pathways, E→E weight 2.83·sqrt(0.2/p), E→I, I→E and I→I weights not
// rescaled, I→E bounds [40, 200], the paper's E→E rules.
func TestClusterSizeSetup(t *testing.T) {
	sizes := []int{160, 80, 120, 200}
	if testing.Short() {
		sizes = sizes[:1]
	}
	paper := PaperSetup()
	for _, size := range sizes {
		s := ClusterSizeSetup(size)
		n, err := s.Build()
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if n.Size(PopE) != 2400 || n.Size(PopI) != 600 || n.Clusters().Count() != 2400/size {
			t.Errorf("size %d: %d E, %d I, %d clusters", size, n.Size(PopE), n.Size(PopI), n.Clusters().Count())
		}
		p := 16 / float64(size)
		W := n.WeightMatrix()
		for _, b := range []struct {
			name           string
			r0, c0, nr, nc int
			w              float64
		}{
			{"E→E", 0, 0, 2400, 2400, 2.83 * math.Sqrt(0.2/p)},
			{"E→I", 2400, 0, 600, 2400, 1.96},
			{"I→E", 0, 2400, 2400, 600, 62.87},
			{"I→I", 2400, 2400, 600, 600, 20.91},
		} {
			cnt := 0
			for i := 0; i < b.nr; i++ {
				for j := 0; j < b.nc; j++ {
					if x := W.At(b.r0+i, b.c0+j); x != 0 {
						cnt++
						if math.Abs(x-b.w) > 1e-12 {
							t.Fatalf("size %d %s: weight %v, want %v", size, b.name, x, b.w)
						}
					}
				}
			}
			pairs := b.nr * b.nc
			if b.r0 == b.c0 {
				pairs -= b.nr // no autapses
			}
			if d := float64(cnt) / float64(pairs); math.Abs(d-p) > 0.005 {
				t.Errorf("size %d %s: density %.4f, want %.4f", size, b.name, d, p)
			}
		}
		if len(n.irules) != 1 || n.irules[0].r.WMin != 40 || n.irules[0].r.WMax != 200 || n.irules[0].r.Eta != paper.IE.Eta || n.irules[0].r.R0 != paper.IE.R0 {
			t.Errorf("size %d: I→E rules %d, first %+v, want bounds [40, 200] and the paper's rate", size, len(n.irules), n.irules[0].r)
		}
		if len(n.vrules) != 1 || n.vrules[0].r != paper.EE {
			t.Errorf("size %d: E→E vSTDP %+v, want the paper's %+v", size, n.vrules[0].r, paper.EE)
		}
		if s.Norm != paper.Norm {
			t.Errorf("size %d: normalisation %+v, want the paper's %+v", size, s.Norm, paper.Norm)
		}
	}
	if _, err := ClusterSizeSetup(7).Build(); err == nil {
		t.Error("cluster size 7 does not divide 2400 but built")
	}
}
