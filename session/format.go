package session

import (
	"bytes"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/gosnn/gosnn/display"
)

// Plot size used when a *plot.Plot is shown without an explicit size.
const (
	plotWidth  = 16 * vg.Centimeter
	plotHeight = 10 * vg.Centimeter
)

// render is the session's formatter chain: plots, then the display package's rendering
// (Bundle, PNGer, SVGer, HTMLer, Markdowner, image.Image), with Text as the text/plain form.
func (s *Session) render(v any) (display.Bundle, error) {
	switch x := v.(type) {
	case *plot.Plot:
		if x == nil {
			return display.TextBundle("<nil plot>"), nil
		}
		return plotBundle(x, plotWidth, plotHeight)
	case plot.Plot:
		return plotBundle(&x, plotWidth, plotHeight)
	}
	b, err := display.Render(v)
	if err != nil {
		return b, err
	}
	if t, ok := b.Data[display.MIMEText].(string); ok && len(b.Data) == 1 && t == fmt.Sprintf("%v", v) {
		b.Data[display.MIMEText] = Text(v)
	}
	return b, nil
}

func plotBundle(p *plot.Plot, w, h vg.Length) (display.Bundle, error) {
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return display.Bundle{}, fmt.Errorf("session: rendering plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return display.Bundle{}, fmt.Errorf("session: rendering plot: %w", err)
	}
	b := display.PNGBundle(buf.Bytes())
	title := p.Title.Text
	if title == "" {
		title = "plot"
	}
	b.Data[display.MIMEText] = fmt.Sprintf("<%s: %s>", title, strings.TrimPrefix(b.Data[display.MIMEText].(string), "<"))
	return b, nil
}

// Text is the text/plain form of a cell result: strings are quoted (so that "" and spaces
// show), errors give their message, and everything else is formatted with %v.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return strconv.Quote(x)
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && rv.IsNil() {
		return "<nil>"
	}
	return fmt.Sprintf("%v", v)
}

// resultBundle turns the values of a trailing expression into the cell result. A call whose
// results look like (n int, err error), as fmt.Println's do, has no result to show.
func (s *Session) resultBundle(vals []any) *display.Bundle {
	switch len(vals) {
	case 0:
		return nil
	case 1:
		b, err := s.render(vals[0])
		if err != nil {
			b = display.TextBundle(Text(vals[0]) + " (" + err.Error() + ")")
		}
		return &b
	}
	if len(vals) == 2 {
		if _, ok := vals[0].(int); ok {
			if _, isErr := vals[1].(error); isErr || vals[1] == nil {
				return nil
			}
		}
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = Text(v)
	}
	b := display.TextBundle("(" + strings.Join(parts, ", ") + ")")
	return &b
}
