package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gosnn/gosnn/kernel/internal/fake"
)

// testClient is an in-process Jupyter client on the kernel's sockets.
type testClient struct {
	t       testing.TB
	k       *Kernel
	signer  *Signer
	session string
	runErr  chan error
	restart chan bool

	shell, control, stdin, iopub, hb zmq4.Socket
	shellIn, controlIn, stdinIn      chan *Message
	iopubIn                          chan *Message
	logBuf                           *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const testKey = "b8a5f1e0-test-key"

// startKernel runs a kernel over a fake evaluator on free ports and connects a client.
func startKernel(t testing.TB, mod func(*Config)) *testClient {
	t.Helper()
	logBuf := &syncBuffer{}
	cfg := Config{
		Conn:      ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: testKey},
		Evaluator: fake.New(),
		Log:       log.New(logBuf, "", 0),
		// Tests send the next cell right after an error: no abort window unless asked.
		StopOnErrorWindow: -1,
	}
	if mod != nil {
		mod(&cfg)
	}
	k, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{t: t, k: k, session: newID(), runErr: make(chan error, 1), restart: make(chan bool, 1), logBuf: logBuf}
	c.signer, _ = NewSigner(cfg.Conn.SignatureScheme, []byte(cfg.Conn.Key))
	go func() {
		r, err := k.Run()
		c.restart <- r
		c.runErr <- err
	}()
	ctx := context.Background()
	id := zmq4.WithID(zmq4.SocketIdentity("client-" + c.session[:8]))
	c.shell = zmq4.NewDealer(ctx, id, zmq4.WithLogger(discardLogger))
	c.control = zmq4.NewDealer(ctx, zmq4.WithLogger(discardLogger))
	c.stdin = zmq4.NewDealer(ctx, id, zmq4.WithLogger(discardLogger))
	c.iopub = zmq4.NewSub(ctx, zmq4.WithLogger(discardLogger))
	c.hb = zmq4.NewReq(ctx, zmq4.WithLogger(discardLogger))
	conn := k.Connection()
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, conn.ShellPort}, {c.control, conn.ControlPort}, {c.stdin, conn.StdinPort}, {c.iopub, conn.IOPubPort}, {c.hb, conn.HBPort}} {
		if err := d.s.Dial(conn.endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	c.shellIn, c.controlIn, c.stdinIn, c.iopubIn = c.pump(c.shell), c.pump(c.control), c.pump(c.stdin), c.pump(c.iopub)
	t.Cleanup(c.close)
	// Wait until iopub is connected: kernel_info until its status arrives.
	deadline := time.Now().Add(5 * time.Second)
	for {
		id := c.send(c.shell, "kernel_info_request", nil)
		c.reply(c.shellIn, id)
		if m := c.waitIOPub(id, "status", 200*time.Millisecond); m != nil {
			// The subscription may have taken effect between busy and idle: then the
			// status seen is the idle one, and there is nothing left to drain.
			if content(m)["execution_state"] != "idle" {
				c.drainIOPub(id)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("iopub never delivered a status")
		}
	}
	return c
}

func (c *testClient) pump(s zmq4.Socket) chan *Message {
	ch := make(chan *Message, 4096)
	go func() {
		for {
			m, err := s.Recv()
			if err != nil {
				close(ch)
				return
			}
			msg, err := Decode(m.Frames, c.signer)
			if err != nil {
				c.t.Errorf("client: kernel sent an undecodable message: %v", err)
				continue
			}
			ch <- msg
		}
	}()
	return ch
}

func (c *testClient) close() {
	c.k.Close()
	for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
		s.Close()
	}
}

// rawFrames builds a signed request (without identities; the dealer adds them).
func (c *testClient) rawFrames(msgType string, content any) (id string, frames [][]byte) {
	return c.rawFramesDated(msgType, content, time.Now())
}

func (c *testClient) rawFramesDated(msgType string, content any, date time.Time) (id string, frames [][]byte) {
	id = newID()
	h, _ := json.Marshal(Header{MsgID: id, Session: c.session, Username: "test", Date: timestamp(date), MsgType: msgType, Version: ProtocolVersion})
	if content == nil {
		content = map[string]any{}
	}
	b, _ := json.Marshal(content)
	return id, Encode(c.signer, nil, h, nil, nil, b, nil)
}

func (c *testClient) send(s zmq4.Socket, msgType string, content any) string {
	return c.sendDated(s, msgType, content, time.Now())
}

// sendDated sends a request whose header date is date.
func (c *testClient) sendDated(s zmq4.Socket, msgType string, content any, date time.Time) string {
	id, f := c.rawFramesDated(msgType, content, date)
	if err := s.Send(zmq4.NewMsgFrom(f...)); err != nil {
		c.t.Fatal(err)
	}
	return id
}

func parentID(m *Message) string {
	var h Header
	_ = json.Unmarshal(m.Parent, &h)
	return h.MsgID
}

// reply waits for the reply to request id on ch.
func (c *testClient) reply(ch chan *Message, id string) *Message {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				c.t.Fatal("socket closed")
			}
			if parentID(m) == id {
				return m
			}
		case <-timeout:
			c.t.Fatalf("no reply to %s", id)
		}
	}
}

