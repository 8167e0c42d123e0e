package kernel

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gosnn/gosnn/kernel/internal/fake"
)

func TestKernelInfoOnShellAndControl(t *testing.T) {
	c := startKernel(t, nil)
	for _, ch := range []struct {
		name string
		s    zmq4.Socket
		in   chan *Message
	}{{"shell", c.shell, c.shellIn}, {"control", c.control, c.controlIn}} {
		id := c.send(ch.s, "kernel_info_request", nil)
		r := c.reply(ch.in, id)
		if r.Header.MsgType != "kernel_info_reply" || r.Header.Version != ProtocolVersion {
			t.Fatalf("%s: got %s version %s", ch.name, r.Header.MsgType, r.Header.Version)
		}
		cc := content(r)
		if cc["protocol_version"] != ProtocolVersion || cc["status"] != "ok" {
			t.Errorf("%s: content %v", ch.name, cc)
		}
		li := cc["language_info"].(map[string]any)
		if li["name"] != "go" || li["file_extension"] != ".go" {
			t.Errorf("%s: language_info %v", ch.name, li)
		}
		if string(r.Metadata) != "{}" {
			t.Errorf("%s: metadata %s, want {}", ch.name, r.Metadata)
		}
		msgs := c.drainIOPub(id)
		if got := types(msgs); len(got) != 2 || got[0] != "status" || content(msgs[0])["execution_state"] != "busy" {
			t.Errorf("%s: iopub %v, want busy then idle", ch.name, got)
		}
	}
}

