package snnio

import (
	"bytes"
	"compress/zlib"
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

// tOrder is a byte order that can also append.
type tOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// Builders of raw MAT v5 bytes, so tests can make files the writer never produces
// (big-endian, small elements, other classes).

func tMatElem(bo tOrder, typ uint32, data []byte) []byte {
	b := bo.AppendUint32(nil, typ)
	b = bo.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

func tMatSmall(bo tOrder, typ uint32, data []byte) []byte {
	if len(data) > 4 {
		panic("small element holds at most 4 bytes")
	}
	b := bo.AppendUint32(nil, uint32(len(data))<<16|typ)
	var d [4]byte
	copy(d[:], data)
	return append(b, d[:]...)
}

func tMatFlags(bo tOrder, class byte, flagBits uint32, nzmax uint32) []byte {
	d := bo.AppendUint32(nil, uint32(class)|flagBits)
	d = bo.AppendUint32(d, nzmax)
	return tMatElem(bo, miUINT32, d)
}

func tMatDims(bo tOrder, dims ...int32) []byte {
	var d []byte
	for _, x := range dims {
		d = bo.AppendUint32(d, uint32(x))
	}
	return tMatElem(bo, miINT32, d)
}

func tMatName(bo tOrder, name string) []byte {
	if len(name) <= 4 {
		return tMatSmall(bo, miINT8, []byte(name))
	}
	return tMatElem(bo, miINT8, []byte(name))
}

func tMatMatrix(bo tOrder, parts ...[]byte) []byte {
	return tMatElem(bo, miMATRIX, bytes.Join(parts, nil))
}

func tMatFile(bo tOrder, elems ...[]byte) []byte {
	hdr := make([]byte, 128)
	copy(hdr, "MATLAB 5.0 MAT-file, test")
	for i := 25; i < 116; i++ {
		hdr[i] = ' '
	}
	bo.PutUint16(hdr[124:], 0x0100)
	if bo == binary.LittleEndian {
		copy(hdr[126:], "IM")
	} else {
		copy(hdr[126:], "MI")
	}
	return append(hdr, bytes.Join(elems, nil)...)
}

func tCompress(bo tOrder, elem []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(elem)
	zw.Close()
	b := bo.AppendUint32(nil, miCOMPRESSED)
	b = bo.AppendUint32(b, uint32(z.Len()))
	return append(b, z.Bytes()...)
}

func tF64(bo tOrder, v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = bo.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func TestWriteReadMatRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		v    MatVar
	}{
		{"scalar", MatVar{Name: "x", Rows: 1, Cols: 1, Data: []float64{3.5}}},
		{"row", MatVar{Name: "rowvec", Rows: 1, Cols: 4, Data: []float64{1, 2, 3, 4}}},
		{"column", MatVar{Name: "colvec", Rows: 3, Cols: 1, Data: []float64{-1, 0, 1}}},
		{"rect", MatVar{Name: "A", Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}}},
		{"specials", MatVar{Name: "weights_long_name_1", Rows: 2, Cols: 2, Data: []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e-300}}},
		{"empty", MatVar{Name: "e", Rows: 0, Cols: 3, Data: []float64{}}},
	}
	for _, compress := range []bool{false, true} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/compress=%v", c.name, compress), func(t *testing.T) {
				var buf bytes.Buffer
				write := WriteMat
				if compress {
					write = WriteMatCompressed
				}
				if err := write(&buf, c.v, MatVar{Name: "second", Rows: 1, Cols: 1, Data: []float64{7}}); err != nil {
					t.Fatal(err)
				}
				if buf.Len()%8 != 0 && !compress {
					t.Errorf("uncompressed file length %d is not a multiple of 8", buf.Len())
				}
				mf, err := ReadMat(&buf)
				if err != nil {
					t.Fatal(err)
				}
				if len(mf.Vars) != 2 || len(mf.Skipped) != 0 {
					t.Fatalf("got vars %v skipped %v, want 2 vars", mf.Names(), mf.Skipped)
				}
				got := mf.Vars[0]
				if got.Name != c.v.Name || got.Rows != c.v.Rows || got.Cols != c.v.Cols || got.Class != "double" {
					t.Fatalf("got %s %s %d×%d, want %s double %d×%d", got.Name, got.Class, got.Rows, got.Cols, c.v.Name, c.v.Rows, c.v.Cols)
				}
				for i := range c.v.Data {
					if math.Float64bits(got.Data[i]) != math.Float64bits(c.v.Data[i]) {
						t.Errorf("Data[%d] = %v, want %v", i, got.Data[i], c.v.Data[i])
					}
				}
				if mf.Vars[1].Name != "second" || mf.Vars[1].Data[0] != 7 {
					t.Errorf("second variable = %+v", mf.Vars[1])
				}
			})
		}
	}
}

