package main

import (
	"syscall"
	"unsafe"
)

// termState is the terminal mode of stdin, restored after a supervised child dies (it may
// die with the line editor's raw mode on).
type termState struct{ t syscall.Termios }

// saveTerminal returns stdin's terminal mode, or nil when stdin is not a terminal.
func saveTerminal() *termState {
	var st termState
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TCGETS, uintptr(unsafe.Pointer(&st.t))); e != 0 {
		return nil
	}
	return &st
}

func (st *termState) restore() {
	if st != nil {
		_, _, _ = syscall.Syscall(syscall.SYS_IOCTL, 0, syscall.TCSETS, uintptr(unsafe.Pointer(&st.t)))
	}
}
