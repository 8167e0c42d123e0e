package snn

import "testing"

// benchPlastic builds the paper's network with every rule on, runs 200 ms of training with
// threads = 1, and depolarises every 300th E neuron (about 8 rows, the ≈ 3900 LTP updates of
// an average step of training) so that the passes have work of the size they see in a run.
func benchPlastic(b *testing.B) (*Network, *worker) {
	b.Helper()
	s := PaperSetup()
	s.Config.Threads = 1
	n, err := s.Build()
	if err != nil {
		b.Fatal(err)
	}
	n.SetPlastic(true)
	if err := n.ScheduleStimuli(TrainingSchedule(30, 1e7), DefaultTrainingDrive()); err != nil {
		b.Fatal(err)
	}
	if err := n.Run(200); err != nil {
		b.Fatal(err)
	}
	e := n.pops[PopE]
	for j := 0; j < e.n; j++ {
		if j%300 == 0 {
			e.v[j], e.up[j] = -45, -52
		} else {
			e.v[j] = min(e.v[j], -50)
		}
	}
	return n, n.workers[0]
}

// BenchmarkNormalizePass: one normalisation of the E→E weights of the paper's network
// (2400 rows, 1.15 M weights), the work of every 200th step.
func BenchmarkNormalizePass(b *testing.B) {
	n, wk := benchPlastic(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.normalize(wk, 0)
	}
}

// BenchmarkLTPPass: the continuous plasticity of one step (LTP over the depolarised rows and
// the postsynaptic iSTDP branch) on the state of benchPlastic.
func BenchmarkLTPPass(b *testing.B) {
	n, wk := benchPlastic(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.stepPlasticity(wk, 0, true)
	}
}
