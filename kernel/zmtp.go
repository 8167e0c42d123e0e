package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-zeromq/zmq4"
)

// This file parses the parts of ZMTP 3 (https://rfc.zeromq.org/spec:23/ZMTP/) that the
// kernel's listeners check before zmq4 sees a byte: the greeting, the peer's READY command
// and the frame headers of everything a peer sends. zmq4 v0.17.0 allocates whatever length a
// frame header declares, and parses READY metadata without bounds checks; these checks run
// first, with limits.

// ZMTP frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
	flagsKnown  = flagMore | flagLong | flagCommand
)

const (
	greetingLen = 64
	// maxReadyBytes bounds the peer's READY command (socket type, identity of at most 255
	// bytes, and whatever other metadata libzmq sends).
	maxReadyBytes = 64 << 10
	// maxCommandBytes bounds a command frame after the handshake (PING, SUBSCRIBE...).
	maxCommandBytes = 64 << 10
)

// Errors of the wire checks; they are wrapped with detail.
var (
	errGreeting  = errors.New("kernel: bad ZMTP greeting")
	errReady     = errors.New("kernel: bad ZMTP READY command")
	errFrame     = errors.New("kernel: bad ZMTP frame")
	errFrameSize = errors.New("kernel: ZMTP frame or message too large")
)

// zmtpGreeting is the greeting zmq4 v0.17.0 sends: signature, version 3.0, mechanism NULL,
// as-server 0. The listener sends it before zmq4 runs and swallows zmq4's identical copy.
var zmtpGreeting = func() []byte {
	g := make([]byte, greetingLen)
	g[0], g[9], g[10], g[11] = 0xff, 0x7f, 3, 0
	copy(g[12:32], "NULL")
	return g
}()

// checkGreeting validates a peer's 64-byte greeting as zmq4 would accept it: the signature,
// a version of at least 3.0 and the NULL mechanism.
func checkGreeting(g []byte) error {
	if len(g) != greetingLen {
		return fmt.Errorf("%w: %d bytes, want %d", errGreeting, len(g), greetingLen)
	}
	if g[0] != 0xff || g[9]&0x7f != 0x7f {
		return fmt.Errorf("%w: no ZMTP signature", errGreeting)
	}
	if g[10] < 3 {
		return fmt.Errorf("%w: version %d.%d, want 3.0 or later", errGreeting, g[10], g[11])
	}
	mech := g[12:32]
	if i := bytes.IndexByte(mech, 0); i >= 0 {
		mech = mech[:i]
	}
	if string(mech) != "NULL" {
		return fmt.Errorf("%w: mechanism %q, want NULL", errGreeting, mech)
	}
	if g[32] > 1 {
		return fmt.Errorf("%w: as-server flag %d", errGreeting, g[32])
	}
	return nil
}

// frameHeader decodes the header of one frame from the start of b. It returns the flags, the
// declared body size and the header length, or n == 0 when b is too short to tell.
func frameHeader(b []byte) (flags byte, size uint64, n int, err error) {
	if len(b) < 1 {
		return 0, 0, 0, nil
	}
	flags = b[0]
	if flags&^flagsKnown != 0 {
		return flags, 0, 0, fmt.Errorf("%w: reserved flag bits %#x", errFrame, flags)
	}
	if flags&flagCommand != 0 && flags&flagMore != 0 {
		return flags, 0, 0, fmt.Errorf("%w: command frame with MORE", errFrame)
	}
	if flags&flagLong == 0 {
		if len(b) < 2 {
			return flags, 0, 0, nil
		}
		return flags, uint64(b[1]), 2, nil
	}
	if len(b) < 9 {
		return flags, 0, 0, nil
	}
	size = binary.BigEndian.Uint64(b[1:9])
	if size > 1<<62 {
		return flags, size, 0, fmt.Errorf("%w: declared length %d", errFrameSize, size)
	}
	return flags, size, 9, nil
}

// readyMeta validates a READY command body (name length, "READY", properties) and returns its
// metadata with names in lower case. Every length is checked against the body.
func readyMeta(body []byte) (map[string]string, error) {
	if len(body) < 6 || body[0] != 5 || string(body[1:6]) != zmq4.CmdReady {
		return nil, fmt.Errorf("%w: not a READY command", errReady)
	}
	meta := map[string]string{}
	p := body[6:]
	for len(p) > 0 {
		kl := int(p[0])
		if kl == 0 || 1+kl+4 > len(p) {
			return nil, fmt.Errorf("%w: truncated property", errReady)
		}
		k := strings.ToLower(string(p[1 : 1+kl]))
		vl := binary.BigEndian.Uint32(p[1+kl:])
		p = p[1+kl+4:]
		if uint64(vl) > uint64(len(p)) {
			return nil, fmt.Errorf("%w: property %q longer than the command", errReady, k)
		}
		if _, dup := meta[k]; dup {
			return nil, fmt.Errorf("%w: duplicate property %q", errReady, k)
		}
		meta[k] = string(p[:vl])
		p = p[vl:]
	}
	if len(meta["identity"]) > 255 {
		return nil, fmt.Errorf("%w: identity of %d bytes (at most 255)", errReady, len(meta["identity"]))
	}
	return meta, nil
}

