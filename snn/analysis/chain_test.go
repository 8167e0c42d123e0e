package analysis

import (
	"testing"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// ChainBlockMeans classifies blocks along the given cyclic order.
func TestChainBlockMeans(t *testing.T) {
	const k, m = 4, 3
	cl := snn.UniformClusters(k, m)
	order := []int{0, 2, 1, 3}
	next := map[int]int{0: 2, 2: 1, 1: 3, 3: 0}
	w := mat.NewDense(k*m, k*m, nil)
	for i := 0; i < k*m; i++ {
		for j := 0; j < k*m; j++ {
			if i == j {
				continue
			}
			post, pre := i/m, j/m
			x := 1.0
			switch {
			case post == pre:
				x = 10
			case next[pre] == post:
				x = 5
			case next[post] == pre:
				x = 3
			}
			w.Set(i, j, x)
		}
	}
	got, err := ChainBlockMeans(w, cl, order)
	if err != nil {
		t.Fatal(err)
	}
	want := ChainMeans{Within: 10, Forward: 5, Backward: 3, Other: 1, FeedForwardIndex: 0.25}
	if got != want {
		t.Errorf("ChainBlockMeans = %+v, want %+v", got, want)
	}
	// In the natural order the same matrix has other forward links.
	nat, _ := ChainBlockMeans(w, cl, nil)
	if nat.Forward == 5 {
		t.Errorf("natural order should not see the permuted chain: %+v", nat)
	}
	for _, bad := range [][]int{{0, 0, 1}, {0, 7}} {
		if _, err := ChainBlockMeans(w, cl, bad); err == nil {
			t.Errorf("order %v accepted", bad)
		}
	}
}
