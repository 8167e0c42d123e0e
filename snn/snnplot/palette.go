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

// goldenAngle is the hue step between consecutive cluster colours, in degrees: successive
// clusters land far apart on the hue circle, and no two of the first few hundred coincide.
const goldenAngle = 137.50776405003785

// ClusterColor returns the default colour of cluster k (k >= 0). The palette is built in the
// perceptual OKLCh space: hue advances by the golden angle from one cluster to the next and
// lightness cycles through three levels, so neighbouring clusters (which replay one after the
// other) are easy to tell apart and 30 or 80 clusters still give distinct colours. Chroma is
// reduced where needed to stay inside the sRGB gamut. Negative k is treated as -k.
func ClusterColor(k int) color.NRGBA {
	if k < 0 {
		k = -k
	}
	hue := math.Mod(30+float64(k)*goldenAngle, 360)
	lightness := [3]float64{0.62, 0.50, 0.74}[k%3]
	for chroma := 0.16; chroma > 0; chroma -= 0.01 {
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
