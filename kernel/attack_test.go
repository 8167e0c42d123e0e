package kernel

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Wire attacks with a raw TCP client speaking ZMTP 3 (greeting, READY, frames), each followed
// by a normal execute_request through the in-process client.

// rawPeer is a hostile or careless peer on one of the kernel's ports.
type rawPeer struct {
	t testing.TB
	net.Conn
}

// dialRaw opens a TCP connection to port without any ZMTP. rcvBuf > 0 shrinks the receive
// buffer, so that a peer that does not read fills it quickly.
func dialRaw(t testing.TB, port int, rcvBuf int) *rawPeer {
	t.Helper()
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	if rcvBuf > 0 {
		_ = c.(*net.TCPConn).SetReadBuffer(rcvBuf)
	}
	t.Cleanup(func() { c.Close() })
	return &rawPeer{t: t, Conn: c}
}

// greeting is a ZMTP 3.0 greeting with the NULL mechanism.
func rawGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xff, 0x7f, 3, 0
	copy(g[12:], "NULL")
	return g
}

// frame encodes one ZMTP frame.
func rawFrame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		h := make([]byte, 9, 9+len(body))
		h[0] = flags | flagLong
		binary.BigEndian.PutUint64(h[1:], uint64(len(body)))
		return append(h, body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// ready encodes a READY command with the socket type and identity.
func rawReady(sockType, identity string) []byte {
	b := []byte{5}
	b = append(b, "READY"...)
	for _, p := range [][2]string{{"Socket-Type", sockType}, {"Identity", identity}} {
		b = append(b, byte(len(p[0])))
		b = append(b, p[0]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(p[1])))
		b = append(b, p[1]...)
	}
	return rawFrame(flagCommand, b)
}

// handshake completes a ZMTP handshake as sockType and reads the kernel's greeting and READY.
func (p *rawPeer) handshake(sockType string) {
	p.t.Helper()
	p.write(rawGreeting())
	p.write(rawReady(sockType, "raw-"+sockType))
	_ = p.SetReadDeadline(time.Now().Add(5 * time.Second))
	var g [64]byte
	if _, err := io.ReadFull(p, g[:]); err != nil {
		p.t.Fatalf("no greeting from the kernel: %v", err)
	}
	var h [2]byte
	if _, err := io.ReadFull(p, h[:]); err != nil || h[0] != flagCommand {
		p.t.Fatalf("no READY from the kernel: %v %x", err, h)
	}
	if _, err := io.ReadFull(p, make([]byte, h[1])); err != nil {
		p.t.Fatal(err)
	}
	_ = p.SetReadDeadline(time.Time{})
}

