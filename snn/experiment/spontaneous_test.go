package experiment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/protocol"
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
		{`{"K": 0, "Size": 120, "Paper": true, "NE": 2400}`, true},
		{`{"K": 20, "Size": 120, "Paper": true, "NE": 2400}`, true},
		{`{"K": 30, "Size": 120, "Paper": true, "NE": 2400}`, false}, // 3600 E
		{`{"K": 0, "Size": 70, "Paper": true, "NE": 2400}`, false},   // 70 does not divide 2400
		{`{"K": 0, "Size": 40, "Paper": true, "NE": 120}`, false},    // Paper: only the authors' 2400
		{`{"K": 0, "Size": 40, "NE": 120}`, true},
		{`{"K": 0, "Size": 40, "NE": -120}`, false},
		{`{"K": 0, "Size": 120, "Paper": true}`, false}, // K 0 without NE
		{`{"K": 30, "Size": 120, "Paper": true, "EEWeight": 2.83}`, true},
		{`{"EEWeight": -1}`, false},
	} {
		if _, err := DecodeKind("clock", []byte(tc.fields)); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.fields, err, tc.ok)
		}
	}
}

// TestClockSetup: the clock kind's networks: the reduced one by default (also at a fixed NE),
// the paper's rules on K × Size neurons with Paper, and with Paper and NE the authors'
// cluster-size variant at N_E = 2400 (snn.ClusterSizeSetup: its I→E bounds 40 and 200), each
// with its protocol scaled by TimeScale, and EEWeight in place of the setup's E→E weight.
func TestClockSetup(t *testing.T) {
	paper := protocol.Paper()
	for _, tc := range []struct {
		fields            string
		ne, k             int
		ieMin, ieMax      float64
		firstMs, eeWeight float64
	}{
		{`{"K": 4, "Size": 20, "TimeScale": 0.5}`, 80, 4, 48.7, 243, protocol.Short()[0].DurationMs * 0.5, snn.ReducedConfig(4, 20).EtoE.W},
		{`{"K": 30, "Size": 120, "Paper": true}`, 3600, 30, 48.7, 243, paper[0].DurationMs, 2.83 * math.Sqrt(120.0/80)},
		{`{"K": 0, "Size": 20, "NE": 120}`, 120, 6, 48.7, 243, protocol.Short()[0].DurationMs, snn.ReducedConfig(6, 20).EtoE.W},
		{`{"K": 0, "Size": 120, "Paper": true, "NE": 2400, "TimeScale": 0.1}`, 2400, 20, 40, 200, paper[0].DurationMs * 0.1, 2.83 * math.Sqrt(120.0/80)},
		{`{"K": 15, "Size": 160, "Paper": true, "NE": 2400}`, 2400, 15, 40, 200, paper[0].DurationMs, snn.ClusterSizeSetup(160).Config.EtoE.W},
		{`{"K": 30, "Size": 120, "Paper": true, "EEWeight": 2.83}`, 3600, 30, 48.7, 243, paper[0].DurationMs, 2.83},
		{`{"K": 4, "Size": 20, "EEWeight": 7.5}`, 80, 4, 48.7, 243, protocol.Short()[0].DurationMs, 7.5},
	} {
		o, err := DecodeKind("clock", []byte(tc.fields))
		if err != nil {
			t.Fatalf("%s: %v", tc.fields, err)
		}
		s, prot := o.(*Clock).setup(2)
		c := s.Config
		if got := o.(*Clock).Clusters(); got != tc.k {
			t.Errorf("%s: Clusters() = %d, want %d", tc.fields, got, tc.k)
		}
		if c.NE != tc.ne || c.Clusters != tc.k || c.NI != tc.ne/4 || c.Threads != 2 || c.Validate() != nil {
			t.Errorf("%s: %d E in %d clusters, %d I, %d threads (valid: %v), want %d E in %d clusters",
				tc.fields, c.NE, c.Clusters, c.NI, c.Threads, c.Validate(), tc.ne, tc.k)
		}
		if s.IE.WMin != tc.ieMin || s.IE.WMax != tc.ieMax {
			t.Errorf("%s: I→E bounds [%v, %v], want [%v, %v]", tc.fields, s.IE.WMin, s.IE.WMax, tc.ieMin, tc.ieMax)
		}
		if math.Abs(c.EtoE.W-tc.eeWeight) > 1e-9 {
			t.Errorf("%s: E→E weight %v, want %v", tc.fields, c.EtoE.W, tc.eeWeight)
		}
		if prot[0].DurationMs != tc.firstMs {
			t.Errorf("%s: first phase %v ms, want %v", tc.fields, prot[0].DurationMs, tc.firstMs)
		}
	}
}

