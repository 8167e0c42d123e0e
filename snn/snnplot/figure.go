package snnplot

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"github.com/gosnn/gosnn/internal/atomicfile"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Default figure size, used by PNG and SVG when a Figure has no size of its own.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
)

// Drawer is anything that draws itself on a canvas: a *plot.Plot or a *Figure.
type Drawer interface {
	Draw(c draw.Canvas)
}

// Figure is a grid of plots drawn on one canvas, with the data areas of the panels in one
// column aligned horizontally and those in one row aligned vertically (so stacked panels
// share their time axis). Cells may be nil and rows may be shorter than others; missing
// cells are left blank.
type Figure struct {
	// Rows holds the panels, top row first.
	Rows [][]*plot.Plot
	// ColWidths and RowHeights are relative sizes of the columns and rows; nil (or a length
	// that does not match the grid) means equal sizes.
	ColWidths, RowHeights []float64
	// FixedWidths, if FixedWidths[j] > 0, gives column j that absolute width (a colour bar,
	// say); the other columns share the rest in the proportions of ColWidths.
	FixedWidths []vg.Length
	// Width and Height are the size PNG and SVG render at; zero means DefaultWidth and
	// DefaultHeight.
	Width, Height vg.Length
	// Gap is the space between neighbouring panels; zero means 4 pt.
	Gap vg.Length
}

// NewFigure returns a figure with the given rows of panels (top row first).
func NewFigure(rows ...[]*plot.Plot) *Figure {
	return &Figure{Rows: rows}
}

// Column returns a figure with the plots stacked top to bottom, their x axes aligned.
func Column(plots ...*plot.Plot) *Figure {
	rows := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		rows[i] = []*plot.Plot{p}
	}
	return &Figure{Rows: rows}
}

func (f *Figure) size() (w, h vg.Length) {
	w, h = f.Width, f.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	return w, h
}

// fractions returns n relative sizes normalised to sum to 1, falling back to equal sizes when
// rel does not have n positive finite entries.
func fractions(rel []float64, n int) []float64 {
	out := make([]float64, n)
	sum := 0.0
	ok := len(rel) == n
	for _, v := range rel {
		if !(v > 0) || v > 1e300 {
			ok = false
		}
		sum += v
	}
	for i := range out {
		if ok {
			out[i] = rel[i] / sum
		} else {
			out[i] = 1 / float64(n)
		}
	}
	return out
}

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) {
	cells := f.layout(c)
	for i, row := range cells {
		for j, cell := range row {
			if j < len(f.Rows[i]) && f.Rows[i][j] != nil && cell.Max.X > cell.Min.X && cell.Max.Y > cell.Min.Y {
				f.Rows[i][j].Draw(cell)
			}
		}
	}
}

