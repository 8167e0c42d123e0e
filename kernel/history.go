package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/internal/atomicfile"

	"github.com/gosnn/gosnn/internal/boundedread"
)

// MaxHistory is the number of history entries kept in the history file (oldest dropped first).
const MaxHistory = 10000

// HistoryEntry is one executed cell: the kernel session (one per kernel start, counting from
// 1), the execution count within it, the input, and the text/plain result ("" when none).
type HistoryEntry struct {
	Session int    `json:"session"`
	Line    int    `json:"line"`
	Input   string `json:"input"`
	Output  string `json:"output,omitempty"`
}

// historyFile is the on-disk format.
type historyFile struct {
	Version int `json:"version"`
	// LastSession is the highest session number handed out, reserved at kernel start so
	// that kernels started one after another never share a session.
	LastSession int            `json:"last_session"`
	Entries     []HistoryEntry `json:"entries"`
}

// History is the record of executed cells, persisted across kernel restarts in a JSON file
// that is rewritten atomically (temp file + rename) in the background after each cell.
// If the file becomes unreadable while the kernel runs (truncated by another program, say),
// it is never overwritten: it is renamed to FILE.unreadable-TIME, the kernel's log says so,
// and a new file holds the entries this kernel knows. It is safe for concurrent use.
type History struct {
	path    string
	session int

	mu      sync.Mutex
	entries []HistoryEntry // all sessions, in order
	err     error          // last save error
	closed  bool
	logf    func(format string, args ...any) // where a kept-aside file is reported (nil: stderr)
	// keptAside is set once an unreadable file was kept aside; err then reports it.
	keptAside bool

	save chan struct{}
	done chan struct{}
}

// DefaultHistoryPath returns the default history file: $GOSNN_HISTORY when set, else
// gosnn/history.json under the Jupyter data directory (see DataDir).
func DefaultHistoryPath() string {
	if p := os.Getenv("GOSNN_HISTORY"); p != "" {
		return p
	}
	return filepath.Join(DataDir(), "gosnn", "history.json")
}

// OpenHistory loads the history file at path and starts a new session after the last one
// recorded. An empty path keeps history in memory only. A missing file is not an error; a
// corrupt one is (rather than overwriting the user's history).
func OpenHistory(path string) (*History, error) {
	h := &History{path: path, save: make(chan struct{}, 1), done: make(chan struct{})}
	var f historyFile
	if path != "" {
		unlock, err := lockHistory(path)
		if err != nil {
			return nil, err
		}
		defer unlock()
		removeStaleTemps(path)
		if f, err = readHistory(path); err != nil {
			return nil, err
		}
		h.entries = f.Entries
	}
	h.session = f.LastSession
	for _, e := range h.entries {
		if e.Session > h.session {
			h.session = e.Session
		}
	}
	h.session++
	if path != "" {
		f.Version, f.LastSession = 1, h.session
		if err := writeFileAtomic(path, f); err != nil {
			return nil, err
		}
	}
	go h.saver()
	return h, nil
}

// errHistoryCorrupt marks a history file that exists and can be read but does not parse.
var errHistoryCorrupt = errors.New("corrupt")