func TestWriteMatNaNAndLayout(t *testing.T) {
	// The bytes on disk are column-major: a 2×3 matrix [1 2 3; 4 5 6] is stored 1 4 2 5 3 6.
	var buf bytes.Buffer
	v := MatVar{Name: "M", Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, math.NaN()}}
	if err := WriteMat(&buf, v); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	vals := b[len(b)-48:]
	want := []float64{1, 4, 2, 5, 3}
	for i, w := range want {
		if got := math.Float64frombits(binary.LittleEndian.Uint64(vals[8*i:])); got != w {
			t.Errorf("stored value %d = %v, want %v", i, got, w)
		}
	}
	mf, err := ReadMat(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(mf.Vars[0].Data[5]) {
		t.Errorf("NaN did not round-trip: %v", mf.Vars[0].Data[5])
	}
}

func TestWriteMatErrors(t *testing.T) {
	cases := []struct {
		name string
		vars []MatVar
		want string
	}{
		{"bad name", []MatVar{{Name: "1x", Rows: 1, Cols: 1, Data: []float64{1}}}, "invalid MATLAB variable name"},
		{"empty name", []MatVar{{Name: "", Rows: 1, Cols: 1, Data: []float64{1}}}, "invalid MATLAB variable name"},
		{"long name", []MatVar{{Name: strings.Repeat("a", 64), Rows: 1, Cols: 1, Data: []float64{1}}}, "1 to 63"},
		{"shape", []MatVar{{Name: "a", Rows: 2, Cols: 2, Data: []float64{1}}}, "does not match"},
		{"duplicate", []MatVar{{Name: "a", Rows: 1, Cols: 1, Data: []float64{1}}, {Name: "a", Rows: 1, Cols: 1, Data: []float64{1}}}, "duplicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := WriteMat(&bytes.Buffer{}, c.vars...)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "snnio: mat: ") {
				t.Errorf("err = %v, want snnio: mat: ...%s", err, c.want)
			}
		})
	}
}

