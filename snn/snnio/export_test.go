package snnio

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/snntest"

	"github.com/gosnn/gosnn/snn"
	"github.com/gosnn/gosnn/snn/analysis"
	"gonum.org/v1/gonum/mat"
)

// needPython skips the test when Debian's python3 lacks the given modules, except under
// CI=true, where their absence fails it.
func needPython(t *testing.T, modules string) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import "+modules).Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: import %s failed (CI=true): apt-get install python3-numpy python3-scipy", py, modules)
		}
		t.Skipf("%s cannot import %s: skipping the cross-check (apt-get install python3-numpy python3-scipy)", py, modules)
	}
	return py
}

// gridSpikes returns spikes at steps*dt computed as the simulator computes them
// (float64(step) * dt), the times with float noise such as 21.200000000000003.
func gridSpikes(steps []int64, dt float64) *snn.Spikes {
	sp := &snn.Spikes{}
	for i, s := range steps {
		sp.Time = append(sp.Time, float64(s)*dt)
		sp.Neuron = append(sp.Neuron, int32(i*7%11))
	}
	return sp
}

// at returns step·dt computed at run time, as the simulator does (a constant expression
// such as 212 * 0.1 would be exact).
func at(step int64, dt float64) float64 { return float64(step) * dt }

var exportSteps = []int64{0, 1, 3, 7, 212, 213, 999, 1001, 12345, 123456789}

func TestExportSnapTime(t *testing.T) {
	tests := []struct {
		t, dt float64
		want  string
	}{
		{at(212, 0.1), 0.1, "21.2"},
		{at(3, 0.1), 0.1, "0.3"},
		{at(123456789, 0.1), 0.1, "12345678.9"},
		{at(7, 0.05), 0.05, "0.35"},
		{21.25, 0.1, "21.25"},                             // off the grid: kept
		{at(212, 0.1), 0, "21.200000000000003"},           // no grid
		{at(212, 0.1), 1.0 / 3, "21.200000000000003"},     // not a decimal step
		{at(-5, 0.1), 0.1, "-0.5"},                        // before 0
		{math.Inf(1), 0.1, "+Inf"},                        // kept
		{0.30000000000000004 + 1e-6, 0.1, "0.300001"[:0]}, // filled in below
	}
	if at(212, 0.1) == 21.2 {
		t.Fatal("212*0.1 has no float noise here: the test would prove nothing")
	}
	tests[len(tests)-1].want = strconv.FormatFloat(0.30000000000000004+1e-6, 'f', -1, 64)
	for _, tt := range tests {
		got := strconv.FormatFloat(SnapTime(tt.t, tt.dt), 'f', -1, 64)
		if got != tt.want {
			t.Errorf("SnapTime(%v, %v) = %s, want %s", tt.t, tt.dt, got, tt.want)
		}
	}
}

func TestExportSpikesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sp := gridSpikes(exportSteps, 0.1)
	if sp.Time[4] == 21.2 {
		t.Fatal("212*0.1 has no float noise here: the test would prove nothing")
	}
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(dir, "spikes"+ext)
		if err := SaveSpikes(path, sp, 0.1); err != nil {
			t.Fatal(err)
		}
		got, err := LoadSpikes(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range exportSteps {
			if want := float64(s) / 10; got.Time[i] != want {
				t.Errorf("%s: spike %d time %v, want %v", ext, i, got.Time[i], want)
			}
		}
		if !reflect.DeepEqual(got.Neuron, sp.Neuron) {
			t.Errorf("%s: neurons %v, want %v", ext, got.Neuron, sp.Neuron)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "spikes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if lines[0] != "time_ms,neuron" || len(lines) != len(exportSteps)+1 {
		t.Fatalf("csv has %d lines, header %q", len(lines), lines[0])
	}
	for i, s := range exportSteps {
		want := strconv.FormatInt(s/10, 10)
		if s%10 != 0 {
			want += "." + strconv.FormatInt(s%10, 10)
		}
		want += "," + strconv.Itoa(int(sp.Neuron[i]))
		if lines[i+1] != want {
			t.Errorf("csv line %d = %q, want %q", i+2, lines[i+1], want)
		}
	}
}

