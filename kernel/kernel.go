package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxStreamBytes  = 1 << 20  // stream text per cell
	DefaultMaxDisplayBytes = 64 << 20 // display payload per cell
	DefaultIOPubHWM        = 10000    // messages queued per iopub subscriber before dropping
	DefaultSendHWM         = 1000     // messages queued per peer on the other sockets
	DefaultMaxQueueBytes   = 256 << 20
	DefaultMaxMessageBytes = 128 << 20 // one incoming message, all frames

	DefaultHandshakeTimeout = 10 * time.Second

	DefaultStopOnErrorWindow = time.Second
)

// Config configures a Kernel.
type Config struct {
	// Conn says where to bind and how to sign (from the connection file).
	Conn ConnectionInfo
	// Evaluator runs cells. Required.
	Evaluator Evaluator
	// History records executed cells; nil keeps history in memory for this run only.
	History *History
	// Log receives protocol problems (dropped messages, handler panics); nil logs to stderr.
	Log *log.Logger
	// MaxStreamBytes caps the stdout+stderr text of one cell; 0 means DefaultMaxStreamBytes,
	// a negative value means no cap.
	MaxStreamBytes int
	// MaxDisplayBytes caps the display payload of one cell; 0 means DefaultMaxDisplayBytes,
	// a negative value means no cap.
	MaxDisplayBytes int
	// IOPubHWM is the iopub high-water mark: messages queued for one subscriber beyond which
	// further messages to that subscriber are dropped (a subscriber that does not read
	// loses messages; the others do not wait for it); 0 means DefaultIOPubHWM.
	IOPubHWM int
	// SendHWM is the same high-water mark for each peer of shell, control, stdin and
	// heartbeat; 0 means DefaultSendHWM.
	SendHWM int
	// MaxQueueBytes also bounds what is queued for one peer, in bytes (one message is always
	// queued when nothing is); 0 means DefaultMaxQueueBytes.
	MaxQueueBytes int
	// MaxMessageBytes bounds one incoming message (the sum of its frames): a peer that
	// declares a larger frame or message is disconnected before anything is allocated for
	// it; 0 means DefaultMaxMessageBytes.
	MaxMessageBytes int
	// HandshakeTimeout bounds a new connection's ZMTP handshake; 0 means
	// DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// StopOnErrorWindow is how long after a cell failed (with stop_on_error) newly arriving
	// execute_requests are still aborted, besides those already queued: a front end's
	// "Run All" sends its cells at once, but they may reach the kernel just after a quick
	// failing cell ended. 0 means DefaultStopOnErrorWindow; negative, no window (abort only
	// what is queued, as ipykernel's default stop_on_error_timeout of 0).
	StopOnErrorWindow time.Duration
	// Implementation and Version name the kernel in kernel_info_reply.
	Implementation, Version string
	// LanguageVersion is the language_info version (the Go level the interpreter supports).
	LanguageVersion string
	// Banner is shown by consoles at start.
	Banner string
	// HelpLinks are shown in the Help menu of notebook front ends.
	HelpLinks []HelpLink
}

// HelpLink is one entry of kernel_info_reply's help_links.
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Kernel serves the Jupyter messaging protocol for one Evaluator. Create it with New, serve
// with Run, and stop it with a shutdown_request or by cancelling Run's context.
type Kernel struct {
	cfg     Config
	conn    ConnectionInfo // with the bound ports
	signer  *Signer
	session string
	log     *log.Logger
	eval    Evaluator
	hist    *History

	ctx    context.Context
	cancel context.CancelFunc
	quit   chan struct{} // closed when the kernel stops accepting output

	shell, control, stdin, iopub, hb zmq4.Socket

	shellOut, controlOut, stdinOut, iopubOut chan [][]byte
	stdinReplies                             chan *Message
	shellIn, controlIn                       *fairQueue

	wg       sync.WaitGroup // socket readers, writers and dispatchers
	shutdown chan bool      // receives restart flag of the shutdown_request
	stopOnce sync.Once

	count int // execution counter, shell goroutine only
	// failedAt and held are set by holdQueued when a cell fails with stop_on_error (shell
	// goroutine only).
	failedAt time.Time
	held     []*Message
	parent   atomic.Pointer[Message]
	inputMu  sync.Mutex

	runMu   sync.Mutex
	cancels []context.CancelFunc // contexts of cells since the last interrupt

	comms comms

	dropped atomic.Int64 // messages dropped for bad frames, JSON or signatures
	wire    wireStats    // connections refused and messages dropped by the listeners
}

