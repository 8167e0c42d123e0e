package snn

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
)

// stateNet builds a small plastic network with every rule, a pending stimulus schedule and
// plasticity on, with the given threads.
func stateNet(t testing.TB, threads int, mod func(*Setup)) *Network {
	t.Helper()
	s := ReducedSetup(4, 20)
	s.Config.Threads = threads
	if mod != nil {
		mod(&s)
	}
	n, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func stateBytes(t testing.TB, n *Network) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := n.WriteState(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestStateResume runs A for 300 ms, saving at 150 ms; B, built the same way, reads the
// state and runs 150 ms: B's spikes equal A's after 150 ms, and so do all weights, every
// state variable, the spike counts and the LTP count, for 1 and 2 threads, with plasticity
// on and a stimulus schedule pending at the snapshot.
func TestStateResume(t *testing.T) {
	for _, threads := range []int{1, 2} {
		a := stateNet(t, threads, nil)
		a.SetPlastic(true)
		if err := a.ScheduleStimuli(TrainingSchedule(4, 300), DefaultTrainingDrive()); err != nil {
			t.Fatal(err)
		}
		ma, _ := a.RecordSpikes(PopE, nil)
		if err := a.Run(150); err != nil {
			t.Fatal(err)
		}
		saved := stateBytes(t, a)
		if err := a.Run(150); err != nil {
			t.Fatal(err)
		}

		b := stateNet(t, threads, nil)
		mb, _ := b.RecordSpikes(PopE, nil)
		if err := b.ReadState(bytes.NewReader(saved)); err != nil {
			t.Fatal(err)
		}
		if b.Time() != 150 || !b.Plastic() {
			t.Fatalf("threads %d: restored time %v, plastic %v", threads, b.Time(), b.Plastic())
		}
		if err := b.Run(150); err != nil {
			t.Fatal(err)
		}
		sa, sb := ma.Spikes(), mb.Spikes()
		k := 0
		for k < sa.Len() && sa.Time[k] <= 150 {
			k++
		}
		if sa.Len()-k == 0 {
			t.Fatalf("threads %d: no spikes after 150 ms", threads)
		}
		if sb.Len() != sa.Len()-k {
			t.Fatalf("threads %d: resumed run has %d spikes after 150 ms, uninterrupted %d", threads, sb.Len(), sa.Len()-k)
		}
		for i := 0; i < sb.Len(); i++ {
			if sb.Time[i] != sa.Time[k+i] || sb.Neuron[i] != sa.Neuron[k+i] {
				t.Fatalf("threads %d: spike %d differs: (%v, %d) resumed, (%v, %d) uninterrupted", threads, i, sb.Time[i], sb.Neuron[i], sa.Time[k+i], sa.Neuron[k+i])
			}
		}
		if !bytes.Equal(stateBytes(t, a), stateBytes(t, b)) {
			t.Errorf("threads %d: states after 300 ms differ", threads)
		}
		for id := ProjID(0); int(id) < a.NumProjections(); id++ {
			wa, _ := a.Weights(id)
			wb, _ := b.Weights(id)
			if !equalDense(wa, wb) {
				t.Errorf("threads %d: weights of projection %d differ", threads, id)
			}
		}
		if a.SpikeCount(PopI) != b.SpikeCount(PopI) || a.LTPUpdates() != b.LTPUpdates() || a.LTPUpdates() == 0 {
			t.Errorf("threads %d: I spikes %d vs %d, LTP updates %d vs %d", threads, a.SpikeCount(PopI), b.SpikeCount(PopI), a.LTPUpdates(), b.LTPUpdates())
		}
	}
}

func equalDense(a, b interface {
	Dims() (int, int)
	At(int, int) float64
}) bool {
	r, c := a.Dims()
	if r2, c2 := b.Dims(); r != r2 || c != c2 {
		return false
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if a.At(i, j) != b.At(i, j) {
				return false
			}
		}
	}
	return true
}

// TestStateMismatch: a network built differently refuses the state with an error naming the
// difference and is left as it was.
func TestStateMismatch(t *testing.T) {
	a := stateNet(t, 1, nil)
	if err := a.Run(20); err != nil {
		t.Fatal(err)
	}
	saved := stateBytes(t, a)
	for _, tc := range []struct {
		name string
		mod  func(*Setup)
		want string
	}{
		{"seed", func(s *Setup) { s.Config.Seed = 7 }, "seed"},
		{"dt", func(s *Setup) { s.Config.DT = 0.05 }, "dt"},
		{"size", func(s *Setup) { s.Config.NI = 25 }, "population 1"},
		{"rule", func(s *Setup) { s.EE.ALTP *= 2 }, "vSTDP rule 0"},
		{"norm", func(s *Setup) { s.Norm.PeriodMs = 40 }, "normalisation 0"},
		{"connectivity", func(s *Setup) { s.Config.EtoE.P = 0.5 }, "projection 0"},
	} {
		b := stateNet(t, 1, tc.mod)
		before := stateBytes(t, b)
		err := b.ReadState(bytes.NewReader(saved))
		if err == nil || !strings.Contains(err.Error(), "different network") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a different-network error naming %q", tc.name, err, tc.want)
		}
		if !bytes.Equal(before, stateBytes(t, b)) {
			t.Errorf("%s: the refused state changed the network", tc.name)
		}
	}
	// A network without the rules.
	b, err := New(ReducedSetup(4, 20).Config)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.ReadState(bytes.NewReader(saved)); err == nil || !strings.Contains(err.Error(), "traces") {
		t.Errorf("network without rules: err = %v, want one naming the traces", err)
	}
}