// TestReadMatHandMade reads files built element by element: both byte orders, small elements,
// values stored in narrower types than their class, sparse and logical arrays, and
// non-numeric variables that must be skipped and reported.
func TestReadMatHandMade(t *testing.T) {
	for _, bo := range []tOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(fmt.Sprint(bo), func(t *testing.T) {
			// double class stored as miUINT8 in a small element (MATLAB does this for small ints)
			small := tMatMatrix(bo, tMatFlags(bo, mxDOUBLE, 0, 0), tMatDims(bo, 1, 3), tMatName(bo, "s"),
				tMatSmall(bo, miUINT8, []byte{7, 8, 9}))
			// int16 class, 2×2, column-major [1 -2; 3 -4] stored as 1 3 -2 -4
			var i16 []byte
			for _, x := range []int16{1, 3, -2, -4} {
				i16 = bo.AppendUint16(i16, uint16(x))
			}
			int16v := tMatMatrix(bo, tMatFlags(bo, mxINT16, 0, 0), tMatDims(bo, 2, 2), tMatName(bo, "ints16"),
				tMatElem(bo, miINT16, i16))
			// single class
			var f32 []byte
			for _, x := range []float32{0.5, -1.25} {
				f32 = bo.AppendUint32(f32, math.Float32bits(x))
			}
			single := tMatMatrix(bo, tMatFlags(bo, mxSINGLE, 0, 0), tMatDims(bo, 2, 1), tMatName(bo, "sgl"),
				tMatElem(bo, miSINGLE, f32))
			// logical 1×2
			logical := tMatMatrix(bo, tMatFlags(bo, mxUINT8, 0x0200, 0), tMatDims(bo, 1, 2), tMatName(bo, "flag"),
				tMatSmall(bo, miUINT8, []byte{1, 0}))
			// sparse 3×2 with (row 2, col 0) = 5 and (row 0, col 1) = -1
			var ir, jc []byte
			for _, x := range []int32{2, 0} {
				ir = bo.AppendUint32(ir, uint32(x))
			}
			for _, x := range []int32{0, 1, 2} {
				jc = bo.AppendUint32(jc, uint32(x))
			}
			sparse := tMatMatrix(bo, tMatFlags(bo, mxSPARSE, 0, 2), tMatDims(bo, 3, 2), tMatName(bo, "sp"),
				tMatElem(bo, miINT32, ir), tMatElem(bo, miINT32, jc), tMatElem(bo, miDOUBLE, tF64(bo, 5, -1)))
			// char, struct (body irrelevant), complex, and 3-d arrays are skipped
			char := tMatMatrix(bo, tMatFlags(bo, mxCHAR, 0, 0), tMatDims(bo, 1, 2), tMatName(bo, "txt"),
				tMatElem(bo, miUTF16, []byte{0, 'h', 0, 'i'}))
			strct := tMatMatrix(bo, tMatFlags(bo, mxSTRUCT, 0, 0), tMatDims(bo, 1, 1), tMatName(bo, "opts"),
				tMatSmall(bo, miINT32, bo.AppendUint32(nil, 32)))
			cplx := tMatMatrix(bo, tMatFlags(bo, mxDOUBLE, 0x0800, 0), tMatDims(bo, 1, 1), tMatName(bo, "z"),
				tMatElem(bo, miDOUBLE, tF64(bo, 1)), tMatElem(bo, miDOUBLE, tF64(bo, 2)))
			cube := tMatMatrix(bo, tMatFlags(bo, mxDOUBLE, 0, 0), tMatDims(bo, 1, 1, 2), tMatName(bo, "cube"),
				tMatElem(bo, miDOUBLE, tF64(bo, 1, 2)))
			flat3 := tMatMatrix(bo, tMatFlags(bo, mxDOUBLE, 0, 0), tMatDims(bo, 2, 1, 1), tMatName(bo, "flat3"),
				tMatElem(bo, miDOUBLE, tF64(bo, 1, 2)))
			unnamed := tMatMatrix(bo, tMatFlags(bo, mxUINT8, 0, 0), tMatDims(bo, 1, 2), tMatElem(bo, miINT8, nil),
				tMatSmall(bo, miUINT8, []byte{1, 2}))
			file := tMatFile(bo, small, tCompress(bo, int16v), single, logical, char, sparse, strct, tCompress(bo, cplx), cube, flat3, unnamed)
			mf, err := ReadMat(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				name, class string
				r, c        int
				data        []float64
			}{
				{"s", "double", 1, 3, []float64{7, 8, 9}},
				{"ints16", "int16", 2, 2, []float64{1, -2, 3, -4}},
				{"sgl", "single", 2, 1, []float64{0.5, -1.25}},
				{"flag", "logical", 1, 2, []float64{1, 0}},
				{"sp", "sparse", 3, 2, []float64{0, -1, 0, 0, 5, 0}},
				{"flat3", "double", 2, 1, []float64{1, 2}},
			}
			if len(mf.Vars) != len(want) {
				t.Fatalf("vars %v, want %d", mf.Names(), len(want))
			}
			for i, w := range want {
				v := mf.Vars[i]
				if v.Name != w.name || v.Class != w.class || v.Rows != w.r || v.Cols != w.c {
					t.Errorf("var %d = %s %s %d×%d, want %s %s %d×%d", i, v.Name, v.Class, v.Rows, v.Cols, w.name, w.class, w.r, w.c)
					continue
				}
				for k := range w.data {
					if v.Data[k] != w.data[k] {
						t.Errorf("%s.Data = %v, want %v", v.Name, v.Data, w.data)
						break
					}
				}
			}
			skipped := map[string]string{}
			for _, s := range mf.Skipped {
				skipped[s.Name] = s.Class
			}
			for name, class := range map[string]string{"txt": "char", "opts": "struct", "z": "double", "cube": "double", "": "uint8"} {
				if skipped[name] != class {
					t.Errorf("skipped[%q] = %q, want %q (all skipped: %+v)", name, skipped[name], class, mf.Skipped)
				}
			}
			if _, err := mf.Matrix("txt"); err == nil || !strings.Contains(err.Error(), "not numeric") {
				t.Errorf("Matrix(txt) err = %v, want not numeric", err)
			}
			if _, err := mf.Matrix("nope"); err == nil || !strings.Contains(err.Error(), "no variable") {
				t.Errorf("Matrix(nope) err = %v", err)
			}
		})
	}
}

