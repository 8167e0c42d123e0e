package audio_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn/audio"
)

// A spectrogram with the bird-song settings finds a pure tone in its bin.
func ExampleNewSpectrogram() {
	fs := 44100.0
	x := make([]float64, 2048)
	for n := range x {
		x[n] = math.Sin(2 * math.Pi * 3000 * float64(n) / fs)
	}
	s, err := audio.NewSpectrogram(x, fs, audio.DefaultSpectrogramParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	best := 0
	for f := range s.Mag {
		if s.Mag[f][0] > s.Mag[best][0] {
			best = f
		}
	}
	fmt.Printf("%d frames, peak bin %d (%.0f Hz)\n", len(s.Time), best, s.Freq[best])
	// Output: 241 frames, peak bin 17 (2929 Hz)
}

// Decode a WAV stream (here one written in memory).
func ExampleReadWAV() {
	var buf bytes.Buffer
	a := &audio.Audio{SampleRate: 8000, Channels: [][]float64{{0, 0.5, -0.5}, {0.25, 0, -1}}}
	if err := audio.WriteWAV(&buf, a); err != nil {
		fmt.Println(err)
		return
	}
	b, err := audio.ReadWAV(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.SampleRate, len(b.Channels), b.Frames(), b.Channels[0][1], b.Channels[1][2], b.Mono(-1)[2])
	// Output: 8000 2 3 0.5 -1 -0.75
}
