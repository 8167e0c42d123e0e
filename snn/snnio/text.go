package snnio

// Delimited text matrices, as written by Julia's writedlm (tab-separated by default).

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// textMaxLine bounds the length of one line of a text matrix (64 MiB).
const textMaxLine = 64 << 20

// textMaxElements caps the values of a text matrix (the cap of ReadMat: 2^26, 512 MiB as
// float64).
const textMaxElements = matMaxElements

// ReadTextFile reads the delimited text matrix at path; errors name the file.
func ReadTextFile(path string) (*mat.Dense, error) {
	f, err := ioOpen(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := readText(f)
	if err != nil {
		return nil, fmt.Errorf("snnio: %s: text: %w", filepath.Base(path), err)
	}
	return m, nil
}

// ReadText reads a matrix of numbers, one row per line, as written by Julia's writedlm or
// numpy.savetxt. Fields are separated by tabs, commas or runs of blanks; the separator is
// taken from the first data line (tab if it has one, else comma, else blanks). Blank lines and
// lines starting with '#' are ignored, as are blanks around fields, a UTF-8 byte-order mark
// and CRLF line ends. Values are decimal floats in Go or Julia syntax, including Inf and NaN, or
// true/false (1/0). Every row must have the same number of fields. The matrix is returned as
// laid out in the file: ReadText does not transpose (LoadWeights does, for Julia weights).
// A matrix of more than 2^26 values is refused.
func ReadText(r io.Reader) (*mat.Dense, error) {
	m, err := readText(r)
	if err != nil {
		return nil, fmt.Errorf("snnio: text: %w", err)
	}
	return m, nil
}

func readText(r io.Reader) (*mat.Dense, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), textMaxLine)
	var (
		data  []float64
		cols  = -1
		rows  int
		line  int
		delim byte // '\t', ',' or ' ' (runs of blanks)
	)
	for sc.Scan() {
		line++
		s := sc.Text()
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff") // a byte-order mark from Windows tools
		}
		t := strings.TrimSpace(s) // also drops the CR of CRLF line ends
		if t == "" || t[0] == '#' {
			continue
		}
		if delim == 0 {
			switch {
			case strings.IndexByte(t, '\t') >= 0:
				delim = '\t'
			case strings.IndexByte(t, ',') >= 0:
				delim = ','
			default:
				delim = ' '
			}
		}
		var fields []string
		if delim == ' ' {
			fields = strings.Fields(t)
		} else {
			fields = strings.Split(t, string(delim))
		}
		if cols < 0 {
			cols = len(fields)
		} else if len(fields) != cols {
			return nil, fmt.Errorf("line %d has %d fields, want %d like the first row", line, len(fields), cols)
		}
		if int64(len(data))+int64(len(fields)) > textMaxElements {
			return nil, fmt.Errorf("line %d: more than %d values, the limit (%d MiB as float64)", line, textMaxElements, textMaxElements*8>>20)
		}
		for k, f := range fields {
			v, err := textParseValue(strings.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("line %d, field %d: %v", line, k+1, err)
			}
			data = append(data, v)
		}
		rows++
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, fmt.Errorf("line %d is longer than %d bytes", line+1, textMaxLine)
		}
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	if rows == 0 {
		return nil, fmt.Errorf("no data (%d lines read)", line)
	}
	return mat.NewDense(rows, cols, data), nil
}

func textParseValue(f string) (float64, error) {
	if f == "" {
		return 0, fmt.Errorf("empty field")
	}
	switch f {
	case "true":
		return 1, nil
	case "false":
		return 0, nil
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, nil // ±Inf or 0 for out-of-range magnitudes, as Julia's parse does
		}
		if len(f) > 40 {
			f = f[:40] + "..."
		}
		return 0, fmt.Errorf("%q is not a number", f)
	}
	return v, nil
}

// WriteText writes m with one row per line and fields separated by delim (writedlm uses '\t').
// Values use the shortest decimal form that reads back to the same float64. delim must be a
// tab, comma or blank, the separators ReadText recognises.
func WriteText(w io.Writer, m mat.Matrix, delim rune) error {
	switch delim {
	case '\t', ',', ' ':
	default:
		return fmt.Errorf("snnio: text: unsupported delimiter %q", delim)
	}
	r, c := m.Dims()
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 32)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if j > 0 {
				bw.WriteByte(byte(delim))
			}
			buf = strconv.AppendFloat(buf[:0], m.At(i, j), 'g', -1, 64)
			bw.Write(buf)
		}
		if err := bw.WriteByte('\n'); err != nil {
			return fmt.Errorf("snnio: text: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("snnio: text: %w", err)
	}
	return nil
}

// WriteTextFile writes m to path with WriteText, atomically.
func WriteTextFile(path string, m mat.Matrix, delim rune) error {
	return writeAtomic(path, func(w io.Writer) error { return WriteText(w, m, delim) })
}
