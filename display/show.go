package display

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"strconv"
	"sync/atomic"
)

// Interfaces that values implement to choose their own rich rendering. They are checked by
// Show and by the session when it displays a cell result, in this order: PNGer, SVGer, HTMLer,
// Markdowner, then fmt.Stringer for the text/plain fallback. Interpreted types implement them
// like compiled types do.
type (
	// PNGer is implemented by values that render as a PNG image.
	PNGer interface{ PNG() ([]byte, error) }
	// SVGer is implemented by values that render as an SVG document.
	SVGer interface{ SVG() string }
	// HTMLer is implemented by values that render as an HTML fragment.
	HTMLer interface{ HTML() string }
	// Markdowner is implemented by values that render as Markdown.
	Markdowner interface{ Markdown() string }
	// Encoder is implemented by figures that render in several file formats ("png", "svg",
	// "pdf", ...); Render sets Bundle.Figure from it, so that gosnn run --figure-format
	// can write them as SVG and PDF too.
	Encoder interface {
		Encode(format string) ([]byte, error)
	}
)

// Renderer turns any value into a bundle; the session installs one that knows plots, images
// and snn values. It returns an error when the value cannot be rendered.
type Renderer func(v any) (Bundle, error)

// Displayer shows items on the sink of the running cell. The session creates one per
// interpreter and binds the package-level functions seen by interpreted code (display.HTML,
// display.Show, ...) to its methods, so that several sessions can live in one process.
// A Displayer is safe for concurrent use.
type Displayer struct {
	sink   func() Sink
	render Renderer
	prefix string
	n      atomic.Uint64
}

// NewDisplayer returns a Displayer that shows items on the sink returned by sink (called at
// every show or update; nil or a nil result means items are written as text to os.Stdout),
// and renders values given to Show with render (nil means the built-in rendering: the
// interfaces above and image.Image, then fmt's %v).
func NewDisplayer(sink func() Sink, render Renderer) *Displayer {
	var b [6]byte
	_, _ = rand.Read(b[:])
	if render == nil {
		render = Render
	}
	return &Displayer{sink: sink, render: render, prefix: hex.EncodeToString(b[:])}
}

// Handle refers to an item shown earlier; its methods replace the item's content in place
// (Jupyter update_display_data), also from later cells.
type Handle struct {
	d  *Displayer
	id string
}

// ID returns the item's display ID.
func (h *Handle) ID() string { return h.id }

func (d *Displayer) currentSink() Sink {
	if d.sink == nil {
		return nil
	}
	return d.sink()
}

func (d *Displayer) newID() string {
	return d.prefix + "-" + strconv.FormatUint(d.n.Add(1), 10)
}

func (d *Displayer) emit(b Bundle, update bool) {
	if _, ok := b.Data[MIMEText]; !ok {
		if b.Data == nil {
			b.Data = map[string]any{}
		}
		b.Data[MIMEText] = ""
	}
	s := d.currentSink()
	if s == nil {
		txt, _ := b.Data[MIMEText].(string)
		fmt.Fprintln(os.Stdout, txt)
		return
	}
	if update {
		s.Update(b)
	} else {
		s.Show(b)
	}
}

func (d *Displayer) show(b Bundle) *Handle {
	h := &Handle{d: d, id: d.newID()}
	b.DisplayID = h.id
	d.emit(b, false)
	return h
}

func (h *Handle) update(b Bundle) {
	if h == nil || h.d == nil {
		return
	}
	b.DisplayID = h.id
	h.d.emit(b, true)
}

func (d *Displayer) renderOrError(v any) Bundle {
	b, err := d.render(v)
	if err != nil {
		return Bundle{Data: map[string]any{MIMEText: "display: " + err.Error()}}
	}
	return b
}

// Show displays v through the session's formatters: plots and images as PNG, snn values and
// types with HTML/Markdown/SVG/PNG methods in their rich form, anything else as text.
func (d *Displayer) Show(v any) *Handle { return d.show(d.renderOrError(v)) }