func (p *rawPeer) write(b []byte) {
	p.t.Helper()
	if _, err := p.Write(b); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

// writeRefused writes b, which the kernel may refuse before it has all of it: it reports
// whether the kernel closed the connection during the write (a reset or a broken pipe), and
// fails the test on any other error.
func (p *rawPeer) writeRefused(b []byte) bool {
	p.t.Helper()
	_, err := p.Write(b)
	switch {
	case err == nil:
		return false
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return true
	}
	p.t.Fatalf("write: %v", err)
	return false
}

// sendMsg writes one message of several frames.
func (p *rawPeer) sendMsg(frames [][]byte) error {
	var b []byte
	for i, f := range frames {
		var fl byte
		if i < len(frames)-1 {
			fl = flagMore
		}
		b = append(b, rawFrame(fl, f)...)
	}
	_, err := p.Write(b)
	return err
}

// closedByKernel reports whether the kernel closes the connection within d (reading and
// discarding whatever it sends until then).
func (p *rawPeer) closedByKernel(d time.Duration) bool {
	_ = p.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, p)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// checkServes fails unless the kernel answers a normal execute_request.
func (c *testClient) checkServes(what string) {
	c.t.Helper()
	r, ms := c.execute("print still here", nil)
	if content(r)["status"] != "ok" || streamText(ms, "stdout") != "still here\n" {
		c.t.Fatalf("after %s: reply %v, stdout %q", what, content(r), streamText(ms, "stdout"))
	}
}

func (c *testClient) ports() map[string]int {
	conn := c.k.Connection()
	return map[string]int{"shell": conn.ShellPort, "control": conn.ControlPort, "stdin": conn.StdinPort, "iopub": conn.IOPubPort, "heartbeat": conn.HBPort}
}

// peerType is the socket type a client uses on each port.
var peerType = map[string]string{"shell": "DEALER", "control": "DEALER", "stdin": "DEALER", "iopub": "SUB", "heartbeat": "REQ"}

// Frames that declare more than any limit allows, before and after the handshake, on every
// socket: zmq4 v0.17.0 alone allocates the declared length (2^62 bytes: makeslice panics and
// the process dies) or waits for the whole body before anything checks it.
func TestWireOversizedFrames(t *testing.T) {
	long := func(flags byte, size uint64) []byte {
		h := make([]byte, 9)
		h[0] = flags | flagLong
		binary.BigEndian.PutUint64(h[1:], size)
		return h
	}
	tests := []struct {
		name  string
		shake bool // complete the handshake first
		send  []byte
	}{
		{"READY of 2^62 bytes", false, append(rawGreeting(), long(flagCommand, 1<<62)...)},
		{"READY of 40 GiB", false, append(rawGreeting(), long(flagCommand, 40<<30)...)},
		{"READY of 1 MiB", false, append(rawGreeting(), long(flagCommand, 1<<20)...)},
		{"frame of 2^62 bytes", true, long(0, 1<<62)},
		{"frame of 40 GiB", true, long(0, 40<<30)},
		{"frame of 200 MB", true, long(0, 200e6)},
		{"frame of 2 MiB", true, long(0, 2<<20)},
		{"message of 2 MiB", true, append(rawFrame(flagMore, make([]byte, 1<<20)), long(0, 1<<20)...)},
		{"command of 1 MiB", true, long(flagCommand, 1<<20)},
		{"too many frames", true, []byte(strings.Repeat("\x01\x00", maxMessageFrames+1))},
		{"reserved flags", true, []byte{0x80, 0}},
	}
	c := startKernel(t, func(cfg *Config) { cfg.MaxMessageBytes = 1 << 20 })
	for _, tt := range tests {
		for name, port := range c.ports() {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				p := dialRaw(t, port, 0)
				if tt.shake {
					p.handshake(peerType[name])
				}
				// The kernel may close the connection while the frame is still being
				// written (it refuses a frame by its header, and a SUB peer's data frame
				// at once), which the write sees as a reset.
				if !p.writeRefused(tt.send) && !p.closedByKernel(5*time.Second) {
					t.Error("the kernel kept the connection open")
				}
			})
		}
	}
	c.checkServes("oversized frames")
	if n := c.k.wire.tooLarge.Load() + c.k.wire.handshakeFailed.Load(); n == 0 {
		t.Error("no connection was counted as refused")
	}
}

// A message just under the limit still passes.
func TestWireLargeMessageAccepted(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.MaxMessageBytes = 4 << 20; cfg.MaxStreamBytes = -1 })
	code := "print " + strings.Repeat("y", 3<<20)
	r, ms := c.execute(code, nil)
	if content(r)["status"] != "ok" || len(streamText(ms, "stdout")) != 3<<20+1 {
		t.Fatalf("reply %v, stdout %d bytes", content(r), len(streamText(ms, "stdout")))
	}
}

// A connection that sends nothing must not stop others from connecting, and is closed at the
// handshake deadline.
func TestWireSilentConnection(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.HandshakeTimeout = 2 * time.Second })
	conn := c.k.Connection()
	hung := map[string][]*rawPeer{}
	for name, port := range c.ports() {
		silent := dialRaw(t, port, 0)
		half := dialRaw(t, port, 0)
		half.write(rawGreeting()[:20]) // a greeting that never ends
		hung[name] = []*rawPeer{silent, half}
	}
	for name, port := range c.ports() {
		t.Run(name, func(t *testing.T) {
			// Another peer completes its handshake at once.
			dialRaw(t, port, 0).handshake(peerType[name])
			if name != "shell" {
				return
			}
			// A new client connects and is served while both connections hang.
			d := zmq4.NewDealer(context.Background(), zmq4.WithLogger(discardLogger), zmq4.WithDialerMaxRetries(0))
			defer d.Close()
			dialed := make(chan error, 1)
			go func() { dialed <- d.Dial(conn.endpoint(port)) }()
			select {
			case err := <-dialed:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(time.Second):
				t.Fatal("a new client could not connect while a silent connection was open")
			}
			_, f := c.rawFrames("kernel_info_request", nil)
			if err := d.Send(zmq4.NewMsgFrom(f...)); err != nil {
				t.Fatal(err)
			}
			got := make(chan error, 1)
			go func() { _, err := d.Recv(); got <- err }()
			select {
			case err := <-got:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no kernel_info_reply for the new client")
			}
		})
	}
	for name, ps := range hung {
		for _, p := range ps {
			if !p.closedByKernel(5 * time.Second) {
				t.Errorf("%s: a silent connection was not closed at the handshake deadline", name)
			}
		}
	}
	c.checkServes("silent connections")
}

