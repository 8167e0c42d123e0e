package session

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// The first cell of a new user (issue #14 item 4): the packages used in almost every cell need
// no import, another known package gets an error naming the import to add, and names that
// shadow a package keep working. Each case runs its cells in order in a fresh session; want
// is a substring of the last cell's result (text/plain), or of its error when wantErr.
func TestFirstCell(t *testing.T) {
	tests := []struct {
		name    string
		cells   []string
		want    string
		wantErr bool
	}{
		{name: "snn without import", cells: []string{"cfg := snn.DefaultConfig()\ncfg.NE, cfg.NI, cfg.Clusters = 20, 5, 2\nnet, err := snn.New(cfg)\nerr == nil && net != nil"}, want: "true"},
		{name: "one result of two", cells: []string{"cfg := snn.DefaultConfig()\na := snn.New(cfg)"}, want: "line 2: assignment mismatch: 1 variable but snn.New returns 2 values", wantErr: true},
		{name: "three of two", cells: []string{"cfg := snn.DefaultConfig()\nvar a, b, c = snn.New(cfg)"}, want: "line 2: assignment mismatch: 3 variables but snn.New returns 2 values", wantErr: true},
		{name: "expression of a call", cells: []string{"cfg := snn.DefaultConfig()\ncfg.NE, cfg.NI, cfg.Clusters = 20, 5, 2\nsnn.New(cfg)"}, want: "Network"},
		{name: "fmt without import", cells: []string{`fmt.Sprint("a", 1)`}, want: `"a1"`},
		{name: "math and strings", cells: []string{`strings.Repeat("ab", int(math.Sqrt(4)))`}, want: `"abab"`},
		{name: "display and snnplot", cells: []string{"_ = display.Markdown\n_ = snnplot.Raster\n1"}, want: "1"},
		{name: "inside a function", cells: []string{"func f() string { return fmt.Sprint(2) }", "f()"}, want: `"2"`},
		{name: "explicit import after", cells: []string{`fmt.Sprint(1)`, `import "fmt"`, `import fmt "fmt"`, `fmt.Sprint(3)`}, want: `"3"`},
		{name: "explicit import before", cells: []string{`import "fmt"`, `fmt.Sprint(4)`}, want: `"4"`},
		{name: "renamed import", cells: []string{`import f "fmt"`, `f.Sprint(5) + fmt.Sprint(6)`}, want: `"56"`},
		{name: "variable shadows", cells: []string{"display := 3", "display * 2"}, want: "6"},
		{name: "var shadows", cells: []string{`var plot = "mine"`, "plot"}, want: `"mine"`},
		{name: "function named like a package", cells: []string{"func display() int { return 7 }", "display()"}, want: "7"},
		{name: "shadow after use", cells: []string{"fmt.Sprint(1)", "fmt := 8", "fmt"}, want: "8"},
		{name: "local shadow", cells: []string{"func g(time int) int { return time + 1 }\ng(1)"}, want: "2"},
		{name: "unimported package", cells: []string{"x := rand.Intn(3)"}, want: `line 1: undefined: rand (add: import "math/rand"`, wantErr: true},
		{name: "unimported expression", cells: []string{"rand.Intn(3)"}, want: `line 1: undefined: rand (add: import "math/rand"`, wantErr: true},
		{name: "unimported in a function", cells: []string{"func f() {\n\tjson.Marshal(1)\n}"}, want: `line 2: undefined: json (add: import "encoding/json")`, wantErr: true},
		{name: "unimported type", cells: []string{"var r *rand.Rand"}, want: `line 1: undefined: rand (add: import "math/rand"`, wantErr: true},
		{name: "unimported line", cells: []string{"n := 3\n\nsort.Ints([]int{n})"}, want: `line 3: undefined: sort (add: import "sort")`, wantErr: true},
		{name: "unimported two results", cells: []string{"cfg := 1\na, b := rand.Int(cfg, 2)"}, want: `undefined: rand (add: import "math/rand"`, wantErr: true},
		{name: "import after the error", cells: []string{"!x := rand.Intn(3)", `import "math/rand"`, "x := rand.Intn(3)\nx >= 0"}, want: "true"},
		{name: "undefined name", cells: []string{"nosuchpkg.F()"}, want: "undefined: nosuchpkg", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t)
			for i, c := range tc.cells {
				if strings.HasPrefix(c, "!") { // a cell that must fail
					if _, err := s.Execute(context.Background(), c[1:], nil); err == nil {
						t.Fatalf("cell %q: no error", c[1:])
					}
					continue
				}
				res, err := s.Execute(context.Background(), c, nil)
				if i < len(tc.cells)-1 {
					if err != nil {
						t.Fatalf("cell %q: %v", c, err)
					}
					continue
				}
				if tc.wantErr {
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("cell %q: err = %v, want %q", c, err, tc.want)
					}
					return
				}
				if err != nil {
					t.Fatalf("cell %q: %v", c, err)
				}
				var got string
				if res != nil {
					got, _ = res.Data["text/plain"].(string)
				}
				if !strings.Contains(got, tc.want) {
					t.Fatalf("cell %q = %q, want %q", c, got, tc.want)
				}
			}
		})
	}
}

