package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Table is the collected results of a sweep: a row per task, with the columns "index",
// "id", "state", the point's parameters, then the scalar fields of the results (numbers,
// strings and booleans; fields of nested objects as "outer.inner"), in order of first
// appearance.
type Table struct {
	Columns []string
	Rows    []map[string]any
	// Params are the parameter columns and Seed the seed column ("" without seeds).
	Params []string
	Seed   string
}

// Collect reads the result of every task of the sweep in dir into a table and writes it as
// results.csv and results.json in dir (atomically). Tasks without a result have a row with
// their state and no result columns.
func Collect(dir string) (*Table, error) {
	s, err := Open(dir)
	if err != nil {
		return nil, err
	}
	tb := &Table{Columns: []string{"index", "id", "state"}}
	seen := map[string]bool{"index": true, "id": true, "state": true}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			tb.Columns = append(tb.Columns, c)
		}
	}
	for _, p := range s.Spec.Params {
		add(p.Name)
		tb.Params = append(tb.Params, p.Name)
	}
	if s.Spec.Seeds != nil {
		add(s.Spec.Seeds.Name)
		tb.Seed = s.Spec.Seeds.Name
	}
	for _, t := range s.Tasks {
		row := map[string]any{"index": t.Index, "id": t.ID, "state": string(NotRun)}
		for _, v := range t.Point {
			row[v.Name] = decodeScalar(v.Value)
		}
		data, err := os.ReadFile(filepath.Join(s.TaskDir(t), resultFile))
		if err == nil {
			var env struct {
				Result json.RawMessage `json:"result"`
			}
			if err := json.Unmarshal(data, &env); err != nil {
				return nil, fmt.Errorf("sweep: result of task %d: %v", t.Index, err)
			}
			row["state"] = string(Done)
			var fields map[string]json.RawMessage
			if len(env.Result) > 0 && json.Unmarshal(env.Result, &fields) == nil {
				flatten("", env.Result, func(name string, v any) {
					if _, isParam := row[name]; isParam && name != "state" {
						name = "result." + name
					}
					add(name)
					row[name] = v
				})
			}
		} else if s.failure(t) != nil {
			row["state"] = string(Failed)
		}
		tb.Rows = append(tb.Rows, row)
	}
	var csvBuf bytes.Buffer
	if err := tb.WriteCSV(&csvBuf); err != nil {
		return nil, err
	}
	if err := writeAtomic(filepath.Join(s.Dir, "results.csv"), csvBuf.Bytes()); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(tb.Rows, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sweep: %v", err)
	}
	if err := writeAtomic(filepath.Join(s.Dir, "results.json"), js); err != nil {
		return nil, err
	}
	return tb, nil
}

// flatten calls f for every scalar in the JSON value data, named by its path.
func flatten(prefix string, data json.RawMessage, f func(string, any)) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) == nil && obj != nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		// JSON objects have no order in Go maps: keep the order of the data.
		sort.Slice(keys, func(i, j int) bool {
			return bytes.Index(data, []byte(strconv.Quote(keys[i]))) < bytes.Index(data, []byte(strconv.Quote(keys[j])))
		})
		for _, k := range keys {
			name := k
			if prefix != "" {
				name = prefix + "." + k
			}
			flatten(name, obj[k], f)
		}
		return
	}
	if v := decodeScalar(data); v != nil && prefix != "" {
		f(prefix, v)
	}
}

// decodeScalar returns a JSON number as float64, a string, a bool, or nil for anything else.
func decodeScalar(data json.RawMessage) any {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return nil
	}
	switch v.(type) {
	case float64, string, bool:
		return v
	}
	return nil
}