func TestReadMatErrors(t *testing.T) {
	le := binary.LittleEndian
	good := tMatMatrix(le, tMatFlags(le, mxDOUBLE, 0, 0), tMatDims(le, 2, 2), tMatName(le, "a"), tMatElem(le, miDOUBLE, tF64(le, 1, 2, 3, 4)))
	// a matrix whose data element holds 3 values for a 2×2 shape
	short := tMatMatrix(le, tMatFlags(le, mxDOUBLE, 0, 0), tMatDims(le, 2, 2), tMatName(le, "a"), tMatElem(le, miDOUBLE, tF64(le, 1, 2, 3)))
	// a header declaring 2 GiB for a miMATRIX that holds 40 bytes
	huge := le.AppendUint32(nil, miMATRIX)
	huge = le.AppendUint32(huge, 0x7fffffff)
	huge = append(huge, make([]byte, 40)...)
	// compressed element whose zlib stream is garbage
	garbage := le.AppendUint32(nil, miCOMPRESSED)
	garbage = le.AppendUint32(garbage, 16)
	garbage = append(garbage, 0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	hdr := tMatFile(le)
	badEndian := append([]byte(nil), hdr...)
	copy(badEndian[126:], "XX")
	badVersion := append([]byte(nil), hdr...)
	le.PutUint16(badVersion[124:], 0x0300)
	v73 := append([]byte(nil), hdr...)
	le.PutUint16(v73[124:], 0x0200)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated header"},
		{"short header", hdr[:100], "truncated header: 100 of 128"},
		{"hdf5", append([]byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}, make([]byte, 200)...), "v7.3"},
		{"endian", badEndian, "bad endian indicator"},
		{"version", badVersion, "unsupported MAT version 0x0300"},
		{"v7.3 header", v73, "v7.3 (HDF5) is not supported"},
		{"truncated tag", append(append([]byte(nil), hdr...), 1, 2, 3), "truncated element tag at byte 128"},
		{"truncated matrix", tMatFile(le, good)[:128+40], "truncated matrix element at byte 128"},
		{"short data", tMatFile(le, short), "need 4 values"},
		{"forged size", tMatFile(le, huge), "truncated matrix element at byte 128"},
		{"garbage zlib", tMatFile(le, garbage), "compressed element at byte 128"},
		{"truncated compressed", tMatFile(le, tCompress(le, good))[:128+20], "truncated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadMat(bytes.NewReader(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "snnio: mat: ") {
				t.Errorf("err = %v, want snnio: mat: ...%s", err, c.want)
			}
		})
	}
}

