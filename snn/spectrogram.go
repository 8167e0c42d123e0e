package snn

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Spectrogram is the magnitude of a short-time Fourier transform, laid out like MATLAB's
// spectrogram(x, window, noverlap, nfft, fs) output: one row per one-sided frequency bin and one
// column per frame.
type Spectrogram struct {
	Freq []float64   // Hz, bin centres: Freq[f] = f·fs/NFFT, f = 0 … NFFT/2
	Time []float64   // ms, frame centres: (Window/2 + k·hop)/fs, hop = Window − Overlap
	Mag  [][]float64 // Mag[f][k] = |Σ_n w[n]·x[k·hop+n]·exp(−2πi·f·n/NFFT)|
}

// SpectrogramParams are the short-time Fourier transform settings. The defaults of
// DefaultSpectrogramParams are those of docs/MODEL.md section 7.5 item 2: a 128-sample symmetric
// Hamming window, 120 samples of overlap (hop 8) and a 256-point FFT.
type SpectrogramParams struct {
	Window  int // samples per frame (Hamming window length)
	Overlap int // samples shared by consecutive frames, 0 <= Overlap < Window
	NFFT    int // FFT length, >= Window (frames are zero-padded)
}

// DefaultSpectrogramParams returns the settings used for the bird-song supervisor
// (MATLAB spectrogram(x, 128, 120, 256, fs); docs/MODEL.md section 7.5 item 2).
func DefaultSpectrogramParams() SpectrogramParams {
	return SpectrogramParams{Window: 128, Overlap: 120, NFFT: 256}
}

// Validate reports the first invalid field of p.
func (p SpectrogramParams) Validate() error {
	switch {
	case p.Window < 2:
		return fmt.Errorf("snn: spectrogram: Window = %d, need at least 2 samples", p.Window)
	case p.Overlap < 0 || p.Overlap >= p.Window:
		return fmt.Errorf("snn: spectrogram: Overlap = %d, need 0 <= Overlap < Window = %d", p.Overlap, p.Window)
	case p.NFFT < p.Window:
		return fmt.Errorf("snn: spectrogram: NFFT = %d is smaller than Window = %d", p.NFFT, p.Window)
	}
	return nil
}

// hammingSymmetric returns MATLAB's hamming(n): 0.54 − 0.46·cos(2πk/(n−1)), k = 0 … n−1.
func hammingSymmetric(n int) []float64 {
	w := make([]float64, n)
	for k := range w {
		w[k] = 0.54 - 0.46*math.Cos(2*math.Pi*float64(k)/float64(n-1))
	}
	return w
}

// NewSpectrogram computes the magnitude spectrogram of the signal x sampled at fs Hz, frame by
// frame as MATLAB's spectrogram does: frame k covers x[k·hop : k·hop+Window], is multiplied by a
// symmetric Hamming window, zero-padded to NFFT and transformed with gonum's real FFT; the number
// of frames is ⌊(len(x) − Overlap)/hop⌋. Only the NFFT/2+1 non-negative frequencies are kept.
func NewSpectrogram(x []float64, fs float64, p SpectrogramParams) (*Spectrogram, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !(fs > 0) || math.IsInf(fs, 0) {
		return nil, fmt.Errorf("snn: spectrogram: sample rate %v Hz, need a positive finite value", fs)
	}
	if len(x) < p.Window {
		return nil, fmt.Errorf("snn: spectrogram: signal has %d samples, fewer than one window of %d", len(x), p.Window)
	}
	hop := p.Window - p.Overlap
	frames := (len(x) - p.Overlap) / hop
	bins := p.NFFT/2 + 1
	s := &Spectrogram{
		Freq: make([]float64, bins),
		Time: make([]float64, frames),
		Mag:  make([][]float64, bins),
	}
	for f := range s.Freq {
		s.Freq[f] = float64(f) * fs / float64(p.NFFT)
	}
	backing := make([]float64, bins*frames)
	for f := range s.Mag {
		s.Mag[f] = backing[f*frames : (f+1)*frames]
	}
	w := hammingSymmetric(p.Window)
	fft := fourier.NewFFT(p.NFFT)
	seq := make([]float64, p.NFFT)
	coef := make([]complex128, bins)
	for k := 0; k < frames; k++ {
		s.Time[k] = 1000 * (float64(p.Window)/2 + float64(k*hop)) / fs
		seg := x[k*hop : k*hop+p.Window]
		for n, v := range seg {
			seq[n] = w[n] * v
		}
		coef = fft.Coefficients(coef, seq)
		for f, c := range coef {
			s.Mag[f][k] = cmplx.Abs(c)
		}
	}
	return s, nil
}

// SongSupervisorParams describe how a spectrogram becomes a supervisor matrix (docs/MODEL.md
// section 7.5 item 2). Row r of the result codes frequency bin TopBin − r (rows run from high to
// low frequency, as in supervisor_600.mat); column c (time c·DT ms) takes spectrogram frame
// StartFrame + ⌊c·(Frames−1)/(Columns−1) + 0.55⌋, i.e. the Frames frames of the excerpt are
// stretched onto Columns columns by nearest-neighbour resampling with the small phase offset
// found in the authors' file. The values are log|S| min-max normalised to [0, 1] over the
// selected bands and frames.
type SongSupervisorParams struct {
	Spectrogram SpectrogramParams
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
		Spectrogram: DefaultSpectrogramParams(),
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
		return fmt.Errorf("snn: song supervisor: Bands = %d, need at least 1", p.Bands)
	case p.TopBin > p.Spectrogram.NFFT/2 || p.TopBin-p.Bands+1 < 0:
		return fmt.Errorf("snn: song supervisor: bins %d … %d outside the %d spectrogram bins", p.TopBin-p.Bands+1, p.TopBin, p.Spectrogram.NFFT/2+1)
	case p.Frames < 1:
		return fmt.Errorf("snn: song supervisor: Frames = %d, need at least 1", p.Frames)
	case p.Columns < 2:
		return fmt.Errorf("snn: song supervisor: Columns = %d, need at least 2", p.Columns)
	case p.StartFrame < -1:
		return fmt.Errorf("snn: song supervisor: StartFrame = %d, need >= 0 (or -1 to search)", p.StartFrame)
	case !(p.DT > 0) || math.IsInf(p.DT, 0):
		return fmt.Errorf("snn: song supervisor: DT = %v ms, need a positive value", p.DT)
	case p.Channel < -1:
		return fmt.Errorf("snn: song supervisor: Channel = %d, need >= 0 (or -1 for the mean)", p.Channel)
	}
	return nil
}

