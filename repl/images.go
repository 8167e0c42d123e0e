package repl

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"
)

// ImageMode selects how images are shown inline in a terminal. Whatever the mode, images are
// also written to files and their paths printed.
type ImageMode int

// Image modes. ImageAuto is resolved to one of the others by DetectImageMode.
const (
	ImageAuto  ImageMode = iota // detect from the environment
	ImageOff                    // never inline
	ImageKitty                  // kitty graphics protocol (kitty, Ghostty, WezTerm)
	ImageITerm                  // iTerm2 inline images (iTerm2, WezTerm, mintty)
	ImageSixel                  // DEC sixel graphics (foot, mlterm, xterm -ti vt340, ...)
)

var imageModeNames = map[ImageMode]string{
	ImageAuto: "auto", ImageOff: "off", ImageKitty: "kitty", ImageITerm: "iterm", ImageSixel: "sixel",
}

// String returns the flag spelling of m.
func (m ImageMode) String() string {
	if s, ok := imageModeNames[m]; ok {
		return s
	}
	return fmt.Sprintf("ImageMode(%d)", int(m))
}

// ParseImageMode parses the --images flag: auto, off, kitty, iterm or sixel.
func ParseImageMode(s string) (ImageMode, error) {
	for m, name := range imageModeNames {
		if strings.EqualFold(s, name) {
			return m, nil
		}
	}
	return ImageOff, fmt.Errorf("repl: unknown image mode %q (want auto, off, kitty, iterm or sixel)", s)
}

// DetectImageMode chooses the inline image protocol of the terminal from its environment
// (getenv is os.Getenv in production). It returns ImageOff when the terminal is unknown, and
// inside tmux or screen, which do not pass images through by default.
func DetectImageMode(getenv func(string) string) ImageMode {
	term := strings.ToLower(getenv("TERM"))
	prog := strings.ToLower(getenv("TERM_PROGRAM"))
	if getenv("TMUX") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return ImageOff
	}
	switch {
	case getenv("KITTY_WINDOW_ID") != "", term == "xterm-kitty", prog == "ghostty", term == "xterm-ghostty":
		return ImageKitty
	case prog == "iterm.app", strings.EqualFold(getenv("LC_TERMINAL"), "iTerm2"), prog == "wezterm", prog == "mintty":
		return ImageITerm
	case strings.Contains(term, "sixel"), term == "foot", strings.HasPrefix(term, "foot-"),
		strings.HasPrefix(term, "mlterm"), strings.HasPrefix(term, "yaft"), term == "contour":
		return ImageSixel
	}
	return ImageOff
}