func TestExportEmptySpikes(t *testing.T) {
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(t.TempDir(), "none"+ext)
		if err := SaveSpikes(path, &snn.Spikes{}, 0.1); err != nil {
			t.Fatal(err)
		}
		got, err := LoadSpikes(path)
		if err != nil || got.Len() != 0 {
			t.Errorf("%s: %v, %v", ext, got, err)
		}
	}
}

func TestExportRatesRoundTrip(t *testing.T) {
	tab := TracesTable([][]float64{{1.0 / 3, 0, 2.5e-7}, {math.Pi, 1e300, 7}}, 0.1, 0.1)
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(t.TempDir(), "rates"+ext)
		if err := SaveRates(path, tab, 0.1); err != nil {
			t.Fatal(err)
		}
		got, err := LoadRates(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Hz, tab.Hz) {
			t.Errorf("%s: rates %v, want %v", ext, got.Hz, tab.Hz)
		}
		if want := []float64{0.1, 0.2, 0.3}; !reflect.DeepEqual(got.TimeMs, want) {
			t.Errorf("%s: times %v, want %v (snapped)", ext, got.TimeMs, want)
		}
		wantNames := []string{"cluster_0", "cluster_1"}
		if ext == ".npy" {
			wantNames = []string{"rate_0", "rate_1"}
		}
		if !reflect.DeepEqual(got.Names, wantNames) {
			t.Errorf("%s: names %v, want %v", ext, got.Names, wantNames)
		}
	}
}

