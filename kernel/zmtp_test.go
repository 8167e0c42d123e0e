package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/go-zeromq/zmq4"
)

func TestCheckGreeting(t *testing.T) {
	mod := func(f func(g []byte)) []byte { g := rawGreeting(); f(g); return g }
	tests := []struct {
		name string
		g    []byte
		ok   bool
	}{
		{"zmq4's own", zmtpGreeting, true},
		{"3.1 as libzmq", mod(func(g []byte) { g[11] = 1 }), true},
		{"short", rawGreeting()[:63], false},
		{"no signature", mod(func(g []byte) { g[0] = 0 }), false},
		{"bad footer", mod(func(g []byte) { g[9] = 0 }), false},
		{"ZMTP 2", mod(func(g []byte) { g[10] = 2 }), false},
		{"PLAIN", mod(func(g []byte) { copy(g[12:], "PLAIN") }), false},
		{"NUL", mod(func(g []byte) { g[15] = 0 }), false},
		{"as-server 2", mod(func(g []byte) { g[32] = 2 }), false},
	}
	for _, tt := range tests {
		if err := checkGreeting(tt.g); (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.name, err)
		}
	}
}

func TestReadHandshake(t *testing.T) {
	ready := func(body string) []byte { return append(rawGreeting(), rawFrame(flagCommand, []byte(body))...) }
	tests := []struct {
		name string
		in   []byte
		typ  zmq4.SocketType
		ok   bool
	}{
		{"dealer to router", append(rawGreeting(), rawReady("DEALER", "id")...), zmq4.Router, true},
		{"lower-case type", append(rawGreeting(), rawReady("dealer", "")...), zmq4.Router, true},
		{"sub to pub", append(rawGreeting(), rawReady("SUB", "")...), zmq4.Pub, true},
		{"req to router", append(rawGreeting(), rawReady("REQ", "")...), zmq4.Router, true},
		{"pub to router", append(rawGreeting(), rawReady("PUB", "")...), zmq4.Router, false},
		{"dealer to pub", append(rawGreeting(), rawReady("DEALER", "")...), zmq4.Pub, false},
		{"unknown type", append(rawGreeting(), rawReady("FOO", "")...), zmq4.Router, false},
		{"no socket type", ready("\x05READY"), zmq4.Router, false},
		{"not READY", ready("\x05HELLO"), zmq4.Router, false},
		{"empty name", ready("\x05READY\x00\x00\x00\x00\x00"), zmq4.Router, false},
		{"key past end", ready("\x05READY\x02ab"), zmq4.Router, false},
		{"value past end", ready("\x05READY\x0bSocket-Type\x00\x00\x00\x09DEALER"), zmq4.Router, false},
		{"duplicate", ready("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x0bsocket-type\x00\x00\x00\x06DEALER"), zmq4.Router, false},
		{"not a command", append(rawGreeting(), rawFrame(0, []byte("\x05READY"))...), zmq4.Router, false},
		{"huge", append(append(rawGreeting(), 0x06, 0, 0, 0, 0, 0, 1, 0, 1), make([]byte, 1<<17)...), zmq4.Router, false},
		{"truncated", append(rawGreeting(), rawReady("DEALER", "id")...)[:80], zmq4.Router, false},
	}
	for _, tt := range tests {
		replay, err := readHandshake(bufio.NewReader(bytes.NewReader(tt.in)), tt.typ)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.name, err)
			continue
		}
		if err == nil && !bytes.Equal(replay, tt.in) {
			t.Errorf("%s: replay %q, want the input", tt.name, replay)
		}
	}
}

func TestFrameReaderLimits(t *testing.T) {
	lim := frameLimits{maxMessage: 1000, maxFrames: 3}
	long := func(flags byte, size uint64) []byte {
		return binary.BigEndian.AppendUint64([]byte{flags | flagLong}, size)
	}
	tests := []struct {
		name   string
		in     []byte
		frames int
		want   error
	}{
		{"one frame", rawFrame(0, []byte("hi")), 1, io.EOF},
		{"three-frame message", append(append(rawFrame(flagMore, nil), rawFrame(flagMore, nil)...), rawFrame(0, nil)...), 3, io.EOF},
		{"four frames", bytes.Repeat(rawFrame(flagMore, nil), 4), 3, errFrameSize},
		{"at the limit", append(rawFrame(flagMore, make([]byte, 500)), rawFrame(0, make([]byte, 500))...), 2, io.EOF},
		{"over the limit", append(rawFrame(flagMore, make([]byte, 500)), rawFrame(0, make([]byte, 501))...), 1, errFrameSize},
		{"declared 2^62", long(0, 1<<62), 0, errFrameSize},
		{"declared 40 GiB", long(0, 40<<30), 0, errFrameSize},
		{"limit resets per message", bytes.Repeat(rawFrame(0, make([]byte, 900)), 5), 5, io.EOF},
		{"truncated body", rawFrame(0, []byte("hello"))[:4], 0, io.ErrUnexpectedEOF},
		{"truncated header", []byte{flagLong, 0, 0}, 0, io.ErrUnexpectedEOF},
		{"reserved bits", []byte{0x10, 0}, 0, errFrame},
		{"command with MORE", []byte{flagCommand | flagMore, 0}, 0, errFrame},
		{"command inside a message", append(rawFrame(flagMore, nil), rawFrame(flagCommand, nil)...), 1, errFrame},
	}
	for _, tt := range tests {
		f := frameReader{r: bytes.NewReader(tt.in), lim: lim}
		n := 0
		var err error
		for {
			if _, _, err = f.next(); err != nil {
				break
			}
			n++
		}
		if n != tt.frames || !errors.Is(err, tt.want) {
			t.Errorf("%s: %d frames, err %v; want %d, %v", tt.name, n, err, tt.frames, tt.want)
		}
	}
}

