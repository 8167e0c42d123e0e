package experiment

import (
	"context"
	"errors"
	"testing"
)

func smallSpontaneous() *Spontaneous {
	o := DefaultSpontaneous()
	o.NE, o.NI, o.Clusters, o.DurationMs = 80, 20, 4, 200
	return o
}

// TestSpontaneousDeterministic runs the same options twice, with 1 and 2 threads, and with
// another seed: the same seed gives the same spikes, another seed other spikes.
func TestSpontaneousDeterministic(t *testing.T) {
	run := func(o *Spontaneous, threads int) SpontaneousResult {
		t.Helper()
		r, err := o.Run(context.Background(), Env{Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		return r.(SpontaneousResult)
	}
	a, b := run(smallSpontaneous(), 1), run(smallSpontaneous(), 2)
	if a != b {
		t.Errorf("same seed, 1 and 2 threads: %+v != %+v", a, b)
	}
	if a.Spikes == 0 || a.RateE <= 0 {
		t.Errorf("no activity: %+v", a)
	}
	o := smallSpontaneous()
	o.Seed = 2
	if c := run(o, 1); c.Hash == a.Hash {
		t.Errorf("seeds 1 and 2 give the same hash %s", c.Hash)
	}
}

// TestSpontaneousJSON decodes options through the envelope and refuses bad fields.
func TestSpontaneousJSON(t *testing.T) {
	for _, tc := range []struct {
		fields string
		ok     bool
	}{
		{`{"NE": 80, "NI": 20, "Clusters": 4}`, true},
		{`{"NE": 80, "Clusters": 3}`, false},
		{`{"DurationMs": -1}`, false},
		{`{"Nope": 1}`, false},
	} {
		o, err := DecodeKind("spontaneous", []byte(tc.fields))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.fields, err, tc.ok)
			continue
		}
		if err == nil {
			data, err := EncodeOptions(o)
			if err != nil {
				t.Fatal(err)
			}
			back, err := DecodeOptions(data)
			if err != nil || *back.(*Spontaneous) != *o.(*Spontaneous) {
				t.Errorf("round trip of %s: %v, %+v", tc.fields, err, back)
			}
		}
	}
}

// TestSpontaneousCancel cancels the context: Run returns an error wrapping it.
func TestSpontaneousCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := smallSpontaneous()
	o.DurationMs = 1e6
	if _, err := o.Run(ctx, Env{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestClockValidate checks the validation of the clock kind's options.
func TestClockValidate(t *testing.T) {
	for _, tc := range []struct {
		fields string
		ok     bool
	}{
		{`{}`, true},
		{`{"K": 30, "Size": 80, "Paper": true}`, true},
		{`{"K": 1}`, false},
		{`{"Size": 0}`, false},
		{`{"K": 200, "Size": 200}`, false},
		{`{"LastRecordingMs": 0}`, false},
	} {
		if _, err := DecodeKind("clock", []byte(tc.fields)); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.fields, err, tc.ok)
		}
	}
}
