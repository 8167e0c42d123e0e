package readout

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// readoutTestNet is a 400 E / 100 I random network in 5 clusters, for fast read-out tests.
func readoutTestNet(t testing.TB, seed uint64) *snn.Network {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	cfg.Seed, cfg.Threads = seed, 1
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The supervisor plays the pattern column by column from the detection step and returns to
// the baseline afterwards (docs/MODEL.md 7.3).
func TestSupervisorSchedule(t *testing.T) {
	net := readoutTestNet(t, 1)
	p := ABCBA()
	ro, err := New(net, DefaultConfig(), p, DEDED())
	if err != nil {
		t.Fatal(err)
	}
	ro.begin(roTrain)
	ro.playGroup, ro.playStart = 0, 1000
	for s := int64(1000); s < 1000+int64(p.Steps())+20; s++ {
		ro.supervise(s)
		rates := net.DriveRates(ro.PopS())
		k := int(s - 1000)
		for e := 0; e < 3; e++ {
			want := SupervisorBaseline
			if k < p.Steps() {
				want = p.Rates[e][k]
			}
			if got := rates[e]; got != want {
				t.Fatalf("step %d element %d: rate %v, want %v", k, e, got, want)
			}
		}
		for j := 3; j < 5; j++ { // DEDED is not playing: baseline
			if rates[j] != SupervisorBaseline {
				t.Fatalf("step %d: idle group rate %v", k, rates[j])
			}
		}
	}
	if ro.playGroup != -1 {
		t.Error("pattern still playing after its end")
	}
}

// During training the R neurons fire when their supervisors are on: most R spikes fall in
// their element's windows after each detected start, and starts are at least one pattern
// length apart.
func TestReadoutTrainingFollowsSupervisor(t *testing.T) {
	net := readoutTestNet(t, 3)
	p := ABCBA()
	ro, err := New(net, DefaultConfig(), p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ro.Train(context.Background(), 1500, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CycleStarts) < 2 {
		t.Fatalf("%d cycle starts in 1.5 s", len(res.CycleStarts))
	}
	if res.CycleStarts[0] < 50 {
		t.Errorf("first start %v ms, before the 50-ms burn-in", res.CycleStarts[0])
	}
	for i := 1; i < len(res.CycleStarts); i++ {
		if d := res.CycleStarts[i] - res.CycleStarts[i-1]; d < p.Duration() {
			t.Errorf("starts %v ms apart, less than the pattern", d)
		}
	}
	in, total := 0, 0
	for j, ts := range ro.rTimes {
		for _, tm := range ts {
			total++
			for _, s := range res.CycleStarts {
				k := int(math.Round((tm - s) / 0.1))
				// Allow 5 ms of latency from the S spike to the R spike.
				k5 := k - 50
				if k5 >= 0 && k5 < p.Steps() && p.Rates[j][k5] == SupervisorOn || k >= 0 && k < p.Steps() && p.Rates[j][k] == SupervisorOn {
					in++
					break
				}
			}
		}
	}
	if total < 20 || float64(in) < 0.8*float64(total) {
		t.Errorf("%d of %d R spikes inside their windows", in, total)
	}
	// E→R weights grew from 0, stayed in [0, 25), and are larger onto R neurons from the E
	// neurons that were active.
	w := ro.Weights()
	sum := 0.0
	for _, row := range w {
		for _, v := range row {
			if v < 0 || v >= 25 {
				t.Fatalf("weight %v outside [0, 25)", v)
			}
			sum += v
		}
	}
	if sum == 0 {
		t.Error("no E→R weight grew")
	}
}

func TestReadoutReplaySelectionAndDeletion(t *testing.T) {
	net := readoutTestNet(t, 5)
	ro, err := New(net, DefaultConfig(), ABCBA(), DEDED())
	if err != nil {
		t.Fatal(err)
	}
	w := ro.Weights()
	for j := range w {
		for i := range w[j] {
			w[j][i] = 10
		}
	}
	if err := ro.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	opt := DefaultReplayOptions()
	opt.Select = 1
	opt.DeleteAt, opt.DeleteFrac = 300, 1.0/3
	res, err := ro.Replay(context.Background(), 600, opt)
	if err != nil {
		t.Fatal(err)
	}
	count := func(from, to int, t0, t1 float64) int {
		n := 0
		for j := from; j < to; j++ {
			for _, tm := range res.RTimes[j] {
				if tm >= t0 && tm < t1 {
					n++
				}
			}
		}
		return n
	}
	a0, a1 := ro.Group(0)
	b0, b1 := ro.Group(1)
	// Per neuron, the inhibited group fires far less than the selected one.
	na, nb := count(a0, a1, res.Start, res.End), count(b0, b1, res.Start, res.End)
	t.Logf("spikes: inhibited group %d (3 neurons), selected group %d (2 neurons)", na, nb)
	if nb == 0 || float64(na)/3 > 0.1*float64(nb)/2 {
		t.Errorf("inhibited group fired %d spikes, selected group %d", na, nb)
	}
	// About one third of the 5 × 400 weights deleted (binomial sd ≈ 21).
	if d := res.Deleted; d < 2000/3-110 || d > 2000/3+110 {
		t.Errorf("%d of 2000 weights deleted, want about 667", d)
	}
	// The deletion lasted for that replay only: the trained weights are back.
	for j, row := range ro.Weights() {
		for i, v := range row {
			if v != 10 {
				t.Fatalf("after the replay w[%d][%d] = %v, want the trained 10", j, i, v)
			}
		}
	}
	if w, err := res.Window(ro, 1, res.Start+100); err != nil || len(w) != 2 || len(w[0]) != DEDED().Steps() || &w[0][0] != &res.Rates[3][999] {
		t.Errorf("window of group 1 from 100 ms: %v", err)
	}
	for _, bad := range []struct {
		g    int
		from float64
	}{{2, res.Start + 100}, {1, res.Start - 10}, {1, res.End - 100}, {1, math.NaN()}} {
		if _, err := res.Window(ro, bad.g, bad.from); err == nil {
			t.Errorf("window %+v accepted", bad)
		}
	}
	if len(res.Rates) != 5 || len(res.Rates[0]) != 6000 {
		t.Errorf("rates %d × %d, want 5 × 6000", len(res.Rates), len(res.Rates[0]))
	}
	// Replay leaves the weights frozen otherwise, and E→R plasticity is off.
	if _, err := ro.Replay(context.Background(), 100, DefaultReplayOptions()); err != nil {
		t.Fatal(err)
	}
	for _, row := range ro.Weights() {
		for _, v := range row {
			if v != 10 {
				t.Fatalf("weight changed during replay: %v", v)
			}
		}
	}
}

func TestReadoutErrors(t *testing.T) {
	net := readoutTestNet(t, 1)
	if _, err := New(net, DefaultConfig()); err == nil {
		t.Error("no pattern accepted")
	}
	coarse := &Pattern{DT: 1, Rates: [][]float64{{1, 10}}}
	if _, err := New(net, DefaultConfig(), coarse); err == nil || !strings.Contains(err.Error(), "DT") {
		t.Errorf("pattern at 1 ms on a 0.1-ms network: %v", err)
	}
	cfg := DefaultConfig()
	cfg.WSR = -1
	if _, err := New(net, cfg, ABCBA()); err == nil || !strings.Contains(err.Error(), "WSR") {
		t.Errorf("negative WSR: %v", err)
	}
	ro, err := New(net, DefaultConfig(), ABCBA())
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.SetWeights([][]float64{{1}}); err == nil {
		t.Error("wrong shape accepted")
	}
	if _, err := ro.Replay(context.Background(), 10, ReplayOptions{Select: 3, DeleteAt: -1}); err == nil {
		t.Error("Select 3 of 1 group accepted")
	}
	res, err := ro.Replay(context.Background(), 60, DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Error(ro, 0, 35); err == nil {
		t.Error("error measure without two cycle starts")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ro.Train(ctx, 100, 0); err == nil {
		t.Error("cancelled training returned no error")
	}
}

// A replay starts from rest: the drive the supervisor built up in R during training does not
// carry over, so no R neuron fires at replay onset (the "spurious column" of issue #14).
// Training ends while a long pattern keeps every supervisor at 10 kHz.
func TestReadoutReplayStartsAtRest(t *testing.T) {
	net := readoutTestNet(t, 2)
	on := make([][]float64, 40)
	for e := range on {
		on[e] = make([]float64, 20001) // 2 s at 0.1 ms, longer than the training
		for k := range on[e] {
			on[e][k] = SupervisorOn
		}
	}
	ro, err := New(net, DefaultConfig(), &Pattern{DT: 0.1, Rates: on})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ro.Train(context.Background(), 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R spikes in training %v", tr.RSpikes)
	if len(tr.CycleStarts) == 0 || tr.RSpikes[0] == 0 {
		t.Fatalf("the supervisor never drove R during training (starts %v, R spikes %v)", tr.CycleStarts, tr.RSpikes)
	}
	rep, err := ro.Replay(context.Background(), 30, DefaultReplayOptions())
	if err != nil {
		t.Fatal(err)
	}
	for j, ts := range rep.RTimes {
		if len(ts) > 0 {
			t.Errorf("R neuron %d fired at %v ms, %.1f ms into the replay: state carried over from training", j, ts[0], ts[0]-rep.Start)
		}
	}
}
