package display

import (
	"errors"
	"sync"
	"testing"
)

type recSink struct {
	mu     sync.Mutex
	shows  []Bundle
	upds   []Bundle
	stream []string
}

func (r *recSink) Stream(name, text string) {
	r.mu.Lock()
	r.stream = append(r.stream, name+":"+text)
	r.mu.Unlock()
}
func (r *recSink) Show(b Bundle)   { r.mu.Lock(); r.shows = append(r.shows, b); r.mu.Unlock() }
func (r *recSink) Update(b Bundle) { r.mu.Lock(); r.upds = append(r.upds, b); r.mu.Unlock() }
func (r *recSink) Clear(bool)      {}

type inSink struct{ recSink }

func (s *inSink) Input(prompt string, password bool) (string, error) {
	if password {
		return "secret", nil
	}
	return prompt + "!", nil
}

func TestDisplayerIDs(t *testing.T) {
	r := &recSink{}
	d := NewDisplayer(func() Sink { return r }, nil)
	h1 := d.Text("a")
	h2 := d.HTML("<b>b</b>")
	h1.Text("a2")
	h2.Update("plain")
	if len(r.shows) != 2 || len(r.upds) != 2 {
		t.Fatalf("shows %d updates %d", len(r.shows), len(r.upds))
	}
	if r.shows[0].DisplayID == "" || r.shows[0].DisplayID == r.shows[1].DisplayID {
		t.Errorf("display IDs %q %q: want distinct, non-empty", r.shows[0].DisplayID, r.shows[1].DisplayID)
	}
	if r.upds[0].DisplayID != h1.ID() || r.upds[1].DisplayID != h2.ID() {
		t.Errorf("updates went to %q %q, want %q %q", r.upds[0].DisplayID, r.upds[1].DisplayID, h1.ID(), h2.ID())
	}
	if r.upds[1].Data[MIMEText] != "plain" {
		t.Errorf("update data %v", r.upds[1].Data)
	}
	// Two displayers never share IDs (several sessions in one process).
	d2 := NewDisplayer(func() Sink { return r }, nil)
	if h := d2.Text("c"); h.ID() == h1.ID() {
		t.Errorf("two displayers gave the same ID %q", h.ID())
	}
}

func TestBundles(t *testing.T) {
	tests := []struct {
		name string
		b    Bundle
		mime string
	}{
		{"text", TextBundle("x"), MIMEText},
		{"html", HTMLBundle("<p>"), MIMEHTML},
		{"markdown", MarkdownBundle("*x*"), MIMEMarkdown},
		{"svg", SVGBundle("<svg/>"), MIMESVG},
		{"png", PNGBundle([]byte("not a png")), MIMEPNG},
	}
	for _, tc := range tests {
		if _, ok := tc.b.Data[tc.mime]; !ok {
			t.Errorf("%s: no %s", tc.name, tc.mime)
		}
		if _, ok := tc.b.Data[MIMEText].(string); !ok {
			t.Errorf("%s: no text/plain", tc.name)
		}
	}
	if _, err := JSONBundle(func() {}); err == nil {
		t.Errorf("JSONBundle of a func: no error")
	}
	b, err := JSONBundle(map[string]int{"a": 1})
	if err != nil || b.Data[MIMEJSON].(map[string]any)["a"] != 1.0 {
		t.Errorf("JSONBundle: %v %v", b.Data, err)
	}
	if _, err := ImageBundle(nil); err == nil {
		t.Errorf("ImageBundle(nil): no error")
	}
}

type failPNG struct{}

func (failPNG) PNG() ([]byte, error) { return nil, errors.New("no pixels") }

func TestShowRenderError(t *testing.T) {
	r := &recSink{}
	d := NewDisplayer(func() Sink { return r }, nil)
	d.Show(failPNG{})
	if len(r.shows) != 1 || r.shows[0].Data[MIMEText] != "display: no pixels" {
		t.Errorf("got %v", r.shows)
	}
}

func TestInput(t *testing.T) {
	d := NewDisplayer(func() Sink { return &recSink{} }, nil)
	if _, err := d.Input("x"); !errors.Is(err, ErrNoInput) {
		t.Errorf("Input without an Inputter: %v", err)
	}
	d = NewDisplayer(func() Sink { return &inSink{} }, nil)
	if s, err := d.Input("name"); s != "name!" || err != nil {
		t.Errorf("Input = %q, %v", s, err)
	}
	if s, _ := d.Password("pw"); s != "secret" {
		t.Errorf("Password = %q", s)
	}
}

func TestWriter(t *testing.T) {
	r := &recSink{}
	d := NewDisplayer(func() Sink { return r }, nil)
	if _, err := d.Writer("stderr").Write([]byte("oops\n")); err != nil {
		t.Fatal(err)
	}
	if len(r.stream) != 1 || r.stream[0] != "stderr:oops\n" {
		t.Errorf("stream %q", r.stream)
	}
}
