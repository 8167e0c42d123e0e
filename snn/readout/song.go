package readout

import (
	"errors"
	"fmt"
	"math"

	"github.com/gosnn/gosnn/snn/audio"
)

// SongSupervisorParams describe how a spectrogram becomes a supervisor matrix (docs/MODEL.md
// section 7.5 item 2). Row r of the result codes frequency bin TopBin − r (rows run from high to
// low frequency, as in supervisor_600.mat); column c (time c·DT ms) takes spectrogram frame
// StartFrame + ⌊c·(Frames−1)/(Columns−1) + 0.55⌋, i.e. the Frames frames of the excerpt are
// stretched onto Columns columns by nearest-neighbour resampling with the small phase offset
// found in the authors' file. The values are log|S| min-max normalised to [0, 1] over the
// selected bands and frames.
type SongSupervisorParams struct {
	Spectrogram audio.SpectrogramParams
	Channel     int     // audio channel to analyse; −1 for the mean of all channels
	TopBin      int     // frequency bin of row 0
	Bands       int     // number of rows (read-out neurons), bins TopBin … TopBin−Bands+1
	StartFrame  int     // first spectrogram frame of the excerpt; −1 asks FindSongOffset
	Frames      int     // spectrogram frames in the excerpt
	Columns     int     // columns of the result
	DT          float64 // ms per column
}

// Defaults that reproduce supervisor_600.mat from meadowlark.wav (left channel, 44.1 kHz). The
// excerpt starts at sample 8·2300 = 18400 (417.2 ms into the recording) and its 3302 frames
// (600 ms of hops) are stretched onto 6001 columns at 0.1 ms. Bins 49 … 5 are 8441 … 861 Hz, the
// bands [684 + 171 i, 855 + 171 i] Hz of docs/MODEL.md section 7.5 item 2 up to rounding.
const (
	songTopBin     = 49
	songStartFrame = 2300
	songFrames     = 3302
)

// DefaultSongSupervisorParams returns the settings that reproduce supervisor_600.mat from
// meadowlark.wav; see SongSupervisorParams.
func DefaultSongSupervisorParams() SongSupervisorParams {
	return SongSupervisorParams{
		Spectrogram: audio.DefaultSpectrogramParams(),
		Channel:     0,
		TopBin:      songTopBin,
		Bands:       45,
		StartFrame:  songStartFrame,
		Frames:      songFrames,
		Columns:     6001,
		DT:          0.1,
	}
}

// Validate reports the first invalid field of p.
func (p SongSupervisorParams) Validate() error {
	if err := p.Spectrogram.Validate(); err != nil {
		return err
	}
	switch {
	case p.Bands < 1:
		return fmt.Errorf("readout: song supervisor: Bands = %d, need at least 1", p.Bands)
	case p.TopBin > p.Spectrogram.NFFT/2 || p.TopBin-p.Bands+1 < 0:
		return fmt.Errorf("readout: song supervisor: bins %d … %d outside the %d spectrogram bins", p.TopBin-p.Bands+1, p.TopBin, p.Spectrogram.NFFT/2+1)
	case p.Frames < 1:
		return fmt.Errorf("readout: song supervisor: Frames = %d, need at least 1", p.Frames)
	case p.Columns < 2:
		return fmt.Errorf("readout: song supervisor: Columns = %d, need at least 2", p.Columns)
	case p.StartFrame < -1:
		return fmt.Errorf("readout: song supervisor: StartFrame = %d, need >= 0 (or -1 to search)", p.StartFrame)
	case !(p.DT > 0) || math.IsInf(p.DT, 0):
		return fmt.Errorf("readout: song supervisor: DT = %v ms, need a positive value", p.DT)
	case p.Channel < -1:
		return fmt.Errorf("readout: song supervisor: Channel = %d, need >= 0 (or -1 for the mean)", p.Channel)
	}
	return nil
}