// New binds the kernel's five sockets on the connection's address and returns a Kernel ready
// to Run. Ports of 0 are replaced by free ports chosen by the operating system.
func New(ctx context.Context, cfg Config) (*Kernel, error) {
	if cfg.Evaluator == nil {
		return nil, errors.New("kernel: Config.Evaluator is nil")
	}
	signer, err := NewSigner(cfg.Conn.SignatureScheme, []byte(cfg.Conn.Key))
	if err != nil {
		return nil, err
	}
	if cfg.Conn.Transport == "" {
		cfg.Conn.Transport = "tcp"
	}
	if cfg.MaxStreamBytes == 0 {
		cfg.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if cfg.MaxDisplayBytes == 0 {
		cfg.MaxDisplayBytes = DefaultMaxDisplayBytes
	}
	if cfg.StopOnErrorWindow == 0 {
		cfg.StopOnErrorWindow = DefaultStopOnErrorWindow
	}
	if cfg.IOPubHWM <= 0 {
		cfg.IOPubHWM = DefaultIOPubHWM
	}
	if cfg.SendHWM <= 0 {
		cfg.SendHWM = DefaultSendHWM
	}
	if cfg.MaxQueueBytes <= 0 {
		cfg.MaxQueueBytes = DefaultMaxQueueBytes
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if cfg.Implementation == "" {
		cfg.Implementation = "gosnn"
	}
	if cfg.Version == "" {
		cfg.Version = "0.1.0"
	}
	if cfg.LanguageVersion == "" {
		cfg.LanguageVersion = "1.22"
	}
	lg := cfg.Log
	if lg == nil {
		lg = log.New(os.Stderr, "gosnn kernel: ", log.LstdFlags)
	}
	hist := cfg.History
	if hist == nil {
		hist, _ = OpenHistory("") // in memory: cannot fail
	}
	hist.setLog(lg.Printf)
	kctx, cancel := context.WithCancel(ctx)
	k := &Kernel{
		cfg: cfg, conn: cfg.Conn, signer: signer, session: newID(), log: lg, eval: cfg.Evaluator, hist: hist,
		ctx: kctx, cancel: cancel, quit: make(chan struct{}),
		shellOut: make(chan [][]byte, 64), controlOut: make(chan [][]byte, 64),
		stdinOut: make(chan [][]byte, 8), iopubOut: make(chan [][]byte, 1024),
		stdinReplies: make(chan *Message, 8),
		shellIn:      newFairQueue(maxWaitingRequests, maxWaitingBytes),
		controlIn:    newFairQueue(maxWaitingRequests, maxWaitingBytes),
		shutdown:     make(chan bool, 1),
	}
	k.comms.init()
	// The sockets live until Close; their context is not the caller's, so that cancelling
	// ctx still lets Close flush the last replies.
	sctx := context.Background()
	k.shell = zmq4.NewRouter(sctx, zmq4.WithLogger(discardLogger))
	k.control = zmq4.NewRouter(sctx, zmq4.WithLogger(discardLogger))
	k.stdin = zmq4.NewRouter(sctx, zmq4.WithLogger(discardLogger))
	k.iopub = zmq4.NewPub(sctx, zmq4.WithLogger(discardLogger))
	k.hb = zmq4.NewRouter(sctx, zmq4.WithLogger(discardLogger))
	if cfg.Conn.Transport == "tcp" && isWildcard(cfg.Conn.IP) {
		lg.Printf("warning: ip %q listens on every network interface: anyone who can reach this machine can connect", cfg.Conn.IP)
	}
	if cfg.Conn.Key == "" {
		lg.Printf("warning: the connection file has an empty key: messages are not signed, and anyone who can connect can run code")
	}
	if err := k.iopub.SetOption(zmq4.OptionHWM, cfg.IOPubHWM); err != nil {
		k.closeSockets()
		cancel()
		return nil, fmt.Errorf("kernel: iopub high-water mark: %v", err)
	}
	for _, b := range []struct {
		name string
		sck  zmq4.Socket
		port *int
	}{
		{"shell", k.shell, &k.conn.ShellPort}, {"control", k.control, &k.conn.ControlPort},
		{"stdin", k.stdin, &k.conn.StdinPort}, {"iopub", k.iopub, &k.conn.IOPubPort},
		{"heartbeat", k.hb, &k.conn.HBPort},
	} {
		wc := &wireConfig{
			sockType:  b.sck.Type(),
			limits:    frameLimits{maxMessage: int64(cfg.MaxMessageBytes), maxFrames: maxMessageFrames},
			hwm:       cfg.SendHWM,
			maxQueue:  int64(cfg.MaxQueueBytes),
			handshake: cfg.HandshakeTimeout,
			pending:   maxPendingHandshakes,
			maxConns:  maxConnections,
			logf:      func(f string, a ...any) { lg.Printf(b.name+": "+f, a...) },
			stats:     &k.wire,
		}
		switch b.sck {
		case k.iopub:
			// Peers only subscribe: short topics, and not without end.
			wc.hwm = cfg.IOPubHWM
			wc.limits = frameLimits{maxMessage: min(wc.limits.maxMessage, maxSubscriptionBytes), maxFrames: 1}
			wc.maxIn = maxSubscribedBytes
		case k.hb:
			// Pings are echoed: keep them small.
			wc.limits.maxMessage = min(wc.limits.maxMessage, maxPingBytes)
		}
		ep := k.conn.listenEndpoint(*b.port, wc)
		if err := b.sck.Listen(ep); err != nil {
			k.closeSockets()
			cancel()
			return nil, fmt.Errorf("kernel: bind %s socket to %s: %v", b.name, ep, err)
		}
		if a, ok := b.sck.Addr().(*net.TCPAddr); ok && *b.port == 0 {
			*b.port = a.Port
		}
	}
	return k, nil
}

const (
	// maxMessageFrames bounds the frames of one incoming message (a Jupyter message has its
	// routing identities, six frames and its buffers).
	maxMessageFrames = 1 << 14
	// maxPendingHandshakes bounds the handshakes in progress on one socket; further
	// connections are closed at once until some complete or time out.
	maxPendingHandshakes = 256
	// maxConnections bounds the connections open on one socket (a front end opens one per
	// socket; a few front ends may share a kernel).
	maxConnections = 1024
	// maxSubscriptionBytes bounds one subscription message on iopub, maxSubscribedBytes all
	// the subscription messages of one peer (zmq4 keeps every topic it is sent).
	maxSubscriptionBytes = 64 << 10
	maxSubscribedBytes   = 1 << 20
	// maxPingBytes bounds one heartbeat message (front ends send a few bytes).
	maxPingBytes = 1 << 20
	// maxWaitingRequests and maxWaitingBytes bound the requests of one client waiting on
	// shell or control (a "Run All" sends every cell at once); beyond, requests are dropped.
	maxWaitingRequests = 1 << 14
	maxWaitingBytes    = 256 << 20
)

// worthLogging reports whether the nth occurrence of a problem a peer can repeat at will is
// logged: the first 100, then one in 1000, so that a flood cannot flood the log.
func worthLogging(n int64) bool { return n <= 100 || n%1000 == 0 }

// discardLogger silences zmq4's internal logging of peer disconnects.
var discardLogger = log.New(io.Discard, "", 0)

// Connection returns the connection information with the ports actually bound.
func (k *Kernel) Connection() ConnectionInfo { return k.conn }

// Dropped returns how many incoming messages were dropped as malformed, forged or replayed.
func (k *Kernel) Dropped() int64 { return k.dropped.Load() }

// Run serves until a shutdown_request arrives or ctx (given to New) is cancelled. It reports
// whether the shutdown asked for a restart. Run closes the kernel before returning.
func (k *Kernel) Run() (restart bool, err error) {
	k.start()
	k.publish(nil, "status", map[string]any{"execution_state": "starting"})
	select {
	case restart = <-k.shutdown:
	case <-k.ctx.Done():
	}
	return restart, k.Close()
}

// start launches the socket readers and writers and the shell and control dispatchers.
func (k *Kernel) start() {
	k.goRead("shell", k.shell, func(m *Message) { k.enqueue("shell", k.shellIn, m) })
	k.goRead("control", k.control, func(m *Message) { k.enqueue("control", k.controlIn, m) })
	k.goRead("stdin", k.stdin, func(m *Message) {
		if m.Header.MsgType != "input_reply" {
			k.log.Printf("dropped %s on stdin (only input_reply is expected)", m.Header.MsgType)
			return
		}
		select {
		case k.stdinReplies <- m:
		default:
			k.log.Printf("dropped an input_reply nobody asked for")
		}
	})
	for _, w := range []struct {
		sck zmq4.Socket
		out chan [][]byte
	}{{k.shell, k.shellOut}, {k.control, k.controlOut}, {k.stdin, k.stdinOut}, {k.iopub, k.iopubOut}} {
		k.wg.Add(1)
		go k.write(w.sck, w.out)
	}
	k.wg.Add(3)
	go k.heartbeat()
	go k.dispatch(k.shellIn, k.shellOut, true)
	go k.dispatch(k.controlIn, k.controlOut, false)
}

// enqueue queues a request for the dispatcher of its channel, or drops it when its client
// already has too many waiting.
func (k *Kernel) enqueue(name string, q *fairQueue, m *Message) {
	if q.push(m) {
		return
	}
	if n := k.dropped.Add(1); worthLogging(n) {
		k.log.Printf("%s: dropped a %s: its client already has %d requests or %d MiB waiting (%d messages dropped so far)",
			name, m.Header.MsgType, maxWaitingRequests, maxWaitingBytes>>20, n)
	}
}

// goRead starts the reader of a ROUTER socket: it decodes every message and hands it to
// deliver, logging and dropping what does not decode.
func (k *Kernel) goRead(name string, sck zmq4.Socket, deliver func(*Message)) {
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		for {
			raw, err := sck.Recv()
			if err != nil {
				if k.stopping() {
					return
				}
				k.log.Printf("%s: receive: %v", name, err)
				// A closed socket keeps failing; avoid spinning.
				select {
				case <-k.quit:
					return
				case <-time.After(10 * time.Millisecond):
				}
				continue
			}
			m, err := Decode(raw.Frames, k.signer)
			if err != nil {
				if n := k.dropped.Add(1); worthLogging(n) {
					k.log.Printf("%s: dropped message (%d so far): %v", name, n, err)
				}
				continue
			}
			deliver(m)
		}
	}()
}

func (k *Kernel) stopping() bool {
	select {
	case <-k.quit:
		return true
	default:
		return false
	}
}

// write is the only goroutine that sends on sck.
func (k *Kernel) write(sck zmq4.Socket, out chan [][]byte) {
	defer k.wg.Done()
	send := func(frames [][]byte) {
		if err := sck.Send(zmq4.NewMsgFrom(frames...)); err != nil && !k.stopping() {
			k.log.Printf("send: %v", err)
		}
	}
	for {
		select {
		case f := <-out:
			send(f)
		case <-k.quit:
			for {
				select {
				case f := <-out:
					send(f)
				default:
					return
				}
			}
		}
	}
}

// heartbeat echoes every ping at once (a ROUTER echoes identity and payload frames back).
func (k *Kernel) heartbeat() {
	defer k.wg.Done()
	for {
		m, err := k.hb.Recv()
		if err != nil {
			if k.stopping() {
				return
			}
			select {
			case <-k.quit:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if len(m.Frames) < 2 {
			continue
		}
		if err := k.hb.Send(m); err != nil && !k.stopping() {
			k.log.Printf("heartbeat: %v", err)
		}
	}
}

// Interrupt cancels the running cell (and goroutines of earlier cells that watch their cell's
// context). Session state is kept. It is safe to call from any goroutine, e.g. on SIGINT.
func (k *Kernel) Interrupt() {
	k.runMu.Lock()
	cs := k.cancels
	k.cancels = nil
	k.runMu.Unlock()
	for _, c := range cs {
		c()
	}
}

// cellContext returns the context of a new cell, cancelled by Interrupt or Close.
func (k *Kernel) cellContext() context.Context {
	ctx, cancel := context.WithCancel(k.ctx)
	k.runMu.Lock()
	k.cancels = append(k.cancels, cancel)
	k.runMu.Unlock()
	return ctx
}

// Close stops the kernel: it cancels running cells, flushes queued replies and closes the
// sockets. It waits for the kernel's goroutines, but not for a cell that ignores its context.
func (k *Kernel) Close() error {
	var err error
	k.stopOnce.Do(func() {
		k.Interrupt()
		k.cancel()
		// Give the cell a moment to end and its last messages to be queued.
		time.Sleep(20 * time.Millisecond)
		close(k.quit)
		// The pub socket sends from its own queue: let it drain before closing.
		time.Sleep(30 * time.Millisecond)
		k.closeSockets()
		done := make(chan struct{})
		go func() { k.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			err = errors.New("kernel: a cell did not stop within 2 s of shutdown")
		}
		if c, ok := k.eval.(io.Closer); ok {
			if e := c.Close(); e != nil && err == nil {
				err = e
			}
		}
		if e := k.hist.Close(); e != nil && err == nil {
			err = e
		}
	})
	return err
}

func (k *Kernel) closeSockets() {
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// header builds the header of an outgoing message.
func (k *Kernel) header(msgType string) []byte {
	h, _ := json.Marshal(Header{
		MsgID: newID(), Session: k.session, Username: "kernel", Date: timestamp(time.Now()),
		MsgType: msgType, Version: ProtocolVersion,
	})
	return h
}

// frames encodes an outgoing message with parent as its parent header (nil: none).
func (k *Kernel) frames(ids [][]byte, parent *Message, msgType string, content any) [][]byte {
	c, err := json.Marshal(content)
	if err != nil {
		k.log.Printf("encode %s: %v", msgType, err)
		c = []byte("{}")
	}
	var ph []byte
	if parent != nil {
		ph = parent.RawHeader
	}
	return Encode(k.signer, ids, k.header(msgType), ph, nil, c, nil)
}

// sendTo queues a message on one socket's writer.
func (k *Kernel) sendTo(out chan [][]byte, f [][]byte) {
	select {
	case out <- f:
	case <-k.quit:
	}
}

// reply sends a reply to req on the socket whose writer is out.
func (k *Kernel) reply(out chan [][]byte, req *Message, msgType string, content any) {
	k.sendTo(out, k.frames(req.Identities, req, msgType, content))
}

// publish sends a message on iopub.
func (k *Kernel) publish(parent *Message, msgType string, content any) {
	topic := []byte("kernel." + k.session + "." + msgType)
	k.sendTo(k.iopubOut, k.frames([][]byte{topic}, parent, msgType, content))
}

func (k *Kernel) status(parent *Message, state string) {
	k.publish(parent, "status", map[string]any{"execution_state": state})
}

// dispatch handles the messages of one channel, each between status busy and idle: in order
// for each client, the clients in turn.
func (k *Kernel) dispatch(in *fairQueue, out chan [][]byte, shell bool) {
	defer k.wg.Done()
	// After a failed cell, execute_requests arriving before abortUntil that were sent before
	// the failure (failedAt) are aborted.
	var abortUntil, failedAt time.Time
	for {
		if k.stopping() {
			return
		}
		m, ok := in.pop()
		if !ok {
			select {
			case <-k.quit:
				return
			case <-in.ready:
			}
			continue
		}
		if shell && m.Header.MsgType == "execute_request" && time.Now().Before(abortUntil) && sentBefore(m, failedAt) {
			k.abortOne(m)
			continue
		}
		if k.handle(m, out, shell) {
			failedAt = k.failedAt
			k.abortQueued(k.held)
			k.held = nil
			abortUntil = failedAt.Add(k.cfg.StopOnErrorWindow)
		}
	}
}

// handle answers one request; it reports whether a failed cell asks to skip queued cells.
func (k *Kernel) handle(m *Message, out chan [][]byte, shell bool) (abort bool) {
	k.status(m, "busy")
	defer k.status(m, "idle")
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("panic handling %s: %v\n%s", m.Header.MsgType, r, debug.Stack())
		}
	}()
	if shell {
		k.parent.Store(m)
	}
	switch t := m.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(out, m, "kernel_info_reply", k.kernelInfo())
	case "shutdown_request":
		k.handleShutdown(m, out)
	case "interrupt_request":
		k.Interrupt()
		k.reply(out, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "execute_request":
		if !shell {
			k.log.Printf("execute_request on control ignored")
			return false
		}
		return k.execute(m, out)
	case "complete_request":
		k.handleComplete(m, out)
	case "inspect_request":
		k.handleInspect(m, out)
	case "is_complete_request":
		k.handleIsComplete(m, out)
	case "history_request":
		k.handleHistory(m, out)
	case "comm_info_request":
		k.handleCommInfo(m, out)
	case "comm_open":
		k.handleCommOpen(m)
	case "comm_msg":
		k.handleCommMsg(m)
	case "comm_close":
		k.handleCommClose(m)
	default:
		k.log.Printf("unsupported message type %q ignored", t)
	}
	return false
}

func (k *Kernel) kernelInfo() map[string]any {
	links := k.cfg.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       ProtocolVersion,
		"implementation":         k.cfg.Implementation,
		"implementation_version": k.cfg.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            k.cfg.LanguageVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner":     k.cfg.Banner,
		"help_links": links,
		"debugger":   false,
	}
}

func (k *Kernel) handleShutdown(m *Message, out chan [][]byte) {
	var req struct {
		Restart bool `json:"restart"`
	}
	_ = json.Unmarshal(m.Content, &req)
	k.Interrupt()
	k.reply(out, m, "shutdown_reply", map[string]any{"status": "ok", "restart": req.Restart})
	// Also tell iopub listeners, as ipykernel does.
	k.publish(m, "shutdown_reply", map[string]any{"status": "ok", "restart": req.Restart})
	select {
	case k.shutdown <- req.Restart:
	default:
	}
}

// holdQueued takes the requests waiting on shell when a cell failed with stop_on_error, before
// its execute_reply is sent: a client that answers the reply with a new cell must not have
// that cell aborted with the ones queued before it.
func (k *Kernel) holdQueued() {
	k.failedAt = time.Now()
	k.held = nil
	for {
		m, ok := k.shellIn.pop()
		if !ok {
			return
		}
		k.held = append(k.held, m)
	}
}

// abortQueued answers every execute_request of held (those waiting on shell when a cell
// failed with stop_on_error) with status "aborted"; other requests are handled normally.
func (k *Kernel) abortQueued(held []*Message) {
	for _, m := range held {
		if m.Header.MsgType != "execute_request" {
			k.handle(m, k.shellOut, true)
			continue
		}
		k.abortOne(m)
	}
}

// sentBefore reports whether m's header date is before t; a request without a readable date
// does not count as sent before (only queued requests are then aborted). A client sends the
// cell after a failure only after it saw the failure, so its date is later; the cells of a
// "Run All" were all sent before.
func sentBefore(m *Message, t time.Time) bool {
	d, err := time.Parse(time.RFC3339Nano, m.Header.Date)
	if err != nil {
		return false
	}
	return d.Before(t)
}

// abortOne answers an execute_request skipped after an error.
func (k *Kernel) abortOne(m *Message) {
	k.status(m, "busy")
	k.reply(k.shellOut, m, "execute_reply", map[string]any{
		"status": "aborted", "execution_count": k.count,
	})
	k.status(m, "idle")
}

// runeOffsetToByte converts a cursor position counted in Unicode code points (protocol 5.2+)
// to a byte offset in code, clamped to [0, len(code)].
func runeOffsetToByte(code string, pos int) int {
	if pos <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == pos {
			return i
		}
		n++
	}
	return len(code)
}

