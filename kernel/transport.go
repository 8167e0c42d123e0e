package kernel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// The kernel's sockets listen through a zmq4 transport of its own ("gosnn+tcp" and
// "gosnn+ipc") that wraps the operating system's listener, so that zmq4 v0.17.0 itself stays
// unmodified. zmq4 runs the ZMTP handshake inside its accept loop with no deadline, allocates
// the length a frame header declares, and writes to each peer synchronously under a
// socket-wide lock. The wrapper:
//
//   - binds exactly the connection file's address (tcp4 for an IPv4 address, tcp6 for IPv6);
//   - accepts in its own goroutine and runs the handshake of each connection in another, with
//     a deadline and a bounded READY command, handing zmq4 only connections that completed
//     it (their bytes are replayed to zmq4, whose handshake then cannot block);
//   - reads every later frame itself, closing the connection when a frame or a message goes
//     over the limits, before zmq4 allocates anything;
//   - queues what zmq4 writes to each peer, up to a high-water mark in messages and bytes,
//     and drops whole messages beyond it (as a ZeroMQ PUB or ROUTER socket does), so a peer
//     that does not read never blocks the socket for the others.
//
// Why a wrapper and not a fork of zmq4: every fault is reachable from the net.Conn and
// net.Listener that zmq4's transport registry lets us supply, so the pinned v0.17.0 stays
// as it is (no replace directive, no copy of its code to maintain), and the defences keep
// working if zmq4 is upgraded, as long as it still speaks ZMTP 3.0 with the NULL mechanism
// over a transport of ours. The cost is parsing ZMTP twice (headers here, whole frames in
// zmq4) and one copy of each frame. The faults themselves are zmq4's and worth reporting
// upstream: the handshake in the accept loop without a deadline; make([]byte, declared
// length) in Conn.read; READY metadata sliced without bounds checks (Property.Write) and
// SocketType.IsCompatible panicking on an unknown peer type, both before any
// authentication; synchronous writes under a socket-wide lock, with PUB's high-water mark
// shared by all subscribers; "tcp" on 0.0.0.0 listening dual-stack; a connection whose
// handshake fails left open; and io.ErrUnexpectedEOF not marking a connection closed.

// wireConfig configures one listening socket.
type wireConfig struct {
	sockType  zmq4.SocketType
	limits    frameLimits
	hwm       int           // messages queued per peer
	maxQueue  int64         // bytes queued per peer
	handshake time.Duration // deadline of a peer's handshake
	pending   int           // handshakes in progress at once
	maxConns  int           // connections open at once (in handshake or handed to zmq4)
	maxIn     int64         // bytes of messages a peer may send in all (0: no limit)
	logf      func(format string, args ...any)
	stats     *wireStats
}

// wireStats counts what the listeners refused or dropped.
type wireStats struct {
	handshakeFailed atomic.Int64 // connections closed during the handshake
	tooLarge        atomic.Int64 // connections closed for a frame or message over the limits
	sendDropped     atomic.Int64 // outgoing messages dropped at a peer's high-water mark
}

var (
	wireConfigs sync.Map // id → *wireConfig, consumed by Listen
	wireNextID  atomic.Int64
)

const (
	wireTCP = "gosnn+tcp"
	wireIPC = "gosnn+ipc"
)

func init() {
	for _, s := range []struct{ scheme, network string }{{wireTCP, "tcp"}, {wireIPC, "unix"}} {
		if err := zmq4.RegisterTransport(s.scheme, wireTransport{network: s.network}); err != nil {
			panic(err)
		}
	}
}

// wireEndpoint returns the zmq4 endpoint that makes a socket listen on address (host:port,
// or an ipc path) with cfg.
func wireEndpoint(network, address string, cfg *wireConfig) string {
	id := strconv.FormatInt(wireNextID.Add(1), 10)
	wireConfigs.Store(id, cfg)
	scheme := wireTCP
	if network == "ipc" {
		scheme = wireIPC
	}
	return scheme + "://" + id + "|" + address
}

// wireTransport implements zmq4's transport.Transport for listening only.
type wireTransport struct{ network string }

