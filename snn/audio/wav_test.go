package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// wavBuilder assembles RIFF/WAVE streams chunk by chunk for tests.
type wavBuilder struct{ chunks [][]byte }

func (b *wavBuilder) chunk(id string, body []byte) *wavBuilder {
	c := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(body)))
	c = append(c, body...)
	if len(body)%2 == 1 {
		c = append(c, 0)
	}
	b.chunks = append(b.chunks, c)
	return b
}

func (b *wavBuilder) bytes() []byte {
	var body []byte
	for _, c := range b.chunks {
		body = append(body, c...)
	}
	out := []byte("RIFF\x00\x00\x00\x00WAVE")
	binary.LittleEndian.PutUint32(out[4:], uint32(4+len(body)))
	return append(out, body...)
}

func fmtChunk(tag uint16, channels, rate, bits int) []byte {
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint16(b, tag)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*channels*bits/8))
	b = le.AppendUint16(b, uint16(channels*bits/8))
	b = le.AppendUint16(b, uint16(bits))
	return b
}

func extensibleFmt(sub uint16, channels, rate, bits, valid int) []byte {
	le := binary.LittleEndian
	b := fmtChunk(wavFormatExtensible, channels, rate, bits)
	b = le.AppendUint16(b, 22)
	b = le.AppendUint16(b, uint16(valid))
	b = le.AppendUint32(b, 3) // channel mask
	b = le.AppendUint16(b, sub)
	return append(b, wavGUIDTail...)
}

func TestReadWAVFormats(t *testing.T) {
	le := binary.LittleEndian
	i16 := func(v ...int16) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint16(b, uint16(x))
		}
		return b
	}
	i24 := func(v ...int32) []byte {
		var b []byte
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16))
		}
		return b
	}
	i32 := func(v ...int32) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint32(b, uint32(x))
		}
		return b
	}
	f32 := func(v ...float32) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
		return b
	}
	f64 := func(v ...float64) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	tests := []struct {
		name  string
		data  []byte
		rate  int
		float bool
		want  [][]float64
	}{
		{"u8 mono", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 8)).chunk("data", []byte{0, 128, 255}).bytes(),
			8000, false, [][]float64{{-1, 0, 127.0 / 128}}},
		{"s16 stereo", new(wavBuilder).chunk("fmt ", fmtChunk(1, 2, 44100, 16)).chunk("data", i16(-32768, 16384, 32767, -1)).bytes(),
			44100, false, [][]float64{{-1, 32767.0 / 32768}, {0.5, -1.0 / 32768}}},
		{"s24 mono", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 48000, 24)).chunk("data", i24(-8388608, 4194304, 8388607)).bytes(),
			48000, false, [][]float64{{-1, 0.5, 8388607.0 / 8388608}}},
		{"s32 mono", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 16000, 32)).chunk("data", i32(math.MinInt32, 1<<30)).bytes(),
			16000, false, [][]float64{{-1, 0.5}}},
		{"f32 stereo", new(wavBuilder).chunk("fmt ", fmtChunk(3, 2, 22050, 32)).chunk("data", f32(0.25, -0.75)).bytes(),
			22050, true, [][]float64{{0.25}, {-0.75}}},
		{"f64 mono", new(wavBuilder).chunk("fmt ", fmtChunk(3, 1, 1000, 64)).chunk("data", f64(0.125, 2)).bytes(),
			1000, true, [][]float64{{0.125, 2}}},
		{"extensible s16, odd unknown chunk, LIST", new(wavBuilder).chunk("fmt ", extensibleFmt(1, 2, 44100, 16, 16)).
			chunk("LIST", []byte("INFOabc")).chunk("fact", []byte{1, 2, 3}).chunk("data", i16(100, -100)).bytes(),
			44100, false, [][]float64{{100.0 / 32768}, {-100.0 / 32768}}},
		{"extensible float", new(wavBuilder).chunk("fmt ", extensibleFmt(3, 1, 96000, 32, 32)).chunk("data", f32(-0.5)).bytes(),
			96000, true, [][]float64{{-0.5}}},
		{"fmt with cbSize 0 (18 bytes)", new(wavBuilder).chunk("fmt ", append(fmtChunk(1, 1, 8000, 16), 0, 0)).chunk("data", i16(7)).bytes(),
			8000, false, [][]float64{{7.0 / 32768}}},
		{"trailing chunk after data ignored", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).chunk("data", i16(1)).chunk("junk", []byte{1}).bytes(),
			8000, false, [][]float64{{1.0 / 32768}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ReadWAV(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if a.SampleRate != tc.rate || a.Float != tc.float {
				t.Errorf("rate %d float %v, want %d %v", a.SampleRate, a.Float, tc.rate, tc.float)
			}
			if len(a.Channels) != len(tc.want) {
				t.Fatalf("%d channels, want %d", len(a.Channels), len(tc.want))
			}
			for c := range tc.want {
				if len(a.Channels[c]) != len(tc.want[c]) {
					t.Fatalf("channel %d: %d samples, want %d", c, len(a.Channels[c]), len(tc.want[c]))
				}
				for k, v := range tc.want[c] {
					if a.Channels[c][k] != v {
						t.Errorf("channel %d sample %d = %v, want %v", c, k, a.Channels[c][k], v)
					}
				}
			}
		})
	}
}

