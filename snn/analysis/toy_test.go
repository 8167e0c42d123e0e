package analysis

import (
	"fmt"
	"math"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// TestThreeNodeToy: gosnn's reduced-spectrum code gives the closed form of docs/MODEL.md A16
// for the three-node toy model: a complex pair Re = (2δ − ε − 1)/2, Im = ±(√3/2)(ε − 1), and
// the uniform mode at −1 and −2 (ThreeNodeToy's I coupling); the pair leads when its real
// part is above −1.
func TestThreeNodeToy(t *testing.T) {
	for _, c := range []struct{ delta, eps float64 }{
		{1, 1.5}, {2, 3}, {0.5, 1.2}, {3, 2}, {1, 4}, {-1, 2.5}, {4, 1.01},
	} {
		t.Run(fmt.Sprintf("delta=%g,eps=%g", c.delta, c.eps), func(t *testing.T) {
			w := ThreeNodeToy(c.delta, c.eps)
			ev, err := ReducedSpectrum(w, snn.UniformClusters(3, 1), 3, 1)
			if err != nil {
				t.Fatal(err)
			}
			re, im := (2*c.delta-c.eps-1)/2, math.Sqrt(3)/2*(c.eps-1)
			var pair []complex128
			var realEv []float64
			for _, v := range ev {
				if math.Abs(imag(v)) > 1e-9 {
					pair = append(pair, v)
				} else {
					realEv = append(realEv, real(v))
				}
			}
			if len(pair) != 2 || len(realEv) != 2 {
				t.Fatalf("eigenvalues %v: want one complex pair and two real", ev)
			}
			for _, v := range pair {
				if math.Abs(real(v)-re) > 1e-9 || math.Abs(math.Abs(imag(v))-im) > 1e-9 {
					t.Errorf("pair member %v, want %.6f ± %.6fi", v, re, im)
				}
			}
			if imag(pair[0]) != -imag(pair[1]) {
				t.Errorf("pair %v not conjugate", pair)
			}
			for k, want := range []float64{-1, -2} {
				if math.Abs(realEv[k]-want) > 1e-9 {
					t.Errorf("uniform mode %v, want -1 and -2", realEv)
				}
			}
			if lead := ev[0]; (re > -1) != (math.Abs(imag(lead)) > 1e-9) {
				t.Errorf("leading eigenvalue %v with pair real part %v", lead, re)
			}
		})
	}
}

// The toy model of the paper's Fig 7 with δ = 2.5, ε = 3: the leading pair is
// (2δ − ε − 1)/2 ± (√3/2)(ε − 1)i = 0.5 ± 1.732i.
func ExampleThreeNodeToy() {
	ev, err := ReducedSpectrum(ThreeNodeToy(2.5, 3), snn.UniformClusters(3, 1), 3, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range ev {
		fmt.Printf("%.3f\n", v)
	}
	// Output:
	// (0.500+1.732i)
	// (0.500-1.732i)
	// (-1.000+0.000i)
	// (-2.000+0.000i)
}
