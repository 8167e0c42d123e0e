package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/gosnn/gosnn/snn/experiment"
)

// SchemaVersion is the version of the JSON form of a Spec written by this package. ParseSpec
// refuses a larger one.
const SchemaVersion = 1

// NotebookKind is the Spec.Kind of a sweep over a notebook: each task runs
// `gosnn run NOTEBOOK -o TASKDIR/out.ipynb -p name=value ...` with the point's parameters.
const NotebookKind = "notebook"

// Spec is a sweep: an experiment (a kind of package experiment with base options, or a
// notebook) and a grid of parameters × seeds. Its JSON form is what `gosnn sweep run` reads.
type Spec struct {
	// Schema is the version of the JSON form (0 in a Go value: SchemaVersion).
	Schema int `json:"schema,omitempty"`
	// Kind is an experiment kind (experiment.Kinds) or NotebookKind.
	Kind string `json:"kind"`
	// Options are the base options of the kind, a JSON object of its fields (nil: the
	// kind's defaults). Each task overlays its point on them.
	Options json.RawMessage `json:"options,omitempty"`
	// Notebook is the notebook of a NotebookKind sweep (relative paths: to the directory
	// that runs `gosnn sweep run`; the spec stores it absolute).
	Notebook string `json:"notebook,omitempty"`
	// Params are the axes of the grid, by the options' JSON field names (or the notebook's
	// parameter names); the first varies slowest.
	Params []Param `json:"params,omitempty"`
	// Seeds is the axis of seeds (optional), varied fastest; collected tables average over it.
	Seeds *Param `json:"seeds,omitempty"`
	// Threads is the number of threads of each task and the CPUs it is given (Slurm's
	// --cpus-per-task; the local executor runs cores / Threads tasks at once). 0: one CPU per
	// task, and the simulator's own count within it, which adapts to the load
	// (snn.Network.Threads).
	Threads int `json:"threads,omitempty"`
	// Retries is how many times a failed task is run again (0: never).
	Retries int `json:"retries,omitempty"`
	// Slurm holds the options of the Slurm executor.
	Slurm SlurmOptions `json:"slurm,omitzero"`
}

// Param is one axis of the grid: a field name and its values, an explicit list or a range.
type Param struct {
	Name   string            `json:"name"`
	Values []json.RawMessage `json:"values,omitempty"`
	Range  *Range            `json:"range,omitempty"`
}

// Range is the values From, From+Step, ... up to To included (with a tolerance of Step/1e9),
// or, when N > 0 and Step is 0, N values evenly spaced from From to To. Integral values are
// written as JSON integers, so that ranges fill integer fields.
type Range struct {
	From float64 `json:"from"`
	To   float64 `json:"to"`
	Step float64 `json:"step,omitempty"`
	N    int     `json:"n,omitempty"`
}

// maxTasks bounds the size of a grid.
const maxTasks = 100_000

// Values returns the axis name with the given values (numbers, strings, bools: anything
// that encodes to JSON). It panics on a value that does not encode.
func Values(name string, values ...any) Param {
	p := Param{Name: name}
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("sweep: Values(%q): %v", name, err))
		}
		p.Values = append(p.Values, b)
	}
	return p
}

// Span returns the axis name with the values from, from+step, ... up to to.
func Span(name string, from, to, step float64) Param {
	return Param{Name: name, Range: &Range{From: from, To: to, Step: step}}
}

// For returns a spec of the experiment o: its kind, and its fields as the base options.
func For(o experiment.Options) (Spec, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return Spec{}, fmt.Errorf("sweep: options of %s: %v", o.Kind(), err)
	}
	return Spec{Kind: o.Kind(), Options: b}, nil
}