// Completion offers the members of implicitly imported packages, and none of a package that
// would need an import first (what it offers works).
func TestCompletePackages(t *testing.T) {
	s := newTestSession(t)
	tests := []struct {
		code    string
		want    []string
		notWant []string
	}{
		{code: "snn.", want: []string{"New", "DefaultConfig"}},
		{code: "sn", want: []string{"snn", "snnplot"}},
		{code: "rand.", notWant: []string{"Intn"}},
	}
	for _, tc := range tests {
		got, _, _ := s.Complete(tc.code, len(tc.code))
		checkCompletions(t, tc.code, got, tc.want, tc.notWant)
	}
	mustRun(t, s, `import "math/rand"`)
	if got, _, _ := s.Complete("rand.In", 7); !slices.Contains(got, "Intn") {
		t.Errorf("after the import, Complete(rand.In) = %v", got)
	}
	mustRun(t, s, "snn := 3")
	if got, _, _ := s.Complete("snn.", 4); slices.Contains(got, "New") {
		t.Errorf("snn is a variable: Complete(snn.) = %v", got)
	}
}

// Completion after a call or an index works out the type of the expression without running
// it (issue #14 item 4: snn.DefaultConfig().Sc<TAB>).
func TestCompleteAfterCall(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "calls := 0\nfunc counted() snn.Config { calls++; return snn.DefaultConfig() }\ncfgs := []snn.Config{snn.DefaultConfig()}\nm := map[string]*snn.Config{}")
	tests := []struct {
		code    string
		want    []string
		notWant []string
	}{
		{code: "snn.DefaultConfig().Sc", want: []string{"Scaled"}},
		{code: "snn.DefaultConfig().", want: []string{"NE", "Clusters", "DT"}},
		{code: "x := snn.DefaultConfig().N", want: []string{"NE", "NI"}, notWant: []string{"DT"}},
		{code: "fmt.Println(snn.DefaultConfig().Sc", want: []string{"Scaled"}},
		{code: "cfgs[0].N", want: []string{"NE"}},
		{code: "m[\"a\"].N", want: []string{"NE"}},
		{code: "strings.NewReader(\"x\").Re", want: []string{"Read", "ReadByte"}},
		{code: "c := snn.DefaultConfig()\nc.Scaled(2).N", want: []string{"NE"}},
		{code: "(snn.DefaultConfig()).N", want: []string{"NE"}},
		{code: "snn.Config{}.N", want: []string{"NE"}},
		{code: "time.Duration(3).Sec", want: []string{"Seconds"}},
		{code: "rand.New(nil).In"}, // not imported: nothing
	}
	for _, tc := range tests {
		got, start, end := s.Complete(tc.code, len(tc.code))
		checkCompletions(t, tc.code, got, tc.want, tc.notWant)
		if tc.want == nil && len(got) != 0 {
			t.Errorf("Complete(%q) = %v, want nothing", tc.code, got)
		}
		if i := strings.LastIndex(tc.code, "."); start != i+1 || end != len(tc.code) {
			t.Errorf("Complete(%q) range [%d,%d), want [%d,%d)", tc.code, start, end, i+1, len(tc.code))
		}
	}
	// Nothing was called to find the types.
	got, _, _ := s.Complete("counted().N", 11)
	if !slices.Contains(got, "NE") {
		t.Errorf("Complete(counted().N) = %v", got)
	}
	if n := resultText(t, s, "calls"); n != "0" {
		t.Errorf("completion called counted(): calls = %s", n)
	}
}
