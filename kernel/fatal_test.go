package kernel

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/kernel/internal/fake"
)

// A cell that kills the process (a runaway recursion's stack overflow, an allocation far
// beyond the machine's memory) ends the kernel process instead of hanging it; Jupyter's
// restarter starts a new one with the same connection file, and its first cell's output
// names the dead kernel's cell and fatal error. The times are logged (the limit only bounds
// a hang).
func TestFatalCellRestart(t *testing.T) {
	needPython(t, "jupyter_client")
	bin := buildBinary(t, "./cmd/gosnn")
	for _, tc := range []struct {
		name, code, fatal string
	}{
		{"recursion", "func down(n int) int { return down(n+1) + 1 }\ndown(0)", "stack overflow"},
		{"allocation", "b := make([]byte, 50<<30)\nb[0] = 1", "out of memory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := jupyterEnv(t, "gosnn-test", bin, "kernel")
			env = append(env, "TMPDIR="+t.TempDir(), "GOSNN_FATAL_LIMIT=120")
			out := runPython(t, env, 5*time.Minute, absTestdata(t, "fatal_restart.py"), tc.code)
			var r struct {
				Dead, Restarted, Ready float64
				Output                 string
			}
			if err := json.Unmarshal([]byte(lastLine(out)), &r); err != nil {
				t.Fatalf("script output: %v\n%s", err, out)
			}
			t.Logf("process gone %.2f s after the cell, restarted at %.2f s, first cell answered at %.2f s", r.Dead, r.Restarted, r.Ready)
			for _, want := range []string{
				"stderr: The previous kernel process died while running cell [2]:",
				"    " + strings.SplitN(tc.code, "\n", 2)[0] + "\n",
				"fatal error: " + tc.fatal,
				"stdout: alive\n",
			} {
				if !strings.Contains(r.Output, want) {
					t.Errorf("first output of the restarted kernel lacks %q:\n%s", want, r.Output)
				}
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// countingEvaluator records the ExecutionCount of each Execute's context.
type countingEvaluator struct {
	Evaluator
	mu   sync.Mutex
	seen []string
}

func (e *countingEvaluator) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	n, ok := ExecutionCount(ctx)
	e.mu.Lock()
	e.seen = append(e.seen, fmt.Sprintf("%s:%d:%v", code, n, ok))
	e.mu.Unlock()
	return e.Evaluator.Execute(ctx, code, out)
}

// The context of a cell carries its execution count; silent requests and user expressions
// have none.
func TestExecutionCountInContext(t *testing.T) {
	ev := &countingEvaluator{Evaluator: fake.New()}
	c := startKernel(t, func(cfg *Config) { cfg.Evaluator = ev })
	c.execute("= 1", nil)
	c.execute("= 2", map[string]any{"silent": true})
	c.execute("= 3", map[string]any{"user_expressions": map[string]any{"x": "= 4"}})
	ev.mu.Lock()
	defer ev.mu.Unlock()
	want := []string{"= 1:1:true", "= 2:0:false", "= 3:2:true", "= 4:0:false"}
	if strings.Join(ev.seen, "|") != strings.Join(want, "|") {
		t.Errorf("counts seen %q, want %q", ev.seen, want)
	}
}
