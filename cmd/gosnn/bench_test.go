package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestBenchFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--duration", "x"}, 2, "is not a duration"},
		{[]string{"--duration", "-1s"}, 2, "must be > 0"},
		{[]string{"--scenario", "nope"}, 2, `unknown scenario "nope"`},
		{[]string{"--threads", "-3"}, 2, "--threads -3"},
		{[]string{"--bogus"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-h"}, 0, "usage: gosnn bench"},
	} {
		var out, errb bytes.Buffer
		if code := benchCmd(tc.args, &out, &errb); code != tc.code || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.msg)
		}
	}
}

// TestBenchJSON runs the static scenario briefly and checks the record's fields.
func TestBenchJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if code := benchCmd([]string{"--duration", "50ms", "--threads", "2", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	for _, k := range []string{"scenario", "neurons", "synapses", "threads", "sim_seconds", "wall_seconds", "rtf",
		"spikes_e", "spikes_i", "rate_e_hz", "rate_i_hz", "peak_rss_mb"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %s missing", k)
		}
	}
	if m["scenario"] != "static" || m["neurons"].(float64) != 3000 || m["threads"].(float64) != 2 || m["sim_seconds"].(float64) != 0.05 {
		t.Errorf("record %v", m)
	}
	if s := m["synapses"].(float64); s < 1.7e6 || s > 1.9e6 {
		t.Errorf("synapses %v, expected about 1.8 M (docs/MODEL.md section 6 item 5)", s)
	}
	if r := m["rtf"].(float64); r <= 0 || r != m["wall_seconds"].(float64)/0.05 {
		t.Errorf("rtf %v", r)
	}
	for _, sc := range []string{"plastic", "train"} {
		out.Reset()
		if code := benchCmd([]string{"--scenario", sc, "--duration", "40ms", "--json"}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", sc, code, errb.String())
		}
		var r benchResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Scenario != sc {
			t.Fatalf("%s: %q %v", sc, out.String(), err)
		}
		if sc == "train" && (r.LTPUpdates <= 0 || r.LTPPerSec != float64(r.LTPUpdates)/0.04) {
			t.Errorf("train: ltp_updates %d, per second %v", r.LTPUpdates, r.LTPPerSec)
		}
	}
	out.Reset()
	if code := benchCmd([]string{"--duration", "10ms", "--threads", "1"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "rtf") {
		t.Errorf("table output: exit %d %q", code, out.String())
	}
}

// FuzzParseSimDuration: any input gives either an error or a positive finite duration.
func FuzzParseSimDuration(f *testing.F) {
	for _, s := range []string{"2s", "500ms", "0", "-1s", "1h", "x", "1e3s", "9999999999h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := parseSimDuration(s)
		if err == nil && !(ms > 0) {
			t.Fatalf("%q: %v ms without error", s, ms)
		}
	})
}

// envBenchChild makes the test binary run gosnn bench with the arguments it holds (one per
// line), as the child processes of --scale and --threads-sweep.
const envBenchChild = "GOSNN_TEST_BENCH_CHILD"

// TestBenchChild is the child process of TestBenchScale; it does nothing in a normal run.
func TestBenchChild(t *testing.T) {
	args := os.Getenv(envBenchChild)
	if args == "" {
		return
	}
	os.Exit(benchCmd(strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// childInTestBinary points benchChild at the test binary (TestBenchChild) for the test.
func childInTestBinary(t *testing.T) {
	old := benchChild
	t.Cleanup(func() { benchChild = old })
	benchChild = func(args []string) (*exec.Cmd, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$")
		cmd.Env = append(os.Environ(), envBenchChild+"="+strings.Join(args, "\n"))
		return cmd, nil
	}
}

func TestBenchScaleFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--size", "3x"}, `unknown size "3x"`},
		{[]string{"--scale", "--sizes", "0.5x,4x"}, `--sizes: unknown size "4x"`},
		{[]string{"--scale", "--sizes", "1x,1x"}, `size "1x" given twice`},
		{[]string{"--scale", "--sizes", ""}, `unknown size ""`},
		{[]string{"--scale", "--threads-sweep"}, "exclude each other"},
		{[]string{"--scale", "--cpuprofile", "x"}, "profiles one run"},
		{[]string{"--scale", "--scenario", "readout"}, "run the static, plastic or train scenario"},
		{[]string{"--scale", "--duration", "0"}, "must be > 0"},
	} {
		var out, errb bytes.Buffer
		if code := benchCmd(tc.args, &out, &errb); code != 2 || !strings.Contains(errb.String(), tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errb.String(), tc.msg)
		}
	}
}

// TestBenchScale runs --scale on the smallest size and --threads-sweep, each run in a child
// process, and checks the records: the size's network, one record per run, the peak RSS of
// each child.
func TestBenchScale(t *testing.T) {
	childInTestBinary(t)
	var out, errb bytes.Buffer
	if code := benchCmd([]string{"--scale", "--sizes", "0.5x", "--duration", "20ms", "--threads", "1", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var recs []benchResult
	if err := json.Unmarshal(out.Bytes(), &recs); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1: %q", len(recs), out.String())
	}
	r := recs[0]
	if r.Size != "0.5x" || r.Neurons != 1500 || r.Threads != 1 || r.SimSeconds != 0.02 || r.PeakRSSMB <= 0 {
		t.Errorf("record %+v", r)
	}
	if s := float64(r.Synapses); s < 0.42e6 || s > 0.48e6 {
		t.Errorf("synapses %v, want about 0.2·1500·1499 = 0.45 M", s)
	}
	out.Reset()
	if code := benchCmd([]string{"--threads-sweep", "--size", "0.5x", "--threads", "2", "--duration", "10ms"}, &out, &errb); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "speed-up") || !strings.Contains(lines[2], " 1500 ") || !strings.Contains(lines[3], " 2 ") {
		t.Errorf("sweep table:\n%s", out.String())
	}
}
