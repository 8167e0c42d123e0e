package snn

import (
	"testing"
	"unsafe"
)

// pageOffset is the byte offset of the first element of s modulo pageBytes.
func pageOffset[T float64 | int64](s []T) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(s))) % pageBytes)
}

func TestStaggered(t *testing.T) {
	for _, tc := range []struct{ n, count, phase int }{
		{1, 1, 0}, {3, 4, 11}, {600, 10, 0}, {2400, 10, 0}, {2400, 4, 11}, {6400, 1, 10}, {512, 32, 0}, {10, 2, 31},
	} {
		f := staggered[float64](tc.n, tc.count, tc.phase)
		if len(f) != tc.count {
			t.Fatalf("%+v: %d slices", tc, len(f))
		}
		for i, s := range f {
			if len(s) != tc.n || cap(s) != tc.n {
				t.Errorf("%+v: slice %d has length %d, capacity %d", tc, i, len(s), cap(s))
			}
			if got, want := pageOffset(s), (tc.phase+i)*staggerBytes%pageBytes; got != want {
				t.Errorf("%+v: slice %d starts at %d modulo %d, want %d", tc, i, got, pageBytes, want)
			}
			for j := range s {
				if s[j] != 0 {
					t.Fatalf("%+v: slice %d not zeroed", tc, i)
				}
				s[j] = float64(i + 1) // a write through one slice shows in no other
			}
		}
		for i, s := range f {
			for j := range s {
				if s[j] != float64(i+1) {
					t.Fatalf("%+v: slices %d and %d overlap", tc, i, int(s[j])-1)
				}
			}
		}
	}
}

// TestPopulationStaggered: the arrays the neuron loop reads side by side start at distinct
// offsets modulo the page, traces included.
func TestPopulationStaggered(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Traces = true
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []PopID{PopE, PopI} {
		p := n.pops[id]
		seen := map[int]string{pageOffset(p.last): "last"}
		for name, s := range map[string][]float64{"v": p.v, "vt": p.vt, "w": p.w, "xrE": p.xrE, "xdE": p.xdE, "xrI": p.xrI,
			"xdI": p.xdI, "inE": p.inE, "inI": p.inI, "next": p.next, "rate": p.rate, "extW": p.extW, "um": p.um, "up": p.up, "xb": p.xb, "y": p.y} {
			off := pageOffset(s)
			if other, ok := seen[off]; ok {
				t.Errorf("population %d: %s and %s both start at %d modulo %d", id, name, other, off, pageBytes)
			}
			seen[off] = name
		}
	}
}
