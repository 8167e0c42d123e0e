package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Cells see the process environment (issue #14): a variable set in the test process reads
// the same in a cell, with or without Unrestricted, and os.Setenv in a cell is seen by
// compiled code and by later cells.
func TestEnvironmentReachesCells(t *testing.T) {
	t.Setenv("GOSNN_TEST_ENV", "from the test process")
	for _, unrestricted := range []bool{false, true} {
		s, err := New(Options{Unrestricted: unrestricted})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		tests := []struct{ code, want string }{
			{`import "os"` + "\n" + `os.Getenv("GOSNN_TEST_ENV")`, `"from the test process"`},
			{`os.Getenv("HOME") == "` + os.Getenv("HOME") + `"`, "true"},
			{`_, ok := os.LookupEnv("GOSNN_TEST_ENV")` + "\nok", "true"},
			{`os.ExpandEnv("[$GOSNN_TEST_ENV]")`, `"[from the test process]"`},
			{`os.Setenv("GOSNN_TEST_SET", "set in a cell")`, "<nil>"},
			{`os.Getenv("GOSNN_TEST_SET")`, `"set in a cell"`},
		}
		for _, tc := range tests {
			if got := resultText(t, s, tc.code); got != tc.want {
				t.Errorf("unrestricted=%v: %q = %s, want %s", unrestricted, tc.code, got, tc.want)
			}
		}
		// Compiled code sees what the cell set.
		if got := os.Getenv("GOSNN_TEST_SET"); got != "set in a cell" {
			t.Errorf("unrestricted=%v: the process sees GOSNN_TEST_SET=%q", unrestricted, got)
		}
		os.Unsetenv("GOSNN_TEST_SET")
	}
}

// A data-notebook-style cell finds its file only through GOSNN_DATA.
func TestEnvironmentLocatesData(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "weights.txt"), []byte("w 42"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOSNN_DATA", dir)
	s := newTestSession(t)
	code := `import ("os"; "path/filepath")
dir := os.Getenv("GOSNN_DATA")
if dir == "" {
	panic("GOSNN_DATA is not set in the cell")
}
b, err := os.ReadFile(filepath.Join(dir, "weights.txt"))
if err != nil {
	panic(err)
}
string(b)`
	if got := resultText(t, s, code); got != `"w 42"` {
		t.Errorf("cell read %s", got)
	}
}

// resultText runs code and returns the text/plain form of its result.
func resultText(t *testing.T, s *Session, code string) string {
	t.Helper()
	res, err := s.Execute(context.Background(), code, nil)
	if err != nil {
		t.Fatalf("%q: %v", code, err)
	}
	if res == nil {
		return ""
	}
	txt, _ := res.Data["text/plain"].(string)
	return txt
}
