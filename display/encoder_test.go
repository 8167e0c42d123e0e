package display_test

import (
	"fmt"
	"testing"

	"github.com/gosnn/gosnn/display"
)

// encodedFigure is a figure that renders in several formats.
type encodedFigure struct{}

func (encodedFigure) PNG() ([]byte, error) { return []byte("png bytes"), nil }
func (encodedFigure) Encode(format string) ([]byte, error) {
	if format == "gif" {
		return nil, fmt.Errorf("no gif")
	}
	return []byte(format + " bytes"), nil
}

func TestRenderEncoderFigure(t *testing.T) {
	b, err := display.Render(encodedFigure{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Figure == nil {
		t.Fatal("Render of an Encoder left Bundle.Figure nil")
	}
	if data, err := b.Figure("pdf"); err != nil || string(data) != "pdf bytes" {
		t.Errorf("Figure(pdf) = %q, %v", data, err)
	}
	if _, err := b.Figure("gif"); err == nil {
		t.Error("Figure(gif) gave no error")
	}
	// Copies of the bundle keep Figure; plain images have none.
	if c, _ := display.Render(b); c.Figure == nil {
		t.Error("a rendered Bundle lost its Figure")
	}
	if p, _ := display.Render(display.PNGBundle([]byte("x"))); p.Figure != nil {
		t.Error("a PNG bundle has a Figure")
	}
}
