package session

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func newTestSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustRun(t testing.TB, s *Session, code string) {
	t.Helper()
	if _, err := s.Execute(context.Background(), code, nil); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
}

func TestComplete(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, `import "github.com/gosnn/gosnn/snn"
cfg := snn.DefaultConfig()
cfg.NE, cfg.NI, cfg.Clusters = 20, 5, 2
net, _ := snn.New(cfg)
type point struct{ X, Y float64 }
func (p point) Norm() float64 { return p.X*p.X + p.Y*p.Y }
pt := point{1, 2}
counter := 3`)
	tests := []struct {
		code       string
		want       []string // all must be present
		notWant    []string
		start, end int // -1: cursor-len(partial) is checked by the loop
	}{
		{code: "snn.", want: []string{"New", "NewFromWeights", "DefaultConfig", "Network", "Spikes", "Clusters"}},
		{code: "snn.NewF", want: []string{"NewFromWeights"}, notWant: []string{"New", "DefaultConfig"}},
		{code: "net.", want: []string{"Run", "RunContext", "Time", "SetHost", "RecordSpikes"}},
		{code: "x := net.Ru", want: []string{"Run", "RunContext"}, notWant: []string{"Time"}},
		{code: "cfg.", want: []string{"NE", "NI", "DT", "Validate"}},
		{code: "pt.", want: []string{"X", "Y", "Norm"}},
		{code: "cou", want: []string{"counter"}},
		{code: "fmt.Prin", want: []string{"Print", "Printf", "Println"}},
		{code: "fo", want: []string{"for"}},
		{code: "plotter.NewL", want: []string{"NewLine", "NewLinePoints"}},
		{code: "fmt.Println(pt.", want: []string{"Norm", "X"}},
		// Names and types from the cell being typed, before it ran.
		{code: "n2, err := snn.New(cfg)\nn2.", want: []string{"Run", "Time"}},
		{code: "c2 := snn.DefaultConfig()\nc2.N", want: []string{"NE", "NI"}, notWant: []string{"DT"}},
		{code: "ws := &snn.Spikes{}\nws.", want: []string{"Len", "Time", "Neuron"}},
		{code: "zebra := 5\nzeb", want: []string{"zebra"}},
		{code: "type q struct{}\nfunc (q) Hop() {}\nqq := q{}\nqq.", want: []string{"Hop"}},
	}
	for _, tc := range tests {
		got, start, end := s.Complete(tc.code, len(tc.code))
		checkCompletions(t, tc.code, got, tc.want, tc.notWant)
		i := strings.LastIndexAny(tc.code, ". (\n")
		if start != i+1 || end != len(tc.code) {
			t.Errorf("Complete(%q) range = [%d,%d), want [%d,%d)", tc.code, start, end, i+1, len(tc.code))
		}
	}
}

// While a cell runs, values cannot be evaluated: members come from the syntax of earlier cells.
func TestCompleteWhileRunning(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, "import \"github.com/gosnn/gosnn/snn\"\ncfg := snn.DefaultConfig()\ncfg.NE, cfg.NI, cfg.Clusters = 20, 5, 2\nnet, _ := snn.New(cfg)")
	s.mu.Lock() // as Execute does
	got, _, _ := s.Complete("net.R", 5)
	s.mu.Unlock()
	if !slices.Contains(got, "Run") || !slices.Contains(got, "RunContext") {
		t.Errorf("Complete(net.R) while a cell runs = %v", got)
	}
}

func TestInspect(t *testing.T) {
	s := newTestSession(t)
	mustRun(t, s, `import "github.com/gosnn/gosnn/snn"
cfg := snn.DefaultConfig()
cfg.NE, cfg.NI, cfg.Clusters = 20, 5, 2
net, _ := snn.New(cfg)
func twice(x int) int { return 2 * x }`)
	tests := []struct {
		code   string
		cursor int // -1: end of code
		want   []string
	}{
		{"snn.New", -1, []string{"func New(cfg Config) (*Network, error)", "New builds the recurrent network"}},
		{"net.Run(100)", 5, []string{"func (n *Network) Run(durationMs float64) error", "host's context"}},
		{"fmt.Println(", -1, []string{"func Println(a ...any)", "Println formats"}},
		{"twice", 2, []string{"func twice(x int) int"}},
		{"net", -1, []string{"var net *snn.Network", "Network"}},
		{"snn", -1, []string{"package snn"}},
	}
	for _, tc := range tests {
		c := tc.cursor
		if c < 0 {
			c = len(tc.code)
		}
		b, found := s.Inspect(tc.code, c, 0)
		if !found {
			t.Errorf("Inspect(%q, %d): not found", tc.code, c)
			continue
		}
		txt, _ := b.Data["text/plain"].(string)
		for _, w := range tc.want {
			if !strings.Contains(txt, w) {
				t.Errorf("Inspect(%q, %d) = %q: missing %q", tc.code, c, txt, w)
			}
		}
		if _, ok := b.Data["text/markdown"]; !ok {
			t.Errorf("Inspect(%q): no text/markdown", tc.code)
		}
	}
	if _, found := s.Inspect("nosuchname", 3, 0); found {
		t.Errorf("Inspect of an unknown name found something")
	}
}

// checkCompletions reports each name of want missing from got, the completions of code, and
// each name of notWant present in it.
func checkCompletions(t *testing.T, code string, got, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("Complete(%q) = %v: missing %q", code, got, w)
		}
	}
	for _, w := range notWant {
		if slices.Contains(got, w) {
			t.Errorf("Complete(%q) = %v: unexpected %q", code, got, w)
		}
	}
}