func TestExecuteOutputs(t *testing.T) {
	c := startKernel(t, nil)
	tests := []struct {
		name  string
		code  string
		check func(t *testing.T, r *Message, ms []*Message)
	}{
		{"stdout", "print hello, world", func(t *testing.T, r *Message, ms []*Message) {
			if got := streamText(ms, "stdout"); got != "hello, world\n" {
				t.Errorf("stdout %q", got)
			}
		}},
		{"stderr", "eprint oops", func(t *testing.T, r *Message, ms []*Message) {
			if got := streamText(ms, "stderr"); got != "oops\n" {
				t.Errorf("stderr %q", got)
			}
		}},
		{"coalesced", "print a\nprint b\nprint c", func(t *testing.T, r *Message, ms []*Message) {
			if s := find(ms, "stream"); len(s) != 1 || content(s[0])["text"] != "a\nb\nc\n" {
				t.Errorf("want one stream message with three lines, got %v", types(ms))
			}
		}},
		{"result", "= 42", func(t *testing.T, r *Message, ms []*Message) {
			res := find(ms, "execute_result")
			if len(res) != 1 {
				t.Fatalf("got %v", types(ms))
			}
			cc := content(res[0])
			if cc["data"].(map[string]any)["text/plain"] != "42" || cc["execution_count"] != content(r)["execution_count"] {
				t.Errorf("execute_result %v, reply %v", cc, content(r))
			}
		}},
		{"png", "show image/png x", func(t *testing.T, r *Message, ms []*Message) {
			d := find(ms, "display_data")
			if len(d) != 1 {
				t.Fatalf("got %v", types(ms))
			}
			data := content(d[0])["data"].(map[string]any)
			raw, err := base64.StdEncoding.DecodeString(data["image/png"].(string))
			if err != nil || string(raw) != string(fake.PNG) {
				t.Errorf("image/png not the base64 of the PNG: %v", err)
			}
			if _, ok := data["text/plain"]; !ok {
				t.Error("no text/plain fallback")
			}
		}},
		{"update", "showid p one\nupdate p two", func(t *testing.T, r *Message, ms []*Message) {
			u := find(ms, "update_display_data")
			if len(u) != 1 {
				t.Fatalf("got %v", types(ms))
			}
			cc := content(u[0])
			if cc["transient"].(map[string]any)["display_id"] != "p" || cc["data"].(map[string]any)["text/plain"] != "two" {
				t.Errorf("update_display_data %v", cc)
			}
		}},
		{"order", "print before\nclear\nprint after", func(t *testing.T, r *Message, ms []*Message) {
			got := strings.Join(types(ms), ",")
			if want := "status,execute_input,stream,clear_output,stream,status"; got != want {
				t.Errorf("order %s, want %s", got, want)
			}
		}},
		{"usererror", "print partial\nerror boom", func(t *testing.T, r *Message, ms []*Message) {
			cc := content(r)
			if cc["status"] != "error" || cc["ename"] != "FakeError" || cc["evalue"] != "boom" {
				t.Errorf("reply %v", cc)
			}
			if e := find(ms, "error"); len(e) != 1 || len(content(e[0])["traceback"].([]any)) != 2 {
				t.Errorf("want one error with the traceback, got %v", types(ms))
			}
			if streamText(ms, "stderr") != "" {
				t.Error("extra stderr after an error")
			}
		}},
		{"plainerror", "plainerror bad", func(t *testing.T, r *Message, ms []*Message) {
			if cc := content(r); cc["ename"] != "Error" || cc["evalue"] != "bad" {
				t.Errorf("reply %v", cc)
			}
		}},
		{"panic", "panic inside", func(t *testing.T, r *Message, ms []*Message) {
			if cc := content(r); cc["status"] != "error" || !strings.Contains(cc["evalue"].(string), "inside") {
				t.Errorf("reply %v", cc)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ms := c.execute(tt.code, nil)
			if r.Header.MsgType != "execute_reply" {
				t.Fatalf("reply type %s", r.Header.MsgType)
			}
			tt.check(t, r, ms)
		})
	}
	// The kernel survives all of this.
	if r, _ := c.execute("= alive", nil); content(r)["status"] != "ok" {
		t.Fatal("kernel unusable after the table")
	}
}

func TestExecutionCountAndSilent(t *testing.T) {
	c := startKernel(t, nil)
	r1, _ := c.execute("= 1", nil)
	r2, ms := c.execute("print quiet\n= 2", map[string]any{"silent": true})
	r3, _ := c.execute("= 3", map[string]any{"store_history": false})
	r4, _ := c.execute("= 4", nil)
	n := func(r *Message) float64 { return content(r)["execution_count"].(float64) }
	if n(r1) != 1 || n(r2) != 1 || n(r3) != 1 || n(r4) != 2 {
		t.Errorf("counts %v %v %v %v, want 1 1 1 2", n(r1), n(r2), n(r3), n(r4))
	}
	if got := types(ms); len(got) != 2 {
		t.Errorf("silent cell published %v", got)
	}
}

func TestStopOnErrorAbortsQueued(t *testing.T) {
	c := startKernel(t, nil)
	req := func(code string) string {
		return c.send(c.shell, "execute_request", map[string]any{"code": code, "silent": false, "stop_on_error": true})
	}
	a := req("progress 5\nerror stop")
	b := req("print skipped")
	d := req("print skipped too")
	ra, rb, rd := c.reply(c.shellIn, a), c.reply(c.shellIn, b), c.reply(c.shellIn, d)
	if content(ra)["status"] != "error" || content(rb)["status"] != "aborted" || content(rd)["status"] != "aborted" {
		t.Fatalf("statuses %v %v %v", content(ra)["status"], content(rb)["status"], content(rd)["status"])
	}
	for _, id := range []string{b, d} {
		if ms := c.drainIOPub(id); streamText(ms, "stdout") != "" {
			t.Error("aborted cell ran")
		}
	}
	// Later cells run again.
	if r, _ := c.execute("= after", nil); content(r)["status"] != "ok" {
		t.Error("cell after the abort did not run")
	}
}

func TestStopOnErrorWindow(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.StopOnErrorWindow = time.Hour })
	r, _ := c.execute("error stop", nil)
	if content(r)["status"] != "error" {
		t.Fatal(content(r))
	}
	// Within the window, a cell sent before the failure (a "Run All" cell that arrives
	// late) is aborted even though it was not queued yet...
	id := c.sendDated(c.shell, "execute_request", map[string]any{"code": "print late"}, time.Now().Add(-time.Second))
	if r := c.reply(c.shellIn, id); content(r)["status"] != "aborted" {
		t.Errorf("cell sent before the failure: %v", content(r))
	}
	// ...but one sent after the client saw the failure runs.
	if r, _ := c.execute("print after", nil); content(r)["status"] != "ok" {
		t.Errorf("cell sent after the failure: %v", content(r))
	}
	// ...other requests are answered, and stop_on_error=false cells are not affected.
	c2 := startKernel(t, func(cfg *Config) { cfg.StopOnErrorWindow = time.Hour })
	c2.execute("error stop", map[string]any{"stop_on_error": false})
	if r, _ := c2.execute("print runs", nil); content(r)["status"] != "ok" {
		t.Errorf("cell after a stop_on_error=false failure: %v", content(r))
	}
}

