package snnio

// MATLAB level-5 MAT-file reading and writing (docs/MODEL.md Appendix A).
//
// A MAT v5 file is a 128-byte header followed by data elements. Each element is an 8-byte tag
// (type, byte count) followed by its data padded to a multiple of 8 bytes, or a 4-byte "small"
// tag followed by up to 4 data bytes when the upper 16 bits of the type word are non-zero.
// Variables are miMATRIX elements, possibly wrapped in a zlib-compressed miCOMPRESSED element.
// Numeric arrays are stored column-major; this file converts them to row-major float64.

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MAT v5 data types (the type field of an element tag).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

// MAT v5 array classes (the low byte of the array flags).
const (
	mxCELL     = 1
	mxSTRUCT   = 2
	mxOBJECT   = 3
	mxCHAR     = 4
	mxSPARSE   = 5
	mxDOUBLE   = 6
	mxSINGLE   = 7
	mxINT8     = 8
	mxUINT8    = 9
	mxINT16    = 10
	mxUINT16   = 11
	mxINT32    = 12
	mxUINT32   = 13
	mxINT64    = 14
	mxUINT64   = 15
	mxFUNCTION = 16
	mxOPAQUE   = 17
)

const (
	// matHeaderLen is the size of the MAT v5 file header in bytes.
	matHeaderLen = 128
	// matMaxElements caps the number of elements of one variable (dense or sparse) that
	// the reader will decode: 2^26 float64 values = 512 MiB, enough for the 8000 × 8000
	// weight matrix of the song network (64 000 000 elements). The cap is checked from the
	// array's dimensions before any of its values are read, because an int8 array decodes
	// to 8 times its stored size and a compressed one to far more than the file's.
	matMaxElements = 1 << 26
	// matMaxTotal caps the elements decoded from one file, all variables together (1 GiB
	// of float64).
	matMaxTotal = 2 * matMaxElements
	// matHeadLen is how much of a miMATRIX body is read first to check its array flags and
	// dimensions against the caps; the dimensions must fit in it.
	matHeadLen = 4096
	// matReadChunk is the largest allocation made ahead of the bytes actually read; beyond it
	// buffers grow by doubling as data arrives.
	matReadChunk = 1 << 20
)

var matClassNames = map[byte]string{
	mxCELL: "cell", mxSTRUCT: "struct", mxOBJECT: "object", mxCHAR: "char", mxSPARSE: "sparse",
	mxDOUBLE: "double", mxSINGLE: "single", mxINT8: "int8", mxUINT8: "uint8", mxINT16: "int16",
	mxUINT16: "uint16", mxINT32: "int32", mxUINT32: "uint32", mxINT64: "int64", mxUINT64: "uint64",
	mxFUNCTION: "function_handle", mxOPAQUE: "opaque",
}

func matClassName(c byte) string {
	if n, ok := matClassNames[c]; ok {
		return n
	}
	return fmt.Sprintf("class %d", c)
}

// MatVar is one numeric variable of a MAT-file, converted to float64.
//
// Data holds Rows*Cols values in row-major order (element (i, j) is Data[i*Cols+j]), although
// MAT-files store them column-major. A 1-D MATLAB vector is a 1×n or n×1 matrix, as in MATLAB.
type MatVar struct {
	Name  string    // variable name
	Class string    // MATLAB class of the stored values: "double", "single", "int32", "logical", "sparse", ...
	Rows  int       // first dimension
	Cols  int       // second dimension
	Data  []float64 // Rows*Cols values, row-major
}

// Dense returns the variable as a Rows×Cols matrix that shares Data.
// It panics if the variable is empty (0 rows or columns), which gonum matrices cannot represent.
func (v MatVar) Dense() *mat.Dense {
	if v.Rows == 0 || v.Cols == 0 {
		panic(fmt.Sprintf("snnio: MatVar %q is empty (%d×%d)", v.Name, v.Rows, v.Cols))
	}
	return mat.NewDense(v.Rows, v.Cols, v.Data)
}

// MatSkipped records a variable that ReadMat did not convert, and why.
type MatSkipped struct {
	Name   string // variable name
	Class  string // MATLAB class, for example "char", "struct", "cell"
	Reason string // why it was not converted
}

// MatFile is the content of a MAT-file: its numeric variables in file order, and the
// variables that were skipped (char, struct, cell, object, complex, N-d...).
type MatFile struct {
	Header  string       // descriptive text of the header, trailing blanks removed
	Vars    []MatVar     // numeric variables, in file order
	Skipped []MatSkipped // variables that were not converted, in file order
}

// Var returns the numeric variable called name.
func (f *MatFile) Var(name string) (MatVar, bool) {
	for _, v := range f.Vars {
		if v.Name == name {
			return v, true
		}
	}
	return MatVar{}, false
}