// A heartbeat peer that sends pings and never reads its echoes must not stop the echoes of
// the others.
func TestWireHeartbeatPeerNotReading(t *testing.T) {
	c := startKernel(t, nil)
	p := dialRaw(t, c.ports()["heartbeat"], 4096)
	p.handshake("DEALER")
	ping := make([]byte, 64<<10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// 4000 pings of 64 KiB: far more than the socket buffers hold.
		for i := 0; i < 4000; i++ {
			if p.sendMsg([][]byte{nil, ping}) != nil {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Log("the pinging peer was still writing after 20 s")
	}
	for i := 0; i < 3; i++ {
		if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
			t.Fatal(err)
		}
		got := make(chan error, 1)
		go func() { _, err := c.hb.Recv(); got <- err }()
		select {
		case err := <-got:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no heartbeat echo while another heartbeat peer does not read")
		}
	}
	if c.k.wire.sendDropped.Load() == 0 {
		t.Error("no echo to the peer that does not read was dropped")
	}
	c.checkServes("a heartbeat peer that does not read")
}

// An iopub subscriber that never reads must not freeze cells for the others: it loses
// messages beyond its high-water mark (as with a ZeroMQ PUB socket), the others lose none.
func TestWireIOPubSubscriberNotReading(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.MaxStreamBytes = -1; cfg.IOPubHWM = 200 })
	p := dialRaw(t, c.ports()["iopub"], 4096)
	p.handshake("SUB")
	if err := p.sendMsg([][]byte{{1}}); err != nil { // subscribe to everything
		t.Fatal(err)
	}
	// Let the subscription reach the kernel.
	time.Sleep(100 * time.Millisecond)
	const n = 30_000_000 // a multiple of the flood's 100-byte lines
	start := time.Now()
	r, ms := c.execute("flood "+strconv.Itoa(n), nil)
	t.Logf("a cell printing %d MB took %v with a subscriber that does not read", n/1_000_000, time.Since(start).Round(time.Millisecond))
	if content(r)["status"] != "ok" {
		t.Fatalf("reply %v", content(r))
	}
	if got := len(streamText(ms, "stdout")); got != n {
		t.Errorf("the reading client got %d bytes of output, want %d", got, n)
	}
	if c.k.wire.sendDropped.Load() == 0 {
		t.Error("nothing was dropped for the subscriber that does not read")
	}
	c.checkServes("an iopub subscriber that does not read")
}

// A shell client with the key that floods requests and reads no replies must not block
// shell for the others.
func TestWireShellClientNotReading(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.IOPubHWM = 1 << 20 })
	// Default socket buffers: with a tiny receive buffer, Linux drops the kernel's ACKs to a
	// peer whose buffer is full, and the peer's own sending stalls.
	p := dialRaw(t, c.ports()["shell"], 0)
	p.handshake("DEALER")
	const n = 20000
	sent := make(chan int, 1)
	go func() {
		i := 0
		for ; i < n; i++ {
			_, f := c.rawFrames("kernel_info_request", nil)
			if p.sendMsg(f) != nil {
				break
			}
		}
		sent <- i
	}()
	// Start the normal request while the flood is under way.
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	c.checkServes("a shell client that floods and does not read")
	t.Logf("execute_request answered in %v during a flood of %d requests", time.Since(start).Round(time.Millisecond), n)
	select {
	case i := <-sent:
		t.Logf("the flooding client sent %d requests", i)
	case <-time.After(30 * time.Second):
		t.Fatalf("the flooding client could not send its requests; log:\n%s", c.logBuf.String())
	}
	// Let the kernel work through the flood (its busy and idle statuses reach this client
	// too, as they do every subscriber), then check it still serves.
	start = time.Now()
	for quiet := false; !quiet; {
		select {
		case <-c.iopubIn:
		case <-time.After(time.Second):
			quiet = true
		case <-time.After(time.Until(start.Add(60 * time.Second))):
			t.Fatal("iopub still busy 60 s after the flood")
		}
	}
	t.Logf("the flood's iopub traffic ended %v after the normal request", time.Since(start).Round(time.Millisecond))
	if c.k.wire.sendDropped.Load() == 0 {
		t.Error("no reply to the flooding client was dropped")
	}
	c.checkServes("the end of the flood")
}

