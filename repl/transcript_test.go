package repl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/repl/internal/fake"
)

// parseTranscript splits a testdata transcript into its sections: a comment, then
// "-- input --" (one line per prompt; "^C" is Ctrl-C), "-- stdout --" and "-- stderr --".
func parseTranscript(t *testing.T, data string) map[string]string {
	t.Helper()
	sections := map[string]string{}
	name := ""
	for _, line := range strings.SplitAfter(data, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(strings.TrimSpace(line), " --") {
			name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "-- "), " --")
			sections[name] = ""
			continue
		}
		if name != "" {
			sections[name] += line
		}
	}
	for _, want := range []string{"input", "stdout", "stderr"} {
		if _, ok := sections[want]; !ok {
			t.Fatalf("transcript has no %q section", want)
		}
	}
	return sections
}

// TestTranscripts runs each testdata/*.txt through the REPL loop over the fake evaluator and
// compares what it prints.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := parseTranscript(t, string(data))
			lines := strings.Split(strings.TrimSuffix(sec["input"], "\n"), "\n")
			r, _, out, errw := newTestREPL(t, &fake.Evaluator{}, lines...)
			if err := r.loop(context.Background()); err != nil {
				t.Fatal(err)
			}
			if out.String() != sec["stdout"] {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), sec["stdout"])
			}
			if errw.String() != sec["stderr"] {
				t.Errorf("stderr:\n%s\nwant:\n%s", errw.String(), sec["stderr"])
			}
		})
	}
}
