package dirlock

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// FileName is the name of the lock file in a locked directory.
const FileName = ".gosnn.lock"

// Holder describes the process that holds a directory's lock; it is the content of the lock
// file.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

// String describes the holder for an error message.
func (h Holder) String() string {
	if h.PID == 0 {
		return "another process (it has not written its name yet)"
	}
	s := fmt.Sprintf("pid %d", h.PID)
	if h.Host != "" {
		if host, _ := os.Hostname(); host != h.Host {
			s += " on " + h.Host
		}
	}
	var more []string
	if h.Command != "" {
		more = append(more, h.Command)
	}
	if !h.Started.IsZero() {
		more = append(more, "started "+h.Started.Local().Format("2006-01-02 15:04:05"))
	}
	if len(more) > 0 {
		s += " (" + strings.Join(more, ", ") + ")"
	}
	return s
}

// Lock is a held lock on a directory.
type Lock struct {
	dir  string
	f    *os.File // nil where locking is not supported
	held bool
}

// Acquire locks dir, which must exist, for the life of the process or until Release;
// command describes the run for the error that another Acquire gets ("gosnn exp train
// --seed 1"). It does not wait: if the directory is locked, the error names the holder,
// "gosnn: DIR is in use by pid 1234 (gosnn exp train --seed 1, started ...)".
func Acquire(dir, command string) (*Lock, error) {
	return acquire(dir, command)
}

// Dir is the locked directory.
func (l *Lock) Dir() string { return l.dir }

// Release unlocks the directory. The lock file stays (removing it would let two runs lock
// two different files).
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.held = false
	err := l.f.Close() // closing the last descriptor drops the flock
	l.f = nil
	if err != nil {
		return fmt.Errorf("gosnn: unlock %s: %w", l.dir, err)
	}
	return nil
}

// writeHolder records this process as the holder in the open lock file f.
func writeHolder(f *os.File, command string) error {
	host, _ := os.Hostname()
	b, err := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: command, Started: time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.WriteAt(append(b, '\n'), 0)
	return err
}

// readHolder reads the holder recorded in the lock file at path (zero if unreadable).
func readHolder(path string) Holder {
	var h Holder
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, _ := f.Read(b)
	_ = json.Unmarshal(b[:n], &h)
	return h
}

// staleTemp matches the temporary files of gosnn's atomic writer (".NAME.tmp-123" from
// internal/atomicfile; ".NAME.tmp123" from earlier versions) and the write probe of gosnn exp train
// (".gosnn-probe-PID.EXT").
var staleTemp = regexp.MustCompile(`^(\..+\.tmp-?[0-9]+|\.gosnn-probe-[0-9]+(\.[A-Za-z0-9]+)?)$`)

// RemoveStaleTemps removes, from the locked directory (not its subdirectories), the
// temporary files that gosnn's atomic writers and write probes leave when a run is killed
// in the middle of a write, and returns their names. It must be called with the lock held
// (no live gosnn run then owns such a file); without a real lock it removes nothing.
func (l *Lock) RemoveStaleTemps() ([]string, error) {
	if l == nil || !l.held {
		return nil, nil
	}
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, fmt.Errorf("gosnn: %w", err)
	}
	var removed []string
	for _, e := range ents {
		if !e.Type().IsRegular() || !staleTemp.MatchString(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(l.dir, e.Name())); err != nil {
			return removed, fmt.Errorf("gosnn: removing a stale temporary file: %w", err)
		}
		removed = append(removed, e.Name())
	}
	return removed, nil
}