// Bundle displays a bundle as given (a text/plain entry is added when missing).
func (d *Displayer) Bundle(b Bundle) *Handle { return d.show(cloneBundle(b)) }

// Text displays plain text.
func (d *Displayer) Text(s string) *Handle { return d.show(TextBundle(s)) }

// HTML displays an HTML fragment.
func (d *Displayer) HTML(s string) *Handle { return d.show(HTMLBundle(s)) }

// Markdown displays Markdown text.
func (d *Displayer) Markdown(s string) *Handle { return d.show(MarkdownBundle(s)) }

// SVG displays an SVG document.
func (d *Displayer) SVG(s string) *Handle { return d.show(SVGBundle(s)) }

// PNG displays PNG-encoded image bytes.
func (d *Displayer) PNG(b []byte) *Handle { return d.show(PNGBundle(b)) }

// Image displays an image, encoded as PNG.
func (d *Displayer) Image(img image.Image) *Handle { return d.show(imageOrError(img)) }

// JSON displays a JSON-encodable value as application/json.
func (d *Displayer) JSON(v any) *Handle { return d.show(jsonOrError(v)) }

// Clear clears the running cell's output; with wait, only when new output arrives.
func (d *Displayer) Clear(wait bool) {
	if s := d.currentSink(); s != nil {
		s.Clear(wait)
	}
}

// ErrNoInput is returned by Input when the front end cannot ask the user for input.
var ErrNoInput = errors.New("display: this front end does not accept input")

// Input asks the user for a line of input with prompt (Jupyter input_request, a terminal
// prompt). It returns ErrNoInput when the front end cannot ask.
func (d *Displayer) Input(prompt string) (string, error) { return d.input(prompt, false) }

// Password is like Input but the front end hides what the user types.
func (d *Displayer) Password(prompt string) (string, error) { return d.input(prompt, true) }

func (d *Displayer) input(prompt string, password bool) (string, error) {
	in, ok := d.currentSink().(Inputter)
	if !ok {
		return "", ErrNoInput
	}
	return in.Input(prompt, password)
}

// Update re-renders v (as Show does) in place of the item.
func (h *Handle) Update(v any) {
	if h == nil || h.d == nil {
		return
	}
	h.update(h.d.renderOrError(v))
}

// Bundle replaces the item with b.
func (h *Handle) Bundle(b Bundle) { h.update(cloneBundle(b)) }

// Text replaces the item with plain text.
func (h *Handle) Text(s string) { h.update(TextBundle(s)) }

// HTML replaces the item with an HTML fragment.
func (h *Handle) HTML(s string) { h.update(HTMLBundle(s)) }

// Markdown replaces the item with Markdown text.
func (h *Handle) Markdown(s string) { h.update(MarkdownBundle(s)) }

// SVG replaces the item with an SVG document.
func (h *Handle) SVG(s string) { h.update(SVGBundle(s)) }

// PNG replaces the item with PNG-encoded image bytes.
func (h *Handle) PNG(b []byte) { h.update(PNGBundle(b)) }

// Image replaces the item with an image, encoded as PNG.
func (h *Handle) Image(img image.Image) { h.update(imageOrError(img)) }

// JSON replaces the item with a JSON-encodable value.
func (h *Handle) JSON(v any) { h.update(jsonOrError(v)) }

func cloneBundle(b Bundle) Bundle {
	c := Bundle{Data: make(map[string]any, len(b.Data)+1), Figure: b.Figure}
	for k, v := range b.Data {
		c.Data[k] = v
	}
	if b.Metadata != nil {
		c.Metadata = make(map[string]any, len(b.Metadata))
		for k, v := range b.Metadata {
			c.Metadata[k] = v
		}
	}
	return c
}

