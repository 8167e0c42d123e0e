package snnio

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestReadText(t *testing.T) {
	want23 := []float64{1, 2.5, -3, 4e-5, 0, 6}
	cases := []struct {
		name string
		in   string
		rows int
		cols int
		want []float64
	}{
		{"writedlm tabs", "1.0\t2.5\t-3.0\n4.0e-5\t0.0\t6.0\n", 2, 3, want23},
		{"commas", "1,2.5,-3\n4e-5,0,6\n", 2, 3, want23},
		{"commas with blanks", "1, 2.5, -3\n4e-5 ,0 , 6\n", 2, 3, want23},
		{"blank runs", "  1   2.5 -3\n4e-5 0\t 6  \n", 2, 3, want23},
		{"crlf no final newline", "1\t2.5\t-3\r\n4e-5\t0\t6", 2, 3, want23},
		{"comments and blank lines", "# weights\n\n1 2.5 -3\n\n# mid\n4e-5 0 6\n\n", 2, 3, want23},
		{"julia specials", "Inf\t-Inf\ntrue\tfalse\n", 2, 2, []float64{math.Inf(1), math.Inf(-1), 1, 0}},
		{"single value", "7\n", 1, 1, []float64{7}},
		{"byte-order mark", "\ufeff1,2.5,-3\r\n4e-5,0,6\r\n", 2, 3, want23},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := ReadText(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if r, cc := m.Dims(); r != c.rows || cc != c.cols {
				t.Fatalf("dims %d×%d, want %d×%d", r, cc, c.rows, c.cols)
			}
			for i, w := range c.want {
				if got := m.RawMatrix().Data[i]; got != w {
					t.Errorf("value %d = %v, want %v", i, got, w)
				}
			}
		})
	}
	m, err := ReadText(strings.NewReader("NaN 1\n"))
	if err != nil || !math.IsNaN(m.At(0, 0)) {
		t.Errorf("NaN: %v %v", m, err)
	}
}

func TestReadTextErrors(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "no data"},
		{"only comments", "# x\n\n", "no data (2 lines read)"},
		{"ragged", "1\t2\n3\n", "line 2 has 1 fields, want 2"},
		{"not a number", "1\t2\n3\tabc\n", `line 2, field 2: "abc" is not a number`},
		{"empty field", "1,,2\n", "line 1, field 2: empty field"},
		{"ragged later line", "1 2\n3 4\n\n5 6 7\n", "line 4 has 3 fields"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadText(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "snnio: text: ") {
				t.Errorf("err = %v, want snnio: text: ...%s", err, c.want)
			}
		})
	}
}

func TestWriteTextRoundTrip(t *testing.T) {
	m := mat.NewDense(3, 2, []float64{0.1, 1.0 / 3, -2, 1e300, 5e-324, math.Inf(-1)})
	for _, d := range []rune{'\t', ',', ' '} {
		var buf bytes.Buffer
		if err := WriteText(&buf, m, d); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != 3 || strings.Count(lines[0], string(d)) != 1 {
			t.Fatalf("delimiter %q: output %q", d, buf.String())
		}
		got, err := ReadText(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got, m) {
			t.Errorf("delimiter %q: read back %v, want %v", d, mat.Formatted(got), mat.Formatted(m))
		}
	}
	if err := WriteText(&bytes.Buffer{}, m, ';'); err == nil {
		t.Error("delimiter ; accepted")
	}
}