// Dial is not used by the kernel; it dials plainly.
func (t wireTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	_, a, _ := strings.Cut(addr, "|")
	return d.DialContext(ctx, t.network, a)
}

// Addr returns the endpoint address unchanged but for a port of "*", which means any port.
func (t wireTransport) Addr(ep string) (string, error) {
	if _, _, ok := strings.Cut(ep, "|"); !ok {
		return "", fmt.Errorf("kernel: endpoint %q has no listener configuration", ep)
	}
	if t.network == "tcp" && strings.HasSuffix(ep, ":*") {
		ep = strings.TrimSuffix(ep, "*") + "0"
	}
	return ep, nil
}

// Listen binds exactly the address given and starts accepting.
func (t wireTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	id, a, _ := strings.Cut(addr, "|")
	v, ok := wireConfigs.LoadAndDelete(id)
	if !ok {
		return nil, fmt.Errorf("kernel: no listener configuration %q", id)
	}
	cfg := v.(*wireConfig)
	network := t.network
	if network == "tcp" {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return nil, fmt.Errorf("kernel: listen address %q: %v", a, err)
		}
		network, host = bindNetwork(host)
		a = net.JoinHostPort(host, port)
	}
	raw, err := net.Listen(network, a)
	if err != nil {
		return nil, err
	}
	l := &wireListener{raw: raw, cfg: cfg, ready: make(chan net.Conn), done: make(chan struct{}),
		pending: make(chan struct{}, cfg.pending), shaking: map[net.Conn]struct{}{}}
	go l.accept()
	return l, nil
}

// bindNetwork returns the network and host that bind exactly host: tcp4 for an IPv4 address
// (and for "*" or "", as libzmq binds them without its IPv6 option), tcp6 for an IPv6
// address, and tcp for a host name (one of its addresses).
func bindNetwork(host string) (network, h string) {
	if host == "*" || host == "" {
		return "tcp4", "0.0.0.0"
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() != nil {
			return "tcp4", host
		}
		return "tcp6", host
	}
	return "tcp", host
}

// isWildcard reports whether a connection file's ip binds every interface.
func isWildcard(ip string) bool {
	if ip == "*" || ip == "" {
		return true
	}
	p := net.ParseIP(ip)
	return p != nil && p.IsUnspecified()
}

// wireListener accepts connections, runs their handshakes concurrently with a deadline and
// hands the completed ones to zmq4's Accept.
type wireListener struct {
	raw     net.Listener
	cfg     *wireConfig
	ready   chan net.Conn
	done    chan struct{}
	once    sync.Once
	pending chan struct{} // one token per handshake in progress
	conns   atomic.Int64  // connections open

	mu      sync.Mutex
	shaking map[net.Conn]struct{} // connections in handshake, closed by Close
}

func (l *wireListener) accept() {
	for {
		c, err := l.raw.Accept()
		if err != nil {
			select {
			case <-l.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait, do not spin.
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if l.conns.Add(1) > int64(l.cfg.maxConns) {
			l.conns.Add(-1)
			if worthLogging(l.cfg.stats.handshakeFailed.Add(1)) {
				l.cfg.logf("%s: %d connections already open: closed a connection from %s", l.cfg.sockType, l.cfg.maxConns, c.RemoteAddr())
			}
			c.Close()
			continue
		}
		select {
		case l.pending <- struct{}{}:
			go l.handshake(c)
		default:
			l.conns.Add(-1)
			if worthLogging(l.cfg.stats.handshakeFailed.Add(1)) {
				l.cfg.logf("%s: %d handshakes already in progress: closed a connection from %s", l.cfg.sockType, cap(l.pending), c.RemoteAddr())
			}
			c.Close()
		}
	}
}

func (l *wireListener) handshake(c net.Conn) {
	defer func() { <-l.pending }()
	l.mu.Lock()
	select {
	case <-l.done:
		l.mu.Unlock()
		c.Close()
		l.conns.Add(-1)
		return
	default:
	}
	l.shaking[c] = struct{}{}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.shaking, c)
		l.mu.Unlock()
	}()
	_ = c.SetDeadline(time.Now().Add(l.cfg.handshake))
	r := bufio.NewReaderSize(c, 4096)
	_, err := c.Write(zmtpGreeting)
	var replay []byte
	if err == nil {
		replay, err = readHandshake(r, l.cfg.sockType)
	}
	if err != nil {
		if worthLogging(l.cfg.stats.handshakeFailed.Add(1)) {
			l.cfg.logf("%s: handshake with %s failed: %v", l.cfg.sockType, c.RemoteAddr(), err)
		}
		c.Close()
		l.conns.Add(-1)
		return
	}
	_ = c.SetDeadline(time.Time{})
	w := newWireConn(c, r, replay, l.cfg)
	w.onClose = func() { l.conns.Add(-1) }
	select {
	case l.ready <- w:
	case <-l.done:
		w.Close()
	}
}