// Names returns the names of the numeric variables in file order.
func (f *MatFile) Names() []string {
	names := make([]string, len(f.Vars))
	for i, v := range f.Vars {
		names[i] = v.Name
	}
	return names
}

// Matrix returns the numeric variable called name as a matrix sharing the variable's data.
// It is an error if there is no such numeric variable or it is empty.
func (f *MatFile) Matrix(name string) (*mat.Dense, error) {
	v, ok := f.Var(name)
	if !ok {
		for _, s := range f.Skipped {
			if s.Name == name {
				return nil, fmt.Errorf("snnio: mat: variable %q is not numeric (%s: %s)", name, s.Class, s.Reason)
			}
		}
		return nil, fmt.Errorf("snnio: mat: no variable %q (have %s)", name, strings.Join(f.Names(), ", "))
	}
	if v.Rows == 0 || v.Cols == 0 {
		return nil, fmt.Errorf("snnio: mat: variable %q is empty (%d×%d)", name, v.Rows, v.Cols)
	}
	return v.Dense(), nil
}

// ReadMatFile reads the MAT v5 file at path; errors name the file.
func ReadMatFile(path string) (*MatFile, error) {
	return readFileAs(path, "mat", readMat)
}

// ReadMat reads a MATLAB level-5 MAT-file (the default format up to v7; v7.3 files are HDF5
// and are rejected with an error saying so). Both byte orders, zlib-compressed (v7) and
// uncompressed variables, small data elements and all numeric classes (converted to float64)
// are supported, as well as logical and real sparse arrays (expanded to dense). Variables of
// other classes (char, struct, cell, object), complex arrays and arrays with more than two
// non-singleton dimensions are listed in Skipped instead of failing the read.
//
// Sizes declared in the file are never trusted for allocation: memory grows only with the
// bytes actually read, so a forged header yields an error, not a huge allocation. Decoded
// sizes are bounded too, before any value is read: a variable may hold at most 2^26
// elements (512 MiB as float64; the 8000 × 8000 song network has 64 000 000) and a file at
// most 2^27 in all, and a numeric array's element may not declare more bytes than its
// values need; arrays that are skipped are passed over without being buffered.
func ReadMat(r io.Reader) (*MatFile, error) {
	mf, err := readMat(r)
	if err != nil {
		return nil, fmt.Errorf("snnio: mat: %w", err)
	}
	return mf, nil
}

// matCounter counts the bytes read through it, so errors can give file offsets.
type matCounter struct {
	r io.Reader
	n int64
}

func (c *matCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func readMat(r io.Reader) (*MatFile, error) {
	cr := &matCounter{r: r}
	var hdr [matHeaderLen]byte
	if n, err := io.ReadFull(cr, hdr[:]); err != nil {
		if n >= 4 && bytes.Equal(hdr[:4], []byte{0x89, 'H', 'D', 'F'}) {
			return nil, errors.New("HDF5 file: MAT v7.3 is not supported, save with -v7 or -v6")
		}
		return nil, fmt.Errorf("truncated header: %d of %d bytes", n, matHeaderLen)
	}
	if bytes.HasPrefix(hdr[:], []byte{0x89, 'H', 'D', 'F'}) {
		return nil, errors.New("HDF5 file: MAT v7.3 is not supported, save with -v7 or -v6")
	}
	var bo binary.ByteOrder
	switch string(hdr[126:128]) {
	case "IM":
		bo = binary.LittleEndian
	case "MI":
		bo = binary.BigEndian
	default:
		if bytes.HasPrefix(hdr[:], []byte("MATLAB 7.3")) {
			return nil, errors.New("MAT v7.3 (HDF5) is not supported, save with -v7 or -v6")
		}
		return nil, fmt.Errorf("not a MAT v5 file: bad endian indicator %q at byte 126", hdr[126:128])
	}
	if v := bo.Uint16(hdr[124:126]); v != 0x0100 {
		if v == 0x0200 {
			return nil, errors.New("MAT v7.3 (HDF5) is not supported, save with -v7 or -v6")
		}
		return nil, fmt.Errorf("unsupported MAT version 0x%04x at byte 124 (want 0x0100)", v)
	}
	mf := &MatFile{Header: strings.TrimRight(string(bytes.TrimRight(hdr[:116], "\x00")), " ")}
	budget := int64(matMaxTotal) // elements the file may still decode
	for {
		start := cr.n
		var tag [8]byte
		n, err := io.ReadFull(cr, tag[:])
		if err == io.EOF {
			return mf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("truncated element tag at byte %d (%d of 8 bytes)", start, n)
		}
		typ, nbytes := bo.Uint32(tag[0:4]), bo.Uint32(tag[4:8])
		if typ>>16 != 0 {
			// A small element at top level carries no variable; skip it.
			continue
		}
		switch typ {
		case miCOMPRESSED:
			if err := matReadCompressed(cr, bo, int64(nbytes), start, mf, &budget); err != nil {
				return nil, err
			}
		case miMATRIX:
			body, err := matReadBody(cr, int64(nbytes), bo, &budget)
			var lim *matLimitError
			if errors.As(err, &lim) {
				return nil, fmt.Errorf("matrix element at byte %d: %w", start, err)
			}
			if err != nil {
				return nil, fmt.Errorf("truncated matrix element at byte %d: %d of %d bytes", start, matGot(body, err), nbytes)
			}
			if err := matParseMatrix(body, bo, start+8, mf); err != nil {
				return nil, err
			}
			if err := matSkipPad(cr, int64(nbytes), start); err != nil {
				return nil, err
			}
		default:
			if _, err := io.CopyN(io.Discard, cr, int64(nbytes)); err != nil {
				return nil, fmt.Errorf("truncated element of type %d at byte %d", typ, start)
			}
			if err := matSkipPad(cr, int64(nbytes), start); err != nil {
				return nil, err
			}
		}
	}
}

// matSkipPad consumes the padding after an element of n data bytes. A file that ends inside
// the padding of its last element is accepted, as MATLAB's own reader does.
func matSkipPad(r io.Reader, n int64, start int64) error {
	pad := (8 - n%8) % 8
	if pad == 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, r, pad)
	if err != nil && !(err == io.EOF && m == 0) {
		return fmt.Errorf("truncated padding after element at byte %d", start)
	}
	return nil
}

