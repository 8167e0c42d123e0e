package snnio

// NumPy .npy reading and writing. Format: the magic "\x93NUMPY", a major and minor version
// byte, a little-endian header length (2 bytes in version 1, 4 bytes in versions 2 and 3), and
// an ASCII (version 3: UTF-8) Python dict literal with the keys 'descr', 'fortran_order' and
// 'shape', padded with blanks and a newline; then the raw array data.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

const (
	npyMagic = "\x93NUMPY"
	// npyMaxHeader bounds the header dict; NumPy itself refuses headers over 10 000 bytes by default.
	npyMaxHeader = 1 << 20
	// npyMaxElements caps the elements ReadNpy decodes (the cap of ReadMat).
	npyMaxElements = matMaxElements
)

// NpyArray is a NumPy array read from a .npy file, converted to float64.
type NpyArray struct {
	// Shape is the array shape: empty for a scalar, one entry for 1-d, two for 2-d, ...
	Shape []int
	// Data holds the values in C (row-major) order, whatever the file's order.
	Data []float64
	// Descr is the file's dtype string, for example "<f8" or "|b1".
	Descr string
	// FortranOrder reports whether the file stored the data in Fortran (column-major) order.
	FortranOrder bool
}

// Matrix returns the array as a matrix sharing Data: a 2-d array as is, a 1-d array of
// length n as a 1×n row (as numpy.atleast_2d does), and a scalar as 1×1. Arrays with more
// dimensions, or with a zero-length dimension, give an error.
func (a *NpyArray) Matrix() (*mat.Dense, error) {
	switch len(a.Shape) {
	case 0:
		return mat.NewDense(1, 1, a.Data), nil
	case 1:
		if a.Shape[0] == 0 {
			return nil, errors.New("snnio: npy: empty array")
		}
		return mat.NewDense(1, a.Shape[0], a.Data), nil
	case 2:
		if a.Shape[0] == 0 || a.Shape[1] == 0 {
			return nil, fmt.Errorf("snnio: npy: empty array of shape %v", a.Shape)
		}
		return mat.NewDense(a.Shape[0], a.Shape[1], a.Data), nil
	}
	return nil, fmt.Errorf("snnio: npy: %d-d array of shape %v is not a matrix", len(a.Shape), a.Shape)
}

// ReadNpyFile reads the .npy file at path; errors name the file.
func ReadNpyFile(path string) (*NpyArray, error) {
	return readFileAs(path, "npy", readNpy)
}

// ReadNpy reads a NumPy .npy array (format versions 1.0, 2.0 and 3.0) of floating ('f2', 'f4',
// 'f8'), signed or unsigned integer (1, 2, 4, 8 bytes) or boolean ('b1') elements in either byte
// order and C or Fortran order, and converts it to float64 in C order. Complex, string and
// structured dtypes and object arrays give an error. Memory grows only with the bytes actually
// read, so a forged shape yields an error rather than a huge allocation, and an array of more
// than 2^26 elements (512 MiB as float64; an 8000 × 8000 weight matrix has 64 000 000) is
// refused from its header.
func ReadNpy(r io.Reader) (*NpyArray, error) {
	a, err := readNpy(r)
	if err != nil {
		return nil, fmt.Errorf("snnio: npy: %w", err)
	}
	return a, nil
}

func readNpy(r io.Reader) (*NpyArray, error) {
	h, dt, count, err := readNpyHeader(r)
	if err != nil {
		return nil, err
	}
	if count > npyMaxElements {
		return nil, fmt.Errorf("shape %v has %d elements, over the limit of %d (%d MiB as float64)", h.shape, count, npyMaxElements, npyMaxElements*8>>20)
	}
	nbytes := count * int64(dt.size)
	raw, err := matReadN(r, nbytes)
	if err != nil {
		return nil, fmt.Errorf("truncated data: shape %v of %s needs %d bytes, file has %d", h.shape, h.descr, nbytes, len(raw))
	}
	data := make([]float64, count)
	for k := range data {
		data[k] = dt.get(raw[k*dt.size:])
	}
	if h.fortran && len(h.shape) > 1 {
		data = npyFortranToC(data, h.shape)
	}
	return &NpyArray{Shape: h.shape, Data: data, Descr: h.descr, FortranOrder: h.fortran}, nil
}