// TestReadMatForgedSizeMemory checks that declared sizes do not drive allocation.
func TestReadMatForgedSizeMemory(t *testing.T) {
	le := binary.LittleEndian
	huge := le.AppendUint32(nil, miMATRIX)
	huge = le.AppendUint32(huge, 0xfffffff0)
	huge = append(huge, make([]byte, 64)...)
	// And inside a compressed element: a miMATRIX tag declaring 4 GiB followed by nothing.
	inner := le.AppendUint32(nil, miMATRIX)
	inner = le.AppendUint32(inner, 0xfffffff0)
	for _, data := range [][]byte{tMatFile(le, huge), tMatFile(le, tCompress(le, inner))} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadMat(bytes.NewReader(data))
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatal("forged size accepted")
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("forged size made the reader allocate %d bytes", alloc)
		}
	}
}

// TestReadMatTruncatedEverywhere cuts a valid file at every length: the reader must return an
// error or a prefix of the variables, never panic.
func TestReadMatTruncatedEverywhere(t *testing.T) {
	var buf bytes.Buffer
	a := MatVar{Name: "alpha", Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}}
	b := MatVar{Name: "b", Rows: 1, Cols: 1, Data: []float64{9}}
	if err := WriteMatCompressed(&buf, a, b); err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := WriteMat(&plain, a, b); err != nil {
		t.Fatal(err)
	}
	for _, file := range [][]byte{buf.Bytes(), plain.Bytes()} {
		for n := 0; n < len(file); n++ {
			mf, err := ReadMat(bytes.NewReader(file[:n]))
			if err == nil && len(mf.Vars) >= 2 {
				t.Errorf("prefix of %d/%d bytes read as complete", n, len(file))
			}
		}
	}
}

func TestReadMatFileNamesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "broken.mat")
	if err := os.WriteFile(p, tMatFile(binary.LittleEndian)[:64], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadMatFile(p)
	if err == nil || !strings.HasPrefix(err.Error(), "snnio: broken.mat: mat: truncated header") {
		t.Errorf("err = %v", err)
	}
	if _, err := ReadMatFile(filepath.Join(dir, "missing.mat")); err == nil || !strings.HasPrefix(err.Error(), "snnio: ") {
		t.Errorf("missing file err = %v", err)
	}
}

func TestWriteMatFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.mat")
	m := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	if err := WriteMatFile(p, MatVarOf("W", m)); err != nil {
		t.Fatal(err)
	}
	mf, err := ReadMatFile(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := mf.Matrix("W")
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got, m) {
		t.Errorf("got %v, want %v", mat.Formatted(got), mat.Formatted(m))
	}
	// A failing write leaves the old file and no temporary behind.
	if err := WriteMatFile(p, MatVar{Name: "bad name"}); err == nil {
		t.Fatal("invalid variable accepted")
	}
	if _, err := ReadMatFile(p); err != nil {
		t.Errorf("old file damaged: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries after a failed write, want 1", len(ents))
	}
}

