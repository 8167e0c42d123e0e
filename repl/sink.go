package repl

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/gosnn/gosnn/display"
)

// ProgressKey is the bundle metadata key of a progress fraction in [0, 1]. A display with a
// DisplayID, a one-line text/plain and this key (or an HTML <progress value max> element in
// its text/html) is drawn as a progress bar followed by the text; see TermSink.
const ProgressKey = "progress"

// ProgressEndKey is the bundle metadata key (value true) of a live line's last update: the
// TermSink ends the line after drawing it, so that output written to the terminal directly
// (the REPL's cells print there, not through the sink) starts on a new line.
const ProgressEndKey = "progress_end"

// TermSink is the display.Sink of the terminal: streams go to the terminal, text and
// markdown are printed, images are written to files in a figures directory (the path is
// printed) and, with an inline image mode, drawn in the terminal.
//
// A "live line" is a display with a DisplayID whose text/plain is one line (a progress
// report). When the output is a terminal, each Update of it redraws the line in place
// (carriage return); otherwise only its final text is printed, when the cell ends (Flush).
//
// TermSink is safe for concurrent use.
type TermSink struct {
	mu      sync.Mutex
	out     io.Writer
	errw    io.Writer
	tty     bool
	mode    ImageMode
	figDir  string
	prefix  string
	formats []string
	nfig    int
	input   func(prompt string, password bool) (string, error)
	width   func() int
	current string            // live display whose line is open on the terminal (no newline yet)
	pending map[string]string // non-tty: last text of each live display, printed by Flush
	order   []string          // non-tty: live displays in order of first appearance
	figures []string          // paths of the figures written, in order
}

// TermOptions configures a TermSink.
type TermOptions struct {
	// Stdout and Stderr receive the streams; Stderr defaults to Stdout.
	Stdout, Stderr io.Writer
	// Terminal says that Stdout is a terminal: live lines are redrawn in place.
	Terminal bool
	// Images is the inline image mode; ImageAuto is treated as ImageOff (resolve it with
	// DetectImageMode first).
	Images ImageMode
	// FiguresDir is where images are written, created when the first image arrives; empty
	// means "gosnn-figures" in the current directory.
	FiguresDir string
	// FigurePrefix starts the figure file names, <FigurePrefix>-NNN.<format> (NNN the next
	// number free in FiguresDir); empty means "fig".
	FigurePrefix string
	// FigureFormats are the formats each figure is written in, as for RunOptions; nil
	// means png.
	FigureFormats []string
	// Input, when set, reads a line from the user for display.Inputter.
	Input func(prompt string, password bool) (string, error)
	// Width, when set, returns the terminal's width in columns (0 if unknown); live lines
	// are cut to fit, so that redrawing them in place works.
	Width func() int
}

// NewTermSink returns a sink that writes as opts says.
func NewTermSink(opts TermOptions) *TermSink {
	s := &TermSink{
		out: opts.Stdout, errw: opts.Stderr, tty: opts.Terminal, mode: opts.Images,
		figDir: opts.FiguresDir, prefix: opts.FigurePrefix, formats: opts.FigureFormats,
		input: opts.Input, width: opts.Width, pending: map[string]string{},
	}
	if s.prefix == "" {
		s.prefix = "fig"
	}
	if len(s.formats) == 0 {
		s.formats = []string{"png"}
	}
	if s.errw == nil {
		s.errw = s.out
	}
	if s.figDir == "" {
		s.figDir = "gosnn-figures"
	}
	return s
}

var _ display.Sink = (*TermSink)(nil)
var _ display.Inputter = (*TermSink)(nil)

// closeLiveLocked ends a live line left open on the terminal.
func (s *TermSink) closeLiveLocked() {
	if s.current != "" {
		io.WriteString(s.out, "\n")
		s.current = ""
	}
}

// endLiveLocked ends live line id after its last update: on a terminal the line is closed,
// elsewhere its final text is printed now rather than when the cell ends.
func (s *TermSink) endLiveLocked(id string) {
	if s.tty {
		if s.current == id {
			s.closeLiveLocked()
		}
		return
	}
	line, ok := s.pending[id]
	if !ok {
		return
	}
	delete(s.pending, id)
	for i, o := range s.order {
		if o == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	io.WriteString(s.out, line+"\n")
}

// Stream writes text to the terminal; "stderr" goes to the error writer.
func (s *TermSink) Stream(name, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLiveLocked()
	if name == "stderr" {
		io.WriteString(s.errw, text)
		return
	}
	io.WriteString(s.out, text)
}

// Show prints b: a live line, figures (saved, path printed, optionally inline), or its
// plain text (else its Markdown source).
func (s *TermSink) Show(b display.Bundle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if line, ok := liveLine(b); ok {
		s.drawLiveLocked(b.DisplayID, line)
		if end, _ := b.Metadata[ProgressEndKey].(bool); end {
			s.endLiveLocked(b.DisplayID)
		}
		return
	}
	s.showLocked(b)
}

// Update redraws a live line in place, or prints the new content of other displays.
func (s *TermSink) Update(b display.Bundle) {
	s.Show(b)
}

// Clear does nothing: a terminal keeps what it has printed.
func (s *TermSink) Clear(wait bool) {}

// Input reads a line from the user with the function given in TermOptions.
func (s *TermSink) Input(prompt string, password bool) (string, error) {
	s.mu.Lock()
	s.closeLiveLocked()
	s.mu.Unlock()
	if s.input == nil {
		return "", errors.New("repl: no terminal input available")
	}
	return s.input(prompt, password)
}

// Flush ends an open live line and, when the output is not a terminal, prints the final text
// of each live display. Call it when a cell has finished.
func (s *TermSink) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLiveLocked()
	for _, id := range s.order {
		io.WriteString(s.out, s.pending[id]+"\n")
	}
	s.order = nil
	s.pending = map[string]string{}
}

