package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/gosnn/gosnn/display"
)

// comms holds the comm targets user code registered and the comms open now.
type comms struct {
	mu      sync.Mutex
	targets map[string]display.CommHandler
	open    map[string]*comm
}

func (c *comms) init() {
	c.targets = map[string]display.CommHandler{}
	c.open = map[string]*comm{}
}

func (c *comms) register(target string, h display.CommHandler) {
	c.mu.Lock()
	c.targets[target] = h
	c.mu.Unlock()
}

// comm is one open comm; it implements display.Comm.
type comm struct {
	k      *Kernel
	id     string
	target string
	h      display.CommHandler
	closed atomic.Bool
}

func (c *comm) ID() string { return c.id }

// Send publishes comm_msg; the parent is the shell request being handled.
func (c *comm) Send(data map[string]any) {
	if c.closed.Load() {
		return
	}
	c.k.publish(c.k.parent.Load(), "comm_msg", map[string]any{"comm_id": c.id, "data": nonNil(data)})
}

// Close publishes comm_close once.
func (c *comm) Close(data map[string]any) {
	if c.closed.Swap(true) {
		return
	}
	c.k.comms.mu.Lock()
	delete(c.k.comms.open, c.id)
	c.k.comms.mu.Unlock()
	c.k.publish(c.k.parent.Load(), "comm_close", map[string]any{"comm_id": c.id, "data": nonNil(data)})
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// openComm opens a comm from the kernel side (comm_open on iopub).
func (k *Kernel) openComm(parent *Message, target string, data map[string]any, h display.CommHandler) (display.Comm, error) {
	if target == "" {
		return nil, errors.New("kernel: OpenComm: empty target name")
	}
	c := &comm{k: k, id: newID(), target: target, h: h}
	k.comms.mu.Lock()
	k.comms.open[c.id] = c
	k.comms.mu.Unlock()
	k.publish(parent, "comm_open", map[string]any{"comm_id": c.id, "target_name": target, "data": nonNil(data)})
	return c, nil
}

type commContent struct {
	CommID     string         `json:"comm_id"`
	TargetName string         `json:"target_name"`
	Data       map[string]any `json:"data"`
}

// callHandler runs a user comm callback, logging instead of dying when it panics.
func (k *Kernel) callHandler(what string, f func(display.Comm, map[string]any), c *comm, data map[string]any) {
	if f == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("comm %s handler of target %q panicked: %v\n%s", what, c.target, r, debug.Stack())
		}
	}()
	f(c, nonNil(data))
}

func (k *Kernel) handleCommOpen(m *Message) {
	var req commContent
	if err := json.Unmarshal(m.Content, &req); err != nil || req.CommID == "" {
		k.log.Printf("comm_open: bad content")
		return
	}
	k.comms.mu.Lock()
	h, ok := k.comms.targets[req.TargetName]
	var c *comm
	if ok {
		c = &comm{k: k, id: req.CommID, target: req.TargetName, h: h}
		k.comms.open[c.id] = c
	}
	k.comms.mu.Unlock()
	if !ok {
		// Unknown target (e.g. jupyter.widget.version from the classic Notebook): close it.
		k.publish(m, "comm_close", map[string]any{"comm_id": req.CommID, "data": map[string]any{}})
		return
	}
	k.callHandler("open", h.Open, c, req.Data)
}

func (k *Kernel) lookupComm(id string) *comm {
	k.comms.mu.Lock()
	defer k.comms.mu.Unlock()
	return k.comms.open[id]
}

func (k *Kernel) handleCommMsg(m *Message) {
	var req commContent
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.log.Printf("comm_msg: bad content")
		return
	}
	c := k.lookupComm(req.CommID)
	if c == nil {
		k.log.Printf("comm_msg for unknown comm %q", req.CommID)
		return
	}
	k.callHandler("msg", c.h.Msg, c, req.Data)
}

func (k *Kernel) handleCommClose(m *Message) {
	var req commContent
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.log.Printf("comm_close: bad content")
		return
	}
	c := k.lookupComm(req.CommID)
	if c == nil {
		return
	}
	c.closed.Store(true)
	k.comms.mu.Lock()
	delete(k.comms.open, c.id)
	k.comms.mu.Unlock()
	k.callHandler("close", c.h.Close, c, req.Data)
}

func (k *Kernel) handleCommInfo(m *Message, out chan [][]byte) {
	var req struct {
		TargetName string `json:"target_name"`
	}
	_ = json.Unmarshal(m.Content, &req)
	list := map[string]any{}
	k.comms.mu.Lock()
	for id, c := range k.comms.open {
		if req.TargetName == "" || req.TargetName == c.target {
			list[id] = map[string]any{"target_name": c.target}
		}
	}
	k.comms.mu.Unlock()
	k.reply(out, m, "comm_info_reply", map[string]any{"status": "ok", "comms": list})
}

// String describes the comm for logs.
func (c *comm) String() string { return fmt.Sprintf("comm %s (%s)", c.id, c.target) }
