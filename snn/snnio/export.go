package snnio

// Export of results (issue 14): spikes, rates and cluster activations to CSV and .npy.
//
// Conventions:
//   - CSV files have one header line naming the columns, then one record a line, fields
//     separated by commas, no quoting: np.loadtxt(path, delimiter=",", skiprows=1) and
//     np.genfromtxt(path, delimiter=",", names=True) read them.
//   - .npy files hold the same columns as a 2-d float64 array in C order (one row a record);
//     neuron and cluster indices are exact in float64.
//   - Times are in ms. Given the simulation step dt, a time within float rounding of a
//     multiple of dt (a step count times dt, such as 212 × 0.1 = 21.200000000000003) is
//     written as that multiple (21.2): the nearest float64 to the decimal in .npy, the
//     shortest decimal in CSV. Other times are written as they are; dt <= 0 snaps nothing.
//   - Other values are written with the fewest digits that read back to the same float64.
//   - Writes are atomic (temporary file, fsync, rename), as for weights.

import (
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
)

// The CSV column names of spike and activation files (rate files start with "time_ms").
var (
	spikesHeader      = []string{"time_ms", "neuron"}
	activationsHeader = []string{"cluster", "time_ms", "peak_hz", "start_ms", "end_ms"}
)

// gridDecimals returns the number of decimals of the step dt (0.1 -> 1, 0.05 -> 2, 1 -> 0),
// or -1 when dt is not positive or not a decimal of at most 9 places.
func gridDecimals(dt float64) int {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return -1
	}
	p := 1.0
	for d := 0; d <= 9; d++ {
		x := dt * p
		if r := math.Round(x); r >= 1 && math.Abs(x-r) <= 1e-6 {
			return d
		}
		p *= 10
	}
	return -1
}

// snapTime returns t rounded to d decimals when it is within float rounding noise (a relative
// 1e-9) of such a value, and t itself otherwise (or when d < 0).
func snapTime(t float64, d int) float64 {
	if d < 0 || math.IsNaN(t) || math.IsInf(t, 0) {
		return t
	}
	p := math.Pow10(d)
	r := math.Round(t*p) / p
	if math.Abs(r-t) <= 1e-9*math.Max(1, math.Abs(t)) {
		return r
	}
	return t
}

// SnapTime returns t (ms) on the grid of the step dt when it is within float rounding of a
// multiple of dt: SnapTime(212*0.1, 0.1) is 21.2, the float64 nearest to 21.2, where
// 212*0.1 is 21.200000000000003. Other times, and any time when dt <= 0, are returned as
// they are. The exported files hold snapped times.
func SnapTime(t, dt float64) float64 { return snapTime(t, gridDecimals(dt)) }

func formatTime(t float64, d int) string {
	return strconv.FormatFloat(snapTime(t, d), 'f', -1, 64)
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// exportFormat returns "csv" or "npy" from the extension of path.
func exportFormat(path, what string) (string, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv", nil
	case ".npy":
		return "npy", nil
	}
	return "", fmt.Errorf("snnio: %s: unknown %s file extension %q (want .csv or .npy)", filepath.Base(path), what, filepath.Ext(path))
}