// readHandshake reads and checks a peer's greeting and READY command from r, accepting only
// peers whose Socket-Type is compatible with typ. It returns the bytes read, to be replayed
// to zmq4, which then completes the same handshake without blocking.
func readHandshake(r *bufio.Reader, typ zmq4.SocketType) ([]byte, error) {
	buf := make([]byte, greetingLen, greetingLen+64)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("%w: %v", errGreeting, err)
	}
	if err := checkGreeting(buf); err != nil {
		return nil, err
	}
	var hdr [9]byte
	if _, err := io.ReadFull(r, hdr[:2]); err != nil {
		return nil, fmt.Errorf("%w: %v", errReady, err)
	}
	hl := 2
	if hdr[0]&flagLong != 0 {
		if _, err := io.ReadFull(r, hdr[2:9]); err != nil {
			return nil, fmt.Errorf("%w: %v", errReady, err)
		}
		hl = 9
	}
	flags, size, _, err := frameHeader(hdr[:hl])
	if err != nil {
		return nil, err
	}
	if flags&flagCommand == 0 {
		return nil, fmt.Errorf("%w: first frame is not a command", errReady)
	}
	if size > maxReadyBytes {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", errReady, size, maxReadyBytes)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("%w: %v", errReady, err)
	}
	meta, err := readyMeta(body)
	if err != nil {
		return nil, err
	}
	// zmq4 checks peer.IsCompatible(ours), which panics on a type it does not know; ours is
	// always known, and the relation is symmetric.
	peer := zmq4.SocketType(strings.ToUpper(meta["socket-type"]))
	if !typ.IsCompatible(peer) {
		return nil, fmt.Errorf("%w: peer socket type %q cannot talk to %s", errReady, meta["socket-type"], typ)
	}
	buf = append(buf, hdr[:hl]...)
	return append(buf, body...), nil
}

// frameLimits bounds what one peer may send.
type frameLimits struct {
	maxMessage int64 // bytes in the frames of one message (and so in one frame)
	maxFrames  int   // frames in one message
}

// frameReader reads the frames a peer sends after the handshake, checking each header against
// the limits before reading the body. The body is read as it arrives, so memory follows what
// the peer actually sent, not what it declared; a frame is handed on (header then body) only
// once complete.
type frameReader struct {
	r      io.Reader
	lim    frameLimits
	hdr    [9]byte
	body   bytes.Buffer
	msg    int64 // bytes of the current message so far
	frames int   // frames of the current message so far
}

// next reads one complete frame and returns its header and body (valid until the next call).
func (f *frameReader) next() (hdr, body []byte, err error) {
	if _, err := io.ReadFull(f.r, f.hdr[:1]); err != nil {
		return nil, nil, err
	}
	hl := 2
	if f.hdr[0]&flagLong != 0 {
		hl = 9
	}
	if _, err := io.ReadFull(f.r, f.hdr[1:hl]); err != nil {
		return nil, nil, noEOF(err)
	}
	flags, size, _, err := frameHeader(f.hdr[:hl])
	if err != nil {
		return nil, nil, err
	}
	if flags&flagCommand != 0 {
		if f.frames > 0 {
			return nil, nil, fmt.Errorf("%w: command inside a message", errFrame)
		}
		if size > maxCommandBytes {
			return nil, nil, fmt.Errorf("%w: command of %d bytes (at most %d)", errFrameSize, size, maxCommandBytes)
		}
	}
	if size > uint64(f.lim.maxMessage-f.msg) {
		return nil, nil, fmt.Errorf("%w: a frame of %d bytes after %d in the message (at most %d)", errFrameSize, size, f.msg, f.lim.maxMessage)
	}
	if f.frames+1 > f.lim.maxFrames {
		return nil, nil, fmt.Errorf("%w: more than %d frames in a message", errFrameSize, f.lim.maxFrames)
	}
	if f.body.Cap() > 1<<20 {
		// Do not keep the memory of a large frame (zmq4 has its own copy) while idle.
		f.body = bytes.Buffer{}
	}
	f.body.Reset()
	if size > 0 {
		// Grow with what arrives (at most 64 KiB ahead of it), never by the declared size.
		for rem := int64(size); rem > 0; {
			chunk := min(rem, 64<<10)
			f.body.Grow(int(chunk))
			n, err := io.CopyN(&f.body, f.r, chunk)
			rem -= n
			if err != nil {
				return nil, nil, noEOF(err)
			}
		}
	}
	if flags&flagMore != 0 {
		f.msg += int64(size)
		f.frames++
	} else {
		f.msg, f.frames = 0, 0
	}
	return f.hdr[:hl], f.body.Bytes(), nil
}

// noEOF turns an end of stream inside a frame into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// frameScanner follows the frames of an outgoing byte stream written in arbitrary pieces and
// tells where each message ends.
type frameScanner struct {
	hdr  [9]byte
	hn   int    // header bytes seen of the current frame
	body uint64 // body bytes still to come of the current frame
	more bool   // the current frame has MORE set
	in   bool   // inside a body
}

// scan consumes a prefix of p up to the end of the current header or body. It returns how
// many bytes it consumed and whether a message ended exactly there.
func (s *frameScanner) scan(p []byte) (n int, end bool, err error) {
	if !s.in {
		for n < len(p) {
			s.hdr[s.hn] = p[n]
			s.hn++
			n++
			flags, size, hl, err := frameHeader(s.hdr[:s.hn])
			if err != nil {
				return n, false, err
			}
			if hl == 0 {
				continue
			}
			s.hn, s.body, s.more = 0, size, flags&flagMore != 0
			if size == 0 {
				return n, !s.more, nil
			}
			s.in = true
			return n, false, nil
		}
		return n, false, nil
	}
	take := uint64(len(p))
	if take > s.body {
		take = s.body
	}
	s.body -= take
	if s.body == 0 {
		s.in = false
		return int(take), !s.more, nil
	}
	return int(take), false, nil
}
