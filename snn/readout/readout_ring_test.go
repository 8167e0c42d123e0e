package readout

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestExtendRing(t *testing.T) {
	const k, m, ni, K = 5, 40, 10, 9
	ne := k * m
	n := ne + ni
	// A fully connected "trained" matrix whose E→E entry encodes the block offset
	// (pre − post cluster mod k) and the presynaptic local index; I columns and rows are marked.
	w := mat.NewDense(n, n, nil)
	for post := 0; post < n; post++ {
		for pre := 0; pre < n; pre++ {
			if pre == post {
				continue
			}
			switch {
			case post < ne && pre < ne:
				d := ((pre/m-post/m)%k + k) % k
				w.Set(post, pre, float64(100*(d+1)+pre%m))
			case post < ne:
				w.Set(post, pre, 7)
			case pre < ne:
				w.Set(post, pre, 2)
			default:
				w.Set(post, pre, 3)
			}
		}
	}
	out, err := ExtendRing(w, ne, k, K, 1)
	if err != nil {
		t.Fatal(err)
	}
	neNew := K * m
	if r, c := out.Dims(); r != neNew+ni || c != neNew+ni {
		t.Fatalf("dims %d×%d", r, c)
	}
	var others, otherSlots float64
	var ei, eiSlots float64
	for post := 0; post < neNew; post++ {
		c := post / m
		for pre := 0; pre < neNew; pre++ {
			v := out.At(post, pre)
			d := ((pre/m-c)%K + K) % K
			switch d {
			case 0, 1, K - 1:
				dOld := map[int]int{0: 0, 1: 1, K - 1: k - 1}[d]
				want := float64(100*(dOld+1) + pre%m)
				if pre == post%m+c*m && d == 0 && post == pre {
					want = 0
				}
				if v != want && !(v == 0 && post%m == pre%m && d == 0) {
					t.Fatalf("post %d pre %d (offset %d): %v, want %v", post, pre, d, v, want)
				}
			default:
				otherSlots++
				if v != 0 {
					others++
					dOld := int(v)/100 - 1
					if dOld < 2 || dOld > k-2 || int(v)%100 != pre%m {
						t.Fatalf("post %d pre %d: other-block value %v", post, pre, v)
					}
				}
			}
		}
		for i := 0; i < ni; i++ {
			if out.At(post, neNew+i) != 7 {
				t.Fatal("I→E not copied")
			}
		}
	}
	// Other blocks are thinned by (k−3)/(K−3) = 1/3.
	if f := others / otherSlots; math.Abs(f-1.0/3) > 0.02 {
		t.Errorf("other-block density %v, want 1/3", f)
	}
	for i := 0; i < ni; i++ {
		for pre := 0; pre < neNew; pre++ {
			eiSlots++
			if v := out.At(neNew+i, pre); v != 0 {
				ei++
				if math.Abs(v-2*float64(K)/k) > 1e-12 {
					t.Fatalf("E→I weight %v, want %v", v, 2*float64(K)/k)
				}
			}
		}
		for j := 0; j < ni; j++ {
			if want := map[bool]float64{true: 0, false: 3}[i == j]; out.At(neNew+i, neNew+j) != want {
				t.Fatal("I→I not copied")
			}
		}
	}
	if f := ei / eiSlots; math.Abs(f-float64(k)/K) > 0.03 {
		t.Errorf("E→I density %v, want %v", f, float64(k)/K)
	}
	for _, bad := range [][3]int{{ne, 3, 9}, {ne, k, 4}, {ne + 1, k, 9}, {n + 5, k, 9}} {
		if _, err := ExtendRing(w, bad[0], bad[1], bad[2], 1); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
