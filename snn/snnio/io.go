package snnio

// Weight-file input and output (issue 2).
//
// Conventions for every function in this file and in mat.go, npy.go and text.go:
//   - In memory a network weight matrix is post × pre: W.At(i, j) is the weight of the synapse
//     from presynaptic neuron j onto postsynaptic neuron i, E neurons first, then I
//     (docs/MODEL.md 4.2). A zero entry means "no synapse".
//   - .mat files of the authors and the ones we write are post × pre (docs/MODEL.md Appendix A).
//   - .npy files we write are post × pre, float64, C order.
//   - Delimited text files follow the original Julia code, which stores weights[pre, post]:
//     they are pre × post and are transposed on load and on save.
//   - Writes are atomic: temporary file in the target directory, fsync, rename.
//   - Errors start with "snnio: " and, when a file is involved, name it and its format.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/internal/atomicfile"

	"gonum.org/v1/gonum/mat"
)

// WeightOrientation says how a weight file lays out its matrix.
type WeightOrientation int

const (
	// OrientationByFormat uses the format's convention: .mat and .npy are post × pre,
	// delimited text (as written by the original Julia code) is pre × post.
	OrientationByFormat WeightOrientation = iota
	// PostByPre: rows are postsynaptic neurons, columns presynaptic (the in-memory convention).
	PostByPre
	// PreByPost: rows are presynaptic neurons, columns postsynaptic (Julia's weights[pre, post]);
	// such a matrix is transposed on load and on save.
	PreByPost
)

// String returns the name of the orientation.
func (o WeightOrientation) String() string {
	switch o {
	case OrientationByFormat:
		return "by format"
	case PostByPre:
		return "post×pre"
	case PreByPost:
		return "pre×post"
	}
	return fmt.Sprintf("WeightOrientation(%d)", int(o))
}

// WeightFileOptions adjusts LoadWeightsWith and SaveWeightsWith.
type WeightFileOptions struct {
	// Orientation of the matrix in the file; the zero value follows the format's convention.
	Orientation WeightOrientation
	// Variable names the MAT-file variable to read or write. When loading with an empty
	// Variable, the single square numeric matrix of the file is used (or, among several,
	// the one called like the authors' variable); when saving, it defaults to "W".
	Variable string
	// Square, when loading, requires the matrix to be square (the full network matrix);
	// LoadWeights sets it.
	Square bool
}

// weightFormat returns the format of a weight file from its extension.
func weightFormat(path string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mat":
		return "mat", nil
	case ".npy":
		return "npy", nil
	case ".txt", ".tsv", ".dat", ".dlm", ".csv":
		return "text", nil
	}
	return "", fmt.Errorf("snnio: %s: unknown weight file extension %q (want .mat, .npy, .txt, .tsv or .csv)", filepath.Base(path), filepath.Ext(path))
}

// matWeightNames are the variable names preferred when a MAT-file holds several square
// matrices: the authors' weight variables and our own default.
var matWeightNames = []string{"weights", "W", "A", "w", "Weights"}

// LoadWeights reads a full network weight matrix (square, N×N) from a .mat, .npy or delimited
// text file (.txt, .tsv, .dat, .dlm, .csv) and returns it post × pre (row = postsynaptic
// neuron, column = presynaptic, E neurons first). Text files are taken to be pre × post, as the
// original Julia code writes them, and are transposed; use LoadWeightsWith to override.
func LoadWeights(path string) (*mat.Dense, error) {
	return LoadWeightsWith(path, WeightFileOptions{Square: true})
}