// readNpyHeader reads a .npy preamble and header up to the data: the header, the element
// type and the number of elements (whose bytes fit in an int).
func readNpyHeader(r io.Reader) (npyHeader, npyDtype, int64, error) {
	var none npyHeader
	var pre [10]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		return none, npyDtype{}, 0, fmt.Errorf("truncated magic: %d of 8 bytes", n)
	}
	if string(pre[:6]) != npyMagic {
		return none, npyDtype{}, 0, fmt.Errorf("not a .npy file: bad magic %q", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int64
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return none, npyDtype{}, 0, errors.New("truncated header length at byte 8")
		}
		hlen = int64(binary.LittleEndian.Uint16(pre[8:10]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return none, npyDtype{}, 0, errors.New("truncated header length at byte 8")
		}
		hlen = int64(binary.LittleEndian.Uint32(b[:]))
	default:
		return none, npyDtype{}, 0, fmt.Errorf("unsupported format version %d.%d", major, minor)
	}
	if hlen > npyMaxHeader {
		return none, npyDtype{}, 0, fmt.Errorf("header length %d exceeds the limit of %d bytes", hlen, npyMaxHeader)
	}
	hdr := make([]byte, hlen)
	if n, err := io.ReadFull(r, hdr); err != nil {
		return none, npyDtype{}, 0, fmt.Errorf("truncated header: %d of %d bytes", n, hlen)
	}
	if major < 3 {
		for i, c := range hdr {
			if c >= 0x80 {
				return none, npyDtype{}, 0, fmt.Errorf("non-ASCII byte 0x%02x in a version %d header at offset %d", c, major, i)
			}
		}
	}
	h, err := npyParseHeader(string(hdr))
	if err != nil {
		return none, npyDtype{}, 0, fmt.Errorf("header: %w", err)
	}
	dt, err := npyParseDescr(h.descr)
	if err != nil {
		return none, npyDtype{}, 0, err
	}
	count := int64(1)
	for _, d := range h.shape {
		if d < 0 {
			return none, npyDtype{}, 0, fmt.Errorf("negative dimension in shape %v", h.shape)
		}
		if d != 0 && count > math.MaxInt64/int64(dt.size)/int64(d) {
			return none, npyDtype{}, 0, fmt.Errorf("shape %v is too large", h.shape)
		}
		count *= int64(d)
	}
	if count*int64(dt.size) > math.MaxInt-1 {
		return none, npyDtype{}, 0, fmt.Errorf("shape %v is too large", h.shape)
	}
	return h, dt, count, nil
}

// npyFortranToC reorders column-major data of the given shape into row-major order.
func npyFortranToC(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	n := len(shape)
	idx := make([]int, n)
	// Strides in C order.
	cstride := make([]int, n)
	s := 1
	for i := n - 1; i >= 0; i-- {
		cstride[i] = s
		s *= shape[i]
	}
	for k := range src {
		// idx counts in Fortran order: first index fastest.
		off := 0
		for i := 0; i < n; i++ {
			off += idx[i] * cstride[i]
		}
		dst[off] = src[k]
		for i := 0; i < n; i++ {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return dst
}

type npyDtype struct {
	size int
	get  func(b []byte) float64
}

func npyParseDescr(d string) (npyDtype, error) {
	if len(d) < 2 {
		return npyDtype{}, fmt.Errorf("unsupported dtype %q", d)
	}
	if d == "?" || d == "b1" {
		d = "|b1"
	}
	order, kind, sizeStr := d[0], d[1], d[2:]
	var bo binary.ByteOrder
	switch order {
	case '<', '|', '=':
		bo = binary.LittleEndian
	case '>':
		bo = binary.BigEndian
	default:
		return npyDtype{}, fmt.Errorf("unsupported dtype %q: byte order %q", d, order)
	}
	size, err := strconv.Atoi(sizeStr)
	if err != nil {
		return npyDtype{}, fmt.Errorf("unsupported dtype %q", d)
	}
	bad := func() (npyDtype, error) {
		return npyDtype{}, fmt.Errorf("unsupported dtype %q (want float, integer or bool)", d)
	}
	switch kind {
	case 'f':
		switch size {
		case 2:
			return npyDtype{2, func(b []byte) float64 { return npyHalf(bo.Uint16(b)) }}, nil
		case 4:
			return npyDtype{4, func(b []byte) float64 { return float64(math.Float32frombits(bo.Uint32(b))) }}, nil
		case 8:
			return npyDtype{8, func(b []byte) float64 { return math.Float64frombits(bo.Uint64(b)) }}, nil
		}
	case 'i':
		switch size {
		case 1:
			return npyDtype{1, func(b []byte) float64 { return float64(int8(b[0])) }}, nil
		case 2:
			return npyDtype{2, func(b []byte) float64 { return float64(int16(bo.Uint16(b))) }}, nil
		case 4:
			return npyDtype{4, func(b []byte) float64 { return float64(int32(bo.Uint32(b))) }}, nil
		case 8:
			return npyDtype{8, func(b []byte) float64 { return float64(int64(bo.Uint64(b))) }}, nil
		}
	case 'u':
		switch size {
		case 1:
			return npyDtype{1, func(b []byte) float64 { return float64(b[0]) }}, nil
		case 2:
			return npyDtype{2, func(b []byte) float64 { return float64(bo.Uint16(b)) }}, nil
		case 4:
			return npyDtype{4, func(b []byte) float64 { return float64(bo.Uint32(b)) }}, nil
		case 8:
			return npyDtype{8, func(b []byte) float64 { return float64(bo.Uint64(b)) }}, nil
		}
	case 'b':
		if size == 1 {
			return npyDtype{1, func(b []byte) float64 {
				if b[0] != 0 {
					return 1
				}
				return 0
			}}, nil
		}
	}
	return bad()
}

// npyHalf converts an IEEE 754 half-precision value to float64.
func npyHalf(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * frac * math.Pow(2, -24)
	case 31:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// npyParseHeader parses the Python dict literal of a .npy header.
func npyParseHeader(s string) (npyHeader, error) {
	p := &npyLexer{s: s}
	var h npyHeader
	seen := map[string]bool{}
	if !p.eat('{') {
		return h, p.errf("want '{'")
	}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(':') {
			return h, p.errf("want ':' after key %q", key)
		}
		switch key {
		case "descr":
			h.descr, err = p.str()
			if err != nil {
				if p.peek() == '[' {
					return h, errors.New("structured dtypes are not supported")
				}
				return h, err
			}
		case "fortran_order":
			h.fortran, err = p.boolean()
		case "shape":
			h.shape, err = p.tuple()
		default:
			return h, fmt.Errorf("unexpected key %q", key)
		}
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if p.eat('}') {
			break
		}
		if !p.eat(',') {
			return h, p.errf("want ',' or '}'")
		}
	}
	p.skip()
	if p.i != len(p.s) {
		return h, p.errf("unexpected text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("missing key %q", k)
		}
	}
	return h, nil
}

type npyLexer struct {
	s string
	i int
}

func (p *npyLexer) errf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *npyLexer) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *npyLexer) peek() byte {
	p.skip()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *npyLexer) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *npyLexer) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errf("want a string")
	}
	p.i++
	j := strings.IndexByte(p.s[p.i:], q)
	if j < 0 {
		return "", p.errf("unterminated string")
	}
	v := p.s[p.i : p.i+j]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", p.errf("escapes in strings are not supported")
	}
	p.i += j + 1
	return v, nil
}