// TextBundle returns a bundle holding plain text only.
func TextBundle(s string) Bundle { return Bundle{Data: map[string]any{MIMEText: s}} }

// HTMLBundle returns a bundle holding an HTML fragment and a text/plain note.
func HTMLBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMEHTML: s, MIMEText: "<HTML>"}}
}

// MarkdownBundle returns a bundle holding Markdown; the Markdown is also the text/plain form.
func MarkdownBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMEMarkdown: s, MIMEText: s}}
}

// SVGBundle returns a bundle holding an SVG document and a text/plain note.
func SVGBundle(s string) Bundle {
	return Bundle{Data: map[string]any{MIMESVG: s, MIMEText: "<SVG image>"}}
}

// PNGBundle returns a bundle holding PNG bytes and a text/plain note giving the size, read
// from the PNG header when it is valid.
func PNGBundle(b []byte) Bundle {
	txt := "<PNG image>"
	if cfg, err := png.DecodeConfig(bytes.NewReader(b)); err == nil {
		txt = fmt.Sprintf("<PNG image %dx%d>", cfg.Width, cfg.Height)
	}
	return Bundle{Data: map[string]any{MIMEPNG: b, MIMEText: txt}}
}

// ImageBundle encodes img as PNG and returns its bundle.
func ImageBundle(img image.Image) (Bundle, error) {
	if img == nil {
		return Bundle{}, errors.New("display: nil image")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("display: encoding PNG: %w", err)
	}
	return PNGBundle(buf.Bytes()), nil
}

// JSONBundle returns a bundle holding v as application/json (v must be JSON-encodable) with
// its indented encoding as text/plain.
func JSONBundle(v any) (Bundle, error) {
	txt, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return Bundle{}, fmt.Errorf("display: encoding JSON: %w", err)
	}
	var data any
	if err := json.Unmarshal(txt, &data); err != nil {
		return Bundle{}, fmt.Errorf("display: encoding JSON: %w", err)
	}
	return Bundle{Data: map[string]any{MIMEJSON: data, MIMEText: string(txt)}}, nil
}

func imageOrError(img image.Image) Bundle {
	b, err := ImageBundle(img)
	if err != nil {
		return TextBundle(err.Error())
	}
	return b
}

func jsonOrError(v any) Bundle {
	b, err := JSONBundle(v)
	if err != nil {
		return TextBundle(err.Error())
	}
	return b
}

// Render is the built-in rendering of a value: a Bundle as is, PNGer, SVGer, HTMLer,
// Markdowner and image.Image in their rich form, with fmt.Stringer or %v as text/plain. An
// Encoder rendered as PNG or SVG also gets Bundle.Figure.
func Render(v any) (Bundle, error) {
	var b Bundle
	switch x := v.(type) {
	case Bundle:
		return cloneBundle(x), nil
	case *Bundle:
		if x == nil {
			return TextBundle("<nil>"), nil
		}
		return cloneBundle(*x), nil
	case PNGer:
		p, err := x.PNG()
		if err != nil {
			return Bundle{}, err
		}
		b = PNGBundle(p)
	case SVGer:
		b = SVGBundle(x.SVG())
	case HTMLer:
		b = HTMLBundle(x.HTML())
	case Markdowner:
		return MarkdownBundle(x.Markdown()), nil
	case image.Image:
		return ImageBundle(x)
	default:
		return TextBundle(fmt.Sprintf("%v", v)), nil
	}
	if s, ok := v.(fmt.Stringer); ok {
		b.Data[MIMEText] = s.String()
	}
	if e, ok := v.(Encoder); ok {
		b.Figure = e.Encode
	}
	return b, nil
}

// std is the Displayer behind the package-level functions in compiled programs: it has no
// sink, so items are written as text to os.Stdout. Interpreted code never reaches it: the
// session binds the package-level names to its own Displayer.
var std = NewDisplayer(nil, nil)

// Show displays v (see Displayer.Show).
func Show(v any) *Handle { return std.Show(v) }

