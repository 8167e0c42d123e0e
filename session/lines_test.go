package session

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
)

// Runtime panics in a cell report Go's wording and the line they happened on (issue #14
// item 4). Cells before the last must succeed; the last must panic.
func TestPanicLines(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		msg   string   // the error's Value
		tb    []string // substrings of traceback lines 1.. in order
	}{
		{"index on line 8", []string{"x := []int{1, 2, 3}\n\n// comment\n\n\n\ny := 8\n_ = x[y]"},
			"runtime error: index out of range [8] with length 3", []string{"at line 8: _ = x[y]"}},
		{"trailing expression", []string{"x := []int{1}\n\nx[3]"},
			"runtime error: index out of range [3] with length 1", []string{"at line 3: x[3]"}},
		{"in a loop body", []string{"x := []int{1, 2, 3}\nfor i := 0; i < 5; i++ {\n\tif i > 1 {\n\t\t_ = x[i*2]\n\t}\n}"},
			"runtime error: index out of range", []string{"at line 4: _ = x[i*2]"}},
		{"after a declaration", []string{"x := 1\ntype T struct{ P *int }\nvar t T\n\n_ = *t.P + x"},
			"runtime error: invalid memory address or nil pointer dereference", []string{"at line 5: _ = *t.P + x"}},
		{"nil pointer field", []string{"var p *struct{ X int }\n\n\n_ = p.X"},
			"runtime error: invalid memory address or nil pointer dereference", []string{"at line 4: _ = p.X"}},
		{"nil function", []string{"var f func()\n\nf()"},
			"runtime error: invalid memory address or nil pointer dereference", []string{"at line 3: f()"}},
		{"string index", []string{"s := \"abc\"\n_ = s[7]"},
			"runtime error: index out of range [7] with length 3", []string{"at line 2"}},
		{"two indexes, one out of range", []string{"a, b := []int{1, 2}, []int{5}\ni := 1\n_ = a[i] + b[i]"},
			"runtime error: index out of range [1] with length 1", []string{"at line 3"}},
		{"negative index", []string{"a := []int{1}\ni := -1\na[i] = 2"},
			"runtime error: index out of range [-1] with length 1", []string{"at line 3"}},
		{"local shadows a global", []string{"i := 0\nx := []int{1}\nfor i := 3; i < 4; i++ {\n\t_ = x[i]\n}"},
			"runtime error: index out of range", []string{"at line 4"}},
		{"slice bounds", []string{"s := []int{1}\nn := 5\n_ = s[1:n]"},
			"runtime error: slice bounds out of range", []string{"at line 3"}},
		{"interface conversion", []string{"var i any = 1\n\n_ = i.(string)"},
			"interface conversion: interface {} is int, not string", []string{"at line 3"}},
		{"nil map", []string{"var m map[string]int\nm[\"a\"] = 1"},
			"assignment to entry in nil map", []string{"at line 2"}},
		{"divide by zero in a switch", []string{"x := 0\nswitch {\ncase true:\n\t_ = 1 / x\n}"},
			"runtime error: integer divide by zero", []string{"at line 4"}},
		{"function from an earlier cell", []string{"func f(a []int) int {\n\treturn a[5]\n}\nfunc g() int {\n\treturn f(nil)\n}", "\n\ng()"},
			"runtime error: index out of range", []string{"at line 2 of an earlier cell: return a[5]", "in f", "in g"}},
		{"method", []string{"type T struct{}\nfunc (T) M() {\n\tvar m map[int]int\n\tm[1] = 2\n}\nT{}.M()"},
			"assignment to entry in nil map", []string{"at line 4: m[1] = 2", "in M"}},
		{"explicit panic", []string{"n := 1\n\npanic(\"boom\")"}, "boom", []string{"at line 3"}},
		{"panic with an error", []string{"panic(fmt.Errorf(\"wrapped: %d\", 3))"}, "wrapped: 3", []string{"at line 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t)
			for _, c := range tc.cells[:len(tc.cells)-1] {
				mustRun(t, s, c)
			}
			_, err := s.Execute(context.Background(), tc.cells[len(tc.cells)-1], nil)
			var ue *Error
			if !errors.As(err, &ue) || ue.Name != ErrPanic {
				t.Fatalf("err = %v, want a panic", err)
			}
			if ue.Value != tc.msg {
				t.Errorf("message %q, want %q", ue.Value, tc.msg)
			}
			if ue.Traceback[0] != "panic: "+tc.msg {
				t.Errorf("traceback[0] = %q", ue.Traceback[0])
			}
			rest := ue.Traceback[1:]
			for i, w := range tc.tb {
				if i >= len(rest) || !strings.Contains(rest[i], w) {
					t.Errorf("traceback %q: line %d should contain %q", ue.Traceback, i+1, w)
				}
			}
		})
	}
}

// Line marks do not show in what completion and inspect know of a cell.
func TestLineMarksInvisible(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "func twice(x int) int {\n\ty := 2 * x\n\treturn y\n}\nz := twice(2)")
	if b, ok := s.Inspect("twice", 2, 0); !ok || strings.Contains(b.Data["text/plain"].(string), markName) {
		t.Errorf("Inspect(twice) = %v, %v", b.Data, ok)
	}
	if got, _, _ := s.Complete("_gosnn", 6); len(got) != 0 {
		t.Errorf("Complete(_gosnn) = %v", got)
	}
	if got := resultText(t, s, "z"); got != "4" {
		t.Errorf("z = %s", got)
	}
}

// FuzzInstrument checks that line marks keep every run parseable, on the same lines, and
// that they only add text.
func FuzzInstrument(f *testing.F) {
	for _, s := range []string{"x := 1\ny := x[2]", "func f() {\n\tif true {\n\t\treturn\n\t}\n}", "switch {\ncase true:\n\tx()\n}",
		"select {\ncase <-c:\n\tf()\ndefault:\n}", "L:\nfor {\n\tbreak L\n}", "func() {\n\ta(); b()\n}()", "var a = func() int { return 1 }()"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		runs, err := splitCell(code)
		if err != nil {
			return
		}
		for _, r := range runs {
			if r.kind == runImport {
				continue
			}
			pf, fset, off, err := parseRun(r.src, r.kind)
			if err != nil {
				continue
			}
			prefix := len("package p\n")
			if r.kind != runDecl {
				prefix = len("package p\nfunc _() {\n")
			}
			out := instrument(r.src, pf, fset, prefix, off, r.line, 100, r.kind)
			if strings.Count(out, "\n") != strings.Count(r.src, "\n") {
				t.Fatalf("lines moved:\n%s\n--- became ---\n%s", r.src, out)
			}
			if strings.ReplaceAll(stripMarks(out), " ", "") != strings.ReplaceAll(r.src, " ", "") {
				t.Fatalf("instrumenting changed the code:\n%s\n--- became ---\n%s", r.src, out)
			}
			if _, _, _, err := parseRun(out, r.kind); err != nil {
				t.Fatalf("instrumented run does not parse: %v\n%s\n--- from ---\n%s", err, out, r.src)
			}
		}
	})
}

var markRE = regexp.MustCompile(markName + ` = \d+; `)

func stripMarks(s string) string { return markRE.ReplaceAllString(s, "") }
