package readout

import (
	"math"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"

	"github.com/gosnn/gosnn/snn/analysis"
	"github.com/gosnn/gosnn/snn/audio"
	"github.com/gosnn/gosnn/snn/snnio"
)

func TestSongColumnFrame(t *testing.T) {
	for _, fc := range [][2]int{{3302, 6001}, {10, 10}, {5, 17}, {2, 2}} {
		frames, cols := fc[0], fc[1]
		seen := make([]bool, frames)
		prev := 0
		for c := 0; c < cols; c++ {
			k := songColumnFrame(c, frames, cols)
			if k < prev || k >= frames {
				t.Fatalf("%d frames %d columns: column %d → frame %d after %d", frames, cols, c, k, prev)
			}
			seen[k], prev = true, k
		}
		if cols >= frames {
			for k, s := range seen {
				if !s {
					t.Errorf("%d frames %d columns: frame %d unused", frames, cols, k)
				}
			}
		}
	}
}

func loadSupervisor600(t *testing.T) [][]float64 {
	t.Helper()
	mf, err := snnio.ReadMatFile(testskip.AuthorsFile(t, "supervisor_600.mat"))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := mf.Var("supervisor")
	if !ok || v.Rows != 45 || v.Cols != 6001 {
		t.Fatalf("supervisor variable: %v %d×%d", ok, v.Rows, v.Cols)
	}
	m := make([][]float64, v.Rows)
	for r := range m {
		m[r] = v.Data[r*v.Cols : (r+1)*v.Cols]
	}
	return m
}

// Our spectrogram of meadowlark.wav reproduces the authors' supervisor_600.mat (docs/MODEL.md 7.5
// item 2) to rounding error, and the offset search finds the excerpt by itself.
func TestSongSupervisorMatchesAuthors(t *testing.T) {
	target := loadSupervisor600(t)
	a, err := audio.ReadWAVFile(testskip.AuthorsFile(t, "meadowlark.wav"))
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultSongSupervisorParams()
	m, err := SongSupervisorMatrix(a, p)
	if err != nil {
		t.Fatal(err)
	}
	maxDiff := 0.0
	for r := range m {
		for c := range m[r] {
			maxDiff = math.Max(maxDiff, math.Abs(m[r][c]-target[r][c]))
		}
	}
	corr, err := analysis.MatrixCorrelation(m, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("supervisor_600.mat vs ours: correlation %.12f, max |diff| %.3g", corr, maxDiff)
	if corr < 0.95 || maxDiff > 1e-6 {
		t.Errorf("correlation %v, max diff %v: want > 0.95 and < 1e-6", corr, maxDiff)
	}
	if testing.Short() {
		return
	}
	frame, c2, err := FindSongOffset(a, p, target)
	if err != nil {
		t.Fatal(err)
	}
	if frame != songStartFrame || c2 < 0.999 {
		t.Errorf("offset search: frame %d (corr %v), want %d", frame, c2, songStartFrame)
	}
	pat, err := SongSupervisor(a, p, 10)
	if err != nil || pat.Elements() != 45 || pat.Steps() != 6001 || pat.Name(44) != "861Hz" {
		t.Errorf("SongSupervisor: %v, %d×%d, last band %q", err, pat.Elements(), pat.Steps(), pat.Name(44))
	}
}

func TestSongSupervisorErrors(t *testing.T) {
	x := make([]float64, 300)
	a := &audio.Audio{SampleRate: 44100, Channels: [][]float64{x}}
	p := DefaultSongSupervisorParams()
	if _, err := SongSupervisorMatrix(a, p); err == nil {
		t.Error("excerpt beyond the recording accepted")
	}
	p.Channel = 1
	if _, err := SongSupervisorMatrix(a, p); err == nil {
		t.Error("missing channel accepted")
	}
	p = DefaultSongSupervisorParams()
	p.TopBin = 200
	if err := p.Validate(); err == nil {
		t.Error("bin 200 of 129 accepted")
	}
}
