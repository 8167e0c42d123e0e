package snnplot

import (
	"fmt"
	"image/color"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SpectrumOptions configures Spectrum. The zero value draws the eigenvalues with the real and
// imaginary axes and no circle.
type SpectrumOptions struct {
	// Circle is the radius of a reference circle centred on 0 (1 for the unit circle);
	// zero means no circle.
	Circle float64
	// Color is the colour of the points; nil means dark blue.
	Color color.Color
	// Radius is the radius of the points; zero means 2 pt.
	Radius vg.Length
	// Title is the plot title; empty means none.
	Title string
}

// Spectrum plots eigenvalues in the complex plane (real part on x, imaginary part on y) with
// the axes through 0 and an optional reference circle. Both axes get the same range, so the
// plot is undistorted when drawn square. Eigenvalues that are not finite give an error.
// docs/MODEL.md section 8 A16 describes what the spectrum of a trained network looks like:
// complex pairs with large imaginary parts from the forward/backward asymmetry.
func Spectrum(ev []complex128, opt SpectrumOptions) (*plot.Plot, error) {
	if len(ev) == 0 {
		return nil, fmt.Errorf("snnplot: Spectrum: no eigenvalues")
	}
	if math.IsNaN(opt.Circle) || math.IsInf(opt.Circle, 0) || opt.Circle < 0 {
		return nil, fmt.Errorf("snnplot: Spectrum: circle radius %v must be finite and non-negative", opt.Circle)
	}
	xy := make(plotter.XYs, len(ev))
	for i, z := range ev {
		if cmplx.IsNaN(z) || cmplx.IsInf(z) {
			return nil, fmt.Errorf("snnplot: Spectrum: eigenvalue %d is %v", i, z)
		}
		xy[i].X, xy[i].Y = real(z), imag(z)
	}
	// Equal ranges centred on the data, padded by 5 %.
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range xy {
		xmin, xmax = math.Min(xmin, p.X), math.Max(xmax, p.X)
		ymin, ymax = math.Min(ymin, p.Y), math.Max(ymax, p.Y)
	}
	xmin, xmax = math.Min(xmin, -opt.Circle), math.Max(xmax, opt.Circle)
	ymin, ymax = math.Min(ymin, -opt.Circle), math.Max(ymax, opt.Circle)
	half := math.Max(xmax-xmin, ymax-ymin) / 2 * 1.05
	if math.IsInf(half, 0) || math.IsInf(xmax+xmin, 0) || math.IsInf(ymax+ymin, 0) {
		return nil, fmt.Errorf("snnplot: Spectrum: eigenvalues too large to plot (range %v to %v)", math.Min(xmin, ymin), math.Max(xmax, ymax))
	}
	cx, cy := (xmin+xmax)/2, (ymin+ymax)/2
	// A single point (or points too close to separate) gets a window of ±1 or of a millionth of
	// its distance from 0, whichever is larger.
	half = math.Max(half, math.Max(1e-6*math.Max(math.Abs(cx), math.Abs(cy)), 0))
	if half == 0 {
		half = 1
	}
	if !(cx+half > cx-half) || !(cy+half > cy-half) {
		return nil, fmt.Errorf("snnplot: Spectrum: eigenvalues span no drawable range")
	}

	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = "Re λ"
	p.Y.Label.Text = "Im λ"
	p.X.Tick.Marker, p.Y.Tick.Marker = plainTicks{}, plainTicks{}
	p.Add(originAxes{})
	if opt.Circle > 0 {
		circ := make(plotter.XYs, 361)
		for i := range circ {
			a := float64(i) * math.Pi / 180
			circ[i].X, circ[i].Y = opt.Circle*math.Cos(a), opt.Circle*math.Sin(a)
		}
		l, err := plotter.NewLine(circ)
		if err != nil {
			return nil, fmt.Errorf("snnplot: Spectrum: %w", err)
		}
		l.Color = color.Gray{Y: 0x80}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, fmt.Errorf("snnplot: Spectrum: %w", err)
	}
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = opt.Radius
	if sc.GlyphStyle.Radius <= 0 {
		sc.GlyphStyle.Radius = 2
	}
	sc.GlyphStyle.Color = opt.Color
	if sc.GlyphStyle.Color == nil {
		sc.GlyphStyle.Color = color.NRGBA{R: 0x1f, G: 0x3f, B: 0x8f, A: 0xd0}
	}
	p.Add(sc)
	p.X.Min, p.X.Max = cx-half, cx+half
	p.Y.Min, p.Y.Max = cy-half, cy+half
	return p, nil
}

// SpectrumOf computes the eigenvalues of the square matrix m with gonum's mat.Eigen and plots
// them with Spectrum. For a weight matrix in the post x pre convention, plot the spectrum of
// the signed connectivity instead (inhibitory columns negated, docs/MODEL.md section 8 A16):
// Spectrum(analysis.SignedSpectrum(w, nE)), or of the cluster-averaged reduced model with
// analysis.ReducedSpectrum, which is much cheaper than the O(N³) full decomposition.
func SpectrumOf(m mat.Matrix, opt SpectrumOptions) (*plot.Plot, error) {
	if err := checkMatrix("SpectrumOf", m); err != nil {
		return nil, err
	}
	if r, c := m.Dims(); r != c {
		return nil, fmt.Errorf("snnplot: SpectrumOf: matrix is %dx%d, not square", r, c)
	}
	var e mat.Eigen
	if !e.Factorize(m, mat.EigenNone) {
		return nil, fmt.Errorf("snnplot: SpectrumOf: eigendecomposition did not converge")
	}
	return Spectrum(e.Values(nil), opt)
}

// originAxes draws the lines x = 0 and y = 0 where they cross the data area.
type originAxes struct{}

// Plot implements plot.Plotter.
func (originAxes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{Y: 0xb0}, Width: 0.5}
	if p.X.Min <= 0 && 0 <= p.X.Max {
		c.StrokeLine2(sty, trX(0), c.Min.Y, trX(0), c.Max.Y)
	}
	if p.Y.Min <= 0 && 0 <= p.Y.Max {
		c.StrokeLine2(sty, c.Min.X, trY(0), c.Max.X, trY(0))
	}
}