// waitIOPub returns the next iopub message of type msgType for request id, or nil on timeout.
func (c *testClient) waitIOPub(id, msgType string, d time.Duration) *Message {
	timeout := time.After(d)
	for {
		select {
		case m := <-c.iopubIn:
			if parentID(m) == id && m.Header.MsgType == msgType {
				return m
			}
		case <-timeout:
			return nil
		}
	}
}

// drainIOPub collects the iopub messages of request id up to and including status idle.
func (c *testClient) drainIOPub(id string) []*Message {
	c.t.Helper()
	var out []*Message
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-c.iopubIn:
			if parentID(m) != id {
				continue
			}
			out = append(out, m)
			if m.Header.MsgType == "status" && content(m)["execution_state"] == "idle" {
				return out
			}
		case <-timeout:
			c.t.Fatalf("no status idle for %s; got %v", id, types(out))
		}
	}
}

func content(m *Message) map[string]any {
	var c map[string]any
	_ = json.Unmarshal(m.Content, &c)
	return c
}

func types(ms []*Message) []string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Header.MsgType)
	}
	return s
}

// execute runs code and returns the reply and the iopub messages (busy..idle).
func (c *testClient) execute(code string, extra map[string]any) (*Message, []*Message) {
	c.t.Helper()
	req := map[string]any{"code": code, "silent": false, "store_history": true, "allow_stdin": false, "stop_on_error": true, "user_expressions": map[string]any{}}
	for k, v := range extra {
		req[k] = v
	}
	id := c.send(c.shell, "execute_request", req)
	r := c.reply(c.shellIn, id)
	return r, c.drainIOPub(id)
}

func find(ms []*Message, msgType string) []*Message {
	var out []*Message
	for _, m := range ms {
		if m.Header.MsgType == msgType {
			out = append(out, m)
		}
	}
	return out
}

func streamText(ms []*Message, name string) string {
	var b strings.Builder
	for _, m := range find(ms, "stream") {
		if c := content(m); c["name"] == name {
			b.WriteString(c["text"].(string))
		}
	}
	return b.String()
}

// goroutineIDs returns the IDs of the goroutines running now, for checkNoKernelGoroutines.
func goroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for id := range goroutineStacks() {
		ids[id] = true
	}
	return ids
}

// goroutineStacks returns the stack of every goroutine by its ID.
func goroutineStacks() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, " [")
		out[strings.TrimPrefix(head, "goroutine ")] = g
	}
	return out
}

// checkNoKernelGoroutines fails when a goroutine of a closed kernel (or of its sockets) is
// still running, among those not in before (goroutineIDs at the start of the test).
func checkNoKernelGoroutines(t *testing.T, before map[string]bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		var leaked []string
		for id, g := range goroutineStacks() {
			// Goroutines that were there before the test started are other tests' (a zmq4
			// reader of an earlier test can stay blocked for a while on a busy machine).
			if before[id] {
				continue
			}
			// zmq4 v0.17.0's PUB socket leaves its queue writer (newPubMWriter) waiting
			// after Close; that one goroutine per kernel is a known upstream leak.
			if strings.Contains(g, "zmq4.newPubMWriter") {
				continue
			}
			if strings.Contains(g, "gosnn/kernel.") || strings.Contains(g, "go-zeromq/zmq4") {
				if !strings.Contains(g, "checkNoKernelGoroutines") && !strings.Contains(g, "testing.tRunner") {
					leaked = append(leaked, g)
				}
			}
		}
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("leaked kernel goroutines:\n%s", strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