// With ip 0.0.0.0 the kernel listens on IPv4 only, as the connection file says (and as
// ipykernel does), and warns about the wildcard address and an empty key.
func TestWireBindsExactly(t *testing.T) {
	if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback on this machine:", err)
	} else {
		l.Close()
	}
	c := startKernel(t, func(cfg *Config) { cfg.Conn.IP = "0.0.0.0" })
	for name, port := range c.ports() {
		if cn, err := net.DialTimeout("tcp6", net.JoinHostPort("::1", strconv.Itoa(port)), time.Second); err == nil {
			cn.Close()
			t.Errorf("%s: reachable over IPv6 at [::1]:%d", name, port)
		}
		cn, err := net.DialTimeout("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err != nil {
			t.Errorf("%s: not reachable over IPv4: %v", name, err)
			continue
		}
		cn.Close()
	}
	if !strings.Contains(c.logBuf.String(), `warning: ip "0.0.0.0" listens on every network interface`) {
		t.Errorf("no warning for the wildcard address in the log:\n%s", c.logBuf.String())
	}
	c.checkServes("the IPv6 probe")

	// An IPv6 address binds IPv6 only.
	c6 := startKernel(t, func(cfg *Config) { cfg.Conn.IP = "::1"; cfg.Conn.Key = "" })
	port := c6.ports()["shell"]
	if cn, err := net.DialTimeout("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
		cn.Close()
		t.Errorf("::1: reachable over IPv4 at 127.0.0.1:%d", port)
	}
	if !strings.Contains(c6.logBuf.String(), "warning: the connection file has an empty key") {
		t.Errorf("no warning for the empty key in the log:\n%s", c6.logBuf.String())
	}
	c6.checkServes("binding ::1")
}

// Peers of the wrong socket type, or of a type zmq4 v0.17.0 does not know (it panics), and
// broken READY metadata (which makes zmq4 slice out of range) are refused during the
// handshake.
func TestWireBadHandshakes(t *testing.T) {
	c := startKernel(t, nil)
	bad := [][]byte{
		append(rawGreeting(), rawReady("PUB", "x")...),
		append(rawGreeting(), rawFrame(flagCommand, []byte("\x05READY\x0bSocket-Type\x00\x00\x00\x06DEALER\x09"))...),
		append(rawGreeting(), rawFrame(flagCommand, []byte("\x05READY\x0bSocket-Type\x00\x00\xff\xffDEALER"))...),
		append(rawGreeting(), rawFrame(flagCommand, []byte("\x05READY\x09"))...),
		append(rawGreeting(), rawFrame(flagCommand, []byte("\x05READY\x02ab"))...), // zmq4 slices past the end
		append(rawGreeting(), rawReady("FOO", "x")...),                             // zmq4 panics on an unknown type
		append(rawGreeting(), rawFrame(0, []byte("hello"))...),
		append(append(rawGreeting()[:12:12], "CURVE"...), make([]byte, 64-17)...),
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat(" ", 64)),
	}
	for i, b := range bad {
		p := dialRaw(t, c.ports()["shell"], 0)
		p.write(b)
		if !p.closedByKernel(5 * time.Second) {
			t.Errorf("handshake %d: connection kept open", i)
		}
	}
	c.checkServes("bad handshakes")
}

// A subscriber may not grow the kernel's memory without end with subscriptions (zmq4 keeps
// every topic): it is disconnected past a total, and other subscribers are not affected.
func TestWireSubscriptionFlood(t *testing.T) {
	c := startKernel(t, nil)
	p := dialRaw(t, c.ports()["iopub"], 0)
	p.handshake("SUB")
	topic := make([]byte, 1<<10)
	topic[0] = 1
	for i := 0; i < 2<<10; i++ {
		copy(topic[1:], strconv.Itoa(i))
		if p.sendMsg([][]byte{topic}) != nil {
			break
		}
	}
	if !p.closedByKernel(5 * time.Second) {
		t.Error("a subscriber that sent 2 MiB of subscriptions is still connected")
	}
	c.checkServes("a subscription flood")
}