// layout returns the canvas of each cell (rows x columns), cropped so that the data areas
// of the panels line up.
func (f *Figure) layout(c draw.Canvas) [][]draw.Canvas {
	nr := len(f.Rows)
	nc := 0
	for _, r := range f.Rows {
		nc = max(nc, len(r))
	}
	if nr == 0 || nc == 0 {
		return nil
	}
	gap := f.Gap
	if gap <= 0 {
		gap = 4
	}
	rh := fractions(f.RowHeights, nr)
	W := c.Max.X - c.Min.X - gap*vg.Length(nc-1)
	H := c.Max.Y - c.Min.Y - gap*vg.Length(nr-1)
	widths := make([]vg.Length, nc)
	rel := make([]float64, 0, nc)
	free := W
	for j := range nc {
		if j < len(f.FixedWidths) && f.FixedWidths[j] > 0 {
			widths[j] = min(f.FixedWidths[j], free)
			free -= widths[j]
		} else if j < len(f.ColWidths) {
			rel = append(rel, f.ColWidths[j])
		} else {
			rel = append(rel, 1)
		}
	}
	frac := fractions(rel, len(rel))
	for j, k := 0, 0; j < nc; j++ {
		if widths[j] == 0 {
			widths[j] = free * vg.Length(frac[k])
			k++
		}
	}
	cells := make([][]draw.Canvas, nr)
	y := c.Max.Y
	for i := range nr {
		cells[i] = make([]draw.Canvas, nc)
		h := H * vg.Length(rh[i])
		x := c.Min.X
		for j := range nc {
			w := widths[j]
			cells[i][j] = draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - h}, Max: vg.Point{X: x + w, Y: y}}}
			x += w + gap
		}
		y -= h + gap
	}
	at := func(i, j int) *plot.Plot {
		if j < len(f.Rows[i]) {
			return f.Rows[i][j]
		}
		return nil
	}
	// The largest margin (space between cell edge and data area) on each side, per column
	// and per row; every panel is then cropped so its data area has exactly those margins.
	left, right := make([]vg.Length, nc), make([]vg.Length, nc)
	bottom, top := make([]vg.Length, nr), make([]vg.Length, nr)
	for i := range nr {
		for j := range nc {
			p := at(i, j)
			if p == nil {
				continue
			}
			cell := cells[i][j]
			d := p.DataCanvas(cell)
			left[j] = max(left[j], d.Min.X-cell.Min.X)
			right[j] = max(right[j], cell.Max.X-d.Max.X)
			bottom[i] = max(bottom[i], d.Min.Y-cell.Min.Y)
			top[i] = max(top[i], cell.Max.Y-d.Max.Y)
		}
	}
	for i := range nr {
		for j := range nc {
			p := at(i, j)
			if p == nil {
				continue
			}
			cell := cells[i][j]
			d := p.DataCanvas(cell)
			cells[i][j] = draw.Crop(cell,
				left[j]-(d.Min.X-cell.Min.X),
				-(right[j] - (cell.Max.X - d.Max.X)),
				bottom[i]-(d.Min.Y-cell.Min.Y),
				-(top[i] - (cell.Max.Y - d.Max.Y)))
		}
	}
	return cells
}

// WriterTo returns an io.WriterTo that writes the figure drawn at size w x h in the given
// format ("png", "svg", "pdf", "eps", "jpg", "tif"), like (*plot.Plot).WriterTo.
func (f *Figure) WriterTo(w, h vg.Length, format string) (io.WriterTo, error) {
	return render(f, w, h, format)
}

// PNG renders the figure at its size (Width x Height) as PNG.
func (f *Figure) PNG() ([]byte, error) {
	w, h := f.size()
	return encode(f, w, h, "png")
}

// SVG renders the figure at its size (Width x Height) as an SVG document; it returns the
// empty string if rendering fails.
func (f *Figure) SVG() string {
	w, h := f.size()
	b, err := encode(f, w, h, "svg")
	if err != nil {
		return ""
	}
	return string(b)
}

// Encode renders the figure at its size (Width x Height) in the given format ("png", "svg",
// "pdf", ...). It makes a *Figure a display.Encoder, so that gosnn run --figure-format writes
// the figures a notebook shows in every format asked for.
func (f *Figure) Encode(format string) ([]byte, error) {
	w, h := f.size()
	return encode(f, w, h, format)
}

// Save writes the figure at its size (Width x Height) to path, in the format named by the
// file extension; see the package-level Save.
func (f *Figure) Save(path string) error {
	w, h := f.size()
	return Save(f, w, h, path)
}

// maxSide bounds the side of a rendered figure (about 3.5 m, or 13000 pixels at 96 dpi).
const maxSide = 10000 * vg.Length(1)

func render(d Drawer, w, h vg.Length, format string) (wt io.WriterTo, err error) {
	if !(w > 0) || !(h > 0) || w > maxSide || h > maxSide {
		return nil, fmt.Errorf("snnplot: figure size %vx%v must be positive and at most %v", w, h, maxSide)
	}
	if d == nil {
		return nil, fmt.Errorf("snnplot: nothing to draw")
	}
	var c vg.CanvasWriterTo
	if strings.EqualFold(format, "png") {
		// PNG with fast compression: encoding dominates the cost of a raster at the default
		// level, and figures are short-lived (notebook output).
		c = fastPNG{vgimg.New(w, h)}
	} else if c, err = draw.NewFormattedCanvas(w, h, strings.ToLower(format)); err != nil {
		return nil, fmt.Errorf("snnplot: %w", err)
	}
	// gonum/plot panics on some degenerate inputs (a canvas too small for its labels, say);
	// report that as an error rather than bringing down the caller.
	defer func() {
		if r := recover(); r != nil {
			wt, err = nil, fmt.Errorf("snnplot: drawing a %vx%v %s failed: %v", w, h, format, r)
		}
	}()
	d.Draw(draw.New(c))
	return c, nil
}

