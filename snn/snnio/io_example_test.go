package snnio

import (
	"bytes"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

func ExampleReadMat() {
	// Write two variables to an in-memory MAT-file, then read it back.
	var buf bytes.Buffer
	err := WriteMatCompressed(&buf,
		MatVar{Name: "W", Rows: 2, Cols: 2, Data: []float64{0, 1.5, 2, 0}},
		MatVar{Name: "t", Rows: 1, Cols: 3, Data: []float64{0.1, 0.2, 0.3}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	mf, err := ReadMat(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range mf.Vars {
		fmt.Printf("%s: %s %d×%d\n", v.Name, v.Class, v.Rows, v.Cols)
	}
	w, _ := mf.Matrix("W")
	fmt.Println("W[0,1] =", w.At(0, 1))
	// Output:
	// W: double 2×2
	// t: double 1×3
	// W[0,1] = 1.5
}

func ExampleReadNpy() {
	var buf bytes.Buffer
	if err := WriteNpy(&buf, mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})); err != nil {
		fmt.Println(err)
		return
	}
	a, err := ReadNpy(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Descr, a.Shape, a.Data)
	// Output:
	// <f8 [2 3] [1 2 3 4 5 6]
}

func ExampleReadText() {
	// Julia's writedlm output: tab-separated, one row per line.
	m, err := ReadText(strings.NewReader("0.0\t2.83\n1.96\t0.0\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(mat.Formatted(m))
	// Output:
	// ⎡   0  2.83⎤
	// ⎣1.96     0⎦
}