// Text displays plain text (see Displayer.Text).
func Text(s string) *Handle { return std.Text(s) }

// HTML displays an HTML fragment (see Displayer.HTML).
func HTML(s string) *Handle { return std.HTML(s) }

// Markdown displays Markdown (see Displayer.Markdown).
func Markdown(s string) *Handle { return std.Markdown(s) }

// SVG displays an SVG document (see Displayer.SVG).
func SVG(s string) *Handle { return std.SVG(s) }

// PNG displays PNG bytes (see Displayer.PNG).
func PNG(b []byte) *Handle { return std.PNG(b) }

// Image displays an image as PNG (see Displayer.Image).
func Image(img image.Image) *Handle { return std.Image(img) }

// JSON displays a JSON-encodable value (see Displayer.JSON).
func JSON(v any) *Handle { return std.JSON(v) }

// Update re-renders v in place of the item of h, like h.Update(v). In interpreted code, prefer
// it to the method when v is an interpreted type with rich methods (HTML, PNG, ...): yaegi
// passes such values to compiled methods without their methods, but the session registers
// this function so that they arrive whole.
func Update(h *Handle, v any) { h.Update(v) }

// Clear clears the cell's output (see Displayer.Clear).
func Clear(wait bool) { std.Clear(wait) }

// Input asks the user for a line of input (see Displayer.Input).
func Input(prompt string) (string, error) { return std.Input(prompt) }

// Password asks the user for hidden input (see Displayer.Password).
func Password(prompt string) (string, error) { return std.Password(prompt) }

// Writer returns an io.Writer whose writes go to the running cell's stream name ("stdout" or
// "stderr"); without a sink they go to os.Stdout or os.Stderr.
func (d *Displayer) Writer(name string) io.Writer { return streamWriter{d, name} }

type streamWriter struct {
	d    *Displayer
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	if s := w.d.currentSink(); s != nil {
		s.Stream(w.name, string(p))
		return len(p), nil
	}
	if w.name == "stderr" {
		return os.Stderr.Write(p)
	}
	return os.Stdout.Write(p)
}

// ErrNoComms is returned by RegisterCommTarget and OpenComm when the front end running the
// cell has no comm channel (only the Jupyter kernel has one).
var ErrNoComms = errors.New("display: this front end does not support comms (only the Jupyter kernel does)")

func (d *Displayer) commHost() (CommHost, error) {
	if h, ok := d.currentSink().(CommHost); ok {
		return h, nil
	}
	return nil, ErrNoComms
}

// RegisterCommTarget makes target available to comm_open requests from the front end (for
// example a JupyterLab extension or ipywidgets-style JavaScript): h.Open runs when the front
// end opens a comm to target, h.Msg for each message and h.Close when it is closed. The
// registration outlives the cell that made it.
func (d *Displayer) RegisterCommTarget(target string, h CommHandler) error {
	host, err := d.commHost()
	if err != nil {
		return err
	}
	if target == "" {
		return errors.New("display: RegisterCommTarget: empty target name")
	}
	host.RegisterCommTarget(target, h)
	return nil
}

// OpenComm opens a comm from the kernel to a target registered in the front end, sending
// data with comm_open; h receives the front end's messages on it.
func (d *Displayer) OpenComm(target string, data map[string]any, h CommHandler) (Comm, error) {
	host, err := d.commHost()
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, errors.New("display: OpenComm: empty target name")
	}
	return host.OpenComm(target, data, h)
}

// RegisterCommTarget registers a comm target (see Displayer.RegisterCommTarget).
func RegisterCommTarget(target string, h CommHandler) error {
	return std.RegisterCommTarget(target, h)
}

// OpenComm opens a comm to a front-end target (see Displayer.OpenComm).
func OpenComm(target string, data map[string]any, h CommHandler) (Comm, error) {
	return std.OpenComm(target, data, h)
}