// songColumnFrame returns the excerpt frame (0-based within the excerpt) used by column c.
func songColumnFrame(c, frames, columns int) int {
	k := int(math.Floor(float64(c)*float64(frames-1)/float64(columns-1) + 0.55))
	return min(k, frames-1)
}

// songLog returns the selected log-magnitude rows (row r = bin TopBin − r), all frames.
func songLog(s *audio.Spectrogram, p SongSupervisorParams) [][]float64 {
	out := make([][]float64, p.Bands)
	for r := range out {
		mag := s.Mag[p.TopBin-r]
		out[r] = make([]float64, len(mag))
		for k, v := range mag {
			// A zero magnitude (digital silence) is clamped to the smallest positive double.
			out[r][k] = math.Log(math.Max(v, math.SmallestNonzeroFloat64))
		}
	}
	return out
}

// songExcerpt samples the log rows at the columns of the excerpt starting at frame start.
func songExcerpt(logRows [][]float64, start int, p SongSupervisorParams) [][]float64 {
	out := make([][]float64, len(logRows))
	for r, row := range logRows {
		out[r] = make([]float64, p.Columns)
		for c := range out[r] {
			out[r][c] = row[start+songColumnFrame(c, p.Frames, p.Columns)]
		}
	}
	return out
}

func songInput(a *audio.Audio, p SongSupervisorParams) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if a == nil || len(a.Channels) == 0 || a.Frames() == 0 {
		return nil, errors.New("readout: song supervisor: empty recording")
	}
	if p.Channel >= len(a.Channels) {
		return nil, fmt.Errorf("readout: song supervisor: Channel = %d but the recording has %d channels", p.Channel, len(a.Channels))
	}
	return a.Mono(p.Channel), nil
}

// BandFrequencies returns the centre frequency in Hz of each row of the supervisor matrix of a
// recording sampled at sampleRate Hz: row r codes bin TopBin − r, (TopBin − r)·sampleRate/NFFT,
// so the frequencies fall from row 0 down. Figures place rows by these values
// (snnplot.ReadoutOptions.Freqs), which keeps the song the same way up as its spectrogram.
func (p SongSupervisorParams) BandFrequencies(sampleRate int) []float64 {
	f := make([]float64, max(p.Bands, 0))
	for r := range f {
		f[r] = float64(p.TopBin-r) * float64(sampleRate) / float64(p.Spectrogram.NFFT)
	}
	return f
}

// SongSupervisorMatrix computes the supervisor matrix (Bands × Columns, values in [0, 1]) of
// the recording a as described by SongSupervisorParams. With p.StartFrame = −1 the excerpt
// starts at frame 0.
func SongSupervisorMatrix(a *audio.Audio, p SongSupervisorParams) ([][]float64, error) {
	x, err := songInput(a, p)
	if err != nil {
		return nil, err
	}
	s, err := audio.NewSpectrogram(x, float64(a.SampleRate), p.Spectrogram)
	if err != nil {
		return nil, err
	}
	start := max(p.StartFrame, 0)
	if start+p.Frames > len(s.Time) {
		return nil, fmt.Errorf("readout: song supervisor: frames %d … %d requested, the recording has %d frames", start, start+p.Frames-1, len(s.Time))
	}
	return minMaxNormalize(songExcerpt(songLog(s, p), start, p)), nil
}

// SongSupervisor returns the supervisor pattern of the recording a: SongSupervisorMatrix scaled
// to scale kHz (10 kHz in docs/MODEL.md section 9 item 17), with element names giving each row's bin
// centre frequency.
func SongSupervisor(a *audio.Audio, p SongSupervisorParams, scale float64) (*Pattern, error) {
	m, err := SongSupervisorMatrix(a, p)
	if err != nil {
		return nil, err
	}
	pat, err := PatternFromMatrix(m, p.DT, scale)
	if err != nil {
		return nil, err
	}
	pat.Names = make([]string, p.Bands)
	for r, f := range p.BandFrequencies(a.SampleRate) {
		pat.Names[r] = fmt.Sprintf("%.0fHz", f)
	}
	return pat, nil
}

