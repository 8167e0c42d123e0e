//go:build linux

package session

import (
	"errors"
	"io"
	"log"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"unicode/utf8"
	"unsafe"
)

// Output capture on Linux: file descriptors 1 and 2 are redirected to pipes for the life of
// the session (so compiled code, interpreted code and goroutines that outlive their cell are
// all caught, in the order they wrote on each stream), and two goroutines forward what they
// read to the session's router. The original descriptors are kept (dup) for the host.
//
// File descriptors belong to the process, so only one session at a time can capture:
// captureMu records the owner. This is the only process-wide state of the package.
var (
	captureMu    sync.Mutex
	captureOwner *capture
)

const captureSupported = true

// pipeSize is the capacity asked for the capture pipes (the unprivileged maximum by default).
const pipeSize = 1 << 20

// fSetPipeSize is Linux's F_SETPIPE_SZ (not in package syscall).
const fSetPipeSize = 1031

type capture struct {
	origOut, origErr *os.File // duplicates of the original fds 1 and 2
	out, err         *pipeReader
	// prevStderr is os.Stderr before capture, replaced by a pollable file on the stderr pipe
	// (see newPipeReader); prevLog is the standard logger's writer if it was os.Stderr.
	prevStderr *os.File
	prevLog    io.Writer
}

type pipeReader struct {
	name   string
	r, w   *os.File
	route  func(name, text string)
	mu     sync.Mutex
	cond   *sync.Cond
	busy   bool // read data not yet forwarded
	closed bool
	rest   []byte // incomplete UTF-8 sequence held back
	done   chan struct{}
	// before is drained before this reader forwards what it read (stderr waits for stdout),
	// so that stdout written before stderr is shown first. Only stderr waits: no cycle.
	before *pipeReader
}

func startCapture(route func(name, text string)) (*capture, error) {
	captureMu.Lock()
	defer captureMu.Unlock()
	if captureOwner != nil {
		return nil, errors.New("session: output capture is already active in another session of this process")
	}
	c := &capture{}
	var err error
	if c.origOut, err = dupFile(1, "stdout"); err != nil {
		return nil, err
	}
	if c.origErr, err = dupFile(2, "stderr"); err != nil {
		c.origOut.Close()
		return nil, err
	}
	if c.out, err = newPipeReader("stdout", 1, route, nil); err != nil {
		c.origOut.Close()
		c.origErr.Close()
		return nil, err
	}
	if c.err, err = newPipeReader("stderr", 2, route, c.out); err != nil {
		_ = syscall.Dup3(int(c.origOut.Fd()), 1, 0)
		c.out.close()
		c.origOut.Close()
		c.origErr.Close()
		return nil, err
	}
	// The stderr pipe is non-blocking (see newPipeReader): os.Stderr, which the os package
	// opened as a blocking file, would fail with EAGAIN on a full pipe. Replace it with a
	// file that waits in the runtime's poller, and move the standard logger to it.
	// (If dup fails, os.Stderr stays: it works while the pipe is not full.)
	if nfd, derr := syscall.Dup(2); derr == nil {
		syscall.CloseOnExec(nfd)
		c.prevStderr = os.Stderr
		os.Stderr = os.NewFile(uintptr(nfd), "/dev/stderr")
		if log.Writer() == io.Writer(c.prevStderr) {
			c.prevLog = c.prevStderr
			log.SetOutput(os.Stderr)
		}
	}
	captureOwner = c
	// Fatal errors (a runaway recursion in a cell, for example) are written to fd 2, now a pipe
	// whose reader dies with the process: also send them to the original stderr, unless a
	// CrashLog keeps them.
	if !crashLogActive() {
		_ = debug.SetCrashOutput(c.origErr, debug.CrashOptions{})
	}
	return c, nil
}

// dupStd returns a new *os.File on a duplicate of fd (1 or 2), or nil if it cannot be made.
// A duplicate of a non-blocking descriptor (the captured stderr pipe) waits in the poller.
func dupStd(fd int, name string) *os.File {
	f, err := dupFile(fd, name)
	if err != nil {
		return nil
	}
	return f
}

func dupFile(fd int, name string) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, errors.New("session: dup " + name + ": " + err.Error())
	}
	syscall.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), name), nil
}