// saveTable writes rows (all of len(header)) to path as CSV or .npy; format(j, v) formats
// column j for CSV, and snap(j, v) is the value stored in .npy.
func saveTable(path, what string, header []string, n int, row func(i int) []float64, format func(j int, v float64) string, snap func(j int, v float64) float64) error {
	kind, err := exportFormat(path, what)
	if err != nil {
		return err
	}
	var write func(io.Writer) error
	switch kind {
	case "csv":
		write = func(w io.Writer) error {
			var b []byte
			b = append(b, strings.Join(header, ",")...)
			b = append(b, '\n')
			for i := 0; i < n; i++ {
				for j, v := range row(i) {
					if j > 0 {
						b = append(b, ',')
					}
					b = append(b, format(j, v)...)
				}
				b = append(b, '\n')
				if len(b) >= 1<<16 {
					if _, err := w.Write(b); err != nil {
						return err
					}
					b = b[:0]
				}
			}
			_, err := w.Write(b)
			return err
		}
	case "npy":
		write = func(w io.Writer) error {
			return writeNpy(w, []int{n, len(header)}, func(buf []byte) []byte {
				for i := 0; i < n; i++ {
					for j, v := range row(i) {
						buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(snap(j, v)))
					}
				}
				return buf
			}, n*len(header))
		}
	}
	if err := writeAtomic(path, write); err != nil {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "snnio: "), "npy: ")
		return fmt.Errorf("snnio: %s: %s: %s", filepath.Base(path), kind, msg)
	}
	return nil
}

// loadTable reads a CSV or .npy file written by saveTable: the header (CSV) or nil (.npy)
// and the rows, each of the same length. want, when not nil, is the header a CSV file must
// have and the number of columns a .npy file must have.
func loadTable(path, what string, want []string) (header []string, rows [][]float64, err error) {
	kind, err := exportFormat(path, what)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) ([]string, [][]float64, error) {
		return nil, nil, fmt.Errorf("snnio: %s: %s: %s", filepath.Base(path), kind, strings.TrimPrefix(err.Error(), "snnio: "))
	}
	if kind == "npy" {
		a, err := ReadNpyFile(path)
		if err != nil {
			return nil, nil, err // names the file already
		}
		if len(a.Shape) != 2 || (want != nil && a.Shape[1] != len(want)) {
			w := "2-d"
			if want != nil {
				w = fmt.Sprintf("(n, %d) for the columns %s", len(want), strings.Join(want, ", "))
			}
			return fail(fmt.Errorf("array of shape %v, want %s", a.Shape, w))
		}
		nr, nc := a.Shape[0], a.Shape[1]
		rows = make([][]float64, nr)
		for i := range rows {
			rows[i] = a.Data[i*nc : (i+1)*nc : (i+1)*nc]
		}
		return nil, rows, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("snnio: %w", err)
	}
	defer f.Close()
	header, rows, err = ReadCSVTable(f)
	if err != nil {
		return fail(err)
	}
	if want != nil && strings.Join(header, ",") != strings.Join(want, ",") {
		return fail(fmt.Errorf("header %q, want %q", strings.Join(header, ","), strings.Join(want, ",")))
	}
	return header, rows, nil
}

// ReadCSVTable reads a CSV table as the exports write it: a header line of column names,
// then records of as many numbers (Go or NumPy spelling: 21.2, 1e-3, nan, inf). Blank lines
// are skipped. Errors name the line and the column.
func ReadCSVTable(r io.Reader) (header []string, rows [][]float64, err error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, nil, errors.New("snnio: empty file: no header line")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("snnio: %w", err)
	}
	header = make([]string, len(rec))
	for j, h := range rec {
		header[j] = strings.TrimSpace(h)
		if header[j] == "" {
			return nil, nil, fmt.Errorf("snnio: line 1: column %d has no name", j+1)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return header, rows, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("snnio: %w", err)
		}
		line, _ := cr.FieldPos(0)
		row := make([]float64, len(rec))
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, nil, fmt.Errorf("snnio: line %d, column %s: %q is not a number", line, header[j], truncateField(s))
			}
			row[j] = v
		}
		rows = append(rows, row)
	}
}