func TestExportActivationsRoundTrip(t *testing.T) {
	acts := []analysis.Activation{
		{Cluster: 3, TimeMs: at(212, 0.1), PeakHz: 41.66666666666667, StartMs: at(200, 0.1), EndMs: at(230, 0.1)},
		{Cluster: 0, TimeMs: 10.5, PeakHz: 20.000000000000004, StartMs: at(3, 0.1), EndMs: 21.25},
	}
	want := []analysis.Activation{
		{Cluster: 3, TimeMs: 21.2, PeakHz: 41.66666666666667, StartMs: 20, EndMs: 23},
		{Cluster: 0, TimeMs: 10.5, PeakHz: 20.000000000000004, StartMs: 0.3, EndMs: 21.25},
	}
	for _, ext := range []string{".csv", ".npy"} {
		path := filepath.Join(t.TempDir(), "acts"+ext)
		if err := SaveActivations(path, acts, 0.1); err != nil {
			t.Fatal(err)
		}
		got, err := LoadActivations(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", ext, got, want)
		}
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"extension", func() error { return SaveSpikes(filepath.Join(dir, "s.txt"), &snn.Spikes{}, 0.1) }, `unknown spike file extension ".txt"`},
		{"ragged spikes", func() error { return SaveSpikes(filepath.Join(dir, "s.csv"), &snn.Spikes{Time: []float64{1}}, 0.1) }, "s.csv"},
		{"header", func() error { _, err := LoadSpikes(write("h.csv", "t,n\n1,2\n")); return err }, `header "t,n", want "time_ms,neuron"`},
		{"not a number", func() error { _, err := LoadSpikes(write("x.csv", "time_ms,neuron\n1,2\n1.5,x\n")); return err }, `line 3, column neuron: "x" is not a number`},
		{"fields", func() error { _, err := LoadSpikes(write("f.csv", "time_ms,neuron\n1\n")); return err }, "wrong number of fields"},
		{"neuron", func() error { _, err := LoadSpikes(write("n.csv", "time_ms,neuron\n1,2.5\n")); return err }, "neuron 2.5 is not an index"},
		{"empty", func() error { _, err := LoadSpikes(write("e.csv", "")); return err }, "no header line"},
		{"ragged rates", func() error {
			return SaveRates(filepath.Join(dir, "r.csv"), snn.RateTable{TimeMs: []float64{0, 1}, Names: []string{"E"}, Hz: [][]float64{{1}}}, 0.1)
		}, "trace E has 1 values for 2 bins"},
		{"rate name", func() error {
			return SaveRates(filepath.Join(dir, "r.csv"), snn.RateTable{TimeMs: []float64{0}, Names: []string{"a,b"}, Hz: [][]float64{{1}}}, 0.1)
		}, `trace name "a,b"`},
		{"npy columns", func() error {
			p := filepath.Join(dir, "w.npy")
			if err := WriteNpyFile(p, mat.NewDense(1, 3, nil)); err != nil {
				return err
			}
			_, err := LoadSpikes(p)
			return err
		}, "want (n, 2) for the columns time_ms, neuron"},
	}
	for _, tt := range tests {
		err := tt.err()
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "snnio: ") {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestExportPythonInterop reads every export with NumPy (np.load, np.loadtxt, np.genfromtxt)
// and weights with SciPy (scipy.io.loadmat), and reads back files NumPy and SciPy write.
func TestExportPythonInterop(t *testing.T) {
	py := needPython(t, "numpy, scipy.io")
	dir := t.TempDir()
	sp := gridSpikes(exportSteps, 0.1)
	for _, f := range []string{"spikes.csv", "spikes.npy"} {
		if err := SaveSpikes(filepath.Join(dir, f), sp, 0.1); err != nil {
			t.Fatal(err)
		}
	}
	tab := TracesTable([][]float64{{1.0 / 3, 0, 2.5e-7}, {math.Pi, 1e300, 7}}, 0, 0.1)
	acts := []analysis.Activation{{Cluster: 3, TimeMs: at(212, 0.1), PeakHz: 41.66666666666667, StartMs: at(200, 0.1), EndMs: at(230, 0.1)}}
	w := mat.NewDense(3, 3, []float64{0, 1.5, 2.25, 3, 0, -1e-3, 1.0 / 3, 7, 0})
	for _, ext := range []string{".csv", ".npy"} {
		if err := SaveRates(filepath.Join(dir, "rates"+ext), tab, 0.1); err != nil {
			t.Fatal(err)
		}
		if err := SaveActivations(filepath.Join(dir, "acts"+ext), acts, 0.1); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"W.npy", "W.mat"} {
		if err := SaveWeights(filepath.Join(dir, f), w); err != nil {
			t.Fatal(err)
		}
	}
	var steps []string
	for _, s := range exportSteps {
		steps = append(steps, strconv.FormatInt(s, 10))
	}
	script := `
import sys, numpy as np, scipy.io as sio
d, steps = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
times = [s / 10 for s in steps]
for a in (np.load(d + "/spikes.npy"), np.loadtxt(d + "/spikes.csv", delimiter=",", skiprows=1)):
    assert a.shape == (len(steps), 2), a.shape
    assert a[:, 0].tolist() == times, (a[:, 0].tolist(), times)
    assert a[:, 1].tolist() == [i * 7 % 11 for i in range(len(steps))], a[:, 1]
g = np.genfromtxt(d + "/spikes.csv", delimiter=",", names=True)
assert g.dtype.names == ("time_ms", "neuron"), g.dtype.names
assert g["time_ms"].tolist() == times
r = np.genfromtxt(d + "/rates.csv", delimiter=",", names=True)
assert r.dtype.names == ("time_ms", "cluster_0", "cluster_1"), r.dtype.names
assert r["time_ms"].tolist() == [0, 0.1, 0.2], r["time_ms"]
assert r["cluster_0"].tolist() == [1 / 3, 0, 2.5e-7] and r["cluster_1"].tolist() == [np.pi, 1e300, 7]
rn = np.load(d + "/rates.npy")
assert rn.tolist() == [[0, 1 / 3, np.pi], [0.1, 0, 1e300], [0.2, 2.5e-7, 7]], rn
for a in (np.load(d + "/acts.npy"), np.loadtxt(d + "/acts.csv", delimiter=",", skiprows=1, ndmin=2)):
    assert a.tolist() == [[3, 21.2, 41.66666666666667, 20, 23]], a
W = np.array([[0, 1.5, 2.25], [3, 0, -1e-3], [1 / 3, 7, 0]])
assert (np.load(d + "/W.npy") == W).all()
assert (sio.loadmat(d + "/W.mat")["W"] == W).all()
# Files written by NumPy and SciPy, for gosnn to read.
np.save(d + "/np_spikes.npy", np.array([[0.5, 3], [21.2, 4]]))
np.savetxt(d + "/np_spikes.csv", np.array([[0.5, 3], [21.2, 4]]), delimiter=",", header="time_ms,neuron", comments="")
sio.savemat(d + "/sp_W.mat", {"W": W})
np.save(d + "/np_W.npy", W)
`
	if out, err := exec.Command(py, "-c", script, dir, strings.Join(steps, ",")).CombinedOutput(); err != nil {
		t.Fatalf("numpy/scipy rejected our files: %v\n%s", err, out)
	}
	for _, f := range []string{"np_spikes.npy", "np_spikes.csv"} {
		got, err := LoadSpikes(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, &snn.Spikes{Time: []float64{0.5, 21.2}, Neuron: []int32{3, 4}}) {
			t.Errorf("%s: %v", f, got)
		}
	}
	for _, f := range []string{"sp_W.mat", "np_W.npy"} {
		got, err := LoadWeights(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(got, w) {
			t.Errorf("%s: %v", f, mat.Formatted(got))
		}
	}
}

func FuzzReadCSVTable(f *testing.F) {
	for _, s := range []string{"time_ms,neuron\n21.2,3\n", "a\n1\n\n2\n", "", "a,b\n1\n", "x\nnan\ninf\n-1e-300\n", "\"a\nb\",c\n1,2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		header, rows, err := ReadCSVTable(strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "snnio: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		for _, r := range rows {
			if len(r) != len(header) {
				t.Fatalf("row of %d values under %d columns", len(r), len(header))
			}
		}
	})
}

// TestExportNetworkRecord exports what a real run records: every spike time in the CSV is
// its step on the 0.1-ms grid, written with at most one decimal, and the rate table of a
// RateMonitor reads back exactly.
func TestExportNetworkRecord(t *testing.T) {
	n := snntest.SmallNet(t, 1, 3)
	if err := n.SetRates(snn.PopE, 0, 400, 6); err != nil {
		t.Fatal(err)
	}
	mon, err := n.RecordSpikes(snn.PopE, nil)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := n.RecordRates(2.5)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Run(100); err != nil {
		t.Fatal(err)
	}
	sp := mon.Spikes()
	if sp.Len() < 50 {
		t.Fatalf("only %d spikes: the test needs a busier network", sp.Len())
	}
	noisy := 0
	for _, tm := range sp.Time {
		if s := strconv.FormatFloat(tm, 'f', -1, 64); len(s) > 6 {
			noisy++
		}
	}
	if noisy == 0 {
		t.Fatal("no spike time has float noise: the test would prove nothing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "spikes.csv")
	if err := SaveSpikes(path, sp, n.DT()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		tm, _, _ := strings.Cut(line, ",")
		step := math.Round(sp.Time[i] / n.DT())
		want := strconv.FormatFloat(step/10, 'f', -1, 64)
		if tm != want || (strings.Contains(tm, ".") && len(tm)-strings.Index(tm, ".") != 2) {
			t.Fatalf("line %d: time %q, want %q (step %v)", i+2, tm, want, step)
		}
	}
	tab := rm.Table()
	if len(tab.Names) != 2+5 || tab.Names[0] != n.PopName(snn.PopE) || tab.Names[2] != "cluster_0" {
		t.Errorf("rate table names %v", tab.Names)
	}
	rpath := filepath.Join(dir, "rates.csv")
	if err := SaveRates(rpath, tab, n.DT()); err != nil {
		t.Fatal(err)
	}
	back, err := LoadRates(rpath)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Hz, tab.Hz) || !reflect.DeepEqual(back.Names, tab.Names) || len(back.TimeMs) != 40 || back.TimeMs[1] != 2.5 {
		t.Errorf("rates read back differ: %v bins, times %v", len(back.TimeMs), back.TimeMs[:2])
	}
}