// cancelAfter cancels its context at the limit-th call of Err: the run checks its context
// every 10 ms of simulated time, so this stops it part-way through a chunk.
type cancelAfter struct {
	context.Context
	cancel   context.CancelFunc
	n, limit int
}

func (c *cancelAfter) Err() error {
	if c.n++; c.n == c.limit {
		c.cancel()
	}
	return c.Context.Err()
}

// TestSpontaneousResume cancels a run with a Dir mid-run (at 830 ms of 2000), runs it again
// with the same Dir: the rerun resumes from the snapshot (its log says so, from the time of
// the cancellation) and returns the result of an uninterrupted run without a Dir; a run of
// other options into that Dir is refused; the finished run removes its snapshot.
func TestSpontaneousResume(t *testing.T) {
	o := smallSpontaneous()
	o.DurationMs = 2000
	fresh, err := o.Run(context.Background(), Env{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log strings.Builder
	_, err = o.Run(&cancelAfter{Context: ctx, cancel: cancel, limit: 90}, Env{Dir: dir, Threads: 1, Log: &log})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(dir, stateFile)); err != nil {
		t.Fatalf("no snapshot after the cancelled run: %v", err)
	}
	other := smallSpontaneous()
	other.DurationMs, other.Seed = 2000, 5
	if _, err := other.Run(context.Background(), Env{Dir: dir}); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("run of other options into the Dir: err = %v, want a refusal", err)
	}
	log.Reset()
	got, err := o.Run(context.Background(), Env{Dir: dir, Threads: 2, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	var from float64
	if _, err := fmt.Sscanf(log.String(), "spontaneous: resumed from "+filepath.Join(dir, stateFile)+" at t = %f ms", &from); err != nil || from <= 0 || from >= 2000 || math.Mod(from, SnapshotMs) == 0 {
		t.Errorf("rerun did not resume mid-chunk (from %v ms, %v); log:\n%s", from, err, log.String())
	}
	if got != fresh {
		t.Errorf("resumed result %+v, uninterrupted %+v", got, fresh)
	}
	if _, err := os.Stat(filepath.Join(dir, stateFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the finished run left its snapshot: %v", err)
	}
	log.Reset()
	again, err := o.Run(context.Background(), Env{Dir: dir, Log: &log})
	if err != nil || again != fresh || strings.Contains(log.String(), "resumed") {
		t.Errorf("rerun of a finished run: %+v, %v, log %q; want %+v from the start", again, err, log.String(), fresh)
	}
}

// TestSpontaneousCancelledBeforeAStep: a run cancelled before its first step leaves no
// snapshot (a rerun starts afresh, not "resumed from 0 ms"), and a resumed run cancelled
// before a step leaves the snapshot it resumed from as it was.
func TestSpontaneousCancelledBeforeAStep(t *testing.T) {
	o := smallSpontaneous()
	o.DurationMs = 1000
	dir := t.TempDir()
	path := filepath.Join(dir, stateFile)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var log strings.Builder
	if _, err := o.Run(done, Env{Dir: dir, Log: &log}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a run cancelled before its first step wrote a snapshot (%v); log:\n%s", err, log.String())
	}

	ctx, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	if _, err := o.Run(&cancelAfter{Context: ctx, cancel: cancel2, limit: 60}, Env{Dir: dir}); !errors.Is(err, context.Canceled) {
		t.Fatalf("run cancelled mid-way: err = %v, want context.Canceled", err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no snapshot after a run cancelled mid-way: %v", err)
	}
	log.Reset()
	if _, err := o.Run(done, Env{Dir: dir, Log: &log}); !errors.Is(err, context.Canceled) {
		t.Fatalf("resumed run cancelled at once: err = %v, want context.Canceled", err)
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, before) {
		t.Errorf("a resumed run cancelled before a step changed its snapshot (%v); log:\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "resumed") || strings.Contains(log.String(), "state saved") {
		t.Errorf("log of the resumed run cancelled at once:\n%s", log.String())
	}
}