func TestInterruptKeepsState(t *testing.T) {
	c := startKernel(t, nil)
	c.execute("set x 7", nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "sleep"})
	c.waitIOPub(id, "execute_input", 5*time.Second)
	start := time.Now()
	iid := c.send(c.control, "interrupt_request", nil)
	c.reply(c.controlIn, iid)
	r := c.reply(c.shellIn, id)
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("interrupt took %v", el)
	}
	if cc := content(r); cc["ename"] != "Interrupted" {
		t.Errorf("reply %v", cc)
	}
	_, ms := c.execute("= x", nil)
	if res := find(ms, "execute_result"); len(res) != 1 || content(res[0])["data"].(map[string]any)["text/plain"] != "7" {
		t.Errorf("state lost: %v", types(ms))
	}
}

func TestControlAnswersWhileBusy(t *testing.T) {
	c := startKernel(t, nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "sleep"})
	c.waitIOPub(id, "execute_input", 5*time.Second)
	ki := c.send(c.control, "kernel_info_request", nil)
	if r := c.reply(c.controlIn, ki); r.Header.MsgType != "kernel_info_reply" {
		t.Fatal(r.Header.MsgType)
	}
	// Heartbeat echoes while shell is busy.
	if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
		t.Fatal(err)
	}
	m, err := c.hb.Recv()
	if err != nil || string(m.Bytes()) != "ping" {
		t.Fatalf("heartbeat: %v %q", err, m.Bytes())
	}
	c.k.Interrupt()
	c.reply(c.shellIn, id)
}

func TestProgressFlowsWhileBusy(t *testing.T) {
	c := startKernel(t, nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "progress 20\nsleep"})
	// Updates arrive while the cell is still running (it sleeps until interrupted).
	n := 0
	for n < 20 {
		if m := c.waitIOPub(id, "update_display_data", 5*time.Second); m == nil {
			t.Fatalf("only %d updates arrived", n)
		}
		n++
	}
	c.k.Interrupt()
	c.reply(c.shellIn, id)
}

func TestOutputFloodCapped(t *testing.T) {
	c := startKernel(t, func(cfg *Config) { cfg.MaxStreamBytes = 100 << 10 })
	r, ms := c.execute("flood 10000000", nil)
	if content(r)["status"] != "ok" {
		t.Fatalf("reply %v", content(r))
	}
	out := streamText(ms, "stdout")
	if len(out) != 100<<10 {
		t.Errorf("stdout %d bytes, want the cap %d", len(out), 100<<10)
	}
	if errText := streamText(ms, "stderr"); !strings.Contains(errText, "output limit of 100 KiB reached") {
		t.Errorf("no notice: %q", errText)
	}
	// The next cell is not capped.
	if _, ms := c.execute("print fresh", nil); streamText(ms, "stdout") != "fresh\n" {
		t.Error("cap leaked into the next cell")
	}
}

func TestInputRoundTrip(t *testing.T) {
	c := startKernel(t, nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "input name?", "allow_stdin": true})
	var req *Message
	select {
	case req = <-c.stdinIn:
	case <-time.After(5 * time.Second):
		t.Fatal("no input_request")
	}
	if req.Header.MsgType != "input_request" || content(req)["prompt"] != "name?" || content(req)["password"] != false {
		t.Fatalf("got %s %v", req.Header.MsgType, content(req))
	}
	_, f := c.rawFrames("input_reply", map[string]any{"value": "Ada"})
	// The reply's parent is the input_request.
	f = replaceParent(f, req.RawHeader, c.signer)
	if err := c.stdin.Send(zmq4.NewMsgFrom(f...)); err != nil {
		t.Fatal(err)
	}
	c.reply(c.shellIn, id)
	if got := streamText(c.drainIOPub(id), "stdout"); got != "got: Ada\n" {
		t.Errorf("stdout %q", got)
	}
	// Without allow_stdin the sink refuses.
	r, _ := c.execute("input again?", nil)
	if cc := content(r); cc["status"] != "error" || !strings.Contains(cc["evalue"].(string), "allow_stdin") {
		t.Errorf("reply %v", cc)
	}
}

