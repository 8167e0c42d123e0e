// Command genlogo draws the gosnn kernel logos (a membrane-potential trace with two spikes on
// a rounded navy square) as logo-32x32.png, logo-64x64.png and logo-svg.svg in the current
// directory. Run it with go generate in package kernel.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
)

// trace is the logo's polyline in a 64x64 frame: leaky integration, spike, reset, twice.
var trace = [][2]float64{
	{8, 44}, {14, 40}, {19, 37}, {23, 35.5}, {25, 35}, {25, 12}, {27, 48}, {29, 44},
	{34, 40}, {39, 37}, {43, 35.5}, {45, 35}, {45, 12}, {47, 48}, {49, 44}, {56, 40},
}

var (
	bg = color.NRGBA{0x1f, 0x3b, 0x73, 0xff}
	fg = color.NRGBA{0xff, 0xd1, 0x4a, 0xff}
)

const radius = 12.0 // corner radius in the 64-unit frame

func distSeg(px, py float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((px-a[0])*dx + (py-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	x, y := a[0]+t*dx-px, a[1]+t*dy-py
	return math.Hypot(x, y)
}

func insideRounded(x, y float64) bool {
	cx := math.Max(radius, math.Min(64-radius, x))
	cy := math.Max(radius, math.Min(64-radius, y))
	return math.Hypot(x-cx, y-cy) <= radius
}

func draw(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	scale := 64 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var nb, nf int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					if !insideRounded(x, y) {
						continue
					}
					d := math.Inf(1)
					for i := 1; i < len(trace); i++ {
						d = math.Min(d, distSeg(x, y, trace[i-1], trace[i]))
					}
					if d <= 2.6 {
						nf++
					} else {
						nb++
					}
				}
			}
			n := nb + nf
			if n == 0 {
				continue
			}
			mix := func(a, b uint8) uint8 {
				return uint8((int(a)*nb + int(b)*nf) / n)
			}
			img.SetNRGBA(px, py, color.NRGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), uint8(255 * n / (ss * ss))})
		}
	}
	return img
}

func svg() string {
	pts := make([]string, len(trace))
	for i, p := range trace {
		pts[i] = fmt.Sprintf("%g,%g", p[0], p[1])
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
<title>gosnn</title>
<rect width="64" height="64" rx="%g" fill="#1f3b73"/>
<polyline points="%s" fill="none" stroke="#ffd14a" stroke-width="5.2" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`, radius, strings.Join(pts, " "))
}

func main() {
	for _, size := range []int{32, 64} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, draw(size)); err != nil {
			fmt.Fprintln(os.Stderr, "genlogo:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(fmt.Sprintf("logo-%dx%d.png", size, size), buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "genlogo:", err)
			os.Exit(1)
		}
	}
	if err := os.WriteFile("logo-svg.svg", []byte(svg()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genlogo:", err)
		os.Exit(1)
	}
}
