package snn_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn"
	"gonum.org/v1/gonum/mat"
)

// A small version of the main network (docs/MODEL.md section 6), run for 200 ms of spontaneous
// activity.
func ExampleNew() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 800, 200, 10
	cfg.Seed = 42
	net, err := snn.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	spikes, _ := net.RecordSpikes(snn.PopE, nil)
	if err := net.Run(200); err != nil {
		fmt.Println(err)
		return
	}
	rate := float64(net.SpikeCount(snn.PopE)) / 800 / 0.2
	fmt.Println("neurons:", net.Size(snn.PopE), "E,", net.Size(snn.PopI), "I;", net.Clusters().Count(), "clusters")
	fmt.Println("synapses about 0.2 of all pairs:", math.Abs(float64(net.TotalSynapses())/(0.2*999000)-1) < 0.02)
	fmt.Println("time:", net.Time(), "ms")
	fmt.Println("monitor saw every E spike:", int64(spikes.Spikes().Len()) == net.SpikeCount(snn.PopE))
	fmt.Println("E rate below 20 Hz:", rate < 20)
	// Output:
	// neurons: 800 E, 200 I; 10 clusters
	// synapses about 0.2 of all pairs: true
	// time: 200 ms
	// monitor saw every E spike: true
	// E rate below 20 Hz: true
}

// Bad parameters are reported with the field name and value.
func ExampleConfig_Validate() {
	cfg := snn.DefaultConfig()
	cfg.E.TauW = -1
	fmt.Println(cfg.Validate())
	cfg = snn.DefaultConfig()
	cfg.Clusters = 7
	fmt.Println(cfg.Validate())
	// Output:
	// snn: Config.E.TauW = -1: time constant must be > 0
	// snn: Config.Clusters = 7: must be a positive divisor of NE (2400)
}

// The read-out populations of docs/MODEL.md sections 3.3-3.5 and 4.4 are added to a recurrent
// network: R, S and H with their one-to-one pathways, and all-to-all E→R synapses starting
// at 0. The supervisor rate is changed during the run by a hook.
func ExampleNetwork_AddPopulation() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	net, _ := snn.New(cfg)
	const nR = 3
	r, _ := net.AddPopulation("R", snn.DefaultReadout(), nR, snn.Drive{})
	s, _ := net.AddPopulation("S", snn.DefaultReadout(), nR, snn.Drive{Rate: 1, Weight: 1.78})
	h, _ := net.AddPopulation("H", snn.DefaultInterneuron(), nR, snn.Drive{Rate: 1, Weight: 1.78})
	er, _ := net.ConnectAll(snn.PopE, r, snn.Exc, 0)
	net.ConnectOneToOne(s, r, snn.Exc, 200)
	net.ConnectOneToOne(r, h, snn.Exc, 200)
	net.ConnectOneToOne(h, r, snn.Inh, 200)
	// Supervisor 0 at 10 kHz during 25-100 ms.
	net.Every(1, func(t float64) {
		rate := 1.0
		if t >= 25 && t < 100 {
			rate = 10
		}
		net.SetRate(s, 0, rate)
	})
	rs, _ := net.RecordSpikes(r, nil)
	if err := net.Run(150); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("populations:", net.NumPops(), "R offset:", net.Offset(r))
	fmt.Println("E→R synapses:", net.NumSynapses(er))
	fmt.Println("R spiked:", rs.Spikes().Len() > 0)
	// Output:
	// populations: 5 R offset: 500
	// E→R synapses: 1200
	// R spiked: true
}

// A LIF neuron with its leak reversal above threshold fires regularly; its membrane
// potential is recorded every millisecond. From V = −60 mV the Euler recursion
// V ← V + dt(E_L − V)/τ crosses −52 mV after 102 steps (10.2 ms); then every interval is
// 5 ms refractory + 10.2 ms.
func ExampleNetwork_RecordState() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 0, 0, 0
	net, _ := snn.New(cfg)
	p := snn.DefaultI()
	p.EL = -40
	p.VInitLow, p.VInitHigh = -60, -60
	id, _ := net.AddPopulation("L", p, 1, snn.Drive{})
	sm, _ := net.RecordState(id, []int{0}, []snn.Var{snn.VarV}, 1)
	sp, _ := net.RecordSpikes(id, nil)
	net.Run(100)
	v := sm.Trace(0, 0)
	fmt.Printf("%d samples, V(1 ms) = %.2f mV\n", len(v), v[0])
	fmt.Printf("spike times (ms): %.1f\n", sp.Spikes().Time)
	// Output:
	// 100 samples, V(1 ms) = -59.02 mV
	// spike times (ms): [10.2 25.4 40.6 55.8 71.0 86.2]
}

