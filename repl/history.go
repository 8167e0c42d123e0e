package repl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"
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

// historyMaxFile and historyMaxLine bound what load reads: the line editor keeps 1000
// entries, so a larger file is not one the REPL wrote.
const (
	historyMaxFile = 64 << 20
	historyMaxLine = 1 << 20
)

// historyStore is the line editor's history (liner.State).
type historyStore interface {
	AppendHistory(item string)
	WriteHistory(w io.Writer) (int, error)
}

// history persists the line editor's history in a file, rewritten atomically after each
// entry. A file that cannot be read in full is never overwritten: load renames it to
// FILE.unreadable-TIME and says so; when the file cannot be opened (permissions, say) or is
// not a regular file (/dev/null), nothing is saved.
type history struct {
	path     string
	disabled bool // load failed in a way that makes saving unsafe
}

func (h *history) load(ln historyStore) error {
	f, err := os.Open(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		h.disabled = true
		return fmt.Errorf("repl: history: %w (history will not be saved)", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		// /dev/null, say: nothing to load, nothing to keep aside, nothing to save.
		h.disabled = true
		return nil
	}
	var lines []string
	bad := func() error {
		if st, err := f.Stat(); err == nil && st.Size() > historyMaxFile {
			return fmt.Errorf("larger than %d MiB", historyMaxFile>>20)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 4096), historyMaxLine)
		for sc.Scan() {
			if !utf8.Valid(sc.Bytes()) {
				return fmt.Errorf("line %d is not UTF-8", len(lines)+1)
			}
			lines = append(lines, sc.Text())
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return fmt.Errorf("line %d is longer than %d bytes", len(lines)+1, historyMaxLine)
			}
			return err
		}
		return nil
	}()
	if bad != nil {
		f.Close()
		aside := h.path + ".unreadable-" + time.Now().UTC().Format("20060102T150405.000000000")
		if err := os.Rename(h.path, aside); err != nil {
			h.disabled = true
			return fmt.Errorf("repl: history %s: %v; it could not be kept aside (%v), history will not be saved", h.path, bad, err)
		}
		return fmt.Errorf("repl: history %s: %v; kept it as %s and started a new history", h.path, bad, aside)
	}
	for _, l := range lines {
		ln.AppendHistory(l)
	}
	return nil
}

func (h *history) save(ln historyStore) error {
	if h.disabled {
		return nil
	}
	var b bytes.Buffer
	if _, err := ln.WriteHistory(&b); err != nil {
		return fmt.Errorf("repl: history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("repl: history: %w", err)
	}
	return writeFileAtomic(h.path, b.Bytes(), 0o600)
}