// FuzzReadHandshake: any byte stream is refused or accepted whole, never panics, and an
// accepted handshake is exactly the bytes read.
func FuzzReadHandshake(f *testing.F) {
	f.Add(append(rawGreeting(), rawReady("DEALER", "id")...))
	f.Add(append(rawGreeting(), rawReady("SUB", "")...))
	f.Add(append(rawGreeting(), rawFrame(flagCommand, []byte("\x05READY\x02ab"))...))
	f.Add(append(rawGreeting(), 0x06, 0x40, 0, 0, 0, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, typ := range []zmq4.SocketType{zmq4.Router, zmq4.Pub} {
			replay, err := readHandshake(bufio.NewReader(bytes.NewReader(in)), typ)
			if err != nil {
				continue
			}
			if !bytes.HasPrefix(in, replay) || len(replay) > greetingLen+9+maxReadyBytes {
				t.Fatalf("replay of %d bytes is not a bounded prefix of the input", len(replay))
			}
			if _, err := readyMeta(replay[greetingLen+hdrLen(replay[greetingLen]):]); err != nil {
				t.Fatalf("accepted READY does not parse again: %v", err)
			}
		}
	})
}

func hdrLen(flags byte) int {
	if flags&flagLong != 0 {
		return 9
	}
	return 2
}

// FuzzFrameReader: frames handed on are exactly the input, in order, within the limits.
func FuzzFrameReader(f *testing.F) {
	f.Add(append(rawFrame(flagMore, []byte("id")), rawFrame(0, []byte("<IDS|MSG>"))...))
	f.Add(append(rawFrame(0, make([]byte, 300)), 0x02, 0, 0, 0, 0, 0, 0, 0x10, 0))
	f.Add([]byte{0x06, 0x40, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		lim := frameLimits{maxMessage: 1 << 10, maxFrames: 8}
		fr := frameReader{r: bytes.NewReader(in), lim: lim}
		var out []byte
		var msg int64
		frames := 0
		for {
			hdr, body, err := fr.next()
			if err != nil {
				break
			}
			flags, size, n, herr := frameHeader(hdr)
			if herr != nil || n != len(hdr) || size != uint64(len(body)) {
				t.Fatalf("header %x does not describe a body of %d bytes", hdr, len(body))
			}
			msg += int64(len(body))
			frames++
			if msg > lim.maxMessage || frames > lim.maxFrames {
				t.Fatalf("message of %d bytes in %d frames passed limits %+v", msg, frames, lim)
			}
			if flags&flagMore == 0 {
				msg, frames = 0, 0
			}
			out = append(append(out, hdr...), body...)
		}
		if !bytes.HasPrefix(in, out) {
			t.Fatal("frames handed on differ from the input")
		}
	})
}

// FuzzFrameScanner: wherever a stream is cut into writes, the scanner finds the same message
// ends.
func FuzzFrameScanner(f *testing.F) {
	f.Add(append(rawFrame(flagMore, []byte("topic")), rawFrame(0, make([]byte, 300))...), uint8(3))
	f.Add(rawFrame(flagCommand, []byte("\x05READY")), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		ends := func(step int) (e []int, bad bool) {
			var s frameScanner
			off := 0
			for off < len(in) {
				chunk := in[off:min(off+step, len(in))]
				for len(chunk) > 0 {
					n, end, err := s.scan(chunk)
					if err != nil {
						return e, true
					}
					if n == 0 {
						t.Fatal("scan consumed nothing")
					}
					off += n
					chunk = chunk[n:]
					if end {
						e = append(e, off)
					}
				}
			}
			return e, false
		}
		whole, badW := ends(len(in) + 1)
		parts, badP := ends(int(cut) + 1)
		if badW != badP || len(whole) != len(parts) {
			t.Fatalf("message ends %v (error %v) whole, %v (error %v) in pieces of %d", whole, badW, parts, badP, int(cut)+1)
		}
		for i := range whole {
			if whole[i] != parts[i] {
				t.Fatalf("message ends %v whole, %v in pieces", whole, parts)
			}
		}
	})
}