// matReadN reads exactly n bytes, allocating no more than matReadChunk ahead of the data
// actually present. On a short read it returns what it got and the error of io.ReadFull
// (io.ErrUnexpectedEOF or io.EOF when the data simply ended).
func matReadN(r io.Reader, n int64) ([]byte, error) {
	if n < 0 {
		return nil, io.ErrUnexpectedEOF
	}
	first := min(n, matReadChunk)
	buf := make([]byte, first)
	got, err := io.ReadFull(r, buf)
	if err != nil {
		return buf[:got], err
	}
	for int64(len(buf)) < n {
		want := min(n, int64(len(buf))*2)
		nb := make([]byte, want)
		copy(nb, buf)
		got, err := io.ReadFull(r, nb[len(buf):])
		if err != nil {
			return nb[:len(buf)+got], err
		}
		buf = nb
	}
	return buf, nil
}

// matLimitError is a variable refused by the caps on decoded sizes (matMaxElements,
// matMaxTotal) or whose element declares more bytes than its values need.
type matLimitError struct{ msg string }

func (e *matLimitError) Error() string { return e.msg }

// matShortError is the short read of a skipped array's body, with the bytes it held.
type matShortError struct{ got int64 }

func (e *matShortError) Error() string { return io.ErrUnexpectedEOF.Error() }
func (e *matShortError) Unwrap() error { return io.ErrUnexpectedEOF }

// matGot returns how many bytes of a body were read: len(body), or what a matShortError says.
func matGot(body []byte, err error) int64 {
	var se *matShortError
	if errors.As(err, &se) {
		return se.got
	}
	return int64(len(body))
}

