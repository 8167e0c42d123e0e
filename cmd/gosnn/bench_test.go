package main

import (
	"bytes"
	"encoding/json"
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