// TestStateCorrupt: truncated, bit-flipped and foreign streams are errors, and the network
// is unchanged.
func TestStateCorrupt(t *testing.T) {
	a := stateNet(t, 1, nil)
	if err := a.Run(20); err != nil {
		t.Fatal(err)
	}
	saved := stateBytes(t, a)
	b := stateNet(t, 1, nil)
	before := stateBytes(t, b)
	flip := append([]byte(nil), saved...)
	flip[len(flip)/2] ^= 4
	ver := append([]byte(nil), saved...)
	ver[8] = 9
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "header"},
		{"magic", []byte("GOSNNXX\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "magic"},
		{"version", ver, "version 9"},
		{"truncated", saved[:len(saved)-10], "truncated"},
		{"flipped", flip, "checksum"},
	} {
		err := b.ReadState(bytes.NewReader(tc.data))
		if err == nil || !strings.HasPrefix(err.Error(), "snn: ReadState: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if !bytes.Equal(before, stateBytes(t, b)) {
		t.Errorf("a refused state changed the network")
	}
}

// resum replaces the checksum of a state stream so that the decoder sees the body.
func resum(data []byte) []byte {
	if len(data) < stateHeader+4 {
		return data
	}
	d := append([]byte(nil), data...)
	binary.LittleEndian.PutUint64(d[12:], uint64(len(d)-stateHeader-4))
	binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4]))
	return d
}

// FuzzReadState: arbitrary bytes, also with a valid length and checksum so that they reach
// the decoder, give an error (and an unchanged network) or a state that runs; never a panic.
func FuzzReadState(f *testing.F) {
	a := stateNet(f, 1, func(s *Setup) { s.Config = ReducedConfig(2, 10); s.Config.Threads = 1 })
	if err := a.ScheduleStimuli(TrainingSchedule(2, 100), DefaultTrainingDrive()); err != nil {
		f.Fatal(err)
	}
	if err := a.Run(20); err != nil {
		f.Fatal(err)
	}
	saved := stateBytes(f, a)
	f.Add(saved)
	f.Add(saved[:100])
	f.Add([]byte(stateMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := stateNet(t, 1, func(s *Setup) { s.Config = ReducedConfig(2, 10); s.Config.Threads = 1 })
		before := stateBytes(t, b)
		for _, d := range [][]byte{data, resum(data)} {
			if err := b.ReadState(bytes.NewReader(d)); err != nil {
				if !strings.HasPrefix(err.Error(), "snn: ") {
					t.Fatalf("error without prefix: %v", err)
				}
				if !bytes.Equal(before, stateBytes(t, b)) {
					t.Fatalf("refused state changed the network: %v", err)
				}
				continue
			}
			if err := b.Run(2); err != nil && !strings.HasPrefix(err.Error(), "snn: ") {
				t.Fatalf("run error without prefix: %v", err)
			}
			return
		}
	})
}
