package snnio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"gonum.org/v1/gonum/mat"
)

// tAsym returns an n×n matrix with distinct entries, so a transposition shows.
func tAsym(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				m.Set(i, j, float64(10*i+j)+0.25)
			}
		}
	}
	return m
}

func TestSaveLoadWeightsRoundTrip(t *testing.T) {
	w := tAsym(5)
	for _, ext := range []string{".mat", ".npy", ".txt", ".tsv", ".csv", ".dat", ".MAT"} {
		t.Run(ext, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "w"+ext)
			if err := SaveWeights(p, w); err != nil {
				t.Fatal(err)
			}
			got, err := LoadWeights(p)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(got, w) {
				t.Errorf("round trip changed the matrix:\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(w))
			}
		})
	}
}

// TestWeightOrientationOnDisk checks the documented layouts: .mat and .npy hold post × pre,
// text holds pre × post (Julia's weights[pre, post]).
func TestWeightOrientationOnDisk(t *testing.T) {
	w := tAsym(3) // w[post=1][pre=2] = 12.25
	dir := t.TempDir()
	for _, c := range []struct {
		file string
		read func(string) (*mat.Dense, error)
		at   [2]int // where w[1][2] must be found in the file's own layout
	}{
		{"w.mat", func(p string) (*mat.Dense, error) {
			mf, err := ReadMatFile(p)
			if err != nil {
				return nil, err
			}
			return mf.Matrix("W")
		}, [2]int{1, 2}},
		{"w.npy", func(p string) (*mat.Dense, error) {
			a, err := ReadNpyFile(p)
			if err != nil {
				return nil, err
			}
			return a.Matrix()
		}, [2]int{1, 2}},
		{"w.tsv", ReadTextFile, [2]int{2, 1}},
	} {
		p := filepath.Join(dir, c.file)
		if err := SaveWeights(p, w); err != nil {
			t.Fatal(err)
		}
		raw, err := c.read(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := raw.At(c.at[0], c.at[1]); got != 12.25 {
			t.Errorf("%s: file entry %v = %v, want 12.25", c.file, c.at, got)
		}
	}
}

func TestLoadWeightsWithOptions(t *testing.T) {
	w := tAsym(4)
	dir := t.TempDir()
	// A text file written post × pre must be read with PostByPre to come back unchanged.
	p := filepath.Join(dir, "post_pre.txt")
	if err := SaveWeightsWith(p, w, WeightFileOptions{Orientation: PostByPre}); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWeightsWith(p, WeightFileOptions{Orientation: PostByPre})
	if err != nil || !mat.Equal(got, w) {
		t.Errorf("PostByPre text round trip: %v", err)
	}
	got, err = LoadWeights(p)
	if err != nil || !mat.Equal(got, w.T()) {
		t.Errorf("default load of a post×pre text file should transpose: %v", err)
	}
	// A .mat with a chosen variable name, and with several square matrices.
	p = filepath.Join(dir, "multi.mat")
	if err := WriteMatFile(p, MatVarOf("other", tAsym(2)), MatVarOf("Wtrained", w), MatVarOf("v", mat.NewDense(1, 3, nil))); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWeights(p); err == nil || !strings.Contains(err.Error(), "several square matrices") ||
		!strings.Contains(err.Error(), "Wtrained (4×4)") || !strings.HasPrefix(err.Error(), "snnio: multi.mat: mat: ") {
		t.Errorf("ambiguous file: err = %v", err)
	}
	got, err = LoadWeightsWith(p, WeightFileOptions{Variable: "Wtrained"})
	if err != nil || !mat.Equal(got, w) {
		t.Errorf("named variable: %v", err)
	}
	if _, err := LoadWeightsWith(p, WeightFileOptions{Variable: "nope"}); err == nil || !strings.Contains(err.Error(), `no variable "nope"`) {
		t.Errorf("missing variable: err = %v", err)
	}
	// Several square matrices, one with the authors' name: it is chosen.
	p = filepath.Join(dir, "authors.mat")
	if err := WriteMatFile(p, MatVarOf("B", tAsym(2)), MatVarOf("A", w)); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadWeights(p); err != nil || !mat.Equal(got, w) {
		t.Errorf("authors' name A not preferred: %v", err)
	}
	// Saving under a custom variable name.
	p = filepath.Join(dir, "named.mat")
	if err := SaveWeightsWith(p, w, WeightFileOptions{Variable: "FF"}); err != nil {
		t.Fatal(err)
	}
	mf, err := ReadMatFile(p)
	if err != nil || len(mf.Vars) != 1 || mf.Vars[0].Name != "FF" {
		t.Errorf("custom variable name: %v %v", mf, err)
	}
}

func TestLoadWeightsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var rect bytes.Buffer
	WriteNpy(&rect, mat.NewDense(2, 3, nil))
	var vec bytes.Buffer
	WriteNpyVector(&vec, []float64{1, 2})
	var full bytes.Buffer
	WriteMatCompressed(&full, MatVarOf("A", tAsym(4)))
	cases := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "w.xlsx"), `snnio: w.xlsx: unknown weight file extension ".xlsx"`},
		{filepath.Join(dir, "absent.mat"), "snnio: open "},
		{write("rect.npy", rect.Bytes()), "snnio: rect.npy: npy: weight matrix is 2×3, want square"},
		{write("vec.npy", vec.Bytes()), "snnio: vec.npy: npy: weights need a 2-d array"},
		{write("rect.txt", []byte("1 2\n3 4\n5 6\n")), "snnio: rect.txt: text: weight matrix is 3×2"},
		{write("bad.txt", []byte("1 2\nx 4\n")), "snnio: bad.txt: text: line 2, field 1"},
		{write("cut.mat", full.Bytes()[:len(full.Bytes())-10]), "snnio: cut.mat: mat: truncated compressed element at byte 128"},
		{write("none.mat", tMatFile(tLE)), "snnio: none.mat: mat: no square numeric matrix; name the variable (have none)"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			_, err := LoadWeights(c.path)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("err = %v, want prefix %q", err, c.want)
			}
		})
	}
}

func TestSaveWeightsAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "w.npy")
	w := tAsym(3)
	if err := SaveWeights(p, w); err != nil {
		t.Fatal(err)
	}
	// Overwrite with another matrix: the new content replaces the old in one step.
	w2 := tAsym(4)
	if err := SaveWeights(p, w2); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWeights(p)
	if err != nil || !mat.Equal(got, w2) {
		t.Fatalf("overwrite: %v", err)
	}
	// Failed saves leave the file as it was and no temporary files.
	if err := SaveWeightsWith(filepath.Join(dir, "w.mat"), w, WeightFileOptions{Variable: "not valid"}); err == nil {
		t.Error("invalid MAT variable name accepted")
	}
	if err := SaveWeights(filepath.Join(dir, "missing-dir", "w.npy"), w); err == nil || !strings.HasPrefix(err.Error(), "snnio: ") {
		t.Errorf("save into a missing directory: err = %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only w.npy", names)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", fi.Mode(), err)
	}
}

func TestClusterSizeFromName(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"FF60b_2400_nc160.mat", 160, true},
		{"/data/x/FF60b_2400_nc160.mat", 160, true},
		{"FF180b_6400_nc80.npy", 80, true},
		{"weights_NC200.txt", 200, true},
		{"nc120_FF60a.mat", 120, true},
		{"a_nc_40.mat", 40, true},
		{"FF60b_2400.mat", 0, false},
		{"sync160.mat", 0, false},
		{"nc0.mat", 0, false},
		{"FF_nc160x.mat", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := ClusterSizeFromName(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ClusterSizeFromName(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestLoadWeightsAuthors loads the authors' trained matrix (docs/MODEL.md Appendix A) and checks
// the structure docs/MODEL.md 4.2 describes: no autapses, E→E bounds [1.45, 32.68], I→E within the
// old bounds [40, 200], the static E→I and I→I weights 1.96 and 20.91, density about 0.1.
func TestLoadWeightsAuthors(t *testing.T) {
	p := testskip.AuthorsFile(t, "FF60b_2400_nc160.mat")
	w, err := LoadWeights(p)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Dims(); n != 3000 {
		t.Fatalf("N = %d, want 3000", n)
	}
	size, ok := ClusterSizeFromName(p)
	if !ok || size != 160 {
		t.Fatalf("cluster size from %s = %d, %v", p, size, ok)
	}
	const nE = 2400
	type block struct {
		name           string
		r0, r1, c0, c1 int
		lo, hi         float64
	}
	const eps = 1e-9
	for _, b := range []block{
		{"E→E", 0, nE, 0, nE, 1.45 - eps, 32.68 + eps},
		{"I→E", 0, nE, nE, 3000, 40 - eps, 200 + eps},
		{"E→I", nE, 3000, 0, nE, 1.96 - eps, 1.96 + eps},
		{"I→I", nE, 3000, nE, 3000, 20.91 - eps, 20.91 + eps},
	} {
		nz, total := 0, 0
		for i := b.r0; i < b.r1; i++ {
			for j := b.c0; j < b.c1; j++ {
				total++
				v := w.At(i, j)
				if v == 0 {
					continue
				}
				nz++
				if v < b.lo || v > b.hi {
					t.Fatalf("%s weight [%d,%d] = %v outside [%v, %v]", b.name, i, j, v, b.lo, b.hi)
				}
			}
		}
		if d := float64(nz) / float64(total); math.Abs(d-0.1) > 0.005 {
			t.Errorf("%s density %.4f, want ≈ 0.1", b.name, d)
		}
	}
	for i := 0; i < 3000; i++ {
		if w.At(i, i) != 0 {
			t.Fatalf("autapse at %d", i)
		}
	}
}

// tLE is the little-endian order for the raw MAT builders.
var tLE tOrder = binary.LittleEndian

func ExampleLoadWeights() {
	dir, _ := os.MkdirTemp("", "gosnn-example")
	defer os.RemoveAll(dir)
	// A 3-neuron weight matrix, post × pre: neuron 0 excites neuron 1 with weight 2.5.
	w := mat.NewDense(3, 3, []float64{
		0, 0, 0,
		2.5, 0, 0,
		0, 1, 0,
	})
	for _, name := range []string{"w.mat", "w.npy", "w.tsv"} {
		path := filepath.Join(dir, name)
		if err := SaveWeights(path, w); err != nil {
			fmt.Println(err)
			return
		}
		got, err := LoadWeights(path)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: 0→1 weight %.1f, same matrix: %v\n", name, got.At(1, 0), mat.Equal(got, w))
	}
	// The text file is laid out pre × post, like the original Julia code's weights[pre, post].
	raw, _ := os.ReadFile(filepath.Join(dir, "w.tsv"))
	fmt.Printf("%q\n", strings.SplitN(string(raw), "\n", 2)[0])
	// Output:
	// w.mat: 0→1 weight 2.5, same matrix: true
	// w.npy: 0→1 weight 2.5, same matrix: true
	// w.tsv: 0→1 weight 2.5, same matrix: true
	// "0\t2.5\t0"
}

func ExampleClusterSizeFromName() {
	fmt.Println(ClusterSizeFromName("FF60b_2400_nc160.mat"))
	fmt.Println(ClusterSizeFromName("weights.npy"))
	// Output:
	// 160 true
	// 0 false
}