// songColumnFrame returns the excerpt frame (0-based within the excerpt) used by column c.
func songColumnFrame(c, frames, columns int) int {
	k := int(math.Floor(float64(c)*float64(frames-1)/float64(columns-1) + 0.55))
	return min(k, frames-1)
}

// songLog returns the selected log-magnitude rows (row r = bin TopBin − r), all frames.
func songLog(s *Spectrogram, p SongSupervisorParams) [][]float64 {
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

func songInput(a *Audio, p SongSupervisorParams) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if a == nil || len(a.Channels) == 0 || a.Frames() == 0 {
		return nil, errors.New("snn: song supervisor: empty recording")
	}
	if p.Channel >= len(a.Channels) {
		return nil, fmt.Errorf("snn: song supervisor: Channel = %d but the recording has %d channels", p.Channel, len(a.Channels))
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
func SongSupervisorMatrix(a *Audio, p SongSupervisorParams) ([][]float64, error) {
	x, err := songInput(a, p)
	if err != nil {
		return nil, err
	}
	s, err := NewSpectrogram(x, float64(a.SampleRate), p.Spectrogram)
	if err != nil {
		return nil, err
	}
	start := max(p.StartFrame, 0)
	if start+p.Frames > len(s.Time) {
		return nil, fmt.Errorf("snn: song supervisor: frames %d … %d requested, the recording has %d frames", start, start+p.Frames-1, len(s.Time))
	}
	return minMaxNormalize(songExcerpt(songLog(s, p), start, p)), nil
}

// SongSupervisor returns the supervisor pattern of the recording a: SongSupervisorMatrix scaled
// to scale kHz (10 kHz in docs/MODEL.md section 9 item 17), with element names giving each row's bin
// centre frequency.
func SongSupervisor(a *Audio, p SongSupervisorParams, scale float64) (*Pattern, error) {
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
func FindSongOffset(a *Audio, p SongSupervisorParams, target [][]float64) (frame int, corr float64, err error) {
	x, err := songInput(a, p)
	if err != nil {
		return 0, 0, err
	}
	if len(target) != p.Bands || len(target[0]) != p.Columns {
		return 0, 0, fmt.Errorf("snn: song supervisor: target is %d × %d, params describe %d × %d", len(target), len(target[0]), p.Bands, p.Columns)
	}
	s, err := NewSpectrogram(x, float64(a.SampleRate), p.Spectrogram)
	if err != nil {
		return 0, 0, err
	}
	last := len(s.Time) - p.Frames
	if last < 0 {
		return 0, 0, fmt.Errorf("snn: song supervisor: the recording has %d frames, fewer than the %d of the excerpt", len(s.Time), p.Frames)
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
		return 0, 0, errors.New("snn: song supervisor: no excerpt with a defined correlation (constant signal or target)")
	}
	return frame, corr, nil
}

// MatrixCorrelation returns the Pearson correlation of two matrices of the same shape, taken over
// all entries. It returns an error for different shapes, empty matrices, or zero variance.
func MatrixCorrelation(a, b [][]float64) (float64, error) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, fmt.Errorf("snn: correlation: %d rows vs %d rows", len(a), len(b))
	}
	var sx, sy, sxx, syy, sxy, n float64
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return 0, fmt.Errorf("snn: correlation: row %d has %d vs %d columns", i, len(a[i]), len(b[i]))
		}
		for k, u := range a[i] {
			v := b[i][k]
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
		return 0, errors.New("snn: correlation: zero variance or no entries")
	}
	return (n*sxy - sx*sy) / den, nil
}

// SongParamsFor returns DefaultSongSupervisorParams adapted to any recording: the excerpt
// starts startMs into it and lasts durMs, with one spectrogram frame per hop
// ((Window − Overlap)/SampleRate) and one column per 0.1 ms. Band selection (TopBin, Bands) is
// kept; the caller may change it.
func SongParamsFor(a *Audio, startMs, durMs float64) (SongSupervisorParams, error) {
	p := DefaultSongSupervisorParams()
	if a == nil || a.SampleRate <= 0 {
		return p, errors.New("snn: song supervisor: recording without a sample rate")
	}
	if bad(startMs) || startMs < 0 || bad(durMs) || durMs <= 0 || durMs > 1e7 {
		return p, fmt.Errorf("snn: song supervisor: excerpt start %v ms, duration %v ms: need start >= 0 and 0 < duration <= 1e7", startMs, durMs)
	}
	hop := 1000 * float64(p.Spectrogram.Window-p.Spectrogram.Overlap) / float64(a.SampleRate)
	p.StartFrame = int(math.Round(startMs / hop))
	p.Frames = int(math.Floor(durMs/hop)) + 1
	p.Columns = int(math.Round(durMs/p.DT)) + 1
	return p, nil
}