// matReadBody reads the n-byte body of a miMATRIX element. It reads the array flags and
// dimensions first and, before reading any value, refuses a numeric array whose decoded size
// exceeds matMaxElements or what is left of the file's budget, or whose body declares more
// bytes than its values need (*matLimitError). The body of an array that matParseMatrix will
// skip (char, struct, cell, complex, N-d...) is passed over: only its head is returned. Short
// reads return what was read and the error of io.ReadFull, like matReadN.
func matReadBody(r io.Reader, n int64, bo binary.ByteOrder, budget *int64) ([]byte, error) {
	head, err := matReadN(r, min(n, matHeadLen))
	if err != nil || int64(len(head)) == n {
		return head, err
	}
	lim := func(format string, a ...any) ([]byte, error) {
		return nil, &matLimitError{fmt.Sprintf(format, a...)}
	}
	// Parse the array flags and the dimensions, which must lie in the head.
	flags, rest, err := matNext(head, bo, -1, "array flags")
	if err != nil || flags.typ != miUINT32 || len(flags.data) < 8 {
		return lim("array flags do not fit in the first %d of its %d bytes", len(head), n)
	}
	dimsEl, rest, err := matNext(rest, bo, -1, "dimensions")
	if err != nil || dimsEl.typ != miINT32 || len(dimsEl.data)%4 != 0 || len(dimsEl.data) < 8 || len(rest) < 8 {
		return lim("array dimensions do not fit in the first %d of its %d bytes", len(head), n)
	}
	used := int64(len(head) - len(rest)) // flags and dimensions
	fw := bo.Uint32(flags.data[0:4])
	class := byte(fw & 0xff)
	nzmax := int64(bo.Uint32(flags.data[4:8]))
	nd := false // more than two non-singleton dimensions
	var rows, cols int64
	for i := 0; i < len(dimsEl.data)/4; i++ {
		d := int64(int32(bo.Uint32(dimsEl.data[4*i:])))
		if d < 0 {
			return head, nil // matParseMatrix reports it
		}
		switch i {
		case 0:
			rows = d
		case 1:
			cols = d
		default:
			nd = nd || d != 1
		}
	}
	count := rows * cols
	// The name element's size, from its tag (a small element takes 8 bytes).
	nameLen := int64(8)
	if w := bo.Uint32(rest[0:4]); w>>16 == 0 {
		nameLen = 8 + (int64(bo.Uint32(rest[4:8]))+7)/8*8
	}
	numeric := false
	switch class {
	case mxDOUBLE, mxSINGLE, mxINT8, mxUINT8, mxINT16, mxUINT16, mxINT32, mxUINT32, mxINT64, mxUINT64, mxSPARSE:
		numeric = true
	}
	if !numeric || nd || fw&0x0800 != 0 {
		// Skipped by matParseMatrix: pass over the rest without buffering it.
		m, err := io.CopyN(io.Discard, r, n-int64(len(head)))
		if err != nil {
			return head, &matShortError{int64(len(head)) + m}
		}
		return head, nil
	}
	need := used + nameLen
	size := func(k int64) string { return fmt.Sprintf("%.0f MiB", float64(8*k)/(1<<20)) }
	if count > matMaxElements {
		return lim("%d×%d %s array decodes to %s of float64, over the limit of %d elements (%s)", rows, cols, matClassName(class), size(count), matMaxElements, size(matMaxElements))
	}
	if count > *budget {
		return lim("%d×%d %s array would bring the file's decoded variables over the limit of %d elements (%s)", rows, cols, matClassName(class), matMaxTotal, size(matMaxTotal))
	}
	if class == mxSPARSE {
		if nzmax > matMaxElements {
			return lim("sparse array declares %d non-zeros, over the limit of %d", nzmax, matMaxElements)
		}
		// row indices, column starts and values, each with its tag and padding
		need += 8 + (4*nzmax+7)/8*8 + 8 + (4*(cols+1)+7)/8*8 + 8 + 8*max(nzmax, 1)
	} else {
		need += 8 + 8*count
	}
	if n > need {
		return lim("%d×%d %s array declares %d bytes, more than the %d its values can need", rows, cols, matClassName(class), n, need)
	}
	*budget -= count
	rem, err := matReadN(r, n-int64(len(head)))
	body := append(head, rem...)
	return body, err
}

// matEOFReader records whether the underlying reader reached its end.
type matEOFReader struct {
	r   io.Reader
	eof bool
}

func (e *matEOFReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.eof = true
	}
	return n, err
}

func matReadCompressed(r io.Reader, bo binary.ByteOrder, nbytes int64, start int64, mf *MatFile, budget *int64) error {
	src := &matEOFReader{r: r}
	lr := &io.LimitedReader{R: src, N: nbytes}
	// zerr explains a failure inside the compressed stream: the file ended, or the zlib data
	// (or the element it holds) is bad.
	zerr := func(err error, what string) error {
		if src.eof && lr.N > 0 {
			return fmt.Errorf("truncated compressed element at byte %d: file ends %d bytes early", start, lr.N)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("compressed element at byte %d: %s: zlib stream ends early", start, what)
		}
		return fmt.Errorf("compressed element at byte %d: %s: corrupt zlib data: %v", start, what, err)
	}
	zr, err := zlib.NewReader(lr)
	if err != nil {
		return zerr(err, "zlib header")
	}
	var tag [8]byte
	if _, err := io.ReadFull(zr, tag[:]); err != nil {
		return zerr(err, "tag")
	}
	typ, n := bo.Uint32(tag[0:4]), bo.Uint32(tag[4:8])
	if typ != miMATRIX {
		// Not a variable: drain it and move on.
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return zerr(err, fmt.Sprintf("element of type %d", typ))
		}
	} else {
		body, err := matReadBody(zr, int64(n), bo, budget)
		var lim *matLimitError
		if errors.As(err, &lim) {
			return fmt.Errorf("compressed element at byte %d: %w", start, err)
		}
		if err != nil {
			if src.eof && lr.N > 0 || !(errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
				return zerr(err, "matrix")
			}
			return fmt.Errorf("compressed element at byte %d: matrix declares %d bytes but holds %d", start, n, matGot(body, err))
		}
		if err := matParseMatrix(body, bo, -1, mf); err != nil {
			return fmt.Errorf("compressed element at byte %d: %w", start, err)
		}
		// Read to the end of the zlib stream so its checksum is verified.
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return zerr(err, "after the matrix")
		}
	}
	// Skip what remains of the element so the next one starts where the tag says.
	if _, err := io.Copy(io.Discard, lr); err != nil {
		return fmt.Errorf("compressed element at byte %d: %v", start, err)
	}
	if lr.N > 0 {
		return fmt.Errorf("truncated compressed element at byte %d: file ends %d bytes early", start, lr.N)
	}
	return nil
}