func TestReadWAVStreamingSize(t *testing.T) {
	b := new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).chunk("data", []byte{1, 0, 2, 0, 3}).bytes()
	// Declare the data size as 0xFFFFFFFF (streaming encoders): the stream end bounds it and
	// the incomplete last frame is dropped.
	i := bytes.Index(b, []byte("data"))
	binary.LittleEndian.PutUint32(b[i+4:], 0xFFFFFFFF)
	a, err := ReadWAV(bytes.NewReader(b[:len(b)-1])) // drop the pad byte
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames() != 2 || a.Channels[0][1] != 2.0/32768 {
		t.Errorf("got %d frames %v, want 2 frames", a.Frames(), a.Channels[0])
	}
}

func TestReadWAVErrors(t *testing.T) {
	good := new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).chunk("data", []byte{1, 0, 2, 0}).bytes()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "RIFF header"},
		{"not riff", []byte("RIFX\x00\x00\x00\x00WAVE"), "not supported"},
		{"not wave", []byte("RIFF\x00\x00\x00\x00AVI "), "not a RIFF/WAVE"},
		{"no chunks", []byte("RIFF\x04\x00\x00\x00WAVE"), "no \"fmt \" chunk"},
		{"no data", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).bytes(), "no \"data\" chunk"},
		{"data before fmt", new(wavBuilder).chunk("data", []byte{0, 0}).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).bytes(), "before"},
		{"truncated data", good[:len(good)-1], "truncated"},
		{"short fmt", new(wavBuilder).chunk("fmt ", make([]byte, 8)).bytes(), "invalid size"},
		{"alaw", new(wavBuilder).chunk("fmt ", fmtChunk(6, 1, 8000, 8)).chunk("data", []byte{0}).bytes(), "unsupported format tag 0x0006"},
		{"12 bit", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 12)).chunk("data", []byte{0}).bytes(), "unsupported integer sample size 12"},
		{"float16", new(wavBuilder).chunk("fmt ", fmtChunk(3, 1, 8000, 16)).chunk("data", []byte{0, 0}).bytes(), "unsupported float sample size 16"},
		{"zero channels", new(wavBuilder).chunk("fmt ", fmtChunk(1, 0, 8000, 16)).chunk("data", []byte{0, 0}).bytes(), "zero channels"},
		{"zero rate", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 0, 16)).chunk("data", []byte{0, 0}).bytes(), "zero sample rate"},
		{"odd data size", new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).chunk("data", []byte{0, 0, 0}).bytes(), "not a multiple"},
		{"bad guid", new(wavBuilder).chunk("fmt ", func() []byte { b := extensibleFmt(1, 1, 8000, 16, 16); b[len(b)-1] ^= 1; return b }()).chunk("data", []byte{0, 0}).bytes(), "GUID"},
		{"truncated unknown chunk", append(new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 16)).bytes(), "LIST\x10\x00\x00\x00ab"...), "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWAV(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "audio: wav: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want prefix \"audio: wav: \" and %q", err, tc.want)
			}
		})
	}
}