// byteToRuneOffset converts a byte offset in code to a count of code points.
func byteToRuneOffset(code string, off int) int {
	if off <= 0 {
		return 0
	}
	if off > len(code) {
		off = len(code)
	}
	n := 0
	for i := range code {
		if i >= off {
			break
		}
		n++
	}
	return n
}

func (k *Kernel) handleComplete(m *Message, out chan [][]byte) {
	var req struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	_ = json.Unmarshal(m.Content, &req)
	cur := len(req.Code)
	if req.CursorPos != nil {
		cur = runeOffsetToByte(req.Code, *req.CursorPos)
	}
	matches, start, end := k.eval.Complete(req.Code, cur)
	if matches == nil {
		matches = []string{}
	}
	if start < 0 || start > end || end > len(req.Code) {
		start, end = cur, cur
	}
	k.reply(out, m, "complete_reply", map[string]any{
		"status": "ok", "matches": matches,
		"cursor_start": byteToRuneOffset(req.Code, start), "cursor_end": byteToRuneOffset(req.Code, end),
		"metadata": map[string]any{},
	})
}

func (k *Kernel) handleInspect(m *Message, out chan [][]byte) {
	var req struct {
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	_ = json.Unmarshal(m.Content, &req)
	cur := len(req.Code)
	if req.CursorPos != nil {
		cur = runeOffsetToByte(req.Code, *req.CursorPos)
	}
	b, found := k.eval.Inspect(req.Code, cur, req.DetailLevel)
	data, meta := map[string]any{}, map[string]any{}
	if found {
		data, meta = bundleJSON(b)
	}
	k.reply(out, m, "inspect_reply", map[string]any{
		"status": "ok", "found": found, "data": data, "metadata": meta,
	})
}

func (k *Kernel) handleIsComplete(m *Message, out chan [][]byte) {
	var req struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(m.Content, &req)
	status, indent := k.eval.IsComplete(req.Code)
	switch status {
	case "complete", "incomplete", "invalid", "unknown":
	default:
		status = "unknown"
	}
	c := map[string]any{"status": status}
	if status == "incomplete" {
		c["indent"] = indent
	}
	k.reply(out, m, "is_complete_reply", c)
}

func (k *Kernel) handleHistory(m *Message, out chan [][]byte) {
	var req HistoryRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(out, m, "history_reply", map[string]any{"status": "ok", "history": []any{}})
		return
	}
	k.reply(out, m, "history_reply", map[string]any{"status": "ok", "history": k.hist.Query(req)})
}

// itoa is strconv.Itoa, named for brevity in messages.
func itoa(n int) string { return strconv.Itoa(n) }