// matElem is one sub-element of a miMATRIX body.
type matElem struct {
	typ  uint32
	data []byte
}

// matNext splits the next sub-element off buf at offset off (for messages; -1 when the
// offset is inside a compressed stream and unknown).
func matNext(buf []byte, bo binary.ByteOrder, off int64, what string) (matElem, []byte, error) {
	at := func() string {
		if off < 0 {
			return ""
		}
		return fmt.Sprintf(" at byte %d", off)
	}
	if len(buf) < 8 {
		return matElem{}, nil, fmt.Errorf("truncated %s tag%s", what, at())
	}
	w := bo.Uint32(buf[0:4])
	if w>>16 != 0 {
		n := w >> 16
		if n > 4 {
			return matElem{}, nil, fmt.Errorf("bad small element for %s%s: %d bytes", what, at(), n)
		}
		return matElem{typ: w & 0xffff, data: buf[4 : 4+n]}, buf[8:], nil
	}
	n := int64(bo.Uint32(buf[4:8]))
	if n > int64(len(buf)-8) {
		return matElem{}, nil, fmt.Errorf("truncated %s%s: declares %d bytes, %d left", what, at(), n, len(buf)-8)
	}
	data := buf[8 : 8+n]
	rest := buf[8+n:]
	if pad := int((8 - n%8) % 8); pad <= len(rest) {
		rest = rest[pad:]
	} else {
		rest = rest[len(rest):]
	}
	return matElem{typ: w, data: data}, rest, nil
}

// matParseMatrix decodes the body of a miMATRIX element and appends the variable to mf.
func matParseMatrix(body []byte, bo binary.ByteOrder, off int64, mf *MatFile) error {
	total := len(body)
	pos := func(rest []byte) int64 {
		if off < 0 {
			return -1
		}
		return off + int64(total-len(rest))
	}
	if len(body) == 0 {
		return nil // an empty miMATRIX: MATLAB writes these for empty cells
	}
	flags, rest, err := matNext(body, bo, pos(body), "array flags")
	if err != nil {
		return err
	}
	if flags.typ != miUINT32 || len(flags.data) < 8 {
		return fmt.Errorf("bad array flags element (type %d, %d bytes)", flags.typ, len(flags.data))
	}
	fw := bo.Uint32(flags.data[0:4])
	class := byte(fw & 0xff)
	complexFlag := fw&0x0800 != 0
	logical := fw&0x0200 != 0
	nzmax := bo.Uint32(flags.data[4:8])

	dimsEl, rest2, err := matNext(rest, bo, pos(rest), "dimensions")
	if err != nil {
		return err
	}
	rest = rest2
	if dimsEl.typ != miINT32 || len(dimsEl.data)%4 != 0 || len(dimsEl.data) < 8 {
		return fmt.Errorf("bad dimensions element (type %d, %d bytes)", dimsEl.typ, len(dimsEl.data))
	}
	dims := make([]int, len(dimsEl.data)/4)
	for i := range dims {
		d := int32(bo.Uint32(dimsEl.data[4*i:]))
		if d < 0 {
			return fmt.Errorf("negative dimension %d", d)
		}
		dims[i] = int(d)
	}
	nameEl, rest2, err := matNext(rest, bo, pos(rest), "array name")
	if err != nil {
		return err
	}
	rest = rest2
	if nameEl.typ != miINT8 && nameEl.typ != miUINT8 && nameEl.typ != miUTF8 {
		return fmt.Errorf("bad array name element (type %d)", nameEl.typ)
	}
	name := string(nameEl.data)
	className := matClassName(class)
	if logical {
		className = "logical"
	}
	skip := func(reason string) error {
		mf.Skipped = append(mf.Skipped, MatSkipped{Name: name, Class: className, Reason: reason})
		return nil
	}
	if name == "" {
		// MATLAB stores the function-workspace subsystem (handles, objects) as an unnamed
		// uint8 array; it is not user data.
		return skip("unnamed subsystem data")
	}
	// Dimensions beyond the second must all be 1 for a matrix.
	for _, d := range dims[2:] {
		if d != 1 {
			return skip(fmt.Sprintf("%d-d array %v is not a matrix", len(dims), dims))
		}
	}
	rows, cols := dims[0], dims[1]
	count := int64(rows) * int64(cols)
	if complexFlag {
		return skip("complex arrays are not supported")
	}
	switch class {
	case mxDOUBLE, mxSINGLE, mxINT8, mxUINT8, mxINT16, mxUINT16, mxINT32, mxUINT32, mxINT64, mxUINT64:
	case mxSPARSE:
		return matSparse(rest, bo, pos, name, rows, cols, int64(nzmax), logical, mf)
	default:
		return skip("not a numeric array")
	}
	re, _, err := matNext(rest, bo, pos(rest), "real part of "+matQuote(name))
	if err != nil {
		return err
	}
	size := matTypeSize(re.typ)
	if size == 0 {
		return fmt.Errorf("variable %q: unsupported data type %d for values", name, re.typ)
	}
	if n := int64(len(re.data)); n%int64(size) != 0 || n/int64(size) != count {
		return fmt.Errorf("variable %q: dimensions %d×%d need %d values but %d bytes of type %d hold %d",
			name, rows, cols, count, len(re.data), re.typ, int64(len(re.data))/int64(size))
	}
	data := make([]float64, count)
	matDecodeColMajor(data, re.data, re.typ, bo, rows, cols)
	mf.Vars = append(mf.Vars, MatVar{Name: name, Class: className, Rows: rows, Cols: cols, Data: data})
	return nil
}

