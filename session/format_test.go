package session

import (
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"
)

func TestTruncateText(t *testing.T) {
	short := strings.Repeat("a", maxText)
	if truncateText(short) != short {
		t.Errorf("text of maxText bytes was cut")
	}
	long := strings.Repeat("é", maxText) // 2 bytes a rune
	got := truncateText(long)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, " more bytes)") || len(got) > maxText+40 {
		t.Errorf("truncateText: %d bytes, valid %v, ends %q", len(got), utf8.ValidString(got), got[len(got)-20:])
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{1.0 / 3, "0.333333"},
		{[]int{1, 2, 3}, "[1 2 3]"},
		{[]int{1, 2, 3, 4, 5, 6}, "[1 2 3 4 5 6]"},
		{[]int{1, 2, 3, 4, 5, 6, 7}, "[1 2 3 4 5 ... 7] (len 7)"},
		{mat.NewDense(2, 3, nil), "*mat.Dense 2×3"},
		{(*mat.Dense)(nil), "<nil>"},
		{struct{ A, b int }{1, 2}, "{A: 1}"},
		{"s", `"s"`},
	}
	for _, tc := range tests {
		if got := summarize(reflect.ValueOf(tc.v), 1); got != tc.want {
			t.Errorf("summarize(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestResultBundle(t *testing.T) {
	s := &Session{}
	tests := []struct {
		vals []any
		want string // "" means no result
	}{
		{nil, ""},
		{[]any{3, nil}, ""},         // fmt.Println's (n, err)
		{[]any{1, "x"}, `(1, "x")`}, // other pairs are shown
		{[]any{"x"}, `"x"`},
		{[]any{nil}, "<nil>"},
		{[]any{(*mat.Dense)(nil)}, "<nil>"},
	}
	for _, tc := range tests {
		b := s.resultBundle(tc.vals)
		got := ""
		if b != nil {
			got, _ = b.Data["text/plain"].(string)
		}
		if got != tc.want {
			t.Errorf("resultBundle(%v) = %q, want %q", tc.vals, got, tc.want)
		}
	}
}

// TestFormatImportsNoSnn: the formatters know no snn type; snn values render themselves
// (String, HTML) and snn's plain structs are found by their package path.
func TestFormatImportsNoSnn(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "format.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if p := strings.Trim(imp.Path.Value, `"`); p == snnPath || strings.HasPrefix(p, snnPath+"/") {
			t.Errorf("format.go imports %s", p)
		}
	}
}