func newPipeReader(name string, fd int, route func(name, text string), before *pipeReader) (*pipeReader, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, errors.New("session: pipe: " + err.Error())
	}
	wc, err := w.SyscallConn()
	if err != nil {
		return nil, err
	}
	var derr error
	// os.Pipe makes both ends non-blocking for the runtime poller, and dup3 shares that flag
	// with fd 1/2. os.Stdout was opened blocking, so with a full pipe (a reader slower than
	// the cell's prints) its writes would fail with EAGAIN and output would be lost: make the
	// stdout pipe's write end blocking before it replaces the descriptor.
	//
	// The stderr pipe stays non-blocking: a fatal error (stack overflow, out of memory) makes
	// the runtime write its report to fd 2 while every goroutine, this pipe's reader
	// included, is frozen; with a blocking descriptor the write blocks for ever once the pipe
	// is full and the process hangs instead of dying. Non-blocking, the runtime's write fails
	// and it goes on to exit (the report also goes to the crash output: see CrashLog).
	// startCapture replaces os.Stderr with a file that waits for the pipe in the poller.
	// Both pipes are enlarged so that bursts of output rarely fill them.
	if err := wc.Control(func(wfd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, wfd, fSetPipeSize, pipeSize)
		if fd != 2 {
			derr = syscall.SetNonblock(int(wfd), false)
		}
		if derr == nil {
			derr = syscall.Dup3(int(wfd), fd, 0)
		}
	}); err != nil {
		derr = err
	}
	if derr != nil {
		r.Close()
		w.Close()
		return nil, errors.New("session: redirect " + name + ": " + derr.Error())
	}
	p := &pipeReader{name: name, r: r, w: w, route: route, done: make(chan struct{}), before: before}
	p.cond = sync.NewCond(&p.mu)
	go p.loop()
	return p, nil
}

func (p *pipeReader) loop() {
	defer close(p.done)
	rc, err := p.r.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 32<<10)
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			n, rerr = syscall.Read(int(fd), buf)
			if rerr == syscall.EAGAIN {
				return false
			}
			if n > 0 {
				p.busy = true
			}
			return true
		})
		if err != nil || rerr != nil || n <= 0 {
			p.mu.Lock()
			p.closed = true
			p.busy = false
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		if p.before != nil {
			p.before.drain()
		}
		p.forward(buf[:n], false)
		p.mu.Lock()
		p.busy = false
		p.cond.Broadcast()
		p.mu.Unlock()
	}
}

// forward sends data to the router, holding back an incomplete trailing UTF-8 sequence
// unless all is set.
func (p *pipeReader) forward(data []byte, all bool) {
	if len(p.rest) > 0 {
		data = append(p.rest, data...)
		p.rest = nil
	}
	cut := len(data)
	if !all {
		// Hold back at most 3 bytes that start an incomplete rune.
		for i := len(data) - 1; i >= 0 && i >= len(data)-3; i-- {
			if utf8.RuneStart(data[i]) {
				if !utf8.FullRune(data[i:]) {
					cut = i
				}
				break
			}
		}
	}
	if cut < len(data) {
		p.rest = append([]byte(nil), data[cut:]...)
	}
	if cut > 0 {
		p.route(p.name, string(data[:cut]))
	}
}

// drain waits until what is in the pipe now has been forwarded (without the held-back
// bytes of an incomplete rune).
func (p *pipeReader) drain() {
	p.mu.Lock()
	for !p.closed && (p.busy || pending(p.r) > 0) {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// flush waits until everything written to the stream so far has been forwarded.
func (p *pipeReader) flush() {
	p.mu.Lock()
	for !p.closed && (p.busy || pending(p.r) > 0) {
		p.cond.Wait()
	}
	rest := p.rest
	p.rest = nil
	p.mu.Unlock()
	if len(rest) > 0 {
		p.route(p.name, string(rest))
	}
}

// pending returns the number of bytes waiting in the pipe (FIONREAD).
func pending(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	var n int32
	_ = rc.Control(func(fd uintptr) {
		_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCINQ, uintptr(unsafe.Pointer(&n)))
		if e != 0 {
			n = 0
		}
	})
	return int(n)
}

func (p *pipeReader) close() {
	p.w.Close()
	p.r.Close()
}

func (c *capture) flush() {
	c.out.flush()
	c.err.flush()
}

// stop flushes, puts the original descriptors back and stops the readers.
func (c *capture) stop() error {
	c.flush()
	captureMu.Lock()
	defer captureMu.Unlock()
	err1 := syscall.Dup3(int(c.origOut.Fd()), 1, 0)
	err2 := syscall.Dup3(int(c.origErr.Fd()), 2, 0)
	if c.prevStderr != nil {
		if c.prevLog != nil && log.Writer() == io.Writer(os.Stderr) {
			log.SetOutput(c.prevLog)
		}
		pollable := os.Stderr
		os.Stderr = c.prevStderr
		pollable.Close()
	}
	// fds 1 and 2 no longer refer to the pipes; closing our write ends ends the readers.
	c.out.w.Close()
	c.err.w.Close()
	<-c.out.done
	<-c.err.done
	c.out.r.Close()
	c.err.r.Close()
	captureOwner = nil
	if !crashLogActive() {
		_ = debug.SetCrashOutput(nil, debug.CrashOptions{})
	}
	if err1 != nil || err2 != nil {
		return errors.New("session: restoring stdout/stderr failed")
	}
	return nil
}