func matQuote(s string) string { return fmt.Sprintf("%q", s) }

// matSparse decodes a real sparse array (compressed sparse columns: row indices ir, column
// starts jc, values pr) into a dense row-major variable.
func matSparse(rest []byte, bo binary.ByteOrder, pos func([]byte) int64, name string, rows, cols int, nzmax int64, logical bool, mf *MatFile) error {
	class := "sparse"
	if logical {
		class = "sparse logical"
	}
	count := int64(rows) * int64(cols)
	// The dimensions of a sparse array are not backed by stored bytes: cap the expansion at
	// matMaxElements, and at 1024 elements per stored byte (at least 4 Mi elements), so a
	// forged header cannot make the reader allocate much more than the file justifies.
	limit := min(int64(matMaxElements), max(1<<22, 1024*int64(len(rest))))
	if count > limit {
		return fmt.Errorf("variable %q: sparse %d×%d is too large to expand to a dense matrix (limit %d elements)", name, rows, cols, limit)
	}
	irEl, rest, err := matNext(rest, bo, pos(rest), "sparse row indices")
	if err != nil {
		return err
	}
	jcEl, rest, err := matNext(rest, bo, pos(rest), "sparse column starts")
	if err != nil {
		return err
	}
	if irEl.typ != miINT32 && irEl.typ != miUINT32 || jcEl.typ != miINT32 && jcEl.typ != miUINT32 {
		return fmt.Errorf("variable %q: sparse index elements must be int32", name)
	}
	if len(jcEl.data) != 4*(cols+1) {
		return fmt.Errorf("variable %q: sparse column starts hold %d bytes, want %d", name, len(jcEl.data), 4*(cols+1))
	}
	nnz := int(bo.Uint32(jcEl.data[4*cols:]))
	if nnz < 0 || int64(nnz) > nzmax && nzmax > 0 || 4*nnz > len(irEl.data) {
		return fmt.Errorf("variable %q: sparse array declares %d non-zeros but has %d row indices", name, nnz, len(irEl.data)/4)
	}
	vals := make([]float64, nnz)
	if logical && len(rest) == 0 {
		for i := range vals {
			vals[i] = 1
		}
	} else {
		pr, _, err := matNext(rest, bo, pos(rest), "sparse values")
		if err != nil {
			return err
		}
		size := matTypeSize(pr.typ)
		if size == 0 {
			return fmt.Errorf("variable %q: unsupported data type %d for sparse values", name, pr.typ)
		}
		if len(pr.data) < nnz*size {
			return fmt.Errorf("variable %q: sparse array has %d values, want %d", name, len(pr.data)/size, nnz)
		}
		matDecodeColMajor(vals, pr.data[:nnz*size], pr.typ, bo, nnz, 1)
	}
	data := make([]float64, count)
	prev := 0
	for c := 0; c < cols; c++ {
		lo, hi := int(int32(bo.Uint32(jcEl.data[4*c:]))), int(int32(bo.Uint32(jcEl.data[4*c+4:])))
		if lo != prev || hi < lo || hi > nnz {
			return fmt.Errorf("variable %q: sparse column starts are not increasing at column %d", name, c)
		}
		prev = hi
		for k := lo; k < hi; k++ {
			r := int(int32(bo.Uint32(irEl.data[4*k:])))
			if r < 0 || r >= rows {
				return fmt.Errorf("variable %q: sparse row index %d out of range [0, %d)", name, r, rows)
			}
			data[r*cols+c] += vals[k]
		}
	}
	mf.Vars = append(mf.Vars, MatVar{Name: name, Class: class, Rows: rows, Cols: cols, Data: data})
	return nil
}

