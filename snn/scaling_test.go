package snn

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// profThreadClock is the CPU clock of the calling thread where the platform has one (Linux),
// else nil (wall time).
var profThreadClock func() int64

// scalingNet builds the bench scenario sc ("static" or "train") of the full network.
func scalingNet(t testing.TB, sc string, threads int) *Network {
	t.Helper()
	s := PaperSetup()
	s.Config.Threads = threads
	var (
		n   *Network
		err error
	)
	if sc == "static" {
		n, err = New(s.Config)
	} else {
		n, err = s.Build()
	}
	if err != nil {
		t.Fatal(err)
	}
	if sc == "train" {
		n.SetPlastic(true)
		if err := n.ScheduleStimuli(TrainingSchedule(30, 1e7), DefaultTrainingDrive()); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// phaseReport formats a profile: ns per step of each phase, per worker.
func phaseReport(p *stepProf, wall time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d steps, wall %.1f µs/step, serial %.2f µs/step (phases: thread CPU time)\n", p.steps,
		float64(wall.Nanoseconds())/float64(p.steps)/1e3, float64(p.serial)/float64(p.steps)/1e3)
	fmt.Fprintf(&b, "%-8s", "worker")
	for _, name := range phaseNames {
		fmt.Fprintf(&b, " %9s", name)
	}
	b.WriteString("   (µs per step)\n")
	for id, ns := range p.ns {
		fmt.Fprintf(&b, "%-8d", id)
		for _, v := range ns {
			fmt.Fprintf(&b, " %9.2f", float64(v)/float64(p.steps)/1e3)
		}
		b.WriteString("\n")
	}
	if len(p.work) > 1 && len(p.work[0]) > 0 {
		// Per-step balance of all the work: the step waits for the busiest worker.
		var sum, maxSum int64
		for k := range p.work[0] {
			var m int32
			for _, l := range p.work {
				sum += int64(l[k])
				m = max(m, l[k])
			}
			maxSum += int64(m)
		}
		steps := float64(len(p.work[0]))
		fmt.Fprintf(&b, "work per step %.2f µs; busiest worker %.2f µs per step (balanced: %.2f)\n",
			float64(sum)/steps/1e3, float64(maxSum)/steps/1e3, float64(sum)/steps/1e3/float64(len(p.work)))
	}
	if len(p.ltp) > 1 && len(p.ltp[0]) > 0 {
		// Per-step balance of the LTP work: the step waits for the busiest worker.
		var sum, maxSum int64
		for k := range p.ltp[0] {
			var m int32
			for _, l := range p.ltp {
				sum += int64(l[k])
				m = max(m, l[k])
			}
			maxSum += int64(m)
		}
		fmt.Fprintf(&b, "LTP synapses per step %.0f; busiest worker %.0f per step (balanced: %.0f)\n",
			float64(sum)/float64(len(p.ltp[0])), float64(maxSum)/float64(len(p.ltp[0])),
			float64(sum)/float64(len(p.ltp[0]))/float64(len(p.ltp)))
	}
	return b.String()
}

// TestPhaseProfile runs the static and train scenarios with the instrumentation on, at 1 and
// 2 threads, and logs the time per phase and worker (go test -v -run TestPhaseProfile; the
// environment variable GOSNN_PHASE_MS sets the simulated time, 200 ms by default). It checks
// that the instrumentation sees every step and every worker, and changes no spike.
func TestPhaseProfile(t *testing.T) {
	ms := 200.0
	if v := os.Getenv("GOSNN_PHASE_MS"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			t.Fatalf("GOSNN_PHASE_MS=%q: want a positive number", v)
		}
		ms = f
	} else if testing.Short() {
		ms = 50
	}
	for _, sc := range []string{"static", "train"} {
		var spikes []int64
		for _, th := range []int{1, 2} {
			n := scalingNet(t, sc, th)
			p := n.profile(true)
			p.clock, p.lockThreads = profThreadClock, profThreadClock != nil
			t0 := time.Now()
			if err := n.Run(ms); err != nil {
				t.Fatal(err)
			}
			wall := time.Since(t0)
			t.Logf("%s, %d threads: %s", sc, th, phaseReport(p, wall))
			if want := int64(ms / n.DT()); p.steps != want {
				t.Errorf("%s, %d threads: profile counts %d steps, want %d", sc, th, p.steps, want)
			}
			if len(p.ns) != th {
				t.Errorf("%s, %d threads: profile has %d workers", sc, th, len(p.ns))
			}
			for id, ns := range p.ns {
				if ns[phIntegrate] <= 0 || ns[phDeliver] <= 0 {
					t.Errorf("%s, worker %d: integrate %d ns, deliver %d ns: want > 0", sc, id, ns[phIntegrate], ns[phDeliver])
				}
				if sc == "train" && ns[phLTP] <= 0 {
					t.Errorf("train, worker %d: no LTP time", id)
				}
			}
			spikes = append(spikes, n.SpikeCount(PopE), n.SpikeCount(PopI))
		}
		if spikes[0] != spikes[2] || spikes[1] != spikes[3] {
			t.Errorf("%s: spikes E/I %d/%d at 1 thread, %d/%d at 2", sc, spikes[0], spikes[1], spikes[2], spikes[3])
		}
	}
}