func encode(d Drawer, w, h vg.Length, format string) ([]byte, error) {
	wt, err := render(d, w, h, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("snnplot: writing %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// Encode renders d (a *plot.Plot or a *Figure) at size w x h in the given format ("png",
// "svg", "pdf", ...) and returns the bytes.
func Encode(d Drawer, w, h vg.Length, format string) ([]byte, error) {
	return encode(d, w, h, format)
}

// Save renders d (a *plot.Plot or a *Figure) at size w x h and writes it to path, in the
// format named by the file extension (.png, .svg, .pdf, .eps, .jpg, .tif). The write is
// atomic: the image goes to a temporary file in the same directory, which is synced and then
// renamed over path, so a failed save never leaves a truncated file behind.
func Save(d Drawer, w, h vg.Length, path string) (err error) {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "" {
		return fmt.Errorf("snnplot: %s: no file extension to choose the image format", path)
	}
	b, err := encode(d, w, h, ext)
	if err != nil {
		return fmt.Errorf("snnplot: %s: %s", path, strings.TrimPrefix(err.Error(), "snnplot: "))
	}
	if err = atomicfile.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("snnplot: %w", err)
	}
	return nil
}

// SaveAs writes d (a *plot.Plot or a *Figure) once per format, to base + "." + format
// (SaveAs(p, "out/raster", "png", "svg", "pdf") writes out/raster.png, out/raster.svg and
// out/raster.pdf), and returns the paths written. A *Figure is drawn at its own size, anything
// else at DefaultWidth x DefaultHeight, the size a plot is shown at in a notebook. No formats
// means "png". Each file is written atomically, as by Save; the first error stops the saving.
func SaveAs(d Drawer, base string, formats ...string) ([]string, error) {
	if len(formats) == 0 {
		formats = []string{"png"}
	}
	w, h := DefaultWidth, DefaultHeight
	if f, ok := d.(*Figure); ok && f != nil {
		w, h = f.size()
	}
	var paths []string
	for _, format := range formats {
		format = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(format)), ".")
		if format == "" {
			return paths, fmt.Errorf("snnplot: SaveAs %s: empty format", base)
		}
		path := base + "." + format
		if err := Save(d, w, h, path); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// fastPNG is a PNG canvas (96 dpi, white background, like gonum/plot's) written with
// png.BestSpeed compression.
type fastPNG struct{ *vgimg.Canvas }

// WriteTo implements io.WriterTo.
func (c fastPNG) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(cw, c.Image())
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Beside returns a figure with the given figures side by side, left to right: row i holds the
// panels of row i of each figure in turn (figures with fewer rows leave those cells blank),
// and each figure keeps its column widths, fixed widths and relative row heights (those of
// the first figure). Its size is the sum of the widths and the largest height.
func Beside(figs ...*Figure) *Figure {
	out := &Figure{}
	nr := 0
	for _, f := range figs {
		if f != nil {
			nr = max(nr, len(f.Rows))
		}
	}
	out.Rows = make([][]*plot.Plot, nr)
	var w, h vg.Length
	for _, f := range figs {
		if f == nil {
			continue
		}
		nc := 0
		for _, r := range f.Rows {
			nc = max(nc, len(r))
		}
		for i := range nr {
			row := make([]*plot.Plot, nc)
			if i < len(f.Rows) {
				copy(row, f.Rows[i])
			}
			out.Rows[i] = append(out.Rows[i], row...)
		}
		cw := fractions(f.ColWidths, nc)
		for j := range nc {
			fw := vg.Length(0)
			if j < len(f.FixedWidths) {
				fw = f.FixedWidths[j]
			}
			out.FixedWidths = append(out.FixedWidths, fw)
			out.ColWidths = append(out.ColWidths, cw[j])
		}
		if out.RowHeights == nil && len(f.RowHeights) == nr {
			out.RowHeights = f.RowHeights
		}
		fw, fh := f.size()
		w += fw
		h = max(h, fh)
	}
	out.Width, out.Height = w, h
	return out
}
