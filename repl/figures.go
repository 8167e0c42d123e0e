package repl

import (
	"fmt"
	"strings"

	"github.com/gosnn/gosnn/display"
)

// figureFormats are the formats a figure can be written in (those of gonum/plot's vg).
var figureFormats = []string{"png", "svg", "pdf", "eps", "jpg", "tif"}

// ParseFigureFormats parses the --figure-format flag: a comma-separated list of png, svg,
// pdf, eps, jpg and tif ("png,svg,pdf"), case-insensitive, without repeats.
func ParseFigureFormats(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(f)), ".")
		switch f {
		case "jpeg":
			f = "jpg"
		case "tiff":
			f = "tif"
		}
		ok := false
		for _, known := range figureFormats {
			ok = ok || f == known
		}
		if !ok {
			return nil, fmt.Errorf("repl: unknown figure format %q (want a comma-separated list of %s)", f, strings.Join(figureFormats, ", "))
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// figureFile is one file of a figure: its extension (the format) and its content.
type figureFile struct {
	ext  string
	data []byte
}

// isFigure reports whether b is a figure: an image (PNG or SVG) or something that renders
// as one (Bundle.Figure).
func isFigure(b display.Bundle) bool {
	if _, ok := pngBytes(b.Data[display.MIMEPNG]); ok {
		return true
	}
	if _, ok := b.Data[display.MIMESVG].(string); ok {
		return true
	}
	return b.Figure != nil
}

// figureFiles returns the files of figure b in formats: PNG and SVG data as shown, other
// formats (and those missing) rendered by b.Figure. An image without Figure that has none of
// the formats is returned as it is shown (PNG, SVG or both), so that it is never lost. The
// error is that of the first format that failed to render; the files of the others are
// returned all the same.
func figureFiles(b display.Bundle, formats []string) ([]figureFile, error) {
	if !isFigure(b) {
		return nil, nil
	}
	png, hasPNG := pngBytes(b.Data[display.MIMEPNG])
	svg, hasSVG := b.Data[display.MIMESVG].(string)
	var files []figureFile
	var first error
	for _, f := range formats {
		switch {
		case f == "png" && hasPNG:
			files = append(files, figureFile{"png", png})
		case f == "svg" && hasSVG:
			files = append(files, figureFile{"svg", []byte(svg)})
		case b.Figure != nil:
			data, err := b.Figure(f)
			if err != nil {
				if first == nil {
					first = fmt.Errorf("repl: figure as %s: %w", f, err)
				}
				continue
			}
			files = append(files, figureFile{f, data})
		}
	}
	if len(files) == 0 && b.Figure == nil {
		if hasPNG {
			files = append(files, figureFile{"png", png})
		}
		if hasSVG {
			files = append(files, figureFile{"svg", []byte(svg)})
		}
	}
	return files, first
}
