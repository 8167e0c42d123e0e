package snnio

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// FuzzReadMat feeds arbitrary bytes to ReadMat: it must never panic, and whatever it accepts
// must be self-consistent and survive a write/read round trip.
func FuzzReadMat(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	var plain, packed bytes.Buffer
	v := MatVar{Name: "W", Rows: 2, Cols: 3, Data: []float64{1, 2, 3, 4, 5, 6}}
	WriteMat(&plain, v, MatVar{Name: "long_name", Rows: 1, Cols: 1, Data: []float64{9}})
	WriteMatCompressed(&packed, v)
	f.Add(plain.Bytes())
	f.Add(packed.Bytes())
	for _, bo := range []tOrder{le, be} {
		f.Add(tMatFile(bo, tMatMatrix(bo, tMatFlags(bo, mxDOUBLE, 0, 0), tMatDims(bo, 1, 3), tMatName(bo, "s"),
			tMatSmall(bo, miUINT8, []byte{7, 8, 9}))))
		var ir, jc []byte
		for _, x := range []uint32{1, 0} {
			ir = bo.AppendUint32(ir, x)
		}
		for _, x := range []uint32{0, 1, 2} {
			jc = bo.AppendUint32(jc, x)
		}
		f.Add(tMatFile(bo, tCompress(bo, tMatMatrix(bo, tMatFlags(bo, mxSPARSE, 0, 2), tMatDims(bo, 2, 2), tMatName(bo, "sp"),
			tMatElem(bo, miINT32, ir), tMatElem(bo, miINT32, jc), tMatElem(bo, miDOUBLE, tF64(bo, 5, -1))))))
		f.Add(tMatFile(bo, tMatMatrix(bo, tMatFlags(bo, mxCHAR, 0, 0), tMatDims(bo, 1, 2), tMatName(bo, "txt"),
			tMatElem(bo, miUTF16, []byte{0, 'h', 0, 'i'}))))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		mf, err := ReadMat(bytes.NewReader(data))
		if err != nil {
			return
		}
		var valid []MatVar
		for _, v := range mf.Vars {
			if v.Rows < 0 || v.Cols < 0 || len(v.Data) != v.Rows*v.Cols {
				t.Fatalf("variable %q: %d×%d with %d values", v.Name, v.Rows, v.Cols, len(v.Data))
			}
			if matValidName(v.Name) == nil {
				valid = append(valid, v)
			}
		}
		seen := map[string]bool{}
		var uniq []MatVar
		for _, v := range valid {
			if !seen[v.Name] {
				seen[v.Name] = true
				uniq = append(uniq, v)
			}
		}
		var buf bytes.Buffer
		if err := WriteMatCompressed(&buf, uniq...); err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		back, err := ReadMat(&buf)
		if err != nil {
			t.Fatalf("cannot read back what was written: %v", err)
		}
		if len(back.Vars) != len(uniq) {
			t.Fatalf("round trip: %d variables, want %d", len(back.Vars), len(uniq))
		}
		for i, v := range uniq {
			b := back.Vars[i]
			if b.Name != v.Name || b.Rows != v.Rows || b.Cols != v.Cols {
				t.Fatalf("round trip changed %q", v.Name)
			}
			for k := range v.Data {
				if v.Data[k] != b.Data[k] && !(v.Data[k] != v.Data[k] && b.Data[k] != b.Data[k]) {
					t.Fatalf("round trip changed %q[%d]", v.Name, k)
				}
			}
		}
	})
}