// ParseSpec reads the JSON form of a spec and validates it. Unknown fields are errors.
func ParseSpec(data []byte) (Spec, error) {
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Spec{}, fmt.Errorf("sweep: spec: %w", err)
	}
	if dec.More() {
		return Spec{}, fmt.Errorf("sweep: spec: data after the JSON object")
	}
	if s.Schema > SchemaVersion {
		return Spec{}, fmt.Errorf("sweep: spec has schema %d, this gosnn reads up to %d: upgrade gosnn", s.Schema, SchemaVersion)
	}
	if _, err := s.Expand(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// values returns the values of the axis, each as compact JSON.
func (p Param) values() ([]json.RawMessage, error) {
	if p.Name == "" {
		return nil, fmt.Errorf("sweep: an axis without a name")
	}
	if (p.Values == nil) == (p.Range == nil) {
		return nil, fmt.Errorf("sweep: axis %q: give either values or a range", p.Name)
	}
	if p.Range == nil {
		if len(p.Values) == 0 {
			return nil, fmt.Errorf("sweep: axis %q: no values", p.Name)
		}
		out := make([]json.RawMessage, len(p.Values))
		for i, v := range p.Values {
			c, err := canonicalValue(v)
			if err != nil {
				return nil, fmt.Errorf("sweep: axis %q value %d: %v", p.Name, i, err)
			}
			out[i] = c
		}
		return out, nil
	}
	r := *p.Range
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if bad(r.From) || bad(r.To) || bad(r.Step) {
		return nil, fmt.Errorf("sweep: axis %q: range %+v: values must be finite", p.Name, r)
	}
	var xs []float64
	switch {
	case r.N > 0 && r.Step == 0:
		if r.N > maxTasks {
			return nil, fmt.Errorf("sweep: axis %q: range n = %d: more than %d values", p.Name, r.N, maxTasks)
		}
		for i := 0; i < r.N; i++ {
			x := r.From
			if r.N > 1 {
				x = r.From + (r.To-r.From)*float64(i)/float64(r.N-1)
			}
			xs = append(xs, x)
		}
	case r.N == 0 && r.Step != 0:
		n := (r.To-r.From)/r.Step + 1e-9
		if n < 0 {
			return nil, fmt.Errorf("sweep: axis %q: range from %v to %v by %v is empty", p.Name, r.From, r.To, r.Step)
		}
		if n >= maxTasks {
			return nil, fmt.Errorf("sweep: axis %q: range from %v to %v by %v has more than %d values", p.Name, r.From, r.To, r.Step, maxTasks)
		}
		for i := 0; i <= int(n); i++ {
			xs = append(xs, r.From+float64(i)*r.Step)
		}
	default:
		return nil, fmt.Errorf("sweep: axis %q: a range needs a non-zero step or n > 0 (not both)", p.Name)
	}
	out := make([]json.RawMessage, len(xs))
	for i, x := range xs {
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			out[i] = json.RawMessage(strconv.FormatInt(int64(x), 10))
		} else {
			out[i] = json.RawMessage(strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
	return out, nil
}

// Value is one coordinate of a task's point: a parameter name and its JSON value.
type Value struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// Task is one point of a sweep.
type Task struct {
	// Index is its position in the expansion (and its Slurm array index).
	Index int `json:"index"`
	// ID is stable: a hash of the kind, the base options (or notebook) and the point.
	ID string `json:"id"`
	// Point holds the value of every axis, the seed last.
	Point []Value `json:"point"`
}

// Param returns the JSON value of parameter name in t's point, or nil.
func (t Task) Param(name string) json.RawMessage {
	for _, v := range t.Point {
		if v.Name == name {
			return v.Value
		}
	}
	return nil
}

// axes returns the axes of s, seeds last.
func (s Spec) axes() []Param {
	ax := append([]Param(nil), s.Params...)
	if s.Seeds != nil {
		ax = append(ax, *s.Seeds)
	}
	return ax
}

// Expand validates s and returns its tasks: the grid of its axes, the first varying slowest
// and the seeds fastest. Each task's options are checked against its kind.
func (s Spec) Expand() ([]Task, error) {
	if s.Kind == "" {
		return nil, fmt.Errorf("sweep: spec without a kind (an experiment kind %v, or %q)", experiment.Kinds(), NotebookKind)
	}
	if s.Threads < 0 || s.Retries < 0 {
		return nil, fmt.Errorf("sweep: threads = %d, retries = %d: must be >= 0", s.Threads, s.Retries)
	}
	var fields map[string]bool // the options' JSON field names (nil for a notebook)
	if s.Kind == NotebookKind {
		if s.Notebook == "" {
			return nil, fmt.Errorf("sweep: a %q sweep needs a notebook", NotebookKind)
		}
		if len(s.Options) > 0 {
			return nil, fmt.Errorf("sweep: a %q sweep takes parameters, not options", NotebookKind)
		}
	} else {
		if s.Notebook != "" {
			return nil, fmt.Errorf("sweep: notebook %q given for kind %q (use kind %q)", s.Notebook, s.Kind, NotebookKind)
		}
		o, err := experiment.Default(s.Kind)
		if err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		// encoding/json matches field names without regard to case: ask for the exact names.
		if fields, err = fieldNames(o); err != nil {
			return nil, err
		}
	}
	if err := s.Slurm.validate(); err != nil {
		return nil, err
	}
	base, err := canonical(s.Options)
	if err != nil {
		return nil, fmt.Errorf("sweep: options: %v", err)
	}
	if fields != nil {
		var opts map[string]json.RawMessage
		_ = json.Unmarshal([]byte(base), &opts)
		for name := range opts {
			if !fields[name] {
				return nil, fmt.Errorf("sweep: options: %s has no field %q (fields: %s)", s.Kind, name, sortedKeys(fields))
			}
		}
		for _, p := range s.axes() {
			if !fields[p.Name] {
				return nil, fmt.Errorf("sweep: axis %q: %s has no field %q (fields: %s)", p.Name, s.Kind, p.Name, sortedKeys(fields))
			}
		}
	}
	axes := s.axes()
	vals := make([][]json.RawMessage, len(axes))
	n := 1
	seen := map[string]bool{}
	for i, p := range axes {
		if seen[p.Name] {
			return nil, fmt.Errorf("sweep: axis %q given twice", p.Name)
		}
		seen[p.Name] = true
		if vals[i], err = p.values(); err != nil {
			return nil, err
		}
		if n *= len(vals[i]); n > maxTasks {
			return nil, fmt.Errorf("sweep: more than %d tasks", maxTasks)
		}
	}
	tasks := make([]Task, n)
	ids := map[string]int{}
	for k := range tasks {
		pt := make([]Value, len(axes))
		r := k
		for i := len(axes) - 1; i >= 0; i-- {
			pt[i] = Value{axes[i].Name, vals[i][r%len(vals[i])]}
			r /= len(vals[i])
		}
		t := Task{Index: k, Point: pt}
		t.ID = taskID(s.Kind, s.Notebook, base, pt)
		if j, dup := ids[t.ID]; dup {
			return nil, fmt.Errorf("sweep: tasks %d and %d are the same point (a value repeated in an axis?)", j, k)
		}
		ids[t.ID] = k
		if s.Kind != NotebookKind {
			if _, err := s.options(t); err != nil {
				return nil, fmt.Errorf("sweep: task %d (%s): %w", k, pointString(pt), err)
			}
		}
		tasks[k] = t
	}
	return tasks, nil
}

// TaskOptions returns the experiment options of task t of an experiment sweep: the base
// options overlaid with its point.
func (s Spec) TaskOptions(t Task) (experiment.Options, error) {
	if s.Kind == NotebookKind {
		return nil, fmt.Errorf("sweep: task %d: a notebook sweep has no experiment options", t.Index)
	}
	o, err := s.options(t)
	if err != nil {
		return nil, fmt.Errorf("sweep: task %d: %v", t.Index, err)
	}
	return o, nil
}

// options returns the experiment options of task t: the base options overlaid with its point.
func (s Spec) options(t Task) (experiment.Options, error) {
	fields := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(s.Options)) > 0 {
		if err := json.Unmarshal(s.Options, &fields); err != nil {
			return nil, fmt.Errorf("options: %v", err)
		}
	}
	for _, v := range t.Point {
		fields[v.Name] = v.Value
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, err
	}
	return experiment.DecodeKind(s.Kind, b)
}

// canonical returns JSON data re-encoded with sorted keys and no spaces ("" for none).
func canonical(data json.RawMessage) (string, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", nil
	}
	v, err := decodeNumbers(data)
	if err != nil {
		return "", err
	}
	if _, ok := v.(map[string]any); !ok {
		return "", fmt.Errorf("want a JSON object of fields, have %s", data)
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// canonicalValue returns a JSON value in one spelling of it, so that a task's ID does not
// depend on how its spec was written or re-encoded: no spaces, object keys sorted, strings
// with their escapes resolved ("\u0026" and "&" are the same value), numbers as written.
func canonicalValue(data json.RawMessage) (json.RawMessage, error) {
	v, err := decodeNumbers(data)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeNumbers decodes JSON data with its numbers kept as written (json.Number).
func decodeNumbers(data json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// taskID hashes what defines a task.
func taskID(kind, notebook, base string, pt []Value) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", kind, notebook, base)
	for _, v := range pt {
		fmt.Fprintf(h, "\x00%s=%s", v.Name, v.Value)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// PointString returns the task's point as "name=value name=value …".
func (t Task) PointString() string { return pointString(t.Point) }

// pointString formats a point as name=value, ...
func pointString(pt []Value) string {
	s := make([]string, len(pt))
	for i, v := range pt {
		s[i] = v.Name + "=" + string(v.Value)
	}
	return strings.Join(s, " ")
}

// fieldNames returns the JSON field names of the options o.
func fieldNames(o experiment.Options) (map[string]bool, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("sweep: options of %s: %v", o.Kind(), err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("sweep: options of %s are not a JSON object: %v", o.Kind(), err)
	}
	names := map[string]bool{}
	for k := range m {
		names[k] = true
	}
	return names, nil
}

// sortedKeys lists the keys of m, sorted, separated by commas.
func sortedKeys(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