// LoadWeightsWith is LoadWeights with options: the orientation of the file, the MAT variable
// to read, and whether the matrix must be square.
func LoadWeightsWith(path string, opt WeightFileOptions) (*mat.Dense, error) {
	format, err := weightFormat(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	var m *mat.Dense
	switch format {
	case "mat":
		mf, err := ReadMatFile(path)
		if err != nil {
			return nil, err
		}
		m, err = pickMatWeights(mf, opt.Variable)
		if err != nil {
			return nil, fmt.Errorf("snnio: %s: %w", base, err)
		}
	case "npy":
		a, err := ReadNpyFile(path)
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 2 {
			return nil, fmt.Errorf("snnio: %s: npy: weights need a 2-d array, file has shape %v", base, a.Shape)
		}
		m, err = a.Matrix()
		if err != nil {
			return nil, fmt.Errorf("snnio: %s: %w", base, err)
		}
	case "text":
		m, err = ReadTextFile(path)
		if err != nil {
			return nil, err
		}
	}
	orient := opt.Orientation
	if orient == OrientationByFormat {
		orient = PostByPre
		if format == "text" {
			orient = PreByPost
		}
	}
	r, c := m.Dims()
	if opt.Square && r != c {
		return nil, fmt.Errorf("snnio: %s: %s: weight matrix is %d×%d, want square (N×N)", base, format, r, c)
	}
	if orient == PreByPost {
		t := mat.NewDense(c, r, nil)
		t.Copy(m.T())
		m = t
	}
	return m, nil
}

// pickMatWeights chooses the weight matrix of a MAT-file: the named variable, else the single
// square matrix, else the square one with a conventional name.
func pickMatWeights(mf *MatFile, name string) (*mat.Dense, error) {
	if name != "" {
		m, err := mf.Matrix(name)
		if err != nil {
			return nil, errors.New(strings.TrimPrefix(err.Error(), "snnio: "))
		}
		return m, nil
	}
	var square []MatVar
	for _, v := range mf.Vars {
		if v.Rows == v.Cols && v.Rows > 1 {
			square = append(square, v)
		}
	}
	if len(square) == 1 {
		return square[0].Dense(), nil
	}
	for _, want := range matWeightNames {
		for _, v := range square {
			if v.Name == want {
				return v.Dense(), nil
			}
		}
	}
	var desc []string
	for _, v := range mf.Vars {
		desc = append(desc, fmt.Sprintf("%s (%d×%d)", v.Name, v.Rows, v.Cols))
	}
	for _, s := range mf.Skipped {
		desc = append(desc, fmt.Sprintf("%s (%s)", s.Name, s.Class))
	}
	if len(desc) == 0 {
		desc = []string{"none"}
	}
	what := "no square numeric matrix"
	if len(square) > 1 {
		what = "several square matrices"
	}
	return nil, fmt.Errorf("mat: %s; name the variable (have %s)", what, strings.Join(desc, ", "))
}

// SaveWeights writes the weight matrix w (post × pre) to path, in the format given by the
// extension: .mat (compressed MAT v5, variable "W", post × pre), .npy (float64, C order,
// post × pre), or delimited text written pre × post like the original Julia code (.csv with
// commas, .txt/.tsv/.dat/.dlm with tabs). LoadWeights reads every one of them back to w.
// The file is replaced atomically (temporary file in the same directory, fsync, rename).
func SaveWeights(path string, w mat.Matrix) error {
	return SaveWeightsWith(path, w, WeightFileOptions{})
}

// SaveWeightsWith is SaveWeights with options: the orientation written (PreByPost transposes)
// and the MAT variable name.
func SaveWeightsWith(path string, w mat.Matrix, opt WeightFileOptions) error {
	format, err := weightFormat(path)
	if err != nil {
		return err
	}
	if r, c := w.Dims(); r == 0 || c == 0 {
		return fmt.Errorf("snnio: %s: empty weight matrix", filepath.Base(path))
	}
	orient := opt.Orientation
	if orient == OrientationByFormat {
		orient = PostByPre
		if format == "text" {
			orient = PreByPost
		}
	}
	out := w
	if orient == PreByPost {
		out = w.T()
	}
	var write func(io.Writer) error
	switch format {
	case "mat":
		name := opt.Variable
		if name == "" {
			name = "W"
		}
		if err := matValidName(name); err != nil {
			return fmt.Errorf("snnio: %s: mat: %v", filepath.Base(path), err)
		}
		v := MatVarOf(name, out)
		write = func(wr io.Writer) error { return WriteMatCompressed(wr, v) }
	case "npy":
		write = func(wr io.Writer) error { return WriteNpy(wr, out) }
	case "text":
		delim := '\t'
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			delim = ','
		}
		write = func(wr io.Writer) error { return WriteText(wr, out, delim) }
	}
	if err := writeAtomic(path, write); err != nil {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "snnio: "), format+": ")
		return fmt.Errorf("snnio: %s: %s: %s", filepath.Base(path), format, msg)
	}
	return nil
}

var ioClusterSizeRe = regexp.MustCompile(`(?i)nc_?(\d+)`)

// ClusterSizeFromName parses the cluster size from a weight file name in the authors'
// convention, "..._nc<size>...": ClusterSizeFromName("FF60b_2400_nc160.mat") is (160, true).
// Only the base name is examined; ok is false when there is no positive "nc<digits>" field.
func ClusterSizeFromName(path string) (size int, ok bool) {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	ms := ioClusterSizeRe.FindAllStringSubmatchIndex(base, -1)
	// Keep the matches that form a whole field (delimited by _ - . or blank); the last wins.
	found := []int{}
	for _, m := range ms {
		if m[0] == 0 || strings.ContainsRune("_-. ", rune(base[m[0]-1])) {
			end := m[1]
			if end == len(base) || strings.ContainsRune("_-. ", rune(base[end])) {
				n, err := strconv.Atoi(base[m[2]:m[3]])
				if err == nil && n > 0 {
					found = append(found, n)
				}
			}
		}
	}
	if len(found) == 0 {
		return 0, false
	}
	return found[len(found)-1], true
}

// ioOpen opens path for reading; a directory is an error that says so ("snnio: x.mat is a
// directory") rather than a puzzling "truncated header" from its first read.
func ioOpen(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("snnio: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("snnio: %s is a directory", path)
	}
	return f, nil
}

// readFileAs opens path and decodes it with read through a buffered reader; errors name the
// file and the format ("snnio: FF.mat: mat: truncated ...").
func readFileAs[T any](path, format string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := ioOpen(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return zero, fmt.Errorf("snnio: %s: %s: %w", filepath.Base(path), format, err)
	}
	return v, nil
}

// writeAtomic writes path atomically through write (internal/atomicfile); every error carries
// the package's prefix.
func writeAtomic(path string, write func(io.Writer) error) error {
	err := atomicfile.Write(path, 0o644, write)
	if err != nil && !strings.HasPrefix(err.Error(), "snnio: ") {
		err = fmt.Errorf("snnio: %w", err)
	}
	return err
}
