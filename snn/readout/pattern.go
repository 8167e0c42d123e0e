package readout

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/snnio"
)

// Pattern is a supervisor target (docs/MODEL.md sections 7.3 and 7.5): Rates[e][k] is the Poisson rate
// in kHz of supervisor neuron e at time k·DT ms after the pattern starts. A pattern with Steps()
// columns lasts Duration() = (Steps()−1)·DT ms, so the 4001-column ABCBA pattern lasts 400 ms.
type Pattern struct {
	Names []string    // optional element names (len 0 or Elements()), e.g. "A", "B", "C"
	DT    float64     // ms per column
	Rates [][]float64 // kHz, Rates[element][column]; every row has the same length
}

// Elements returns the number of supervised elements (read-out neurons).
func (p *Pattern) Elements() int { return len(p.Rates) }

// Steps returns the number of columns.
func (p *Pattern) Steps() int {
	if len(p.Rates) == 0 {
		return 0
	}
	return len(p.Rates[0])
}

// Duration returns the pattern length in ms, (Steps()−1)·DT.
func (p *Pattern) Duration() float64 {
	if p.Steps() == 0 {
		return 0
	}
	return float64(p.Steps()-1) * p.DT
}

// Name returns the name of element e, or its index as text if the pattern has no names.
func (p *Pattern) Name(e int) string {
	if e < len(p.Names) {
		return p.Names[e]
	}
	return strconv.Itoa(e)
}

// Validate checks the shape and values of p: at least one element and one column, equal row
// lengths, DT positive, rates finite and non-negative, and Names empty or one per element.
func (p *Pattern) Validate() error {
	if len(p.Rates) == 0 || len(p.Rates[0]) == 0 {
		return errors.New("readout: pattern: no elements or no columns")
	}
	if !(p.DT > 0) || math.IsInf(p.DT, 0) {
		return fmt.Errorf("readout: pattern: DT = %v ms, need a positive value", p.DT)
	}
	if len(p.Names) != 0 && len(p.Names) != len(p.Rates) {
		return fmt.Errorf("readout: pattern: %d names for %d elements", len(p.Names), len(p.Rates))
	}
	n := len(p.Rates[0])
	for e, row := range p.Rates {
		if len(row) != n {
			return fmt.Errorf("readout: pattern: row %d has %d columns, row 0 has %d", e, len(row), n)
		}
		for k, v := range row {
			if !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("readout: pattern: rate[%d][%d] = %v kHz, need a finite non-negative value", e, k, v)
			}
		}
	}
	return nil
}

// Normalized returns the rates min-max normalised to [0, 1] over the whole matrix (docs/MODEL.md
// section 7.4), as a new matrix. A constant pattern gives all zeros.
func (p *Pattern) Normalized() [][]float64 { return minMaxNormalize(p.Rates) }

// Interval is one "on" period of a pattern element: element Element is on for Start <= t < End
// (ms from the pattern start).
type Interval struct {
	Element    int     // element (row of the pattern), 0-based
	Start, End float64 // ms from the pattern start, Start <= t < End
}