// TestLTPShared runs 100 ms of the train scenario at 1, 2 and 3 threads: the weights and
// spikes are bit-identical, and with several workers the LTP of every step is split evenly
// (share.go): no worker updates more than its share of the step's synapses plus one row.
func TestLTPShared(t *testing.T) {
	var ref []float64
	var refSpikes int64
	for _, th := range []int{1, 2, 3} {
		n := scalingNet(t, "train", th)
		p := n.profile(true)
		if err := n.Run(100); err != nil {
			t.Fatal(err)
		}
		w := n.WeightMatrix().RawMatrix().Data
		if ref == nil {
			ref, refSpikes = w, n.SpikeCount(PopE)
		} else {
			if n.SpikeCount(PopE) != refSpikes {
				t.Errorf("%d threads: %d E spikes, %d at 1 thread", th, n.SpikeCount(PopE), refSpikes)
			}
			for i := range w {
				if w[i] != ref[i] {
					t.Fatalf("%d threads: weight %d = %v, %v at 1 thread", th, i, w[i], ref[i])
				}
			}
		}
		if th == 1 {
			continue
		}
		maxRow := 0
		pr := n.vrules[0].pr
		for j := range len(pr.rowPtr) - 1 {
			maxRow = max(maxRow, int(pr.rowPtr[j+1]-pr.rowPtr[j]))
		}
		var busy int
		for k := range p.ltp[0] {
			sum, m := 0, 0
			for _, l := range p.ltp {
				sum += int(l[k])
				m = max(m, int(l[k]))
			}
			if sum > 0 {
				busy++
			}
			if m > sum/th+maxRow {
				t.Fatalf("%d threads, step %d: the busiest worker updated %d of %d LTP synapses (share %d, row <= %d)",
					th, k, m, sum, sum/th, maxRow)
			}
		}
		if busy == 0 {
			t.Fatalf("%d threads: no step with LTP", th)
		}
	}
}

// BenchmarkBarrier measures one barrier of the step loop: ns per barrier with T goroutines
// (each waits b.N times).
func BenchmarkBarrier(b *testing.B) {
	for _, th := range []int{2, 4} {
		b.Run(fmt.Sprintf("threads=%d", th), func(b *testing.B) {
			br := newBarrier(th)
			var wg sync.WaitGroup
			for range th - 1 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range b.N {
						br.wait()
					}
				}()
			}
			for range b.N {
				br.wait()
			}
			wg.Wait()
		})
	}
}

// BenchmarkEmptyStep measures the fixed cost of a step (barriers, spike bookkeeping, the
// chunk loop) on a network of 8 E and 2 I neurons, reported as ns per step.
func BenchmarkEmptyStep(b *testing.B) {
	for _, sc := range []string{"static", "plastic"} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", sc, th), func(b *testing.B) {
				s := PaperSetup()
				s.Config.NE, s.Config.NI, s.Config.Clusters, s.Config.Threads = 8, 2, 2, th
				n, err := s.Build()
				if err != nil {
					b.Fatal(err)
				}
				n.SetPlastic(sc == "plastic")
				b.ResetTimer()
				for range b.N {
					if err := n.Run(10); err != nil { // 100 steps
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/step")
			})
		}
	}
}
