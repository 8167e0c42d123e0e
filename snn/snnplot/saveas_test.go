package snnplot_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/plot"

	"github.com/gosnn/gosnn/snn/snnplot"
)

func TestFigureSaveAs(t *testing.T) {
	dir := t.TempDir()
	fig := snnplot.Column(plot.New(), plot.New())
	paths, err := snnplot.SaveAs(fig, filepath.Join(dir, "fig"), "png", "SVG", ".pdf")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "fig.png"), filepath.Join(dir, "fig.svg"), filepath.Join(dir, "fig.pdf")}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths %v, want %v", paths, want)
	}
	svg, _ := os.ReadFile(want[1])
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("fig.svg is not XML: %v", err)
		}
	}
	if pdf, _ := os.ReadFile(want[2]); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Error("fig.pdf is not a PDF")
	}
	// Figure.Encode renders at the figure's size, as display.Encoder wants.
	enc, err := fig.Encode("svg")
	if err != nil || !bytes.Equal(enc, svg) {
		t.Errorf("Encode(svg) differs from the saved SVG (err %v)", err)
	}
	if _, err := snnplot.SaveAs(plot.New(), filepath.Join(dir, "x"), "gif"); err == nil {
		t.Error("an unknown format was accepted")
	}
	if got, _ := os.ReadDir(dir); len(got) != 3 {
		t.Errorf("%d files in the directory, want 3 (no temporary files, no x.gif)", len(got))
	}
}

// SaveAs writes a figure in several formats with one call, for a paper (PDF), the web (SVG)
// and slides (PNG).
func ExampleSaveAs() {
	dir, err := os.MkdirTemp("", "snnplot")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := plot.New()
	p.Title.Text = "raster"
	paths, err := snnplot.SaveAs(p, filepath.Join(dir, "raster"), "png", "svg", "pdf")
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range paths {
		fmt.Println(filepath.Base(path))
	}
	// Output:
	// raster.png
	// raster.svg
	// raster.pdf
}