func (p *npyLexer) boolean() (bool, error) {
	p.skip()
	switch {
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, nil
	}
	return false, p.errf("want True or False")
}

func (p *npyLexer) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.errf("want '(' for the shape")
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, nil
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, p.errf("want a non-negative integer in the shape")
		}
		d, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil || d > math.MaxInt32*int64(1<<16) {
			return nil, p.errf("dimension %s is too large", p.s[p.i:j])
		}
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long literal
			p.i++
		}
		shape = append(shape, int(d))
		if len(shape) > 32 {
			return nil, p.errf("more than 32 dimensions")
		}
		if p.eat(')') {
			// "(5)" without the comma is not a tuple in Python; NumPy never writes it, but
			// it is unambiguous, so it is accepted.
			return shape, nil
		}
		if !p.eat(',') {
			return nil, p.errf("want ',' or ')' in the shape")
		}
	}
}

// WriteNpy writes m as a 2-d little-endian float64 ('<f8') array in C order, format version 1.0.
func WriteNpy(w io.Writer, m mat.Matrix) error {
	r, c := m.Dims()
	return writeNpy(w, []int{r, c}, func(buf []byte) []byte {
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(m.At(i, j)))
			}
		}
		return buf
	}, r*c)
}

// WriteNpyVector writes v as a 1-d little-endian float64 array (shape (n,)).
func WriteNpyVector(w io.Writer, v []float64) error {
	return writeNpy(w, []int{len(v)}, func(buf []byte) []byte {
		for _, x := range v {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
		}
		return buf
	}, len(v))
}

// WriteNpyFile writes m to path with WriteNpy, atomically.
func WriteNpyFile(path string, m mat.Matrix) error {
	return writeAtomic(path, func(w io.Writer) error { return WriteNpy(w, m) })
}

func writeNpy(w io.Writer, shape []int, fill func([]byte) []byte, n int) error {
	var sh strings.Builder
	sh.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			sh.WriteString(", ")
		}
		sh.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		sh.WriteByte(',')
	}
	sh.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", sh.String())
	// Pad with blanks so that magic + version + length + header is a multiple of 64, ending in '\n'.
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString(npyMagic)
	b.Write([]byte{1, 0})
	if len(hdr) > math.MaxUint16 {
		return errors.New("snnio: npy: header too long")
	}
	var l [2]byte
	binary.LittleEndian.PutUint16(l[:], uint16(len(hdr)))
	b.Write(l[:])
	b.WriteString(hdr)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("snnio: npy: %w", err)
	}
	buf := fill(make([]byte, 0, 8*n))
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("snnio: npy: %w", err)
	}
	return nil
}
