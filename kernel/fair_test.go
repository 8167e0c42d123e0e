package kernel

import (
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

func TestFairQueue(t *testing.T) {
	msg := func(peer, id string, size int) *Message {
		return &Message{Identities: [][]byte{[]byte(peer)}, Header: Header{MsgID: id}, Content: make([]byte, size)}
	}
	tests := []struct {
		name   string
		push   []*Message
		refuse []string // ids refused
		want   string   // ids in pop order
	}{
		{"one peer keeps its order", []*Message{msg("a", "a1", 0), msg("a", "a2", 0), msg("a", "a3", 0)}, nil, "a1 a2 a3"},
		{"peers take turns", []*Message{msg("a", "a1", 0), msg("a", "a2", 0), msg("a", "a3", 0), msg("b", "b1", 0), msg("c", "c1", 0), msg("c", "c2", 0)}, nil, "a1 b1 c1 a2 c2 a3"},
		{"count cap per peer", []*Message{msg("a", "a1", 0), msg("a", "a2", 0), msg("a", "a3", 0), msg("a", "a4", 0), msg("b", "b1", 0)}, []string{"a4"}, "a1 b1 a2 a3"},
		{"byte cap per peer", []*Message{msg("a", "a1", 60), msg("a", "a2", 60), msg("b", "b1", 60)}, []string{"a2"}, "a1 b1"},
		{"one large request passes", []*Message{msg("a", "a1", 500), msg("b", "b1", 0)}, nil, "a1 b1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newFairQueue(3, 100)
			var refused []string
			for _, m := range tt.push {
				if !q.push(m) {
					refused = append(refused, m.Header.MsgID)
				}
			}
			if strings.Join(refused, " ") != strings.Join(tt.refuse, " ") {
				t.Errorf("refused %v, want %v", refused, tt.refuse)
			}
			var got []string
			for {
				m, ok := q.pop()
				if !ok {
					break
				}
				got = append(got, m.Header.MsgID)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("popped %s, want %s", g, tt.want)
			}
			if q.waiting() != 0 {
				t.Errorf("%d still waiting", q.waiting())
			}
		})
	}
}

// Requests queued by a flooding client do not delay another client's request: it is
// answered next, while thousands of the flood's still wait.
func TestShellFairness(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.IOPubHWM = 1 << 20 })
	// Hold the shell dispatcher in a cell waiting for input.
	cell := c.send(c.shell, "execute_request", map[string]any{"code": "input name?", "allow_stdin": true})
	var req *Message
	select {
	case req = <-c.stdinIn:
	case <-time.After(5 * time.Second):
		t.Fatal("no input_request")
	}
	// Another client with the key queues 5000 requests and reads nothing.
	p := dialRaw(t, c.ports()["shell"], 0)
	p.handshake("DEALER")
	const n = 5000
	for i := 0; i < n; i++ {
		_, f := c.rawFrames("kernel_info_request", nil)
		if err := p.sendMsg(f); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for c.k.shellIn.waiting() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of the %d requests reached the queue", c.k.shellIn.waiting(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// This client's request comes after all of them.
	id := c.send(c.shell, "kernel_info_request", nil)
	for c.k.shellIn.waiting() < n+1 {
		if time.Now().After(deadline) {
			t.Fatal("the request never reached the queue")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, f := c.rawFrames("input_reply", map[string]any{"value": "Ada"})
	if err := c.stdin.Send(zmq4.NewMsgFrom(replaceParent(f, req.RawHeader, c.signer)...)); err != nil {
		t.Fatal(err)
	}
	c.reply(c.shellIn, cell)
	c.reply(c.shellIn, id)
	if w := c.k.shellIn.waiting(); w < n/2 {
		t.Errorf("the request was answered only after %d of the flood's %d requests", n-w, n)
	}
}