// Plasticity (docs/MODEL.md section 5) is attached to projections and switched on and off like the
// original's stdpdelay; here E→E vSTDP, I→E iSTDP and E→E normalisation run during the
// training protocol of section 7.1 on a small network.
func ExampleNetwork_SetVoltageSTDP() {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	net, _ := snn.New(cfg)
	before := net.WeightMatrix()
	net.SetVoltageSTDP(snn.ProjEtoE, snn.DefaultEEPlasticity())
	net.SetInhibitorySTDP(snn.ProjItoE, snn.DefaultIEPlasticity())
	net.SetNormalization(snn.ProjEtoE, snn.DefaultNormalization())
	net.SetPlastic(true)
	net.ScheduleStimuli(snn.TrainingSchedule(5, 300), snn.DefaultTrainingDrive())
	if err := net.Run(300); err != nil {
		fmt.Println(err)
		return
	}
	after := net.WeightMatrix()
	changed, outside := 0, 0
	for i := 0; i < 400; i++ {
		for j := 0; j < 400; j++ {
			if x := after.At(i, j); x != before.At(i, j) {
				changed++
				if x < 1.45 || x > 32.68 {
					outside++
				}
			}
		}
	}
	fmt.Println("E→E weights changed:", changed > 0)
	fmt.Println("outside [1.45, 32.68]:", outside)
	// Output:
	// E→E weights changed: true
	// outside [1.45, 32.68]: 0
}

// A run saved half-way and resumed in another network built the same way gives the spikes of
// the uninterrupted run.
func ExampleNetwork_WriteState() {
	build := func() *snn.Network {
		cfg := snn.DefaultConfig()
		cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
		net, err := snn.New(cfg)
		if err != nil {
			panic(err)
		}
		return net
	}
	a := build()
	_ = a.Run(100)
	var snapshot bytes.Buffer
	if err := a.WriteState(&snapshot); err != nil {
		fmt.Println(err)
		return
	}
	_ = a.Run(100)

	b := build()
	if err := b.ReadState(&snapshot); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("resumed at", b.Time(), "ms")
	_ = b.Run(100)
	fmt.Println("same E spike count:", a.SpikeCount(snn.PopE) == b.SpikeCount(snn.PopE))
	fmt.Println("same weights:", mat.Equal(a.WeightMatrix(), b.WeightMatrix()))

	other := snn.DefaultConfig()
	other.NE, other.NI, other.Clusters = 400, 120, 5
	c, _ := snn.New(other)
	var s2 bytes.Buffer
	_ = a.WriteState(&s2)
	fmt.Println(c.ReadState(&s2))
	// Output:
	// resumed at 100 ms
	// same E spike count: true
	// same weights: true
	// snn: ReadState: different network: population 1 is I of 100 LIF neurons, without traces, in the state, I of 120 LIF neurons, without traces, in the network
}

// The settings of the authors' 15 × 160 matrix (docs/MODEL.md section 9 item 24).
func ExampleClusterSizeSetup() {
	s := snn.ClusterSizeSetup(160)
	c := s.Config
	fmt.Printf("%d E in %d clusters, %d I, p = %.2f\n", c.NE, c.Clusters, c.NI, c.EtoE.P)
	fmt.Printf("initial weights (pF): E→E %.2f, E→I %.2f, I→E %.2f, I→I %.2f\n", c.EtoE.W, c.EtoI.W, c.ItoE.W, c.ItoI.W)
	fmt.Printf("I→E bounds [%g, %g], E→E bounds [%g, %g]\n", s.IE.WMin, s.IE.WMax, s.EE.WMin, s.EE.WMax)
	// Output:
	// 2400 E in 15 clusters, 600 I, p = 0.10
	// initial weights (pF): E→E 4.00, E→I 1.96, I→E 62.87, I→I 20.91
	// I→E bounds [40, 200], E→E bounds [1.45, 32.68]
}