func TestWAVRoundTrip(t *testing.T) {
	a := &Audio{SampleRate: 11025, Channels: [][]float64{{0, 0.5, -0.5, 1, -1}, {0.25, -0.25, 0, 0.75, -0.75}}}
	for _, float := range []bool{false, true} {
		a.Float = float
		path := filepath.Join(t.TempDir(), "x.wav")
		if err := WriteWAVFile(path, a); err != nil {
			t.Fatal(err)
		}
		b, err := ReadWAVFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1.0 / 32768
		if float {
			tol = 0
		}
		if b.SampleRate != a.SampleRate || b.Float != float || len(b.Channels) != 2 || b.Frames() != 5 {
			t.Fatalf("float=%v: got rate %d, %d channels, %d frames", float, b.SampleRate, len(b.Channels), b.Frames())
		}
		for c := range a.Channels {
			for k, v := range a.Channels[c] {
				if math.Abs(b.Channels[c][k]-v) > tol {
					t.Errorf("float=%v ch %d sample %d: %v, want %v", float, c, k, b.Channels[c][k], v)
				}
			}
		}
	}
	if err := WriteWAV(io.Discard, &Audio{SampleRate: 8000}); err == nil {
		t.Error("no error writing zero channels")
	}
	if err := WriteWAV(io.Discard, &Audio{SampleRate: 8000, Channels: [][]float64{{1}, {}}}); err == nil {
		t.Error("no error writing ragged channels")
	}
}

func TestAudioMono(t *testing.T) {
	a := &Audio{SampleRate: 1000, Channels: [][]float64{{1, 2}, {3, 6}}}
	if m := a.Mono(-1); m[0] != 2 || m[1] != 4 {
		t.Errorf("mean %v, want [2 4]", m)
	}
	if m := a.Mono(1); m[0] != 3 || m[1] != 6 {
		t.Errorf("channel 1 %v", m)
	}
	if d := a.Duration(); d != 2 {
		t.Errorf("duration %v ms, want 2", d)
	}
}

func TestReadWAVMeadowlark(t *testing.T) {
	a, err := ReadWAVFile(testskip.AuthorsFile(t, "meadowlark.wav"))
	if err != nil {
		t.Fatal(err)
	}
	// docs/MODEL.md 7.5 item 2: 44.1 kHz stereo, about 1.5 s.
	if a.SampleRate != 44100 || len(a.Channels) != 2 || math.Abs(a.Duration()-1500) > 50 {
		t.Errorf("rate %d, %d channels, %.1f ms", a.SampleRate, len(a.Channels), a.Duration())
	}
}

func TestReadWAVFileMissing(t *testing.T) {
	_, err := ReadWAVFile(filepath.Join(t.TempDir(), "nope.wav"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want not-exist", err)
	}
}

func FuzzReadWAV(f *testing.F) {
	f.Add(new(wavBuilder).chunk("fmt ", fmtChunk(1, 2, 44100, 16)).chunk("data", []byte{1, 2, 3, 4}).bytes())
	f.Add(new(wavBuilder).chunk("fmt ", extensibleFmt(3, 1, 8000, 32, 32)).chunk("LIST", []byte{1}).chunk("data", []byte{0, 0, 128, 63}).bytes())
	f.Add(new(wavBuilder).chunk("fmt ", fmtChunk(1, 1, 8000, 24)).chunk("data", []byte{1, 2, 3}).bytes())
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadWAV(bytes.NewReader(b))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "audio: wav: ") {
				t.Errorf("error without prefix: %v", err)
			}
			return
		}
		if a.SampleRate <= 0 || len(a.Channels) == 0 {
			t.Errorf("accepted rate %d with %d channels", a.SampleRate, len(a.Channels))
		}
		n := a.Frames()
		if n*len(a.Channels)*a.BitsPerSample/8 > len(b) {
			t.Errorf("%d frames from %d bytes", n, len(b))
		}
		for _, ch := range a.Channels {
			if len(ch) != n {
				t.Fatal("ragged channels")
			}
			if !a.Float {
				for _, v := range ch {
					if v < -1 || v >= 1 {
						t.Fatalf("integer sample %v outside [-1, 1)", v)
					}
				}
			}
		}
	})
}

// TestReadWAVSampleCap checks that a data chunk of more than maxWAVSamples samples is refused
// (from its declared size, or while reading one of unknown size) instead of being decoded to
// 8 bytes a sample.
func TestReadWAVSampleCap(t *testing.T) {
	hdr := func(size uint32) []byte {
		b := (&wavBuilder{}).chunk("fmt ", fmtChunk(1, 1, 8000, 8)).bytes()
		b = append(b, "data"...)
		return binary.LittleEndian.AppendUint32(b, size)
	}
	cases := []struct {
		name string
		r    io.Reader
	}{
		{"declared", bytes.NewReader(append(hdr(maxWAVSamples+1), make([]byte, 64)...))},
		{"streaming", io.MultiReader(bytes.NewReader(hdr(0xFFFFFFFF)), io.LimitReader(zeroReader{}, maxWAVSamples+1))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadWAV(c.r)
			if err == nil || !strings.Contains(err.Error(), "more than 67108864 samples") {
				t.Errorf("err = %v, want the sample limit", err)
			}
		})
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