func truncateField(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// SaveSpikes writes a spike record to path, in the format given by the extension: .csv
// (header "time_ms,neuron", one spike a line: 21.2,17) or .npy (float64 array of shape
// (n, 2): time in ms, global neuron index). Times are snapped to the grid of the step dt
// (pass net.DT(); see SnapTime). LoadSpikes reads both back.
func SaveSpikes(path string, sp *snn.Spikes, dt float64) error {
	if err := checkSpikes(sp); err != nil {
		return fmt.Errorf("snnio: %s: %s", filepath.Base(path), strings.TrimPrefix(err.Error(), "snnio: "))
	}
	d := gridDecimals(dt)
	return saveTable(path, "spike", spikesHeader, sp.Len(),
		func(i int) []float64 { return []float64{sp.Time[i], float64(sp.Neuron[i])} },
		func(j int, v float64) string {
			if j == 0 {
				return formatTime(v, d)
			}
			return strconv.FormatInt(int64(v), 10)
		},
		func(j int, v float64) float64 {
			if j == 0 {
				return snapTime(v, d)
			}
			return v
		})
}

// LoadSpikes reads a spike record written by SaveSpikes (or by NumPy, with the same
// columns). Neuron indices must be whole numbers in [0, 2^31) and times finite.
func LoadSpikes(path string) (*snn.Spikes, error) {
	_, rows, err := loadTable(path, "spike", spikesHeader)
	if err != nil {
		return nil, err
	}
	sp := &snn.Spikes{Time: make([]float64, len(rows)), Neuron: make([]int32, len(rows))}
	for i, r := range rows {
		t, n := r[0], r[1]
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("snnio: %s: spike %d: time %v is not finite", filepath.Base(path), i+1, t)
		}
		if n != math.Trunc(n) || n < 0 || n > math.MaxInt32 {
			return nil, fmt.Errorf("snnio: %s: spike %d: neuron %v is not an index in [0, 2^31)", filepath.Base(path), i+1, n)
		}
		sp.Time[i], sp.Neuron[i] = t, int32(n)
	}
	return sp, nil
}

// TracesTable returns per-cluster traces (traces[k][b], as ClusterRateTraces returns them)
// as a RateTable named "cluster_0", "cluster_1", ..., with bin b at t0 + b·binMs (the start
// of the bin).
func TracesTable(traces [][]float64, t0, binMs float64) snn.RateTable {
	t := snn.RateTable{}
	nb := 0
	for k, tr := range traces {
		t.Names = append(t.Names, fmt.Sprintf("cluster_%d", k))
		t.Hz = append(t.Hz, tr)
		nb = max(nb, len(tr))
	}
	t.TimeMs = make([]float64, nb)
	for b := range t.TimeMs {
		t.TimeMs[b] = t0 + float64(b)*binMs
	}
	return t
}

// validate checks that every trace has a value per bin and that the names can be CSV
// column names.
func validateRates(t snn.RateTable) error {
	if len(t.Names) != len(t.Hz) {
		return fmt.Errorf("%d names for %d traces", len(t.Names), len(t.Hz))
	}
	for k, h := range t.Hz {
		if len(h) != len(t.TimeMs) {
			return fmt.Errorf("trace %s has %d values for %d bins", t.Names[k], len(h), len(t.TimeMs))
		}
		n := t.Names[k]
		if n == "" || strings.ContainsAny(n, ",\"\r\n") || n != strings.TrimSpace(n) {
			return fmt.Errorf("trace name %q: want a non-empty name without commas, quotes, line breaks or surrounding blanks", n)
		}
	}
	return nil
}

// SaveRates writes a rate table to path: .csv (header "time_ms,<names>", one bin a line) or
// .npy (float64 array of shape (bins, 1 + traces): time, then each trace; the names are
// not stored). Times are snapped to the grid of the step dt (see SnapTime).
func SaveRates(path string, t snn.RateTable, dt float64) error {
	if err := validateRates(t); err != nil {
		return fmt.Errorf("snnio: %s: %v", filepath.Base(path), err)
	}
	d := gridDecimals(dt)
	header := append([]string{"time_ms"}, t.Names...)
	row := make([]float64, len(header))
	return saveTable(path, "rate", header, len(t.TimeMs),
		func(b int) []float64 {
			row[0] = t.TimeMs[b]
			for k, h := range t.Hz {
				row[k+1] = h[b]
			}
			return row
		},
		func(j int, v float64) string {
			if j == 0 {
				return formatTime(v, d)
			}
			return formatValue(v)
		},
		func(j int, v float64) float64 {
			if j == 0 {
				return snapTime(v, d)
			}
			return v
		})
}

