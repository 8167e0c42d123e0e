package snnplot

import (
	"image/color"
	"math"
)

// Default colours for neurons outside the cluster palette.
var (
	// UnclusteredColor is the default colour of E neurons that belong to no cluster.
	UnclusteredColor color.Color = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
	// InhibitoryColor is the default colour of I neurons.
	InhibitoryColor color.Color = color.NRGBA{R: 0x3a, G: 0x3a, B: 0x48, A: 0xff}
)

// plastic is the plastic number, the real root of x³ = x + 1. The points
// (k/plastic mod 1, k/plastic² mod 1) form the R2 low-discrepancy sequence: they fill the unit
// square evenly for every prefix length, so any number of clusters gets well-spread colours.
const plastic = 1.32471795724474602596

// ClusterColor returns the default colour of cluster k (k >= 0). The palette is built in the
// perceptual OKLCh space from the R2 low-discrepancy sequence: hue and lightness (0.45 to 0.8)
// are its two coordinates, so colours are spread evenly for any number of clusters (30 or 80
// stay distinct) and consecutive clusters, which replay one after the other, differ by about
// 90 degrees of hue and a clear step in lightness. Chroma is 0.16, reduced where needed to stay
// inside the sRGB gamut. Negative k is treated as -k.
func ClusterColor(k int) color.NRGBA {
	if k < 0 {
		k = -k
	}
	hue := math.Mod(0.5+float64(k)/plastic, 1) * 360
	lightness := 0.45 + 0.35*math.Mod(0.5+float64(k)/(plastic*plastic), 1)
	for chroma := 0.16; chroma > 0; chroma -= 0.005 {
		if c, ok := oklchToSRGB(lightness, chroma, hue); ok {
			return c
		}
	}
	c, _ := oklchToSRGB(lightness, 0, hue)
	return c
}

// oklchToSRGB converts an OKLCh colour (L in [0,1], chroma, hue in degrees) to 8-bit sRGB;
// ok is false if the colour lies outside the sRGB gamut (it is then clamped).
func oklchToSRGB(l, c, h float64) (color.NRGBA, bool) {
	a := c * math.Cos(h*math.Pi/180)
	b := c * math.Sin(h*math.Pi/180)
	// OKLab to linear sRGB (Björn Ottosson, 2020).
	l_ := l + 0.3963377774*a + 0.2158037573*b
	m_ := l - 0.1055613458*a - 0.0638541728*b
	s_ := l - 0.0894841775*a - 1.2914855480*b
	L, M, S := l_*l_*l_, m_*m_*m_, s_*s_*s_
	lin := [3]float64{
		+4.0767416621*L - 3.3077115913*M + 0.2309699292*S,
		-1.2684380046*L + 2.6097574011*M - 0.3413193965*S,
		-0.0041960863*L - 0.7034186147*M + 1.7076147010*S,
	}
	ok := true
	var out [3]uint8
	for i, v := range lin {
		if v < -1e-9 || v > 1+1e-9 {
			ok = false
		}
		v = math.Min(1, math.Max(0, v))
		// Linear to sRGB transfer function.
		if v <= 0.0031308 {
			v *= 12.92
		} else {
			v = 1.055*math.Pow(v, 1/2.4) - 0.055
		}
		out[i] = uint8(math.Round(v * 255))
	}
	return color.NRGBA{R: out[0], G: out[1], B: out[2], A: 0xff}, ok
}