// Figures returns the paths of the figures written so far.
func (s *TermSink) Figures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.figures...)
}

func (s *TermSink) drawLiveLocked(id, line string) {
	if !s.tty {
		if _, seen := s.pending[id]; !seen {
			s.order = append(s.order, id)
		}
		s.pending[id] = line
		return
	}
	if s.width != nil {
		if w := s.width(); w > 1 {
			line = cutRunes(line, w-1)
		}
	}
	if s.current == id {
		io.WriteString(s.out, "\r\x1b[K"+line)
		return
	}
	s.closeLiveLocked()
	io.WriteString(s.out, line)
	s.current = id
}

func (s *TermSink) showLocked(b display.Bundle) {
	s.closeLiveLocked()
	if isFigure(b) {
		s.saveFigureLocked(b)
		return
	}
	// text/plain is written for terminals; Markdown source reads well enough without it.
	text, ok := b.Data[display.MIMEText].(string)
	if !ok {
		text, ok = b.Data[display.MIMEMarkdown].(string)
	}
	if !ok {
		if _, html := b.Data[display.MIMEHTML]; html {
			text = "[text/html output: open the notebook in Jupyter to see it]"
		} else {
			return
		}
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	io.WriteString(s.out, text)
}

// saveFigureLocked writes a figure, once per format, to the next number NNN for which no
// <prefix>-NNN file exists in the figures directory, prints the paths, and draws the PNG
// inline when an image mode is set.
func (s *TermSink) saveFigureLocked(b display.Bundle) {
	files, err := figureFiles(b, s.formats)
	if err != nil {
		fmt.Fprintf(s.errw, "%v\n", err)
	}
	if len(files) == 0 {
		return
	}
	if err := os.MkdirAll(s.figDir, 0o755); err != nil {
		fmt.Fprintf(s.errw, "repl: figures directory: %v\n", err)
		return
	}
	var stem string
	for free := false; !free; {
		s.nfig++
		stem = filepath.Join(s.figDir, fmt.Sprintf("%s-%03d", s.prefix, s.nfig))
		free = true
		for _, f := range files {
			if _, err := os.Lstat(stem + "." + f.ext); !errors.Is(err, os.ErrNotExist) {
				free = false
			}
		}
	}
	var paths []string
	for _, f := range files {
		path := stem + "." + f.ext
		if err := writeFileAtomic(path, f.data, 0o644); err != nil {
			fmt.Fprintf(s.errw, "%v\n", err)
			continue
		}
		s.figures = append(s.figures, path)
		paths = append(paths, path)
	}
	if png, ok := pngBytes(b.Data[display.MIMEPNG]); ok && s.mode != ImageOff && s.mode != ImageAuto {
		if err := writeInlineImage(s.out, s.mode, png); err != nil {
			fmt.Fprintf(s.errw, "%v\n", err)
		}
	}
	if len(paths) > 0 {
		fmt.Fprintf(s.out, "[figure: %s]\n", strings.Join(paths, ", "))
	}
}

// pngBytes returns PNG data given as []byte or as a base64 string.
func pngBytes(v any) ([]byte, bool) {
	switch d := v.(type) {
	case []byte:
		return d, len(d) > 0
	case string:
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(d))
		return data, err == nil && len(data) > 0
	}
	return nil, false
}

// cutRunes returns s cut to at most n runes.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// htmlProgress matches an HTML <progress value="v" max="m"> element.
var htmlProgress = regexp.MustCompile(`<progress\s+value="([0-9.eE+-]+)"\s+max="([0-9.eE+-]+)"`)

// liveLine reports whether b is a live line (see TermSink) and renders it, with a progress
// bar in front when the metadata has a ProgressKey fraction or the text/html has a
// <progress value max> element.
func liveLine(b display.Bundle) (string, bool) {
	if b.DisplayID == "" {
		return "", false
	}
	for mime := range b.Data {
		if mime != display.MIMEText && mime != display.MIMEHTML && mime != display.MIMEMarkdown && mime != display.MIMEJSON {
			return "", false
		}
	}
	text, ok := b.Data[display.MIMEText].(string)
	text = strings.TrimRight(text, "\n")
	if !ok || strings.Contains(text, "\n") {
		return "", false
	}
	if f, ok := progressFraction(b.Metadata[ProgressKey]); ok {
		return progressBar(f, 20) + " " + text, true
	}
	if h, ok := b.Data[display.MIMEHTML].(string); ok {
		if m := htmlProgress.FindStringSubmatch(h); m != nil {
			v, err1 := strconv.ParseFloat(m[1], 64)
			mx, err2 := strconv.ParseFloat(m[2], 64)
			if err1 == nil && err2 == nil && mx > 0 {
				if f, ok := progressFraction(v / mx); ok {
					return progressBar(f, 20) + " " + text, true
				}
			}
		}
	}
	return text, true
}

func progressFraction(v any) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	default:
		return 0, false
	}
	if math.IsNaN(f) {
		return 0, false
	}
	return math.Max(0, math.Min(1, f)), true
}

// progressBar draws fraction f in [0, 1] as a bar of width cells and a percentage.
func progressBar(f float64, width int) string {
	n := int(math.Round(f * float64(width)))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + fmt.Sprintf("] %3.0f%%", 100*f)
}