// PatternFromIntervals builds a pattern of the given number of elements lasting length ms at
// resolution dt ms: column k (time k·dt) of element e has rate on (kHz) if k·dt lies in one of
// e's intervals and off otherwise. Names may be nil.
func PatternFromIntervals(elements int, length, dt, on, off float64, names []string, iv []Interval) (*Pattern, error) {
	if elements < 1 {
		return nil, fmt.Errorf("readout: pattern: %d elements, need at least 1", elements)
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("readout: pattern: dt = %v ms, need a positive value", dt)
	}
	if !(length >= 0) || math.IsInf(length, 0) || length/dt > 1e8 {
		return nil, fmt.Errorf("readout: pattern: length = %v ms, need a finite non-negative value of at most 1e8 columns", length)
	}
	for _, r := range []float64{on, off} {
		if !(r >= 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("readout: pattern: rate %v kHz, need a finite non-negative value", r)
		}
	}
	steps := int(math.Round(length/dt)) + 1
	if float64(elements)*float64(steps) > maxPatternCells {
		return nil, fmt.Errorf("readout: pattern: %d elements × %d columns exceed the limit of %g values", elements, steps, float64(maxPatternCells))
	}
	p := &Pattern{DT: dt, Rates: make([][]float64, elements)}
	if names != nil {
		p.Names = append([]string(nil), names...)
	}
	for e := range p.Rates {
		p.Rates[e] = make([]float64, steps)
		for k := range p.Rates[e] {
			p.Rates[e][k] = off
		}
	}
	for _, v := range iv {
		if v.Element < 0 || v.Element >= elements {
			return nil, fmt.Errorf("readout: pattern: interval element %d outside 0 … %d", v.Element, elements-1)
		}
		if math.IsNaN(v.Start) || math.IsNaN(v.End) || v.End < v.Start {
			return nil, fmt.Errorf("readout: pattern: interval [%v, %v) of element %d is empty or reversed", v.Start, v.End, v.Element)
		}
		// Column k is on when Start <= k·dt < End, with a tolerance of 1e-9 columns against
		// rounding of k·dt.
		k0 := int(math.Min(float64(steps), math.Max(0, math.Ceil(v.Start/dt-1e-9))))
		k1 := int(math.Min(float64(steps), math.Ceil(v.End/dt-1e-9)))
		for k := k0; k < k1; k++ {
			p.Rates[v.Element][k] = on
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// maxPatternCells bounds the size of a pattern built from intervals (400 MB of float64), so a
// malformed interval list gives an error rather than exhausting memory.
const maxPatternCells = 5e7

// Supervisor rates of the read-out experiments (docs/MODEL.md sections 4.3 and 7.3), in kHz.
const (
	SupervisorOn       = 10.0 // rate of an element while it is on
	SupervisorBaseline = 1.0  // rate of an element while it is off, and between patterns
)

// ABCBAIntervals are the element intervals of the ABCBA pattern (docs/MODEL.md section 7.3): each
// element lasts 75 ms and the first starts 25 ms after the cycle detection.
var ABCBAIntervals = []Interval{
	{0, 25, 100}, {1, 100, 175}, {2, 175, 250}, {1, 250, 325}, {0, 325, 400},
}

// DEDEDIntervals are the element intervals of the DEDED pattern (docs/MODEL.md section 7.5 item 1).
var DEDEDIntervals = []Interval{
	{0, 25, 100}, {1, 100, 175}, {0, 175, 250}, {1, 250, 325}, {0, 325, 400},
}

// ABCBA returns the 400-ms ABCBA supervisor at 0.1 ms (three elements A, B, C; 10 kHz on,
// 1 kHz off), built from ABCBAIntervals.
func ABCBA() *Pattern {
	p, err := PatternFromIntervals(3, 400, 0.1, SupervisorOn, SupervisorBaseline, []string{"A", "B", "C"}, ABCBAIntervals)
	if err != nil {
		panic(err) // constant input
	}
	return p
}

// DEDED returns the 400-ms DEDED supervisor at 0.1 ms (two elements D, E), built from
// DEDEDIntervals.
func DEDED() *Pattern {
	p, err := PatternFromIntervals(2, 400, 0.1, SupervisorOn, SupervisorBaseline, []string{"D", "E"}, DEDEDIntervals)
	if err != nil {
		panic(err) // constant input
	}
	return p
}

// PatternFromMatrix builds a pattern from an element × time matrix sampled every dt ms, with
// rates scale·m[e][k] kHz (scale 1 for a matrix already in kHz such as supervisor_parallel.mat,
// 10 for the normalised song supervisor_600.mat, docs/MODEL.md section 9 item 17). The matrix is
// copied.
func PatternFromMatrix(m [][]float64, dt, scale float64) (*Pattern, error) {
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("readout: pattern: scale = %v, need a positive value", scale)
	}
	p := &Pattern{DT: dt, Rates: make([][]float64, len(m))}
	for e, row := range m {
		p.Rates[e] = make([]float64, len(row))
		for k, v := range row {
			p.Rates[e][k] = scale * v
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// ParseIntervals reads a text description of a pattern's "on" intervals: one interval per line
// as "ELEMENT START END" (START and END in ms, the element a name or a 0-based index), with
// blank lines and lines starting with '#' ignored. Element names are numbered in order of first
// appearance (numeric names are taken as indices). It returns the intervals, the element names
// (index order) and the end of the last interval.
func ParseIntervals(r io.Reader) (iv []Interval, names []string, end float64, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	index := map[string]int{}
	numeric := false
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) != 3 {
			return nil, nil, 0, fmt.Errorf("readout: intervals line %d: want \"ELEMENT START END\", got %d fields", line, len(f))
		}
		start, err1 := strconv.ParseFloat(f[1], 64)
		stop, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil || math.IsInf(start, 0) || math.IsInf(stop, 0) || math.IsNaN(start) || math.IsNaN(stop) {
			return nil, nil, 0, fmt.Errorf("readout: intervals line %d: START and END must be finite numbers (ms)", line)
		}
		if start < 0 || stop <= start {
			return nil, nil, 0, fmt.Errorf("readout: intervals line %d: need 0 <= START < END, got %v, %v", line, start, stop)
		}
		e, ok := index[f[0]]
		if !ok {
			if n, err := strconv.Atoi(f[0]); err == nil {
				if n < 0 || n > 10000 || (len(index) > 0 && !numeric) {
					return nil, nil, 0, fmt.Errorf("readout: intervals line %d: element %q: indices must be 0 … 10000 and not mixed with names", line, f[0])
				}
				numeric = true
				e = n
			} else {
				if numeric {
					return nil, nil, 0, fmt.Errorf("readout: intervals line %d: element %q: names and indices mixed", line, f[0])
				}
				e = len(index)
			}
			index[f[0]] = e
		}
		iv = append(iv, Interval{Element: e, Start: start, End: stop})
		end = math.Max(end, stop)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("readout: intervals line %d: %w", line+1, err)
	}
	if len(iv) == 0 {
		return nil, nil, 0, errors.New("readout: intervals: no interval found")
	}
	n := 0
	for _, e := range index {
		n = max(n, e+1)
	}
	names = make([]string, n)
	for name, e := range index {
		names[e] = name
	}
	for e := range names {
		if names[e] == "" {
			names[e] = strconv.Itoa(e)
		}
	}
	return iv, names, end, nil
}

// ElementOrder returns the sequence of elements as they switch on in p (an element is on while
// its rate exceeds the midpoint between the pattern's smallest and largest rate), with
// consecutive repeats collapsed: ABCBA gives [0 1 2 1 0].
func (p *Pattern) ElementOrder() []int {
	thr := p.onThreshold()
	type onset struct {
		k, e int
	}
	var on []onset
	for e, row := range p.Rates {
		prev := false
		for k, v := range row {
			cur := v > thr
			if cur && !prev {
				on = append(on, onset{k, e})
			}
			prev = cur
		}
	}
	// Stable order by time, then element.
	for i := 1; i < len(on); i++ {
		for j := i; j > 0 && (on[j].k < on[j-1].k || (on[j].k == on[j-1].k && on[j].e < on[j-1].e)); j-- {
			on[j], on[j-1] = on[j-1], on[j]
		}
	}
	var out []int
	for _, o := range on {
		if len(out) == 0 || out[len(out)-1] != o.e {
			out = append(out, o.e)
		}
	}
	return out
}

// onThreshold is the rate above which an element of p is on: the midpoint between the
// pattern's smallest and largest rate.
func (p *Pattern) onThreshold() float64 {
	lo, hi := matrixRange(p.Rates)
	return (lo + hi) / 2
}

// matrixRange returns the smallest and largest value of m, ignoring NaN.
func matrixRange(m [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range m {
		for _, v := range row {
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
	}
	return lo, hi
}

// minMaxNormalize returns (m − min)/(max − min) over the whole matrix as a new matrix; a
// constant or empty matrix gives zeros.
func minMaxNormalize(m [][]float64) [][]float64 {
	lo, hi := matrixRange(m)
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = make([]float64, len(row))
		if !(hi > lo) {
			continue
		}
		for k, v := range row {
			out[i][k] = (v - lo) / (hi - lo)
		}
	}
	return out
}

// LoadPattern reads a supervisor pattern from a file, by extension:
//
//   - .mat: the variable "supervisor" (or else the first numeric variable), element × time at
//     dt ms, rates scale × value kHz; scale 0 means 1 if the largest value exceeds 1 (a matrix
//     in kHz such as supervisor_parallel.mat) and 10 otherwise (a normalised matrix such as
//     supervisor_600.mat, docs/MODEL.md section 9 item 17);
//   - .wav: SongSupervisor of the first 600 ms (SongParamsFor(a, 0, 600)), rates × 10 kHz or
//     × scale if scale > 0;
//   - anything else: an interval list for ParseIntervals, 10 kHz on and 1 kHz off, sampled
//     every dt ms up to the end of the last interval.
func LoadPattern(path string, dt, scale float64) (*Pattern, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".mat":
		mf, err := snnio.ReadMatFile(path)
		if err != nil {
			return nil, err
		}
		v, ok := mf.Var("supervisor")
		if !ok {
			if len(mf.Vars) == 0 {
				return nil, fmt.Errorf("readout: pattern: %s has no numeric variable", path)
			}
			v = mf.Vars[0]
		}
		if v.Rows == 0 || v.Cols == 0 {
			return nil, fmt.Errorf("readout: pattern: variable %q of %s is empty", v.Name, path)
		}
		m := make([][]float64, v.Rows)
		hi := 0.0
		for r := range m {
			m[r] = v.Data[r*v.Cols : (r+1)*v.Cols]
			for _, x := range m[r] {
				hi = math.Max(hi, x)
			}
		}
		if scale == 0 {
			scale = 10
			if hi > 1 {
				scale = 1
			}
		}
		return PatternFromMatrix(m, dt, scale)
	case ".wav":
		a, err := audio.ReadWAVFile(path)
		if err != nil {
			return nil, err
		}
		p, err := SongParamsFor(a, 0, 600)
		if err != nil {
			return nil, err
		}
		p.DT = dt
		p.Columns = int(math.Round(600/dt)) + 1
		if scale == 0 {
			scale = SupervisorOn
		}
		return SongSupervisor(a, p, scale)
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("readout: pattern: %w", err)
		}
		defer f.Close()
		iv, names, end, err := ParseIntervals(f)
		if err != nil {
			return nil, fmt.Errorf("%w (file %s)", err, path)
		}
		return PatternFromIntervals(len(names), end, dt, SupervisorOn, SupervisorBaseline, names, iv)
	}
}