// A socket accepts a bounded number of connections; closing one makes room again.
func TestWireConnectionCap(t *testing.T) {
	stats := &wireStats{}
	cfg := &wireConfig{
		sockType: zmq4.Router, limits: frameLimits{maxMessage: 1 << 20, maxFrames: 16}, hwm: 10, maxQueue: 1 << 20,
		handshake: 5 * time.Second, pending: 8, maxConns: 2, logf: t.Logf, stats: stats,
	}
	r := zmq4.NewRouter(context.Background(), zmq4.WithLogger(discardLogger))
	defer r.Close()
	if err := r.Listen(wireEndpoint("tcp", "127.0.0.1:0", cfg)); err != nil {
		t.Fatal(err)
	}
	port := r.Addr().(*net.TCPAddr).Port
	a, b := dialRaw(t, port, 0), dialRaw(t, port, 0)
	a.handshake("DEALER")
	b.handshake("DEALER")
	if third := dialRaw(t, port, 0); !third.closedByKernel(5 * time.Second) {
		t.Fatal("a third connection was kept beyond the cap of 2")
	}
	a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Until the kernel has seen a close, this one may be refused (and its writes fail).
		d := dialRaw(t, port, 0)
		_, _ = d.Write(append(rawGreeting(), rawReady("DEALER", "d")...))
		_ = d.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := io.ReadFull(d, make([]byte, 64)); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no room for a new connection after one closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The same wire defences on the ipc transport (Unix sockets), and the socket files are
// removed at shutdown.
func TestWireIPC(t *testing.T) {
	dir := t.TempDir()
	c := startKernel(t, func(cfg *Config) {
		cfg.Conn = ConnectionInfo{Transport: "ipc", IP: dir + "/k", ShellPort: 1, IOPubPort: 2, StdinPort: 3, ControlPort: 4, HBPort: 5,
			SignatureScheme: "hmac-sha256", Key: testKey}
		cfg.MaxMessageBytes = 1 << 20
	})
	raw, err := net.Dial("unix", dir+"/k-1")
	if err != nil {
		t.Fatal(err)
	}
	p := &rawPeer{t: t, Conn: raw}
	t.Cleanup(func() { raw.Close() })
	p.handshake("DEALER")
	p.write([]byte{flagLong, 0x40, 0, 0, 0, 0, 0, 0, 0})
	if !p.closedByKernel(5 * time.Second) {
		t.Error("a frame of 2^62 bytes on ipc did not close the connection")
	}
	c.checkServes("an oversized frame on ipc")
	c.close()
	for i := 1; i <= 5; i++ {
		if _, err := net.Dial("unix", dir+"/k-"+strconv.Itoa(i)); err == nil {
			t.Errorf("k-%d still accepts connections after shutdown", i)
		}
	}
}

// Shutting down with a handshake in progress and a peer that does not read leaves no
// goroutine of the kernel behind.
func TestWireShutdownWithHungPeers(t *testing.T) {
	before := goroutineIDs()
	c := startKernel(t, nil)
	dialRaw(t, c.ports()["shell"], 0).write(rawGreeting()[:10])
	p := dialRaw(t, c.ports()["heartbeat"], 4096)
	p.handshake("DEALER")
	ping := make([]byte, 64<<10)
	for i := 0; i < 200; i++ {
		if p.sendMsg([][]byte{nil, ping}) != nil {
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	c.close()
	checkNoKernelGoroutines(t, before)
}

// The stuck iopub subscriber with the real clients: Debian's pyzmq subscribes and never reads
// while jupyter_client runs two cells with 30 MB of output each.
func TestJupyterStuckSubscriber(t *testing.T) {
	needPython(t, "jupyter_client", "zmq")
	c := startKernel(t, func(cfg *Config) { cfg.MaxStreamBytes = -1 })
	data, err := json.Marshal(c.k.Connection())
	if err != nil {
		t.Fatal(err)
	}
	cf := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(cf, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out := runPython(t, os.Environ(), 5*time.Minute, absTestdata(t, "stuck_subscriber.py"), cf, "flood 30000000", "30000000")
	t.Logf("with a stuck subscriber:\n%s", out)
	c.checkServes("a stuck pyzmq subscriber")
}