// TestReadMatAuthorsFiles reads the authors' data (docs/MODEL.md Appendix A) and checks the shapes
// and the post × pre orientation of the trained matrix.
func TestReadMatAuthorsFiles(t *testing.T) {
	cases := []struct {
		file, name string
		rows, cols int
	}{
		{"FF60b_2400_nc160.mat", "A", 3000, 3000},
		{"supervisor_600.mat", "supervisor", 45, 6001},
		{"supervisor_parallel.mat", "supervisor", 5, 4001},
		{"timePoints.mat", "timePoints", 79, 80},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			mf, err := ReadMatFile(testskip.AuthorsFile(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := mf.Matrix(c.name)
			if err != nil {
				t.Fatalf("%v (variables %v)", err, mf.Names())
			}
			if r, cc := m.Dims(); r != c.rows || cc != c.cols {
				t.Fatalf("%s is %d×%d, want %d×%d", c.name, r, cc, c.rows, c.cols)
			}
			for _, v := range m.RawMatrix().Data {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s holds a non-finite value", c.name)
				}
			}
		})
	}
	t.Run("orientation", func(t *testing.T) {
		mf, err := ReadMatFile(testskip.AuthorsFile(t, "FF60b_2400_nc160.mat"))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := mf.Matrix("A")
		// docs/MODEL.md 4.2: the strong off-diagonal E→E block sits at (rows of cluster k+1,
		// columns of cluster k); the transposed block is weak.
		fwd := mat.Sum(a.Slice(160, 320, 0, 160))
		bwd := mat.Sum(a.Slice(0, 160, 160, 320))
		if fwd < 2*bwd {
			t.Errorf("forward block sum %.0f is not well above backward %.0f: orientation wrong?", fwd, bwd)
		}
		if d := a.At(5, 5); d != 0 {
			t.Errorf("diagonal entry = %v, want 0 (no autapses)", d)
		}
	})
}

// TestMatScipyInterop checks our files against an independent implementation when SciPy is
// installed (Debian: python3-scipy); it is skipped otherwise.
func TestMatScipyInterop(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import scipy.io").Run(); err != nil {
		testskip.Skip(t, testskip.NumPy, "python3-scipy not installed: skipping the SciPy cross-check")
	}
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.mat")
	v := MatVar{Name: "Wtest", Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6.5}}
	if err := WriteMatFile(ours, v); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dir, "theirs.mat")
	script := `
import sys, numpy as np, scipy.io as sio
d = sio.loadmat(sys.argv[1])
w = d["Wtest"]
assert w.shape == (2, 3), w.shape
assert (w == np.array([[1, 2, 3], [4, 5, 6.5]])).all(), w
sio.savemat(sys.argv[2], {"B": np.arange(12, dtype=np.int16).reshape(3, 4), "name": "text", "s": {"f": 1}}, do_compression=True)
`
	if out, err := exec.Command(py, "-c", script, ours, theirs).CombinedOutput(); err != nil {
		t.Fatalf("scipy rejected our file: %v\n%s", err, out)
	}
	mf, err := ReadMatFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mf.Matrix("B")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			if b.At(i, j) != float64(4*i+j) {
				t.Fatalf("B[%d,%d] = %v, want %d", i, j, b.At(i, j), 4*i+j)
			}
		}
	}
	if len(mf.Skipped) != 2 {
		t.Errorf("skipped = %+v, want the char and struct variables", mf.Skipped)
	}
}

