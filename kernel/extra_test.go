package kernel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/kernel/internal/fake"
)

func TestInterruptWhileWaitingForInput(t *testing.T) {
	c := startKernel(t, nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "input never answered?", "allow_stdin": true})
	select {
	case <-c.stdinIn:
	case <-time.After(5 * time.Second):
		t.Fatal("no input_request")
	}
	c.k.Interrupt()
	r := c.reply(c.shellIn, id)
	if cc := content(r); cc["status"] != "error" || !strings.Contains(cc["evalue"].(string), "interrupted") {
		t.Errorf("reply %v", cc)
	}
	// The next input works (a stale reply would be drained).
	if r, _ := c.execute("= still here", nil); content(r)["status"] != "ok" {
		t.Errorf("kernel unusable after an interrupted input: %v", content(r))
	}
}

func TestUserExpressions(t *testing.T) {
	c := startKernel(t, nil)
	c.execute("set y 9", nil)
	r, ms := c.execute("print side", map[string]any{"user_expressions": map[string]any{"good": "= y", "bad": "error nope"}})
	ue := content(r)["user_expressions"].(map[string]any)
	good, bad := ue["good"].(map[string]any), ue["bad"].(map[string]any)
	if good["status"] != "ok" || good["data"].(map[string]any)["text/plain"] != "9" {
		t.Errorf("good %v", good)
	}
	if bad["status"] != "error" || bad["ename"] != "FakeError" {
		t.Errorf("bad %v", bad)
	}
	if len(find(ms, "execute_result")) != 0 || len(find(ms, "error")) != 0 {
		t.Errorf("user expressions published output: %v", types(ms))
	}
}

func TestLazy(t *testing.T) {
	ok := Lazy(func() (Evaluator, error) { return fake.New(), nil })
	if st, _ := ok.IsComplete("a {"); st != "incomplete" {
		t.Errorf("IsComplete through Lazy: %s", st)
	}
	failing := Lazy(func() (Evaluator, error) { return nil, errors.New("boom") })
	if _, err := failing.Execute(context.Background(), "x", discardSink{}); err == nil || err.Error() != "boom" {
		t.Errorf("Execute err %v", err)
	}
	if m, s, e := failing.Complete("abc", 2); m != nil || s != 2 || e != 2 {
		t.Errorf("Complete %v %d %d", m, s, e)
	}
	if _, found := failing.Inspect("x", 0, 0); found {
		t.Error("Inspect found")
	}
	panicking := Lazy(func() (Evaluator, error) { panic("bad init") })
	if _, err := panicking.Execute(context.Background(), "x", discardSink{}); err == nil || !strings.Contains(err.Error(), "bad init") {
		t.Errorf("panicking constructor: %v", err)
	}
	// Execute waiting for a slow build gives up with its context.
	slow := Lazy(func() (Evaluator, error) { time.Sleep(300 * time.Millisecond); return fake.New(), nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := slow.Execute(ctx, "x", discardSink{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestBundleJSON(t *testing.T) {
	data, meta := bundleJSON(display.Bundle{Data: map[string]any{
		display.MIMEPNG: []byte{1, 2, 3}, display.MIMESVG: []byte("<svg/>"), display.MIMEJSON: map[string]any{"a": 1},
	}})
	if data[display.MIMEPNG] != "AQID" || data[display.MIMESVG] != "<svg/>" || data[display.MIMEText] != "<application/json, image/png, image/svg+xml>" {
		t.Errorf("data %v", data)
	}
	if meta == nil || len(meta) != 0 {
		t.Errorf("metadata %v, want {}", meta)
	}
}

// A cell sent as soon as the previous one's error reply arrives is not among the requests
// queued when that cell failed: it runs (stop_on_error aborts only what was waiting).
func TestCellAfterErrorReplyRuns(t *testing.T) {
	c := startKernel(t, nil)
	for i := 0; i < 200; i++ {
		if r, _ := c.execute("error stop", nil); content(r)["status"] != "error" {
			t.Fatalf("failing cell: %v", content(r))
		}
		if r, _ := c.execute("= 1", nil); content(r)["status"] != "ok" {
			t.Fatalf("cell %d after an error reply: %v", i, content(r))
		}
	}
}
