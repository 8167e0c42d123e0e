package repl

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/peterh/liner"
)

// DefaultHistoryFile returns the history file: $GOSNN_HISTORY when set, else
// $XDG_STATE_HOME/gosnn/history, else ~/.local/state/gosnn/history. getenv is os.Getenv in
// production. It returns "" when no location can be found.
func DefaultHistoryFile(getenv func(string) string) string {
	if p := getenv("GOSNN_HISTORY"); p != "" {
		return p
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "gosnn", "history")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "gosnn", "history")
	}
	return ""
}

// history persists liner's history in a file, rewritten atomically after each entry.
type history struct {
	path string
}

func (h *history) load(ln *liner.State) error {
	f, err := os.Open(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("repl: history: %w", err)
	}
	defer f.Close()
	if _, err := ln.ReadHistory(f); err != nil {
		return fmt.Errorf("repl: history %s: %w", h.path, err)
	}
	return nil
}

func (h *history) save(ln *liner.State) error {
	var b bytes.Buffer
	if _, err := ln.WriteHistory(&b); err != nil {
		return fmt.Errorf("repl: history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("repl: history: %w", err)
	}
	return writeFileAtomic(h.path, b.Bytes(), 0o600)
}