// tMatZeros returns a MAT-file holding one compressed miMATRIX named "W" of class cls with
// rows×cols zero values of data type typ (size bytes each), streamed through zlib so the
// test never holds the decompressed body.
func tMatZeros(t *testing.T, cls byte, flagBits uint32, typ uint32, size int, rows, cols int32) []byte {
	t.Helper()
	le := binary.LittleEndian
	n := int64(rows) * int64(cols) * int64(size)
	head := append(tMatFlags(le, cls, flagBits, 0), tMatDims(le, rows, cols)...)
	head = append(head, tMatName(le, "W")...)
	head = le.AppendUint32(head, typ)
	head = le.AppendUint32(head, uint32(n))
	pad := (8 - n%8) % 8
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	tag := le.AppendUint32(nil, miMATRIX)
	tag = le.AppendUint32(tag, uint32(int64(len(head))+n+pad))
	zw.Write(tag)
	zw.Write(head)
	zero := make([]byte, 1<<20)
	for left := n + pad; left > 0; {
		k := min(left, int64(len(zero)))
		zw.Write(zero[:k])
		left -= k
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	b := le.AppendUint32(nil, miCOMPRESSED)
	b = le.AppendUint32(b, uint32(z.Len()))
	return tMatFile(le, append(b, z.Bytes()...))
}

// TestReadMatDecodedSizeCap checks that the decoded size of an array is bounded from its
// dimensions before its values are read (issue 13: a 261-KB file holding a 16384 × 16383
// int8 matrix made exp replay allocate 2.5 GB).
func TestReadMatDecodedSizeCap(t *testing.T) {
	if 8000*8000 > matMaxElements {
		t.Fatalf("the cap %d does not admit the 8000 × 8000 song network", matMaxElements)
	}
	le := binary.LittleEndian
	// An uncompressed double array just over the cap, declaring its full size but holding
	// 8 KiB: refused from its dimensions (not "truncated").
	over := tMatMatrix(le, tMatFlags(le, mxDOUBLE, 0, 0), tMatDims(le, 8193, 8193), tMatName(le, "W"), make([]byte, 8192))
	binary.LittleEndian.PutUint32(over[4:], uint32(16+16+8+8+8*8193*8193%(1<<32)))
	// A 2×2 double whose element declares 1 GiB (its values need 32 bytes), followed by
	// zeros in a compressed stream.
	var bloat bytes.Buffer
	zw := zlib.NewWriter(&bloat)
	inner := tMatMatrix(le, tMatFlags(le, mxDOUBLE, 0, 0), tMatDims(le, 2, 2), tMatName(le, "W"), tMatElem(le, miDOUBLE, tF64(le, 1, 2, 3, 4)))
	le.PutUint32(inner[4:], 1<<30)
	zw.Write(inner)
	zw.Write(make([]byte, 8<<20))
	zw.Close()
	bloatEl := le.AppendUint32(nil, miCOMPRESSED)
	bloatEl = le.AppendUint32(bloatEl, uint32(bloat.Len()))
	bloatEl = append(bloatEl, bloat.Bytes()...)
	cases := []struct {
		name string
		data func() []byte
		want string // "" for success
	}{
		{"issue int8 16384x16383", func() []byte { return tMatZeros(t, mxINT8, 0, miINT8, 1, 16384, 16383) }, "16384×16383 int8 array decodes to 2048 MiB of float64, over the limit of 67108864 elements (512 MiB)"},
		{"double over the cap", func() []byte { return tMatFile(le, over) }, "8193×8193 double array decodes to"},
		{"sparse over the cap", func() []byte {
			return tMatFile(le, tCompress(le, tMatMatrix(le, tMatFlags(le, mxSPARSE, 0, 1), tMatDims(le, 16384, 16384), tMatName(le, "W"), make([]byte, 5000))))
		}, "16384×16384 sparse array decodes to"},
		{"body larger than its values", func() []byte { return tMatFile(le, bloatEl) }, "declares 1073741824 bytes, more than the 80"},
		{"big char array skipped unbuffered", func() []byte { return tMatZeros(t, mxCHAR, 0, miUTF16, 2, 16384, 4096) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.data()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			mf, err := ReadMat(bytes.NewReader(data))
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("reading a %d-byte file allocated %d MiB", len(data), alloc>>20)
			}
			if c.want == "" {
				if err != nil || len(mf.Skipped) != 1 || mf.Skipped[0].Class != "char" {
					t.Errorf("got %+v, %v; want one skipped char array", mf, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want ...%s", err, c.want)
			}
		})
	}
}

// TestReadMatFileDirectory checks that a directory is called one, not a truncated file.
func TestReadMatFileDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "x.mat")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(string) error{
		"mat":  func(p string) error { _, err := ReadMatFile(p); return err },
		"npy":  func(p string) error { _, err := ReadNpyFile(p); return err },
		"text": func(p string) error { _, err := ReadTextFile(p); return err },
		"load": func(p string) error { _, err := LoadWeights(p); return err },
	} {
		if err := read(dir); err == nil || err.Error() != "snnio: "+dir+" is a directory" {
			t.Errorf("%s: err = %v, want snnio: %s is a directory", name, err, dir)
		}
	}
}
