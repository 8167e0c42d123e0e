package session

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestSplitCell(t *testing.T) {
	tests := []struct {
		code string
		want []string // kind:src per run
	}{
		{"x := 1", []string{"expr?no stmt:x := 1"}},
		{"import \"fmt\"\nfmt.Println(1)", []string{"import:import \"fmt\"", "expr:fmt.Println(1)"}},
		{"var a = 1\nb := a\nfunc f() {}\nf()", []string{"decl:var a = 1", "stmt:b := a", "decl:func f() {}", "expr:f()"}},
		{"type T struct{}\nvar x T\nconst c = 2", []string{"decl:type T struct{}\nvar x T\nconst c = 2"}},
		{"func() { println(1) }()", []string{"expr:func() { println(1) }()"}},
		{"func (t T) M() {}\nx", []string{"decl:func (t T) M() {}", "expr:x"}},
		{"a := 1\nb := 2\n// note\nc := 3", []string{"stmt:a := 1\nb := 2\n// note\nc := 3"}},
		{"for i := 0; i < 3; i++ {\n\tx += i\n}\nx", []string{"stmt:for i := 0; i < 3; i++ {\n\tx += i\n}", "expr:x"}},
		{"", nil},
		{"// only a comment", nil},
		{"x = `raw\nstring`", []string{"stmt:x = `raw\nstring`"}},
	}
	kinds := map[runKind]string{runDecl: "decl", runStmt: "stmt", runExpr: "expr", runImport: "import"}
	for _, tc := range tests {
		runs, err := splitCell(tc.code)
		if err != nil {
			t.Errorf("splitCell(%q): %v", tc.code, err)
			continue
		}
		var got []string
		for _, r := range runs {
			got = append(got, kinds[r.kind]+":"+r.src)
		}
		want := tc.want
		if len(want) == 1 && strings.HasPrefix(want[0], "expr?no ") {
			want = []string{strings.TrimPrefix(want[0], "expr?no ")}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("splitCell(%q) =\n%q\nwant\n%q", tc.code, got, want)
		}
	}
	if _, err := splitCell("x := \"unterminated"); err == nil {
		t.Errorf("splitCell of an unterminated string: no error")
	}
}

func TestSplitCellLines(t *testing.T) {
	runs, err := splitCell("import \"fmt\"\n\nx := 1\n\nfunc f() {}\nfmt.Println(x)")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 3, 5, 6}
	for i, r := range runs {
		if r.line != want[i] {
			t.Errorf("run %d (%q) line %d, want %d", i, r.src, r.line, want[i])
		}
	}
}

func TestGuardGo(t *testing.T) {
	tests := []struct {
		code, want string
	}{
		{"x := 1", "x := 1"},
		{"go f(x, 1)", "{ _gosnnF1, _gosnnA1_0 := f, x; go func() { defer func() { if r := recover(); r != nil { _gosnn.GoPanic(r) } }(); _gosnnF1(_gosnnA1_0, 1) }() }"},
		{"go println(x)", "{ _gosnnA1_0 := x; go func() { defer func() { if r := recover(); r != nil { _gosnn.GoPanic(r) } }(); println(_gosnnA1_0) }() }"},
		{"go f(xs...)", "{ _gosnnF1, _gosnnA1_0 := f, xs; go func() { defer func() { if r := recover(); r != nil { _gosnn.GoPanic(r) } }(); _gosnnF1(_gosnnA1_0...) }() }"},
		{"go f(nil, true)", "{ _gosnnF1 := f; go func() { defer func() { if r := recover(); r != nil { _gosnn.GoPanic(r) } }(); _gosnnF1(nil, true) }() }"},
		{"gopher := 1", "gopher := 1"},
	}
	for _, tc := range tests {
		if got := guardGo(tc.code, runStmt); got != tc.want {
			t.Errorf("guardGo(%q) =\n%s\nwant\n%s", tc.code, got, tc.want)
		}
	}
	// Nested go statements are all guarded and the result parses; line count is kept.
	src := "func run() {\n\tgo func() {\n\t\tgo g(1)\n\t}()\n}"
	got := guardGo(src, runDecl)
	if n := strings.Count(got, "_gosnn.GoPanic"); n != 2 {
		t.Errorf("nested: %d guards in\n%s", n, got)
	}
	if strings.Count(got, "\n") != strings.Count(src, "\n") {
		t.Errorf("nested: line count changed:\n%s", got)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+got, 0); err != nil {
		t.Errorf("nested: %v\n%s", err, got)
	}
}

func TestIsComplete(t *testing.T) {
	s := &Session{}
	tests := []struct{ code, status string }{
		{"x := 1", "complete"},
		{"", "complete"},
		{"func f() {", "incomplete"},
		{"x := []int{1,\n2,", "incomplete"},
		{"fmt.Println(1,", "incomplete"},
		{"s := `abc", "incomplete"},
		{"x := 1 +", "incomplete"},
		{"x++", "complete"},
		{"}", "invalid"},
		{"x := := 2", "invalid"},
		{"import \"fmt\"\nfmt.Println(1)", "complete"},
	}
	for _, tc := range tests {
		if got, _ := s.IsComplete(tc.code); got != tc.status {
			t.Errorf("IsComplete(%q) = %s, want %s", tc.code, got, tc.status)
		}
	}
	if _, indent := s.IsComplete("if x {"); indent != "\t" {
		t.Errorf("indent = %q, want a tab", indent)
	}
}

// FuzzSplitCell checks that splitting never panics, that runs appear in order and that
// they only hold text of the cell.
func FuzzSplitCell(f *testing.F) {
	for _, s := range []string{"x := 1", "import \"fmt\"\nfmt.Println(1)", "func f() {}\nf()", "go f(x)\n",
		"type T struct{}\nvar t T\nt", "for {\n}", "`raw", "func (", "x := []int{1,\n2}\nx[0]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		runs, err := splitCell(code)
		if err != nil {
			return
		}
		at := 0
		for _, r := range runs {
			if r.start < at || r.start+len(r.src) > len(code) || code[r.start:r.start+len(r.src)] != r.src {
				t.Fatalf("run %q at %d is not cell text after %d", r.src, r.start, at)
			}
			at = r.start + len(r.src)
			_ = guardGo(r.src, r.kind)
		}
	})
}

// FuzzIsComplete checks that IsComplete never panics and returns a known status.
func FuzzIsComplete(f *testing.F) {
	for _, s := range []string{"x := 1", "func f() {", "}", "s := `a", "x +"} {
		f.Add(s)
	}
	s := &Session{}
	f.Fuzz(func(t *testing.T, code string) {
		st, _ := s.IsComplete(code)
		switch st {
		case "complete", "incomplete", "invalid", "unknown":
		default:
			t.Fatalf("status %q", st)
		}
	})
}

// FuzzComplete checks that completion and inspect never panic on any input and cursor.
func FuzzComplete(f *testing.F) {
	f.Add("fmt.Pr", 6)
	f.Add("snn.", 2)
	f.Add("é.", 1)
	s := newTestSession(f)
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		m, start, end := s.Complete(code, cursor)
		if start < 0 || end > len(code) || start > end {
			t.Fatalf("range [%d,%d) for %d bytes", start, end, len(code))
		}
		_ = m
		s.Inspect(code, cursor, 0)
	})
}