// WriteCSV writes the table as CSV with a header line.
func (tb *Table) WriteCSV(w interface{ Write([]byte) (int, error) }) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(tb.Columns); err != nil {
		return err
	}
	rec := make([]string, len(tb.Columns))
	for _, r := range tb.Rows {
		for i, c := range tb.Columns {
			rec[i] = cell(r[c])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// cell formats a value for CSV.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// Float returns column c of row r as a number (NaN when it is missing or not a number).
func (tb *Table) Float(r int, c string) float64 {
	switch x := tb.Rows[r][c].(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return math.NaN()
}

// Stat is the mean and standard deviation of a column over the seeds of one point.
type Stat struct {
	// Point holds the values of the parameter columns other than the seed.
	Point map[string]any
	// X is the value of the x column.
	X float64
	// Mean and SD (sample standard deviation, 0 for a single value) of the column over N
	// tasks with a numeric value.
	Mean, SD float64
	N        int
}

// Summary groups the rows by their parameters other than the seed and returns the mean and
// SD of column y in each group, ordered as the groups first appear; x names the parameter
// put in Stat.X. Groups without a numeric y are left out.
func (tb *Table) Summary(x, y string) []Stat {
	var out []Stat
	index := map[string]int{}
	for r, row := range tb.Rows {
		v := tb.Float(r, y)
		if math.IsNaN(v) {
			continue
		}
		key, pt := "", map[string]any{}
		for _, p := range tb.Params {
			key += cell(row[p]) + "\x00"
			pt[p] = row[p]
		}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Stat{Point: pt, X: tb.Float(r, x)})
		}
		// Welford's running mean and variance (SD holds the sum of squares until the end).
		s := &out[i]
		s.N++
		d := v - s.Mean
		s.Mean += d / float64(s.N)
		s.SD += d * (v - s.Mean)
	}
	for i := range out {
		if out[i].N > 1 {
			out[i].SD = math.Sqrt(out[i].SD / float64(out[i].N-1))
		} else {
			out[i].SD = 0
		}
	}
	return out
}

// Plot draws column y against parameter x, mean ± SD over the seeds, one line per value of
// the other parameters (their values in the legend).
func (tb *Table) Plot(x, y string) (*plot.Plot, error) {
	p := plot.New()
	p.X.Label.Text = x
	p.Y.Label.Text = y
	if tb.Seed != "" {
		p.Title.Text = fmt.Sprintf("%s against %s (mean ± SD over %s)", y, x, tb.Seed)
	}
	if _, err := tb.add(p, x, y, "", 0); err != nil {
		return nil, err
	}
	return p, nil
}

// AddTo adds to p column y against parameter x, mean ± SD over the seeds, as lines with
// error bars in the colours plotutil.Color(color), color+1, ... (one line per value of the
// other parameters), named name in the legend (followed by those values). It returns the
// number of lines added.
func (tb *Table) AddTo(p *plot.Plot, x, y, name string, color int) (int, error) {
	return tb.add(p, x, y, name, color)
}

// add draws y against x on p; see AddTo.
func (tb *Table) add(p *plot.Plot, x, y, name string, color int) (int, error) {
	stats := tb.Summary(x, y)
	if len(stats) == 0 {
		return 0, fmt.Errorf("sweep: no numeric values of %q to plot", y)
	}
	groups := map[string][]Stat{}
	var order []string
	for _, s := range stats {
		key := ""
		for _, pn := range tb.Params {
			if pn != x {
				key += fmt.Sprintf(" %s=%s", pn, cell(s.Point[pn]))
			}
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], s)
	}
	for k, key := range order {
		g := groups[key]
		sort.Slice(g, func(i, j int) bool { return g[i].X < g[j].X })
		var pts plotter.XYs
		var errs plotter.YErrors
		for _, s := range g {
			pts = append(pts, plotter.XY{X: s.X, Y: s.Mean})
			errs = append(errs, struct{ Low, High float64 }{s.SD, s.SD})
		}
		col := plotutil.Color(color + k)
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return k, fmt.Errorf("sweep: %v", err)
		}
		line.Color, points.Color = col, col
		line.Width = vg.Points(1.5)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(3)
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, errs})
		if err != nil {
			return k, fmt.Errorf("sweep: %v", err)
		}
		bars.Color = col
		p.Add(line, points, bars)
		if label := strings.TrimSpace(name + key); label != "" {
			p.Legend.Add(label, line, points)
		}
	}
	return len(order), nil
}

// WriteJSON writes the rows as a JSON array of objects.
func (tb *Table) WriteJSON(w interface{ Write([]byte) (int, error) }) error {
	b, err := json.MarshalIndent(tb.Rows, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep: %v", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
