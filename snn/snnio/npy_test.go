package snnio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"gonum.org/v1/gonum/mat"
)

// tNpy builds a .npy file with the given version, header dict and raw data; the header is
// padded as NumPy does.
func tNpy(major byte, dict string, data []byte) []byte {
	pre := 10
	if major >= 2 {
		pre = 12
	}
	total := pre + len(dict) + 1
	dict += strings.Repeat(" ", (64-total%64)%64) + "\n"
	b := []byte("\x93NUMPY")
	b = append(b, major, 0)
	if major >= 2 {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	}
	b = append(b, dict...)
	return append(b, data...)
}

func tNpyDict(descr string, fortran bool, shape string) string {
	f := "False"
	if fortran {
		f = "True"
	}
	return fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, f, shape)
}

func TestWriteReadNpyRoundTrip(t *testing.T) {
	cases := []*mat.Dense{
		mat.NewDense(1, 1, []float64{42}),
		mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}),
		mat.NewDense(3, 1, []float64{math.Inf(1), math.NaN(), math.Copysign(0, -1)}),
	}
	for _, m := range cases {
		var buf bytes.Buffer
		if err := WriteNpy(&buf, m); err != nil {
			t.Fatal(err)
		}
		if buf.Len() < 64 || (buf.Len()-8*len(m.RawMatrix().Data))%64 != 0 {
			t.Errorf("header of %d bytes is not padded to 64", buf.Len()-8*len(m.RawMatrix().Data))
		}
		a, err := ReadNpy(&buf)
		if err != nil {
			t.Fatal(err)
		}
		r, c := m.Dims()
		if len(a.Shape) != 2 || a.Shape[0] != r || a.Shape[1] != c || a.Descr != "<f8" || a.FortranOrder {
			t.Fatalf("read shape %v descr %s fortran %v, want [%d %d] <f8 false", a.Shape, a.Descr, a.FortranOrder, r, c)
		}
		for i, v := range m.RawMatrix().Data {
			if math.Float64bits(a.Data[i]) != math.Float64bits(v) {
				t.Errorf("Data[%d] = %v, want %v", i, a.Data[i], v)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteNpyVector(&buf, []float64{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	a, err := ReadNpy(&buf)
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	if r, c := m.Dims(); len(a.Shape) != 1 || r != 1 || c != 3 {
		t.Errorf("vector read as shape %v, matrix %d×%d; want (3,) and 1×3", a.Shape, r, c)
	}
}

func TestReadNpyDtypes(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	// values 1, -2, 3, 4 (the unsigned cases use 1, 2, 3, 4)
	signed := []float64{1, -2, 3, 4}
	unsigned := []float64{1, 2, 3, 4}
	enc := func(size int, bo binary.AppendByteOrder, vals []float64, float bool) []byte {
		var b []byte
		for _, v := range vals {
			switch {
			case float && size == 8:
				b = bo.AppendUint64(b, math.Float64bits(v))
			case float && size == 4:
				b = bo.AppendUint32(b, math.Float32bits(float32(v)))
			case size == 1:
				b = append(b, byte(int8(v)))
			case size == 2:
				b = bo.AppendUint16(b, uint16(int16(v)))
			case size == 4:
				b = bo.AppendUint32(b, uint32(int32(v)))
			case size == 8:
				b = bo.AppendUint64(b, uint64(int64(v)))
			}
		}
		return b
	}
	half := []byte{0x00, 0x3c, 0x00, 0xc0, 0x00, 0x42, 0x00, 0x44} // 1, -2, 3, 4 in float16 LE
	cases := []struct {
		descr string
		data  []byte
		want  []float64
	}{
		{"<f8", enc(8, le, signed, true), signed},
		{">f8", enc(8, be, signed, true), signed},
		{"<f4", enc(4, le, signed, true), signed},
		{">f4", enc(4, be, signed, true), signed},
		{"<f2", half, signed},
		{"<i8", enc(8, le, signed, false), signed},
		{">i8", enc(8, be, signed, false), signed},
		{"<i4", enc(4, le, signed, false), signed},
		{">i4", enc(4, be, signed, false), signed},
		{"<i2", enc(2, le, signed, false), signed},
		{"|i1", enc(1, le, signed, false), signed},
		{"|u1", enc(1, le, unsigned, false), unsigned},
		{"<u2", enc(2, le, unsigned, false), unsigned},
		{"<u4", enc(4, le, unsigned, false), unsigned},
		{">u8", enc(8, be, unsigned, false), unsigned},
		{"|b1", []byte{1, 0, 2, 1}, []float64{1, 0, 1, 1}},
	}
	for _, major := range []byte{1, 2, 3} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("v%d/%s", major, c.descr), func(t *testing.T) {
				a, err := ReadNpy(bytes.NewReader(tNpy(major, tNpyDict(c.descr, false, "(2, 2)"), c.data)))
				if err != nil {
					t.Fatal(err)
				}
				for i := range c.want {
					if a.Data[i] != c.want[i] {
						t.Fatalf("Data = %v, want %v", a.Data, c.want)
					}
				}
			})
		}
	}
}

func TestReadNpyOrderAndShapes(t *testing.T) {
	le := binary.LittleEndian
	var f64 []byte
	for _, v := range []float64{1, 4, 2, 5, 3, 6} { // [1 2 3; 4 5 6] in Fortran order
		f64 = le.AppendUint64(f64, math.Float64bits(v))
	}
	a, err := ReadNpy(bytes.NewReader(tNpy(1, tNpyDict("<f8", true, "(2, 3)"), f64)))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 2, 3, 4, 5, 6}
	for i := range want {
		if a.Data[i] != want[i] {
			t.Fatalf("Fortran data read as %v, want %v", a.Data, want)
		}
	}
	if !a.FortranOrder {
		t.Error("FortranOrder not reported")
	}
	// 3-d Fortran array (2, 1, 3): element (i, 0, k) = 10*i + k stored with i fastest.
	var f3 []byte
	for k := 0; k < 3; k++ {
		for i := 0; i < 2; i++ {
			f3 = le.AppendUint64(f3, math.Float64bits(float64(10*i+k)))
		}
	}
	a3, err := ReadNpy(bytes.NewReader(tNpy(1, tNpyDict("<f8", true, "(2, 1, 3)"), f3)))
	if err != nil {
		t.Fatal(err)
	}
	want3 := []float64{0, 1, 2, 10, 11, 12}
	for i := range want3 {
		if a3.Data[i] != want3[i] {
			t.Fatalf("3-d Fortran data read as %v, want %v", a3.Data, want3)
		}
	}
	if _, err := a3.Matrix(); err == nil {
		t.Error("3-d array converted to a matrix")
	}
	// scalar, 1-d, empty
	sc, err := ReadNpy(bytes.NewReader(tNpy(1, "{'descr':'<f8','fortran_order':False,'shape':()}", f64[:8])))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := sc.Matrix(); err != nil || m.At(0, 0) != 1 || len(sc.Shape) != 0 {
		t.Errorf("scalar: shape %v matrix err %v", sc.Shape, err)
	}
	e, err := ReadNpy(bytes.NewReader(tNpy(1, tNpyDict("<f8", false, "(0, 3)"), nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Matrix(); err == nil {
		t.Error("empty array converted to a matrix")
	}
}

func TestReadNpyErrors(t *testing.T) {
	f8 := make([]byte, 32)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated magic"},
		{"magic", []byte("\x93NUMPX\x01\x00\x10\x00"), "bad magic"},
		{"version", []byte("\x93NUMPY\x04\x00\x10\x00"), "unsupported format version 4.0"},
		{"short header", tNpy(1, tNpyDict("<f8", false, "(2, 2)"), nil)[:40], "truncated header"},
		{"truncated data", tNpy(1, tNpyDict("<f8", false, "(2, 2)"), f8[:20]), "truncated data"},
		{"complex", tNpy(1, tNpyDict("<c16", false, "(2,)"), f8), "unsupported dtype"},
		{"string", tNpy(1, tNpyDict("<U3", false, "(2,)"), f8), "unsupported dtype"},
		{"object", tNpy(1, tNpyDict("|O", false, "(2,)"), f8), "unsupported dtype"},
		{"structured", tNpy(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", f8), "structured"},
		{"missing key", tNpy(1, "{'descr': '<f8', 'shape': (2,), }", f8), "missing key"},
		{"extra key", tNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", f8), "unexpected key"},
		{"bad bool", tNpy(1, "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", f8), "True or False"},
		{"negative", tNpy(1, tNpyDict("<f8", false, "(-2,)"), f8), "non-negative integer"},
		{"huge shape", tNpy(1, tNpyDict("<f8", false, "(4000000000, 4000000000)"), f8), "too large"},
		{"forged shape", tNpy(1, tNpyDict("<f8", false, "(1000, 1000)"), f8), "truncated data"},
		{"shape over the cap", tNpy(1, tNpyDict("|b1", false, "(8193, 8193)"), f8), "shape [8193 8193] has 67125249 elements, over the limit of 67108864 (512 MiB as float64)"},
		{"non-ascii v1", tNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\xc3\xa9", f8), "non-ASCII"},
		{"huge header", append([]byte("\x93NUMPY\x02\x00"), 0xff, 0xff, 0xff, 0x7f), "exceeds the limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadNpy(bytes.NewReader(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "snnio: npy: ") {
				t.Errorf("err = %v, want snnio: npy: ...%s", err, c.want)
			}
		})
	}
}

func TestReadNpyForgedShapeMemory(t *testing.T) {
	data := tNpy(1, tNpyDict("<f8", false, "(60000, 60000)"), make([]byte, 64))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadNpy(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("forged shape accepted")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("forged shape made the reader allocate %d bytes", alloc)
	}
}

// TestNpyNumpyInterop checks our files against NumPy when it is installed (Debian:
// python3-numpy); it is skipped otherwise.
func TestNpyNumpyInterop(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		testskip.Skip(t, testskip.NumPy, "python3-numpy not installed: skipping the NumPy cross-check")
	}
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.npy")
	if err := WriteNpyFile(ours, mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6.5})); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.float64 and a.shape == (2, 3), (a.dtype, a.shape)
assert (a == np.array([[1, 2, 3], [4, 5, 6.5]])).all(), a
d = sys.argv[2]
b = np.arange(6).reshape(2, 3)
np.save(d + "/i8.npy", b.astype("<i8"))
np.save(d + "/f4be.npy", b.astype(">f4"))
np.save(d + "/fortran.npy", np.asfortranarray(b.astype(np.float64)))
np.save(d + "/bool.npy", b % 2 == 1)
np.lib.format.write_array(open(d + "/v2.npy", "wb"), b.astype(np.int32), version=(2, 0))
np.lib.format.write_array(open(d + "/v3.npy", "wb"), b.astype(np.float32), version=(3, 0))
`
	if out, err := exec.Command(py, "-c", script, ours, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy rejected our file or failed: %v\n%s", err, out)
	}
	for _, name := range []string{"i8", "f4be", "fortran", "bool", "v2", "v3"} {
		a, err := ReadNpyFile(filepath.Join(dir, name+".npy"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for k, v := range a.Data {
			want := float64(k)
			if name == "bool" {
				want = float64(k % 2)
			}
			if v != want || len(a.Shape) != 2 || a.Shape[0] != 2 || a.Shape[1] != 3 {
				t.Errorf("%s: shape %v data %v", name, a.Shape, a.Data)
				break
			}
		}
	}
	if _, err := os.Stat(ours); err != nil {
		t.Error(err)
	}
}