// replaceParent re-signs frames (no identities) with a new parent header.
func replaceParent(f [][]byte, parent []byte, s *Signer) [][]byte {
	// f: delimiter, sig, header, parent, metadata, content
	return Encode(s, nil, f[2], parent, f[4], f[5], nil)
}

func TestComms(t *testing.T) {
	c := startKernel(t, nil)
	c.execute("comm echo", nil)
	id := c.send(c.shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "echo", "data": map[string]any{"a": 1}})
	ms := c.drainIOPub(id)
	if m := find(ms, "comm_msg"); len(m) != 1 || content(m[0])["comm_id"] != "c1" {
		t.Fatalf("open handler: %v", types(ms))
	}
	id = c.send(c.shell, "comm_msg", map[string]any{"comm_id": "c1", "data": map[string]any{"v": 2}})
	ms = c.drainIOPub(id)
	if m := find(ms, "comm_msg"); len(m) != 1 || content(m[0])["data"].(map[string]any)["echo"].(map[string]any)["v"] != 2.0 {
		t.Fatalf("echo: %v", types(ms))
	}
	id = c.send(c.shell, "comm_info_request", map[string]any{"target_name": "echo"})
	if cc := content(c.reply(c.shellIn, id)); cc["comms"].(map[string]any)["c1"] == nil {
		t.Errorf("comm_info %v", cc)
	}
	id = c.send(c.shell, "comm_close", map[string]any{"comm_id": "c1", "data": map[string]any{}})
	c.drainIOPub(id)
	id = c.send(c.shell, "comm_info_request", map[string]any{})
	if cc := content(c.reply(c.shellIn, id)); len(cc["comms"].(map[string]any)) != 0 {
		t.Errorf("comm still open: %v", cc)
	}
	// Unknown target: comm_close back.
	id = c.send(c.shell, "comm_open", map[string]any{"comm_id": "w1", "target_name": "jupyter.widget.version", "data": map[string]any{}})
	if m := find(c.drainIOPub(id), "comm_close"); len(m) != 1 || content(m[0])["comm_id"] != "w1" {
		t.Error("unknown target not closed")
	}
	// Kernel-side open.
	_, ms = c.execute("opencomm front", nil)
	if m := find(ms, "comm_open"); len(m) != 1 || content(m[0])["target_name"] != "front" {
		t.Errorf("opencomm: %v", types(ms))
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	c := startKernel(t, nil)
	// Cursor positions are in code points: "é" is one.
	code := "é pri"
	id := c.send(c.shell, "complete_request", map[string]any{"code": code, "cursor_pos": 5})
	cc := content(c.reply(c.shellIn, id))
	if cc["cursor_start"] != 2.0 || cc["cursor_end"] != 5.0 || len(cc["matches"].([]any)) != 3 {
		t.Errorf("complete %v", cc)
	}
	id = c.send(c.shell, "inspect_request", map[string]any{"code": "print x", "cursor_pos": 2, "detail_level": 0})
	cc = content(c.reply(c.shellIn, id))
	if cc["found"] != true || cc["data"].(map[string]any)["text/plain"] == nil {
		t.Errorf("inspect %v", cc)
	}
	for code, want := range map[string]string{"print 1": "complete", "a {": "incomplete", "}": "invalid"} {
		id = c.send(c.shell, "is_complete_request", map[string]any{"code": code})
		if cc := content(c.reply(c.shellIn, id)); cc["status"] != want {
			t.Errorf("is_complete(%q) = %v, want %s", code, cc, want)
		}
	}
}

