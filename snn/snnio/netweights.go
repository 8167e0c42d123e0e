package snnio

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/gosnn/gosnn/snn"
)

// ReadWeightsNpy sets the weights of the four main projections from a C-order .npy matrix in
// the layout of WeightMatrix (as WriteWeightsNpy writes it), row by row: a resume needs no
// dense copy (the whole file and a dense matrix would take 144 MB for the 3000-neuron
// network). Entries where there is no synapse are ignored, as in SetWeights. The weights
// change only if the whole file is valid.
func ReadWeightsNpy(n *snn.Network, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	h, dt, _, err := readNpyHeader(r)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ne, ni := n.Size(snn.PopE), n.Size(snn.PopI)
	N := ne + ni
	if len(h.shape) != 2 || h.shape[0] != N || h.shape[1] != N || h.fortran {
		return fmt.Errorf("%s: shape %v (Fortran order %v), want a C-order %d×%d matrix", path, h.shape, h.fortran, N, N)
	}
	raw := make([]byte, N*dt.size)
	var rerr error
	err = n.SetWeightRows(func(i int, row []float64) error {
		if _, err := io.ReadFull(r, raw); err != nil {
			rerr = fmt.Errorf("%s: truncated at row %d of %d", path, i, N)
			return rerr
		}
		for c := range row {
			row[c] = dt.get(raw[c*dt.size:])
		}
		return nil
	})
	if err != nil && err != rerr {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}

// WriteWeightsNpy writes the full recurrent weight matrix (the layout of WeightMatrix: post ×
// pre, E first, float64, C order) to path as .npy, atomically, row by row from the synapse
// storage: unlike SaveWeights(path, n.WeightMatrix()) it needs no dense copy (72 MB for the
// 3000-neuron network, twice). LoadWeights reads it back.
func WriteWeightsNpy(n *snn.Network, path string) error {
	ne, ni := n.Size(snn.PopE), n.Size(snn.PopI)
	N := ne + ni
	return writeAtomic(path, func(w io.Writer) error {
		dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }", N, N)
		total := 10 + len(dict) + 1
		hdr := dict + strings.Repeat(" ", (64-total%64)%64) + "\n"
		head := append([]byte(npyMagic), 1, 0, byte(len(hdr)), byte(len(hdr)>>8))
		if _, err := w.Write(append(head, hdr...)); err != nil {
			return fmt.Errorf("snnio: npy: %w", err)
		}
		row := make([]float64, N)
		buf := make([]byte, 8*N)
		for i := 0; i < N; i++ {
			n.WeightRow(i, row)
			for q, x := range row {
				binary.LittleEndian.PutUint64(buf[8*q:], math.Float64bits(x))
			}
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("snnio: npy: %w", err)
			}
		}
		return nil
	})
}
