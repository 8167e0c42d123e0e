package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func ptr(n int) *int { return &n }

func TestHistoryQuery(t *testing.T) {
	h, _ := OpenHistory("")
	defer h.Close()
	for i, in := range []string{"a = 1", "b = 2", "a = 1", "print(a)"} {
		h.Add(i+1, in, "")
	}
	tests := []struct {
		name string
		req  HistoryRequest
		want []any
	}{
		{"tail 2", HistoryRequest{HistAccessType: "tail", N: ptr(2)}, []any{[]any{1, 3, "a = 1"}, []any{1, 4, "print(a)"}}},
		{"tail all", HistoryRequest{HistAccessType: "tail", N: ptr(99)}, nil},
		{"range", HistoryRequest{HistAccessType: "range", Session: 0, Start: 2, Stop: ptr(4)}, []any{[]any{1, 2, "b = 2"}, []any{1, 3, "a = 1"}}},
		{"range open", HistoryRequest{HistAccessType: "range", Session: 1, Start: 4}, []any{[]any{1, 4, "print(a)"}}},
		{"search", HistoryRequest{HistAccessType: "search", Pattern: "a*"}, []any{[]any{1, 1, "a = 1"}, []any{1, 3, "a = 1"}}},
		{"search unique", HistoryRequest{HistAccessType: "search", Pattern: "?*=*", Unique: true}, []any{[]any{1, 2, "b = 2"}, []any{1, 3, "a = 1"}}},
		{"search n", HistoryRequest{HistAccessType: "search", Pattern: "*", N: ptr(1)}, []any{[]any{1, 4, "print(a)"}}},
		{"search meta", HistoryRequest{HistAccessType: "search", Pattern: "print(a)"}, []any{[]any{1, 4, "print(a)"}}},
		{"output", HistoryRequest{HistAccessType: "tail", N: ptr(1), Output: true}, []any{[]any{1, 4, []any{"print(a)", ""}}}},
		{"unknown", HistoryRequest{HistAccessType: "bogus"}, []any{}},
	}
	for _, tt := range tests {
		got := h.Query(tt.req)
		if tt.want == nil {
			if len(got) != 4 {
				t.Errorf("%s: %d entries", tt.name, len(got))
			}
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "h.json")
	h1, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	h1.Add(1, "x", "1")
	if err := h1.Close(); err != nil {
		t.Fatal(err)
	}
	h2, _ := OpenHistory(p)
	if h2.Session() != 2 {
		t.Errorf("session %d, want 2", h2.Session())
	}
	// Two kernels running at once get distinct sessions and keep each other's entries.
	h3, _ := OpenHistory(p)
	if h3.Session() != 3 {
		t.Errorf("second concurrent kernel got session %d, want 3", h3.Session())
	}
	h2.Add(1, "y", "")
	h3.Add(1, "z", "")
	h2.Close()
	h3.Close()
	h4, _ := OpenHistory(p)
	defer h4.Close()
	want := []any{[]any{1, 1, "x"}, []any{2, 1, "y"}, []any{3, 1, "z"}}
	if got := h4.Query(HistoryRequest{HistAccessType: "tail"}); !reflect.DeepEqual(got, want) {
		t.Errorf("merged history %v, want %v", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temp file left behind: %s", e.Name())
		}
	}
	// A corrupt file is an error, not silently replaced.
	os.WriteFile(p, []byte("{nope"), 0o644)
	if _, err := OpenHistory(p); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("err %v", err)
	}
}

func TestHistoryCap(t *testing.T) {
	h, _ := OpenHistory("")
	defer h.Close()
	for i := 0; i < MaxHistory+5; i++ {
		h.Add(i+1, "c", "")
	}
	if got := h.Query(HistoryRequest{HistAccessType: "tail"}); len(got) != MaxHistory || got[0].([]any)[1] != 6 {
		t.Errorf("len %d first %v", len(got), got[0])
	}
	h.Close()
	h.Add(1, "after close", "") // must not panic
}

// TestHistoryTruncatedWhileRunning truncates the history file while a kernel runs (as
// another program might): the next save must not replace it with this session's entries
// only, but keep the unreadable file aside, say so, and keep the entries loaded at start.
func TestHistoryTruncatedWhileRunning(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.json")
	h1, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	h1.Add(1, "earlier", "")
	if err := h1.Close(); err != nil {
		t.Fatal(err)
	}
	h2, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	h2.setLog(func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) })
	full, _ := os.ReadFile(p)
	if err := os.Truncate(p, int64(len(full)/2)); err != nil {
		t.Fatal(err)
	}
	h2.Add(1, "now", "")
	err = h2.Close()
	asides, _ := filepath.Glob(p + ".unreadable-*")
	if len(asides) != 1 {
		t.Fatalf("kept aside: %v, want one file", asides)
	}
	if b, _ := os.ReadFile(asides[0]); !bytes.Equal(b, full[:len(full)/2]) {
		t.Errorf("kept-aside file holds %q, want the truncated file %q", b, full[:len(full)/2])
	}
	if err == nil || !strings.Contains(err.Error(), "kept it as "+asides[0]) || len(logged) != 1 || !strings.Contains(logged[0], asides[0]) {
		t.Errorf("Close error %v, log %q: want both to name %s", err, logged, asides[0])
	}
	h3, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	defer h3.Close()
	want := []any{[]any{1, 1, "earlier"}, []any{2, 1, "now"}}
	if got := h3.Query(HistoryRequest{HistAccessType: "tail"}); !reflect.DeepEqual(got, want) || h3.Session() != 3 {
		t.Errorf("history after the rewrite %v (session %d), want %v (session 3)", got, h3.Session(), want)
	}
}

// TestHistoryStaleTemps checks that temporaries left by a kernel killed while writing are
// removed when the next kernel opens the file under its lock.
func TestHistoryStaleTemps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "h.json")
	stale := filepath.Join(dir, ".h.json.123456")
	other := filepath.Join(dir, ".other.json.1")
	for _, f := range []string{stale, other} {
		if err := os.WriteFile(f, []byte("{"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary %s still there (%v)", stale, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("unrelated file removed: %v", err)
	}
}

// TestHistoryNotRegular checks that a history file linked to a device is refused at start
// (not read for ever) and never moved or written.
func TestHistoryNotRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	p := filepath.Join(t.TempDir(), "h.json")
	if err := os.Symlink("/dev/zero", p); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenHistory(p); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("OpenHistory on /dev/zero: %v", err)
	}
	if target, err := os.Readlink(p); err != nil || target != "/dev/zero" {
		t.Errorf("the link was replaced: %q, %v", target, err)
	}
}