func TestBadMessagesDropped(t *testing.T) {
	c := startKernel(t, nil)
	good := func() {
		t.Helper()
		id := c.send(c.shell, "kernel_info_request", nil)
		c.reply(c.shellIn, id)
	}
	_, f := c.rawFrames("execute_request", map[string]any{"code": "print forged"})
	forged := append([][]byte(nil), f...)
	forged[1] = []byte(strings.Repeat("0", 64))
	noSig := append([][]byte(nil), f...)
	noSig[1] = nil
	tampered := append([][]byte(nil), f...)
	tampered[5] = []byte(`{"code":"print tampered"}`)
	_, ok := c.rawFrames("kernel_info_request", nil)
	badJSON := Encode(c.signer, nil, []byte(`{"msg_type": `), []byte("{}"), []byte("{}"), []byte("{}"), nil)
	cases := map[string][][]byte{
		"forged":     forged,
		"missingsig": noSig,
		"tampered":   tampered,
		"shortframe": f[:4],
		"nodelim":    f[1:],
		"badjson":    badJSON,
		"empty":      {[]byte("")},
	}
	before := c.k.Dropped()
	for name, frames := range cases {
		if err := c.shell.Send(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// The first copy of a good message is accepted, its replay dropped.
	c.shell.Send(zmq4.NewMsgFrom(ok...))
	c.shell.Send(zmq4.NewMsgFrom(ok...))
	good()
	if got := c.k.Dropped() - before; got != int64(len(cases))+1 {
		t.Errorf("dropped %d messages, want %d; log:\n%s", got, len(cases)+1, c.logBuf.String())
	}
	for _, m := range drainAll(c.iopubIn) {
		if strings.Contains(string(m.Content), "forged") || strings.Contains(string(m.Content), "tampered") {
			t.Error("a forged cell ran")
		}
	}
}

func drainAll(ch chan *Message) []*Message {
	var out []*Message
	for {
		select {
		case m := <-ch:
			out = append(out, m)
		case <-time.After(100 * time.Millisecond):
			return out
		}
	}
}

func TestHistoryPersistsAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.json")
	open := func() *History {
		h, err := OpenHistory(path)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	c := startKernel(t, func(cfg *Config) { cfg.History = open() })
	c.execute("= 1", nil)
	c.execute("= 2", nil)
	id := c.send(c.control, "shutdown_request", map[string]any{"restart": true})
	if r := c.reply(c.controlIn, id); content(r)["restart"] != true {
		t.Fatalf("shutdown_reply %v", content(r))
	}
	if restart := <-c.restart; !restart {
		t.Error("Run did not report the restart")
	}
	if err := <-c.runErr; err != nil {
		t.Fatal(err)
	}
	c2 := startKernel(t, func(cfg *Config) { cfg.History = open() })
	c2.execute("= 3", nil)
	id = c2.send(c2.shell, "history_request", map[string]any{"hist_access_type": "tail", "n": 10, "output": true, "raw": true})
	h := content(c2.reply(c2.shellIn, id))["history"].([]any)
	if len(h) != 3 {
		t.Fatalf("history %v", h)
	}
	last := h[2].([]any)
	if last[0] != 2.0 || last[1] != 1.0 || last[2].([]any)[0] != "= 3" || last[2].([]any)[1] != "3" {
		t.Errorf("last entry %v", last)
	}
	id = c2.send(c2.shell, "history_request", map[string]any{"hist_access_type": "range", "session": -1, "start": 2, "stop": 3})
	if h := content(c2.reply(c2.shellIn, id))["history"].([]any); len(h) != 1 || h[0].([]any)[2] != "= 2" {
		t.Errorf("range %v", h)
	}
}

func TestShutdownStopsGoroutines(t *testing.T) {
	before := goroutineIDs()
	c := startKernel(t, nil)
	c.execute("later bye", nil)
	id := c.send(c.control, "shutdown_request", map[string]any{"restart": false})
	c.reply(c.controlIn, id)
	if err := <-c.runErr; err != nil {
		t.Fatal(err)
	}
	c.close()
	checkNoKernelGoroutines(t, before)
}

func TestLateGoroutineOutputReachesCell(t *testing.T) {
	c := startKernel(t, nil)
	id := c.send(c.shell, "execute_request", map[string]any{"code": "later from goroutine"})
	c.drainIOPub(id)
	m := c.waitIOPub(id, "stream", 2*time.Second)
	if m == nil || content(m)["text"] != "from goroutine\n" {
		t.Fatal("goroutine output after the cell ended was lost")
	}
}
