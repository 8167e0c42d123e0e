package experiment

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/gosnn/gosnn/snn"
)

// SchemaVersion is the version of the JSON form of Options, Result and Spec written by this
// package. Decoding refuses a larger version (written by a newer gosnn) with an error that says
// so; a smaller one is read with the fields it has.
const SchemaVersion = 1

// Options are the options of one kind of experiment. Every implementation is a plain struct
// that encodes to JSON with encoding/json; Run does the experiment.
type Options interface {
	// Kind names the experiment ("replay", "train", ...): the key of Kinds.
	Kind() string
	// Validate reports the first invalid field, naming it.
	Validate() error
	// Run does the experiment. It stops with an error wrapping ctx.Err() soon after ctx is
	// cancelled, leaving in env.Dir what a later Run with the same options resumes from
	// (kinds that cannot resume say so in their documentation).
	Run(ctx context.Context, env Env) (Result, error)
}

// Result is the result of one experiment: a plain struct that encodes to JSON.
type Result interface {
	// Kind is the Kind of the options that produced it.
	Kind() string
}

// Env is what the caller gives a run besides its options.
type Env struct {
	// Dir is the run's own directory: snapshots to resume from and the files the kind writes
	// (named in its documentation). "" means none; kinds that need one return an error.
	Dir string
	// Threads is the number of worker threads of the simulation (0: the simulator's own
	// count, set by the network's size and adapted to the machine's load,
	// snn.Network.Threads). Results do not depend on it.
	Threads int
	// Host receives the progress of every network run (nil: none). Interrupts go through the
	// context given to Run.
	Host snn.Host
	// Log receives a line of text per step of a long run (a finished protocol phase, a resumed
	// run, temporary files removed from Dir), for a person watching (nil: none).
	Log io.Writer
	// Command describes the run in the lock of Dir, for the error another run into the same
	// Dir gets ("" means "gosnn experiment KIND").
	Command string
}

// kinds lists the experiment kinds: the name and a function returning a pointer to the
// default options. It is a literal, never written.
var kinds = map[string]func() Options{
	"bench":       func() Options { return DefaultBenchOptions() },
	"readout":     func() Options { return DefaultReadoutOptions() },
	"replay":      func() Options { return DefaultReplayOptions() },
	"train":       func() Options { return DefaultTrainOptions() },
	"clock":       func() Options { return DefaultClock() },
	"degradation": func() Options { return DefaultDegradationOptions() },
	"spontaneous": func() Options { return DefaultSpontaneous() },
}

// Kinds returns the names of the experiment kinds, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Default returns the default options of kind, or an error naming the known kinds.
func Default(kind string) (Options, error) {
	f, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("experiment: unknown kind %q (known: %v)", kind, Kinds())
	}
	return f(), nil
}

// Envelope is the JSON form of an experiment's options or result: the schema version, the
// kind and the value itself.
type Envelope struct {
	Schema  int             `json:"schema"`
	Kind    string          `json:"kind"`
	Options json.RawMessage `json:"options,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
}

// EncodeOptions returns the JSON envelope of o.
func EncodeOptions(o Options) ([]byte, error) {
	raw, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("experiment: encoding %s options: %w", o.Kind(), err)
	}
	return json.MarshalIndent(Envelope{Schema: SchemaVersion, Kind: o.Kind(), Options: raw}, "", "  ")
}

// DecodeOptions reads an options envelope: the kind's defaults overlaid with the fields
// given (unknown fields are an error, so that a misspelt parameter is not silently ignored),
// then validated.
func DecodeOptions(data []byte) (Options, error) {
	var env Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("experiment: options: %w", err)
	}
	if env.Schema > SchemaVersion {
		return nil, fmt.Errorf("experiment: options have schema %d, this gosnn reads up to %d: upgrade gosnn", env.Schema, SchemaVersion)
	}
	return DecodeKind(env.Kind, env.Options)
}

// DecodeKind reads the options of kind from a JSON object of fields (nil or empty: the
// defaults), validated.
func DecodeKind(kind string, fields []byte) (Options, error) {
	o, err := Default(kind)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(fields)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(fields))
		dec.DisallowUnknownFields()
		if err := dec.Decode(o); err != nil {
			return nil, fmt.Errorf("experiment: %s options: %w", kind, err)
		}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// EncodeResult returns the JSON envelope of r.
func EncodeResult(r Result) ([]byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("experiment: encoding %s result: %w", r.Kind(), err)
	}
	return json.MarshalIndent(Envelope{Schema: SchemaVersion, Kind: r.Kind(), Result: raw}, "", "  ")
}

// WithFields returns a copy of o with the fields named (by their JSON names) set to the values
// given, validated: what a sweep or a notebook does to vary one parameter of a base. A name o
// does not have is an error naming it; o itself is not changed. Values are what
// encoding/json would decode (numbers, strings, booleans, slices), e.g.
// WithFields(o, map[string]any{"seed": 2, "duration_ms": 500}).
func WithFields(o Options, fields map[string]any) (Options, error) {
	base, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("experiment: encoding %s options: %w", o.Kind(), err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(base))
	dec.UseNumber() // a large seed stays exact
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("experiment: %s options: %w", o.Kind(), err)
	}
	for k, v := range fields {
		if _, ok := m[k]; !ok {
			return nil, fmt.Errorf("experiment: %s options have no field %q", o.Kind(), k)
		}
		m[k] = v
	}
	merged, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("experiment: %s options: %w", o.Kind(), err)
	}
	return DecodeKind(o.Kind(), merged)
}
