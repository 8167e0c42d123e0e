package session

import (
	"os"
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// Cells see os.Stdin, os.Stdout and os.Stderr as files of their own, duplicates of file
// descriptors 0, 1 and 2: a cell that closes one (os.Stdout.Close()) closes its duplicate
// only, so the process's descriptors stay open (the REPL's line editor reads fd 0), the next
// file opened does not take their number, and fmt.Println (which writes to the process's
// stdout) keeps working. Use of the closed file fails in the rest of that cell, as in Go;
// the next cell gets a fresh duplicate.

// stdio holds the cells' os.Stdin, os.Stdout and os.Stderr.
type stdio struct {
	mu           sync.Mutex
	in, out, err *os.File
}

// init makes the files; fallback is used where a duplicate cannot be made.
func (st *stdio) init() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.in = dupStd(0, "/dev/stdin"); st.in == nil {
		st.in = os.Stdin
	}
	if st.out = dupStd(1, "/dev/stdout"); st.out == nil {
		st.out = os.Stdout
	}
	if st.err = dupStd(2, "/dev/stderr"); st.err == nil {
		st.err = os.Stderr
	}
}

// exports are the symbols that give cells these files.
func (st *stdio) exports() interp.Exports {
	return interp.Exports{"os/os": {
		"Stdin":  reflect.ValueOf(&st.in).Elem(),
		"Stdout": reflect.ValueOf(&st.out).Elem(),
		"Stderr": reflect.ValueOf(&st.err).Elem(),
	}}
}

// renew replaces a file that a cell closed.
func (st *stdio) renew() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if isClosed(st.in) {
		if f := dupStd(0, "/dev/stdin"); f != nil {
			st.in = f
		}
	}
	if isClosed(st.out) {
		if f := dupStd(1, "/dev/stdout"); f != nil {
			st.out = f
		}
	}
	if isClosed(st.err) {
		if f := dupStd(2, "/dev/stderr"); f != nil {
			st.err = f
		}
	}
}

// close closes the duplicates.
func (st *stdio) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, f := range []*os.File{st.in, st.out, st.err} {
		if f != nil && f != os.Stdin && f != os.Stdout && f != os.Stderr {
			f.Close()
		}
	}
}

// isClosed reports whether f was closed (without f.Fd, which would make a non-blocking
// descriptor blocking).
func isClosed(f *os.File) bool {
	if f == nil {
		return false
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	return rc.Control(func(uintptr) {}) != nil
}