// writeInlineImage writes the PNG image in the protocol of mode to w, followed by a newline.
func writeInlineImage(w io.Writer, mode ImageMode, pngData []byte) error {
	var err error
	switch mode {
	case ImageKitty:
		err = writeKitty(w, pngData)
	case ImageITerm:
		err = writeITerm(w, pngData)
	case ImageSixel:
		var img image.Image
		img, err = png.Decode(bytes.NewReader(pngData))
		if err != nil {
			return fmt.Errorf("repl: decode PNG: %w", err)
		}
		err = writeSixel(w, img)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// writeKitty sends a PNG with the kitty graphics protocol: action transmit-and-display
// (a=T), format PNG (f=100), base64 payload in chunks of at most 4096 bytes (m=1 on every
// chunk but the last).
func writeKitty(w io.Writer, pngData []byte) error {
	enc := base64.StdEncoding.EncodeToString(pngData)
	const chunk = 4096
	first := true
	for {
		n := min(chunk, len(enc))
		part := enc[:n]
		enc = enc[n:]
		more := 0
		if len(enc) > 0 {
			more = 1
		}
		var err error
		if first {
			_, err = fmt.Fprintf(w, "\x1b_Ga=T,f=100,m=%d;%s\x1b\\", more, part)
			first = false
		} else {
			_, err = fmt.Fprintf(w, "\x1b_Gm=%d;%s\x1b\\", more, part)
		}
		if err != nil {
			return err
		}
		if more == 0 {
			return nil
		}
	}
}

// writeITerm sends a file with the iTerm2 inline image escape (OSC 1337 File=...).
func writeITerm(w io.Writer, pngData []byte) error {
	_, err := fmt.Fprintf(w, "\x1b]1337;File=inline=1;size=%d;preserveAspectRatio=1:%s\a",
		len(pngData), base64.StdEncoding.EncodeToString(pngData))
	return err
}

// Sixel palette: 6 levels of red, 7 of green and 6 of blue (252 colour registers), images
// composited over white.
const (
	sixelR, sixelG, sixelB = 6, 7, 6
)

// sixelIndex returns the palette register of an 8-bit colour.
func sixelIndex(r, g, b uint8) int {
	q := func(v uint8, levels int) int { return (int(v)*(levels-1) + 127) / 255 }
	return (q(r, sixelR)*sixelG+q(g, sixelG))*sixelB + q(b, sixelB)
}

// sixelColor returns the 8-bit colour of palette register i.
func sixelColor(i int) (r, g, b uint8) {
	bi := i % sixelB
	gi := (i / sixelB) % sixelG
	ri := i / (sixelB * sixelG)
	lv := func(v, levels int) uint8 { return uint8((v*255 + (levels-1)/2) / (levels - 1)) }
	return lv(ri, sixelR), lv(gi, sixelG), lv(bi, sixelB)
}

// quantize maps every pixel of img (composited over white) to its sixel palette register;
// the result is indexed [y*width+x].
func quantize(img image.Image) (idx []int, w, h int) {
	bd := img.Bounds()
	w, h = bd.Dx(), bd.Dy()
	idx = make([]int, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, b, a := img.At(bd.Min.X+x, bd.Min.Y+y).RGBA() // premultiplied, 16 bit
			over := func(c uint32) uint8 { return uint8((c + (0xffff - a)) >> 8) }
			idx[y*w+x] = sixelIndex(over(r), over(g), over(b))
		}
	}
	return idx, w, h
}

// writeSixel encodes img as DEC sixel graphics: DCS q, raster attributes, the colour
// registers in use, then bands of six rows, one run-length-encoded pass per colour.
func writeSixel(w io.Writer, img image.Image) error {
	idx, width, height := quantize(img)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "\x1bP0;1;0q\"1;1;%d;%d", width, height)
	used := make([]bool, sixelR*sixelG*sixelB)
	for _, c := range idx {
		used[c] = true
	}
	for c, u := range used {
		if u {
			r, g, b := sixelColor(c)
			fmt.Fprintf(&buf, "#%d;2;%d;%d;%d", c, int(r)*100/255, int(g)*100/255, int(b)*100/255)
		}
	}
	row := make([]byte, width)
	for y0 := 0; y0 < height; y0 += 6 {
		if y0 > 0 {
			buf.WriteByte('-')
		}
		var colors []int
		seen := map[int]bool{}
		for y := y0; y < min(y0+6, height); y++ {
			for x := 0; x < width; x++ {
				if c := idx[y*width+x]; !seen[c] {
					seen[c] = true
					colors = append(colors, c)
				}
			}
		}
		for k, c := range colors {
			for x := 0; x < width; x++ {
				bits := 0
				for dy := 0; dy < 6 && y0+dy < height; dy++ {
					if idx[(y0+dy)*width+x] == c {
						bits |= 1 << dy
					}
				}
				row[x] = byte('?' + bits)
			}
			if k > 0 {
				buf.WriteByte('$')
			}
			fmt.Fprintf(&buf, "#%d", c)
			writeSixelRLE(&buf, row)
		}
	}
	buf.WriteString("\x1b\\")
	_, err := w.Write(buf.Bytes())
	return err
}

// writeSixelRLE writes a row of sixel characters with repeat introducers (!n) for runs
// longer than three.
func writeSixelRLE(buf *bytes.Buffer, row []byte) {
	for i := 0; i < len(row); {
		j := i
		for j < len(row) && row[j] == row[i] {
			j++
		}
		if n := j - i; n > 3 {
			fmt.Fprintf(buf, "!%d%c", n, row[i])
		} else {
			for k := 0; k < n; k++ {
				buf.WriteByte(row[i])
			}
		}
		i = j
	}
}