// removeStaleTemps removes the temporary files that writeFileAtomic leaves beside path when
// the kernel is killed during a write. It is called with the history lock held: every write
// happens under that lock, so no live kernel owns them.
func removeStaleTemps(path string) {
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

// globEscape quotes the metacharacters of filepath.Match in s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxHistoryBytes bounds the history file a kernel reads (MaxHistory entries with their
// text outputs fit many times over).
const maxHistoryBytes = 256 << 20

// readHistoryBytes reads the history file, refusing anything but a regular file (a link to
// /dev/zero would never end) and files over maxHistoryBytes.
func readHistoryBytes(path string) ([]byte, error) {
	return readFileBounded(path, maxHistoryBytes, "history files")
}

// readFileBounded reads a whole regular file of at most limit bytes; what names the kind of
// file in the error ("connection files").
func readFileBounded(path string, limit int64, what string) ([]byte, error) {
	return boundedread.ReadFile(path, limit, what, true)
}

func readHistory(path string) (historyFile, error) {
	var f historyFile
	data, err := readHistoryBytes(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("kernel: history: %v", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, fmt.Errorf("kernel: history file %s is %w: %v", path, errHistoryCorrupt, err)
	}
	return f, nil
}

// Session is the number of this kernel run's session.
func (h *History) Session() int { return h.session }

// Add records cell line of the current session and schedules a save.
func (h *History) Add(line int, input, output string) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.entries = append(h.entries, HistoryEntry{Session: h.session, Line: line, Input: input, Output: output})
	if len(h.entries) > MaxHistory {
		h.entries = append([]HistoryEntry(nil), h.entries[len(h.entries)-MaxHistory:]...)
	}
	// Signal under the lock: Close closes save only after setting closed under it.
	select {
	case h.save <- struct{}{}:
	default:
	}
	h.mu.Unlock()
}

func (h *History) saver() {
	defer close(h.done)
	for range h.save {
		h.flush()
	}
}

// flush writes the file, merging in entries other kernels wrote since it was loaded.
func (h *History) flush() {
	if h.path == "" {
		return
	}
	h.mu.Lock()
	mine := make([]HistoryEntry, 0, 64)
	for _, e := range h.entries {
		if e.Session == h.session {
			mine = append(mine, e)
		}
	}
	h.mu.Unlock()
	unlock, err := lockHistory(h.path)
	if err != nil {
		h.mu.Lock()
		h.err = err
		h.mu.Unlock()
		return
	}
	defer unlock()
	disk, err := readHistory(h.path)
	if err != nil {
		if !errors.Is(err, errHistoryCorrupt) {
			h.mu.Lock()
			h.err = fmt.Errorf("%v; history not saved", err)
			h.mu.Unlock()
			return
		}
		// The file changed under us into something unreadable (truncated, say, by another
		// program). Never overwrite what cannot be read: keep it aside, say so, and write what
		// this kernel knows (the entries loaded at start and this session's).
		aside := h.path + ".unreadable-" + time.Now().UTC().Format("20060102T150405.000000000")
		if rerr := os.Rename(h.path, aside); rerr != nil {
			h.mu.Lock()
			h.err = fmt.Errorf("%v; it could not be kept aside (%v), history not saved", err, rerr)
			h.mu.Unlock()
			return
		}
		h.mu.Lock()
		disk = historyFile{LastSession: h.session}
		for _, e := range h.entries {
			if e.Session != h.session {
				disk.Entries = append(disk.Entries, e)
			}
		}
		h.err = fmt.Errorf("%v; kept it as %s and wrote a new history file", err, aside)
		h.keptAside = true // Close reports it
		logf := h.logf
		h.mu.Unlock()
		if logf == nil {
			logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
		}
		logf("%v; kept it as %s and wrote a new history file", err, aside)
	}
	all := make([]HistoryEntry, 0, len(disk.Entries)+len(mine))
	for _, e := range disk.Entries {
		if e.Session != h.session {
			all = append(all, e)
		}
	}
	all = append(all, mine...)
	if len(all) > MaxHistory {
		all = all[len(all)-MaxHistory:]
	}
	last := max(disk.LastSession, h.session)
	werr := writeFileAtomic(h.path, historyFile{Version: 1, LastSession: last, Entries: all})
	h.mu.Lock()
	if werr != nil || !h.keptAside {
		h.err = werr
	}
	h.mu.Unlock()
}

// setLog sends the report of a history file kept aside to logf (the kernel's log).
func (h *History) setLog(logf func(format string, args ...any)) {
	h.mu.Lock()
	h.logf = logf
	h.mu.Unlock()
}

// writeFileAtomic writes v as JSON to path atomically (internal/atomicfile), creating its
// directory.
func writeFileAtomic(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("kernel: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("kernel: %v", err)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("kernel: write %s: %v", path, err)
	}
	return nil
}

// Close saves pending entries and stops the background writer; it returns the last save error.
func (h *History) Close() error {
	h.mu.Lock()
	wasClosed := h.closed
	h.closed = true
	h.mu.Unlock()
	if !wasClosed {
		close(h.save)
		<-h.done
		h.flush()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// HistoryRequest is the content of a history_request.
type HistoryRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           *int   `json:"stop"`
	N              *int   `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// Query answers a history_request: a list of [session, line, input] or, with Output,
// [session, line, [input, output]].
//
//   - tail: the last N entries (all sessions).
//   - range: lines Start <= line < Stop of Session (0 is the current session, negative counts
//     back from it); a nil Stop means to the end.
//   - search: entries whose input matches the glob Pattern (* and ?), the last N of them, with
//     Unique keeping only the latest of equal inputs.
func (h *History) Query(r HistoryRequest) []any {
	h.mu.Lock()
	entries := append([]HistoryEntry(nil), h.entries...)
	h.mu.Unlock()
	var sel []HistoryEntry
	switch r.HistAccessType {
	case "tail":
		sel = lastN(entries, r.N)
	case "range":
		s := r.Session
		if s <= 0 {
			s += h.session
		}
		for _, e := range entries {
			if e.Session == s && e.Line >= r.Start && (r.Stop == nil || e.Line < *r.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		re, err := globRegexp(r.Pattern)
		if err != nil {
			return []any{}
		}
		for _, e := range entries {
			if re.MatchString(e.Input) {
				sel = append(sel, e)
			}
		}
		if r.Unique {
			seen := map[string]bool{}
			var u []HistoryEntry
			for i := len(sel) - 1; i >= 0; i-- {
				if !seen[sel[i].Input] {
					seen[sel[i].Input] = true
					u = append(u, sel[i])
				}
			}
			for i, j := 0, len(u)-1; i < j; i, j = i+1, j-1 {
				u[i], u[j] = u[j], u[i]
			}
			sel = u
		}
		sel = lastN(sel, r.N)
	}
	out := make([]any, 0, len(sel))
	for _, e := range sel {
		if r.Output {
			out = append(out, []any{e.Session, e.Line, []any{e.Input, e.Output}})
		} else {
			out = append(out, []any{e.Session, e.Line, e.Input})
		}
	}
	return out
}

func lastN(e []HistoryEntry, n *int) []HistoryEntry {
	if n == nil || *n < 0 || *n >= len(e) {
		return e
	}
	return e[len(e)-*n:]
}

// globRegexp compiles a glob with * and ? (as IPython's history search) to an anchored regexp.
func globRegexp(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.Compile(b.String())
}