// Accept returns the next connection whose handshake completed.
func (l *wireListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.done:
		return nil, &net.OpError{Op: "accept", Net: l.raw.Addr().Network(), Addr: l.raw.Addr(), Err: net.ErrClosed}
	}
}

// Close stops accepting; connections already handed to zmq4 are zmq4's to close.
func (l *wireListener) Close() error {
	var err error
	l.once.Do(func() {
		l.mu.Lock()
		close(l.done)
		for c := range l.shaking {
			c.Close()
		}
		l.mu.Unlock()
		err = l.raw.Close()
	})
	return err
}

// Addr returns the bound address.
func (l *wireListener) Addr() net.Addr { return l.raw.Addr() }

// wireConn is one peer's connection as zmq4 sees it: reads replay the handshake and then
// pass frames checked by a frameReader; writes go to a bounded queue that a goroutine of its
// own sends.
type wireConn struct {
	net.Conn
	cfg *wireConfig

	// Read side (zmq4 reads from one goroutine at a time).
	replay []byte
	fr     frameReader
	hdr    []byte // rest of the frame being handed to zmq4
	body   []byte

	// Write side.
	mu       sync.Mutex
	cond     *sync.Cond
	swallow  int // bytes of zmq4's own greeting still to discard
	sc       frameScanner
	cur      net.Buffers // message being written by zmq4
	curBytes int64
	q        []net.Buffers
	qBytes   int64
	closing  bool // Close was called: flush what is queued, then close
	closed   bool // the connection is closed
	dropping bool // a drop was logged and no message was queued since

	in        int64  // bytes of messages received (commands excluded)
	onClose   func() // called once the connection is closed
	closeOnce sync.Once
}

// flushTimeout bounds how long Close keeps sending what is queued to a peer.
const flushTimeout = time.Second

func newWireConn(c net.Conn, r *bufio.Reader, replay []byte, cfg *wireConfig) *wireConn {
	w := &wireConn{Conn: c, cfg: cfg, replay: replay, swallow: greetingLen}
	w.fr = frameReader{r: r, lim: cfg.limits}
	w.cond = sync.NewCond(&w.mu)
	go w.writer()
	return w
}

func (w *wireConn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: w.LocalAddr().Network(), Source: w.LocalAddr(), Addr: w.RemoteAddr(), Err: err}
}

// Read hands zmq4 the replayed handshake, then whole frames that passed the limits.
func (w *wireConn) Read(p []byte) (int, error) {
	if len(w.replay) > 0 {
		n := copy(p, w.replay)
		w.replay = w.replay[n:]
		return n, nil
	}
	if len(w.hdr) == 0 && len(w.body) == 0 {
		hdr, body, err := w.fr.next()
		if err != nil {
			if errors.Is(err, errFrame) || errors.Is(err, errFrameSize) {
				w.refuse(err)
				return 0, w.opErr("read", err)
			}
			var ne net.Error
			if err == io.EOF || errors.As(err, &ne) {
				return 0, err
			}
			// zmq4 forgets a connection only on io.EOF or a net.Error: a peer gone in the
			// middle of a frame (io.ErrUnexpectedEOF) would stay in its lists.
			w.closeNow()
			return 0, w.opErr("read", err)
		}
		if hdr[0]&flagCommand == 0 {
			w.in += int64(len(body))
			if w.cfg.maxIn > 0 && w.in > w.cfg.maxIn {
				err := fmt.Errorf("%w: more than %d bytes of messages on this socket", errFrameSize, w.cfg.maxIn)
				w.refuse(err)
				return 0, w.opErr("read", err)
			}
		}
		w.hdr, w.body = hdr, body
	}
	if len(w.hdr) > 0 {
		n := copy(p, w.hdr)
		w.hdr = w.hdr[n:]
		return n, nil
	}
	n := copy(p, w.body)
	w.body = w.body[n:]
	return n, nil
}