// FindSongOffset returns the start frame of the excerpt of a whose supervisor matrix correlates
// best (Pearson, over all entries) with target (Bands × Columns), and that correlation. p.StartFrame
// is ignored. Every start frame is scored on every 16th column, then the best few are scored on
// all columns.
func FindSongOffset(a *audio.Audio, p SongSupervisorParams, target [][]float64) (frame int, corr float64, err error) {
	x, err := songInput(a, p)
	if err != nil {
		return 0, 0, err
	}
	if len(target) != p.Bands || len(target[0]) != p.Columns {
		return 0, 0, fmt.Errorf("readout: song supervisor: target is %d × %d, params describe %d × %d", len(target), len(target[0]), p.Bands, p.Columns)
	}
	s, err := audio.NewSpectrogram(x, float64(a.SampleRate), p.Spectrogram)
	if err != nil {
		return 0, 0, err
	}
	last := len(s.Time) - p.Frames
	if last < 0 {
		return 0, 0, fmt.Errorf("readout: song supervisor: the recording has %d frames, fewer than the %d of the excerpt", len(s.Time), p.Frames)
	}
	logRows := songLog(s, p)
	score := func(start, stride int) float64 {
		var sx, sy, sxx, syy, sxy, n float64
		for r, row := range logRows {
			tr := target[r]
			for c := 0; c < p.Columns; c += stride {
				u := row[start+songColumnFrame(c, p.Frames, p.Columns)]
				v := tr[c]
				sx += u
				sy += v
				sxx += u * u
				syy += v * v
				sxy += u * v
				n++
			}
		}
		den := math.Sqrt((n*sxx - sx*sx) * (n*syy - sy*sy))
		if !(den > 0) {
			return math.Inf(-1)
		}
		return (n*sxy - sx*sy) / den
	}
	const keep = 8
	type cand struct {
		k int
		c float64
	}
	var best []cand
	for k := 0; k <= last; k++ {
		c := score(k, 16)
		if len(best) < keep || c > best[len(best)-1].c {
			best = append(best, cand{k, c})
			for i := len(best) - 1; i > 0 && best[i].c > best[i-1].c; i-- {
				best[i], best[i-1] = best[i-1], best[i]
			}
			if len(best) > keep {
				best = best[:keep]
			}
		}
	}
	frame, corr = -1, math.Inf(-1)
	for _, b := range best {
		if c := score(b.k, 1); c > corr {
			frame, corr = b.k, c
		}
	}
	if frame < 0 || math.IsInf(corr, -1) {
		return 0, 0, errors.New("readout: song supervisor: no excerpt with a defined correlation (constant signal or target)")
	}
	return frame, corr, nil
}

// SongParamsFor returns DefaultSongSupervisorParams adapted to any recording: the excerpt
// starts startMs into it and lasts durMs, with one spectrogram frame per hop
// ((Window − Overlap)/SampleRate) and one column per 0.1 ms. Band selection (TopBin, Bands) is
// kept; the caller may change it.
func SongParamsFor(a *audio.Audio, startMs, durMs float64) (SongSupervisorParams, error) {
	p := DefaultSongSupervisorParams()
	if a == nil || a.SampleRate <= 0 {
		return p, errors.New("readout: song supervisor: recording without a sample rate")
	}
	if bad(startMs) || startMs < 0 || bad(durMs) || durMs <= 0 || durMs > 1e7 {
		return p, fmt.Errorf("readout: song supervisor: excerpt start %v ms, duration %v ms: need start >= 0 and 0 < duration <= 1e7", startMs, durMs)
	}
	hop := 1000 * float64(p.Spectrogram.Window-p.Spectrogram.Overlap) / float64(a.SampleRate)
	p.StartFrame = int(math.Round(startMs / hop))
	p.Frames = int(math.Floor(durMs/hop)) + 1
	p.Columns = int(math.Round(durMs/p.DT)) + 1
	return p, nil
}
