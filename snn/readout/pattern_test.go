package readout

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/snn/snnio"
)

func TestPatternFromIntervals(t *testing.T) {
	p := ABCBA()
	if p.Elements() != 3 || p.Steps() != 4001 || p.Duration() != 400 {
		t.Fatalf("ABCBA: %d elements, %d steps, %v ms", p.Elements(), p.Steps(), p.Duration())
	}
	// docs/MODEL.md 7.3: A on during 25-100 and 325-400 ms, B 100-175 and 250-325, C 175-250.
	on := func(e int, tm float64) bool { return p.Rates[e][int(math.Round(tm/0.1))] == SupervisorOn }
	tests := []struct {
		tm   float64
		want [3]bool
	}{
		{0, [3]bool{}}, {24.9, [3]bool{}}, {25, [3]bool{true, false, false}}, {99.9, [3]bool{true, false, false}},
		{100, [3]bool{false, true, false}}, {175, [3]bool{false, false, true}}, {249.9, [3]bool{false, false, true}},
		{250, [3]bool{false, true, false}}, {325, [3]bool{true, false, false}}, {399.9, [3]bool{true, false, false}},
		{400, [3]bool{}},
	}
	for _, tc := range tests {
		for e := 0; e < 3; e++ {
			if on(e, tc.tm) != tc.want[e] {
				t.Errorf("t = %v ms element %s: on = %v, want %v", tc.tm, p.Name(e), on(e, tc.tm), tc.want[e])
			}
		}
	}
	if p.Rates[1][0] != SupervisorBaseline {
		t.Errorf("off rate %v, want %v", p.Rates[1][0], SupervisorBaseline)
	}
	if got := p.ElementOrder(); !reflect.DeepEqual(got, []int{0, 1, 2, 1, 0}) {
		t.Errorf("order %v", got)
	}
	if got := DEDED().ElementOrder(); !reflect.DeepEqual(got, []int{0, 1, 0, 1, 0}) {
		t.Errorf("DEDED order %v", got)
	}
	for _, bad := range []struct {
		n      int
		length float64
		dt     float64
		iv     []Interval
	}{
		{0, 10, 0.1, nil}, {1, 10, 0, nil}, {1, -1, 0.1, nil}, {1, 10, 0.1, []Interval{{1, 0, 1}}},
		{1, 10, 0.1, []Interval{{0, 5, 1}}}, {1, math.Inf(1), 0.1, nil}, {10000, 1e4, 0.1, nil},
	} {
		if _, err := PatternFromIntervals(bad.n, bad.length, bad.dt, 10, 1, nil, bad.iv); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// The interval patterns match the authors' supervisor_parallel.mat, except that the MATLAB
// time grid puts some switching times one column early (for example 24.9 ms instead of 25).
func TestPatternsMatchSupervisorParallel(t *testing.T) {
	mf, err := snnio.ReadMatFile(testskip.AuthorsFile(t, "supervisor_parallel.mat"))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := mf.Var("supervisor")
	if !ok || v.Rows != 5 || v.Cols != 4001 {
		t.Fatalf("supervisor variable: %v %d×%d", ok, v.Rows, v.Cols)
	}
	ours := append(ABCBA().Rates, DEDED().Rates...)
	for r := 0; r < 5; r++ {
		diff := 0
		for c := 0; c < v.Cols; c++ {
			f := v.Data[r*v.Cols+c]
			if f != ours[r][c] {
				diff++
				// Only an edge column may differ: one neighbour must agree with the file.
				if !(c > 0 && ours[r][c-1] == f) && !(c+1 < v.Cols && ours[r][c+1] == f) {
					t.Errorf("row %d column %d: file %v, ours %v (not an edge)", r, c, f, ours[r][c])
				}
			}
		}
		if diff > 3 {
			t.Errorf("row %d: %d columns differ", r, diff)
		}
	}
	p, err := PatternFromMatrix([][]float64{v.Data[:v.Cols]}, 0.1, 1)
	if err != nil || p.Duration() != 400 {
		t.Errorf("PatternFromMatrix: %v, %v ms", err, p.Duration())
	}
}

func TestPatternValidate(t *testing.T) {
	for _, p := range []*Pattern{
		{DT: 0.1},
		{DT: 0, Rates: [][]float64{{1}}},
		{DT: 0.1, Rates: [][]float64{{1, 2}, {1}}},
		{DT: 0.1, Rates: [][]float64{{-1}}},
		{DT: 0.1, Rates: [][]float64{{math.NaN()}}},
		{DT: 0.1, Rates: [][]float64{{1}}, Names: []string{"a", "b"}},
	} {
		if err := p.Validate(); err == nil || !strings.HasPrefix(err.Error(), "readout: pattern: ") {
			t.Errorf("%+v: error %v", p, err)
		}
	}
	if _, err := PatternFromMatrix([][]float64{{1}}, 0.1, 0); err == nil {
		t.Error("scale 0 accepted")
	}
	n := (&Pattern{DT: 1, Rates: [][]float64{{2, 4}, {3, 2}}}).Normalized()
	if !reflect.DeepEqual(n, [][]float64{{0, 1}, {0.5, 0}}) {
		t.Errorf("normalized %v", n)
	}
}

func TestParseIntervals(t *testing.T) {
	src := `# ABCBA
A 25 100
B 100 175
C 175 250

B 250 325
A 325 400`
	iv, names, end, err := ParseIntervals(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{"A", "B", "C"}) || end != 400 {
		t.Fatalf("names %v end %v", names, end)
	}
	if !reflect.DeepEqual(iv, ABCBAIntervals) {
		t.Errorf("intervals %v, want %v", iv, ABCBAIntervals)
	}
	p, err := PatternFromIntervals(len(names), end, 0.1, SupervisorOn, SupervisorBaseline, names, iv)
	if err != nil || !reflect.DeepEqual(p.Rates, ABCBA().Rates) {
		t.Errorf("pattern from parsed intervals differs from ABCBA (err %v)", err)
	}
	// Numeric elements are indices.
	_, names, _, err = ParseIntervals(strings.NewReader("2 0 1\n0 1 2\n"))
	if err != nil || !reflect.DeepEqual(names, []string{"0", "1", "2"}) {
		t.Errorf("numeric: names %v err %v", names, err)
	}
	for _, bad := range []string{"", "# only\n", "A 1\n", "A x 2\n", "A 5 2\n", "A -1 2\n", "A 1 Inf\n", "A 1 NaN\n",
		"A 1 2\n3 1 2\n", "3 1 2\nA 1 2\n", "99999 1 2\n"} {
		if _, _, _, err := ParseIntervals(strings.NewReader(bad)); err == nil || !strings.HasPrefix(err.Error(), "readout: intervals") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

func FuzzParseIntervals(f *testing.F) {
	f.Add("A 25 100\nB 100 175\n")
	f.Add("# c\n0 0 1\n2 1 3\n")
	f.Add("x 1e300 1e301\n")
	f.Fuzz(func(t *testing.T, s string) {
		iv, names, end, err := ParseIntervals(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, v := range iv {
			if v.Element < 0 || v.Element >= len(names) || !(v.Start >= 0 && v.End > v.Start && v.End <= end) {
				t.Fatalf("bad interval %+v (names %d, end %v)", v, len(names), end)
			}
		}
		// Building a pattern from parsed intervals never panics (it may refuse a huge length).
		_, _ = PatternFromIntervals(len(names), math.Min(end, 1e4), 0.1, 10, 1, names, iv)
	})
}