// LoadRates reads a rate table written by SaveRates. A .npy file has no names: its traces
// are called "rate_0", "rate_1", ...
func LoadRates(path string) (snn.RateTable, error) {
	header, rows, err := loadTable(path, "rate", nil)
	if err != nil {
		return snn.RateTable{}, err
	}
	var nc int
	if header != nil {
		if header[0] != "time_ms" {
			return snn.RateTable{}, fmt.Errorf("snnio: %s: csv: first column %q, want time_ms", filepath.Base(path), header[0])
		}
		nc = len(header)
	} else if len(rows) > 0 {
		nc = len(rows[0])
	} else if a, err := ReadNpyFile(path); err == nil && len(a.Shape) == 2 {
		nc = a.Shape[1]
	}
	if nc < 1 {
		return snn.RateTable{}, fmt.Errorf("snnio: %s: no time column", filepath.Base(path))
	}
	t := snn.RateTable{TimeMs: make([]float64, len(rows)), Names: make([]string, nc-1), Hz: make([][]float64, nc-1)}
	for k := range t.Names {
		if header != nil {
			t.Names[k] = header[k+1]
		} else {
			t.Names[k] = fmt.Sprintf("rate_%d", k)
		}
		t.Hz[k] = make([]float64, len(rows))
	}
	for b, r := range rows {
		t.TimeMs[b] = r[0]
		for k := range t.Hz {
			t.Hz[k][b] = r[k+1]
		}
	}
	return t, nil
}

// SaveActivations writes cluster activations (DetectActivations) to path: .csv (header
// "cluster,time_ms,peak_hz,start_ms,end_ms", one activation a line) or .npy (float64 array
// of shape (n, 5), the same columns). Times are snapped to the grid of the step dt (see
// SnapTime).
func SaveActivations(path string, acts []analysis.Activation, dt float64) error {
	d := gridDecimals(dt)
	return saveTable(path, "activation", activationsHeader, len(acts),
		func(i int) []float64 {
			a := acts[i]
			return []float64{float64(a.Cluster), a.TimeMs, a.PeakHz, a.StartMs, a.EndMs}
		},
		func(j int, v float64) string {
			switch j {
			case 0:
				return strconv.FormatInt(int64(v), 10)
			case 2:
				return formatValue(v)
			}
			return formatTime(v, d)
		},
		func(j int, v float64) float64 {
			if j == 1 || j == 3 || j == 4 {
				return snapTime(v, d)
			}
			return v
		})
}

// LoadActivations reads activations written by SaveActivations.
func LoadActivations(path string) ([]analysis.Activation, error) {
	_, rows, err := loadTable(path, "activation", activationsHeader)
	if err != nil {
		return nil, err
	}
	acts := make([]analysis.Activation, len(rows))
	for i, r := range rows {
		if r[0] != math.Trunc(r[0]) || r[0] < 0 || r[0] > math.MaxInt32 {
			return nil, fmt.Errorf("snnio: %s: activation %d: cluster %v is not an index", filepath.Base(path), i+1, r[0])
		}
		acts[i] = analysis.Activation{Cluster: int(r[0]), TimeMs: r[1], PeakHz: r[2], StartMs: r[3], EndMs: r[4]}
	}
	return acts, nil
}

// checkSpikes reports a nil or inconsistent spike record (as the analysis functions do).
func checkSpikes(sp *snn.Spikes) error {
	if sp == nil {
		return errors.New("snnio: nil *Spikes")
	}
	if len(sp.Time) != len(sp.Neuron) {
		return fmt.Errorf("snnio: Spikes has %d times but %d neurons", len(sp.Time), len(sp.Neuron))
	}
	return nil
}