// matTypeSize returns the byte size of a numeric MAT data type, or 0.
func matTypeSize(t uint32) int {
	switch t {
	case miINT8, miUINT8:
		return 1
	case miINT16, miUINT16:
		return 2
	case miINT32, miUINT32, miSINGLE:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// matDecodeColMajor converts rows*cols values of type typ stored column-major in src into
// row-major float64 in dst.
func matDecodeColMajor(dst []float64, src []byte, typ uint32, bo binary.ByteOrder, rows, cols int) {
	var get func(k int) float64
	switch typ {
	case miDOUBLE:
		if bo == binary.LittleEndian {
			get = func(k int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(src[8*k:])) }
		} else {
			get = func(k int) float64 { return math.Float64frombits(binary.BigEndian.Uint64(src[8*k:])) }
		}
	case miSINGLE:
		get = func(k int) float64 { return float64(math.Float32frombits(bo.Uint32(src[4*k:]))) }
	case miINT8:
		get = func(k int) float64 { return float64(int8(src[k])) }
	case miUINT8:
		get = func(k int) float64 { return float64(src[k]) }
	case miINT16:
		get = func(k int) float64 { return float64(int16(bo.Uint16(src[2*k:]))) }
	case miUINT16:
		get = func(k int) float64 { return float64(bo.Uint16(src[2*k:])) }
	case miINT32:
		get = func(k int) float64 { return float64(int32(bo.Uint32(src[4*k:]))) }
	case miUINT32:
		get = func(k int) float64 { return float64(bo.Uint32(src[4*k:])) }
	case miINT64:
		get = func(k int) float64 { return float64(int64(bo.Uint64(src[8*k:]))) }
	case miUINT64:
		get = func(k int) float64 { return float64(bo.Uint64(src[8*k:])) }
	default:
		panic("snnio: internal error: matDecodeColMajor with non-numeric type")
	}
	// Transpose in blocks of columns so that both the reads and the writes stay in cache.
	const block = 32
	for c0 := 0; c0 < cols; c0 += block {
		c1 := min(c0+block, cols)
		if typ == miDOUBLE && bo == binary.LittleEndian {
			// Fast path for the common case (the authors' files): no call per value.
			for r := 0; r < rows; r++ {
				d := dst[r*cols+c0 : r*cols+c1]
				for c := range d {
					d[c] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*((c0+c)*rows+r):]))
				}
			}
			continue
		}
		for r := 0; r < rows; r++ {
			d := dst[r*cols+c0 : r*cols+c1]
			for c := range d {
				d[c] = get((c0+c)*rows + r)
			}
		}
	}
}

// WriteMat writes vars as double matrices to a MAT v5 file without compression. Each
// variable's name must be a valid MATLAB identifier (a letter followed by letters, digits
// and underscores, at most 63 characters) and its Data must hold Rows*Cols row-major values.
// The output is little-endian and deterministic (the header carries no date).
func WriteMat(w io.Writer, vars ...MatVar) error {
	return writeMat(w, false, vars)
}

// WriteMatCompressed is WriteMat with each variable zlib-compressed (the MATLAB -v7 default).
func WriteMatCompressed(w io.Writer, vars ...MatVar) error {
	return writeMat(w, true, vars)
}

// WriteMatFile writes vars, compressed, to the MAT-file at path atomically: the data goes to
// a temporary file in the same directory, which is synced and then renamed over path.
func WriteMatFile(path string, vars ...MatVar) error {
	return writeAtomic(path, func(w io.Writer) error { return writeMat(w, true, vars) })
}

// MatVarOf returns a double MatVar named name holding a copy of m.
func MatVarOf(name string, m mat.Matrix) MatVar {
	r, c := m.Dims()
	data := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			data[i*c+j] = m.At(i, j)
		}
	}
	return MatVar{Name: name, Class: "double", Rows: r, Cols: c, Data: data}
}