// refuse closes the connection of a peer that broke the limits.
func (w *wireConn) refuse(err error) {
	if worthLogging(w.cfg.stats.tooLarge.Add(1)) {
		w.cfg.logf("%s: closed the connection from %s: %v", w.cfg.sockType, w.RemoteAddr(), err)
	}
	w.closeNow()
}

// Write queues what zmq4 sends, message by message; it never blocks on the peer. A message
// that would take the queue over the high-water mark is dropped whole.
func (w *wireConn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.closing {
		return 0, w.opErr("write", net.ErrClosed)
	}
	total := len(p)
	if w.swallow > 0 {
		n := min(w.swallow, len(p))
		w.swallow -= n
		p = p[n:]
	}
	for len(p) > 0 {
		n, end, err := w.sc.scan(p)
		if err != nil {
			// zmq4 wrote something that is not ZMTP: a bug, not a peer's doing.
			w.closeLocked()
			return 0, w.opErr("write", err)
		}
		w.cur = append(w.cur, append([]byte(nil), p[:n]...))
		w.curBytes += int64(n)
		p = p[n:]
		if end {
			w.push()
		}
	}
	return total, nil
}

// push queues the completed message or drops it at the high-water mark.
func (w *wireConn) push() {
	msg, size := w.cur, w.curBytes
	w.cur, w.curBytes = nil, 0
	if len(w.q) > 0 && (len(w.q) >= w.cfg.hwm || w.qBytes+size > w.cfg.maxQueue) {
		w.cfg.stats.sendDropped.Add(1)
		if !w.dropping {
			w.dropping = true
			w.cfg.logf("%s: %s does not read: dropping messages to it (%d queued, %d bytes)", w.cfg.sockType, w.RemoteAddr(), len(w.q), w.qBytes)
		}
		return
	}
	w.dropping = false
	w.q = append(w.q, msg)
	w.qBytes += size
	w.cond.Signal()
}

// writer sends the queued messages to the peer, in order.
func (w *wireConn) writer() {
	for {
		w.mu.Lock()
		for len(w.q) == 0 && !w.closing && !w.closed {
			w.cond.Wait()
		}
		if w.closed || len(w.q) == 0 {
			// Closed, or closing with nothing left to send.
			w.closeLocked()
			w.mu.Unlock()
			return
		}
		msg := w.q[0]
		w.q[0] = nil
		w.q = w.q[1:]
		if w.closing {
			_ = w.Conn.SetWriteDeadline(time.Now().Add(flushTimeout))
		}
		w.mu.Unlock()
		var size int64
		for _, b := range msg {
			size += int64(len(b))
		}
		_, err := msg.WriteTo(w.Conn)
		w.mu.Lock()
		w.qBytes -= size
		if err != nil {
			w.closeLocked()
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
	}
}

// Close sends what is queued (for at most flushTimeout, in the background) and closes.
func (w *wireConn) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closing = true
	if len(w.q) == 0 {
		w.closeLocked()
		return nil
	}
	// A writer blocked on a peer that does not read gives up at the deadline.
	_ = w.Conn.SetWriteDeadline(time.Now().Add(flushTimeout))
	w.cond.Signal()
	return nil
}

// closeNow closes at once, dropping what is queued.
func (w *wireConn) closeNow() {
	w.mu.Lock()
	w.closeLocked()
	w.mu.Unlock()
}

func (w *wireConn) closeLocked() {
	w.closed = true
	w.q = nil
	w.cond.Broadcast()
	w.closeOnce.Do(func() {
		w.Conn.Close()
		if w.onClose != nil {
			w.onClose()
		}
	})
}
