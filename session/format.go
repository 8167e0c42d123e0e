package session

import (
	"bytes"
	"fmt"
	"html"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

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
// (Bundle, PNGer, SVGer, HTMLer, Markdowner, image.Image, fmt.Stringer: values of snn render
// themselves through these), plain structs of the simulator's packages as field tables, with
// Text as the text/plain form.
func (s *Session) render(v any) (b display.Bundle, err error) {
	defer func() {
		// A formatter or a user's String/HTML method may panic: report, never crash.
		if r := recover(); r != nil {
			b, err = display.Bundle{}, fmt.Errorf("session: rendering %T: panic: %v", v, r)
		}
	}()
	switch x := v.(type) {
	case *plot.Plot:
		if x == nil {
			return display.TextBundle("<nil plot>"), nil
		}
		return plotBundle(x, plotWidth, plotHeight)
	case plot.Plot:
		return plotBundle(&x, plotWidth, plotHeight)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return display.TextBundle("<nil>"), nil // a nil pointer's methods have nothing to show
	}
	switch v.(type) {
	case display.PNGer, display.SVGer, display.HTMLer, display.Markdowner, display.Bundle, *display.Bundle,
		fmt.Stringer, error:
	default:
		if b, ok := structBundle(v); ok {
			return b, nil
		}
	}
	b, err = display.Render(v)
	if err != nil {
		return b, err
	}
	if t, ok := b.Data[display.MIMEText].(string); ok && len(b.Data) == 1 && t == fmt.Sprintf("%v", v) {
		b.Data[display.MIMEText] = Text(v)
	}
	if t, ok := b.Data[display.MIMEText].(string); ok {
		b.Data[display.MIMEText] = truncateText(t)
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
	b.Data[display.MIMEText] = fmt.Sprintf("<%s: %s>", title, strings.Trim(b.Data[display.MIMEText].(string), "<>"))
	b.Figure = func(format string) ([]byte, error) { return encodePlot(p, w, h, format) }
	return b, nil
}

// encodePlot renders p at w x h in format ("png", "svg", "pdf", ...), for Bundle.Figure.
func encodePlot(p *plot.Plot, w, h vg.Length, format string) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("session: rendering plot as %s: panic: %v", format, r)
		}
	}()
	wt, err := p.WriterTo(w, h, strings.ToLower(format))
	if err != nil {
		return nil, fmt.Errorf("session: rendering plot as %s: %w", format, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("session: rendering plot as %s: %w", format, err)
	}
	return buf.Bytes(), nil
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
		if _, ok := vals[0].(*display.Handle); ok {
			return nil // display.HTML(...) as the last line has shown its item already
		}
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

// simPath is the import path of package snn: the plain structs (analyses, statistics,
// parameters) of snn and of the packages under it are shown as field tables. The session knows
// no snn type: values that have a rendering of their own (String, HTML, PNG, ...) use it.
const simPath = snnPath

// structBundle renders a struct (or pointer to one) of the simulator's packages as a field
// table, with long slices and matrices summarized. Fields tagged display:"-" (plumbing such as
// snn.Setup's Host) are left out.
func structBundle(v any) (display.Bundle, bool) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return display.Bundle{}, false
	}
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return display.Bundle{}, false
		}
		rv = rv.Elem()
	}
	t := rv.Type()
	if rv.Kind() != reflect.Struct || t.PkgPath() != simPath && !strings.HasPrefix(t.PkgPath(), simPath+"/") {
		return display.Bundle{}, false
	}
	name := t.String() // package name and type name, e.g. snn.Pathway
	var txt, rows strings.Builder
	txt.WriteString(name)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("display") == "-" {
			continue
		}
		val := summarize(rv.Field(i), 1)
		fmt.Fprintf(&txt, "\n  %s: %s", f.Name, val)
		fmt.Fprintf(&rows, "<tr><td>%s</td><td><code>%s</code></td></tr>", f.Name, html.EscapeString(val))
	}
	h := fmt.Sprintf("<div><b>%s</b><table>%s</table></div>", name, rows.String())
	return display.Bundle{Data: map[string]any{display.MIMEText: txt.String(), display.MIMEHTML: h}}, true
}

// maxElems is how many elements of a slice summarize shows (the first ones and the last).
const maxElems = 6

// summarize formats a value compactly: floats with 6 significant digits, long slices as
// their length, first elements and last element, matrices as their shape.
func summarize(v reflect.Value, depth int) string {
	if !v.IsValid() {
		return "<nil>"
	}
	if v.CanInterface() {
		if m, ok := v.Interface().(interface{ Dims() (int, int) }); ok {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return "<nil>"
			}
			r, c := m.Dims()
			return fmt.Sprintf("%s %d×%d", v.Type(), r, c)
		}
		if st, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.Pointer {
			return st.String()
		}
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', 6, 64)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return "[]"
		}
		n := v.Len()
		var parts []string
		for i := 0; i < n && i < maxElems-1; i++ {
			parts = append(parts, summarize(v.Index(i), depth+1))
		}
		if n > maxElems {
			parts = append(parts, "...", summarize(v.Index(n-1), depth+1))
		} else if n == maxElems {
			parts = append(parts, summarize(v.Index(n-1), depth+1))
		}
		s := "[" + strings.Join(parts, " ") + "]"
		if n > maxElems {
			s = fmt.Sprintf("%s (len %d)", s, n)
		}
		return s
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "<nil>"
		}
		return summarize(v.Elem(), depth)
	case reflect.Struct:
		if depth > 2 {
			return v.Type().String() + "{...}"
		}
		var parts []string
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				parts = append(parts, f.Name+": "+summarize(v.Field(i), depth+1))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.String:
		return strconv.Quote(v.String())
	}
	if v.CanInterface() {
		return fmt.Sprint(v.Interface())
	}
	return v.Type().String()
}

// maxText bounds the text/plain form of a cell result; longer text is cut with a note.
const maxText = 20000

func truncateText(s string) string {
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes)", s[:cut], len(s)-cut)
}