func matValidName(s string) error {
	if s == "" || len(s) > 63 {
		return fmt.Errorf("invalid MATLAB variable name %q: need 1 to 63 characters", s)
	}
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '_')
		if !ok {
			return fmt.Errorf("invalid MATLAB variable name %q: must be a letter followed by letters, digits or underscores", s)
		}
	}
	return nil
}

func writeMat(w io.Writer, compress bool, vars []MatVar) error {
	seen := map[string]bool{}
	for _, v := range vars {
		if err := matValidName(v.Name); err != nil {
			return fmt.Errorf("snnio: mat: %v", err)
		}
		if seen[v.Name] {
			return fmt.Errorf("snnio: mat: duplicate variable name %q", v.Name)
		}
		seen[v.Name] = true
		if v.Rows < 0 || v.Cols < 0 || int64(v.Rows)*int64(v.Cols) != int64(len(v.Data)) {
			return fmt.Errorf("snnio: mat: variable %q: %d×%d does not match %d values", v.Name, v.Rows, v.Cols, len(v.Data))
		}
		if v.Rows > math.MaxInt32 || v.Cols > math.MaxInt32 || 8*int64(len(v.Data))+128 > math.MaxUint32 {
			return fmt.Errorf("snnio: mat: variable %q: %d×%d is too large for a MAT v5 element", v.Name, v.Rows, v.Cols)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var hdr [matHeaderLen]byte
	text := "MATLAB 5.0 MAT-file, written by gosnn"
	copy(hdr[:116], text)
	for i := len(text); i < 116; i++ {
		hdr[i] = ' '
	}
	binary.LittleEndian.PutUint16(hdr[124:], 0x0100)
	copy(hdr[126:], "IM")
	if _, err := bw.Write(hdr[:]); err != nil {
		return fmt.Errorf("snnio: mat: %w", err)
	}
	for _, v := range vars {
		var err error
		if compress {
			var buf bytes.Buffer
			zw := zlib.NewWriter(&buf)
			if err = matWriteMatrix(zw, v); err == nil {
				err = zw.Close()
			}
			if err == nil {
				if int64(buf.Len()) > math.MaxUint32 {
					return fmt.Errorf("snnio: mat: variable %q compresses to more than 4 GiB", v.Name)
				}
				var tag [8]byte
				binary.LittleEndian.PutUint32(tag[0:], miCOMPRESSED)
				binary.LittleEndian.PutUint32(tag[4:], uint32(buf.Len()))
				if _, err = bw.Write(tag[:]); err == nil {
					_, err = bw.Write(buf.Bytes())
				}
			}
		} else {
			err = matWriteMatrix(bw, v)
		}
		if err != nil {
			return fmt.Errorf("snnio: mat: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("snnio: mat: %w", err)
	}
	return nil
}

// matWriteMatrix writes one miMATRIX element holding v as a real double array.
func matWriteMatrix(w io.Writer, v MatVar) error {
	le := binary.LittleEndian
	nameLen := len(v.Name)
	nameBytes := 8 + (nameLen+7)/8*8 // normal element with padding
	if nameLen <= 4 {
		nameBytes = 8 // small element
	}
	n := len(v.Data)
	body := 16 + 16 + nameBytes + 8 + 8*n
	head := make([]byte, 0, 8+16+16+nameBytes+8)
	head = le.AppendUint32(head, miMATRIX)
	head = le.AppendUint32(head, uint32(body))
	// array flags
	head = le.AppendUint32(head, miUINT32)
	head = le.AppendUint32(head, 8)
	head = le.AppendUint32(head, mxDOUBLE)
	head = le.AppendUint32(head, 0)
	// dimensions
	head = le.AppendUint32(head, miINT32)
	head = le.AppendUint32(head, 8)
	head = le.AppendUint32(head, uint32(v.Rows))
	head = le.AppendUint32(head, uint32(v.Cols))
	// name
	if nameLen <= 4 {
		head = le.AppendUint32(head, uint32(nameLen)<<16|miINT8)
		var b [4]byte
		copy(b[:], v.Name)
		head = append(head, b[:]...)
	} else {
		head = le.AppendUint32(head, miINT8)
		head = le.AppendUint32(head, uint32(nameLen))
		head = append(head, v.Name...)
		for len(head)%8 != 0 {
			head = append(head, 0)
		}
	}
	// real part, column-major
	head = le.AppendUint32(head, miDOUBLE)
	head = le.AppendUint32(head, uint32(8*n))
	if _, err := w.Write(head); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<15)
	for c := 0; c < v.Cols; c++ {
		for r := 0; r < v.Rows; r++ {
			buf = le.AppendUint64(buf, math.Float64bits(v.Data[r*v.Cols+c]))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err := w.Write(buf)
	return err
}
