package stdlib

import "testing"

func TestSymbols(t *testing.T) {
	tests := []struct{ key, sym string }{
		{"github.com/gosnn/gosnn/snn/snn", "New"},
		{"github.com/gosnn/gosnn/snn/snn", "Network"},
		{"github.com/gosnn/gosnn/snn/snnplot/snnplot", "Raster"},
		{"github.com/gosnn/gosnn/display/display", "Show"},
		{"github.com/gosnn/gosnn/maesdata/maesdata", "Find"},
		{"gonum.org/v1/gonum/mat/mat", "NewDense"},
		{"gonum.org/v1/gonum/stat/stat", "Mean"},
		{"gonum.org/v1/gonum/stat/distuv/distuv", "Normal"},
		{"gonum.org/v1/gonum/floats/floats", "Sum"},
		{"gonum.org/v1/gonum/dsp/fourier/fourier", "NewFFT"},
		{"gonum.org/v1/plot/plot", "New"},
		{"gonum.org/v1/plot/plotter/plotter", "NewLine"},
		{"gonum.org/v1/plot/plotutil/plotutil", "AddLines"},
		{"gonum.org/v1/plot/vg/vg", "Centimeter"},
		{"gonum.org/v1/plot/vg/draw/draw", "Canvas"},
		{"gonum.org/v1/plot/vg/vgimg/vgimg", "New"},
		{"gonum.org/v1/plot/vg/vgsvg/vgsvg", "New"},
	}
	for _, tc := range tests {
		pkg, ok := Symbols[tc.key]
		if !ok {
			t.Errorf("no symbols for %s (missing go:generate line?)", tc.key)
			continue
		}
		if _, ok := pkg[tc.sym]; !ok {
			t.Errorf("%s has no %s", tc.key, tc.sym)
		}
	}
}

func TestDocs(t *testing.T) {
	docs, err := Docs()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ pkg, key, kind string }{
		{"github.com/gosnn/gosnn/snn", "New", "func"},
		{"github.com/gosnn/gosnn/snn", "Network.Run", "method"},
		{"github.com/gosnn/gosnn/snn", "Network", "type"},
		{"github.com/gosnn/gosnn/display", "MIMEPNG", "const"},
		{"gonum.org/v1/plot", "Plot.Save", "method"},
		{"fmt", "Println", "func"},
	}
	for _, tc := range tests {
		p, ok := docs[tc.pkg]
		if !ok {
			t.Errorf("no docs for %s", tc.pkg)
			continue
		}
		e, ok := p.Entries[tc.key]
		if !ok || e.Kind != tc.kind || e.Sig == "" || e.Doc == "" {
			t.Errorf("%s %s: %+v (found %v), want kind %s with signature and doc", tc.pkg, tc.key, e, ok, tc.kind)
		}
	}
}
