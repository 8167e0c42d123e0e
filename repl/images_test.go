package repl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseImageMode(t *testing.T) {
	tests := []struct {
		in   string
		want ImageMode
		ok   bool
	}{
		{"auto", ImageAuto, true}, {"off", ImageOff, true}, {"kitty", ImageKitty, true},
		{"iterm", ImageITerm, true}, {"SIXEL", ImageSixel, true}, {"", ImageOff, false}, {"png", ImageOff, false},
	}
	for _, tt := range tests {
		got, err := ParseImageMode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseImageMode(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && !strings.EqualFold(got.String(), tt.in) {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}

func TestDetectImageMode(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want ImageMode
	}{
		{map[string]string{}, ImageOff},
		{map[string]string{"TERM": "xterm-256color"}, ImageOff},
		{map[string]string{"TERM": "xterm-kitty"}, ImageKitty},
		{map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, ImageKitty},
		{map[string]string{"TERM_PROGRAM": "ghostty"}, ImageKitty},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, ImageITerm},
		{map[string]string{"LC_TERMINAL": "iTerm2"}, ImageITerm},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, ImageITerm},
		{map[string]string{"TERM": "foot"}, ImageSixel},
		{map[string]string{"TERM": "mlterm"}, ImageSixel},
		{map[string]string{"TERM": "xterm-sixel"}, ImageSixel},
		{map[string]string{"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, ImageOff},
		{map[string]string{"TERM": "screen-256color", "LC_TERMINAL": "iTerm2"}, ImageOff},
	}
	for _, tt := range tests {
		if got := DetectImageMode(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("DetectImageMode(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), 128, 255})
		}
	}
	img.Set(0, 0, color.NRGBA{0, 0, 0, 0}) // transparent: composited over white
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestKittyChunks(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 700) // 9336 base64 bytes: three chunks
	var b bytes.Buffer
	if err := writeKitty(&b, data); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\x1b_G([^;]*);([^\x1b]*)\x1b\\`)
	ms := re.FindAllStringSubmatch(b.String(), -1)
	if len(ms) != 3 {
		t.Fatalf("%d chunks, want 3", len(ms))
	}
	var payload strings.Builder
	for i, m := range ms {
		wantCtl := "m=1"
		if i == 0 {
			wantCtl = "a=T,f=100,m=1"
		}
		if i == 2 {
			wantCtl = "m=0"
		}
		if m[1] != wantCtl {
			t.Errorf("chunk %d control %q, want %q", i, m[1], wantCtl)
		}
		if len(m[2]) > 4096 || len(m[2])%4 != 0 {
			t.Errorf("chunk %d has %d bytes, want at most 4096 and a multiple of 4", i, len(m[2]))
		}
		payload.WriteString(m[2])
	}
	if got, _ := base64.StdEncoding.DecodeString(payload.String()); !bytes.Equal(got, data) {
		t.Error("payload does not decode to the image")
	}
}

func TestITerm(t *testing.T) {
	data := []byte("png bytes")
	var b bytes.Buffer
	if err := writeITerm(&b, data); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("\x1b]1337;File=inline=1;size=%d;preserveAspectRatio=1:%s\a", len(data), base64.StdEncoding.EncodeToString(data))
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestSixelPalette(t *testing.T) {
	for i := 0; i < sixelR*sixelG*sixelB; i++ {
		r, g, b := sixelColor(i)
		if got := sixelIndex(r, g, b); got != i {
			t.Errorf("register %d has colour %d,%d,%d which maps to %d", i, r, g, b, got)
		}
	}
	if sixelIndex(255, 255, 255) != sixelR*sixelG*sixelB-1 || sixelIndex(0, 0, 0) != 0 {
		t.Error("white or black is not at the end of the palette")
	}
}

// decodeSixel is a minimal sixel decoder (enough for writeSixel's output): it returns the
// declared size and the register painted at each pixel (-1 where nothing was painted).
func decodeSixel(t *testing.T, s string) (w, h int, px []int) {
	t.Helper()
	if !strings.HasPrefix(s, "\x1bP") || !strings.HasSuffix(s, "\x1b\\") {
		t.Fatalf("not a DCS sequence: %q", s[:min(len(s), 20)])
	}
	body := s[strings.IndexByte(s, 'q')+1 : len(s)-2]
	num := func(i int) (int, int) {
		j := i
		for j < len(body) && body[j] >= '0' && body[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(body[i:j])
		if err != nil {
			t.Fatalf("bad number at %d: %q", i, body[i:min(len(body), i+10)])
		}
		return n, j
	}
	i := 0
	if body[0] == '"' {
		_, i = num(1)
		_, i = num(i + 1)
		w, i = num(i + 1)
		h, i = num(i + 1)
	}
	px = make([]int, w*h)
	for k := range px {
		px[k] = -1
	}
	color, x, band := 0, 0, 0
	paint := func(c byte, n int) {
		bits := int(c - '?')
		for k := 0; k < n; k++ {
			for dy := 0; dy < 6; dy++ {
				if bits&(1<<dy) != 0 {
					y := band*6 + dy
					if x >= w || y >= h {
						t.Fatalf("pixel %d,%d outside %dx%d", x, y, w, h)
					}
					px[y*w+x] = color
				}
			}
			x++
		}
	}
	for i < len(body) {
		c := body[i]
		switch {
		case c == '#':
			var n int
			n, i = num(i + 1)
			if i < len(body) && body[i] == ';' { // colour definition: skip it
				for k := 0; k < 4; k++ {
					_, i = num(i + 1)
				}
				continue
			}
			color = n
		case c == '!':
			var n int
			n, i = num(i + 1)
			paint(body[i], n)
			i++
		case c == '$':
			x = 0
			i++
		case c == '-':
			x = 0
			band++
			i++
		case c >= '?' && c <= '~':
			paint(c, 1)
			i++
		default:
			t.Fatalf("unexpected byte %q at %d", c, i)
		}
	}
	return w, h, px
}

func TestSixelRoundTrip(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {7, 5}, {13, 14}, {40, 6}} {
		img := testImage(size[0], size[1])
		var b bytes.Buffer
		if err := writeInlineImage(&b, ImageSixel, encodePNG(t, img)); err != nil {
			t.Fatal(err)
		}
		w, h, px := decodeSixel(t, strings.TrimSuffix(b.String(), "\n"))
		if w != size[0] || h != size[1] {
			t.Fatalf("size %dx%d, want %v", w, h, size)
		}
		want, _, _ := quantize(img)
		for k := range px {
			if px[k] != want[k] {
				t.Fatalf("%v: pixel %d,%d has register %d, want %d", size, k%w, k/w, px[k], want[k])
			}
		}
		if want[0] != sixelIndex(255, 255, 255) {
			t.Errorf("transparent pixel is register %d, want white", want[0])
		}
	}
}

func TestInlineImageBadPNG(t *testing.T) {
	var b bytes.Buffer
	if err := writeInlineImage(&b, ImageSixel, []byte("not a png")); err == nil || !strings.HasPrefix(err.Error(), "repl: ") {
		t.Errorf("error = %v, want a repl: error", err)
	}
	if err := writeInlineImage(&b, ImageOff, []byte("x")); err != nil || b.Len() != 0 {
		t.Errorf("ImageOff wrote %q, %v", b.String(), err)
	}
}
