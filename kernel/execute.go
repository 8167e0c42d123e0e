package kernel

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gosnn/gosnn/display"
)

// streamFlushDelay is how long stream text is buffered before it is sent, so that many small
// writes become one stream message (jupyter_kernel_test wants messages within 100 ms).
const streamFlushDelay = 25 * time.Millisecond

// streamChunk is the buffered stream size that is sent at once.
const streamChunk = 64 << 10

type executeRequest struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

// execute runs one execute_request; it reports whether queued cells should be skipped.
func (k *Kernel) execute(m *Message, out chan [][]byte) (abort bool) {
	var req executeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(out, m, "execute_reply", errorContent("Error", "kernel: bad execute_request: "+err.Error(), nil, k.count))
		return false
	}
	store := !req.Silent && (req.StoreHistory == nil || *req.StoreHistory)
	stopOnError := req.StopOnError == nil || *req.StopOnError
	if store {
		k.count++
	}
	count := k.count
	if !req.Silent {
		k.publish(m, "execute_input", map[string]any{"code": req.Code, "execution_count": count})
	}
	ctx := k.cellContext()
	if !req.Silent {
		ctx = context.WithValue(ctx, countKey{}, count)
	}
	sink := newCellSink(k, m, ctx, req.Silent, req.AllowStdin)
	result, err := k.safeExecute(ctx, req.Code, sink)
	sink.Flush()
	output := ""
	if err == nil && result != nil && !req.Silent {
		data, meta := bundleJSON(*result)
		k.publish(m, "execute_result", map[string]any{"execution_count": count, "data": data, "metadata": meta})
		if s, ok := data[display.MIMEText].(string); ok {
			output = s
		}
	}
	if store {
		k.hist.Add(count, req.Code, output)
	}
	if err != nil {
		ename, evalue, tb := describeError(ctx, err)
		k.publish(m, "error", map[string]any{"ename": ename, "evalue": evalue, "traceback": tb})
		if stopOnError {
			k.holdQueued()
		}
		k.reply(out, m, "execute_reply", errorContent(ename, evalue, tb, count))
		return stopOnError
	}
	exprs := map[string]any{}
	for name, expr := range req.UserExpressions {
		exprs[name] = k.userExpression(ctx, expr)
	}
	k.reply(out, m, "execute_reply", map[string]any{
		"status": "ok", "execution_count": count, "payload": []any{}, "user_expressions": exprs,
	})
	return false
}

type countKey struct{}

// ExecutionCount returns the execution count of the cell whose context ctx is (the In [N] of
// front ends), and false for silent requests and user_expressions: an Evaluator can name the
// cell it runs, in a crash record for example.
func ExecutionCount(ctx context.Context) (int, bool) {
	n, ok := ctx.Value(countKey{}).(int)
	return n, ok
}

// safeExecute calls the evaluator, turning a panic in it into an error.
func (k *Kernel) safeExecute(ctx context.Context, code string, out display.Sink) (b *display.Bundle, err error) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Printf("evaluator panicked: %v\n%s", r, debug.Stack())
			err = &kernelPanic{value: r}
		}
	}()
	return k.eval.Execute(ctx, code, out)
}

// userExpression evaluates one user_expressions entry without showing output.
func (k *Kernel) userExpression(ctx context.Context, expr string) map[string]any {
	ctx = context.WithValue(ctx, countKey{}, nil) // not a cell
	b, err := k.safeExecute(ctx, expr, discardSink{})
	if err != nil {
		ename, evalue, tb := describeError(ctx, err)
		return errorContent(ename, evalue, tb, 0)
	}
	data, meta := map[string]any{display.MIMEText: ""}, map[string]any{}
	if b != nil {
		data, meta = bundleJSON(*b)
	}
	return map[string]any{"status": "ok", "data": data, "metadata": meta}
}

type kernelPanic struct{ value any }

func (p *kernelPanic) Error() string { return fmt.Sprintf("kernel: evaluator panicked: %v", p.value) }

// describeError maps an Execute error to Jupyter's ename, evalue and traceback.
func describeError(ctx context.Context, err error) (ename, evalue string, tb []string) {
	evalue = err.Error()
	var ue UserError
	switch {
	case errors.As(err, &ue):
		ename, tb = ue.ErrorName(), ue.ErrorTraceback()
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		ename = "Interrupted"
	default:
		ename = "Error"
	}
	if ename == "" {
		ename = "Error"
	}
	if len(tb) == 0 {
		tb = []string{ename + ": " + evalue}
	}
	return ename, evalue, tb
}

func errorContent(ename, evalue string, tb []string, count int) map[string]any {
	if tb == nil {
		tb = []string{ename + ": " + evalue}
	}
	c := map[string]any{"status": "error", "ename": ename, "evalue": evalue, "traceback": tb}
	if count > 0 {
		c["execution_count"] = count
	}
	return c
}

// bundleJSON converts a display bundle to Jupyter data and metadata: []byte values become
// base64 strings, and text/plain is added when missing.
func bundleJSON(b display.Bundle) (data, meta map[string]any) {
	data = make(map[string]any, len(b.Data)+1)
	for mime, v := range b.Data {
		switch v := v.(type) {
		case []byte:
			if isTextMIME(mime) {
				data[mime] = string(v)
			} else {
				data[mime] = base64.StdEncoding.EncodeToString(v)
			}
		default:
			data[mime] = v
		}
	}
	if _, ok := data[display.MIMEText]; !ok {
		types := make([]string, 0, len(data))
		for mime := range data {
			types = append(types, mime)
		}
		sort.Strings(types)
		data[display.MIMEText] = "<" + strings.Join(types, ", ") + ">"
	}
	meta = map[string]any{}
	for k, v := range b.Metadata {
		meta[k] = v
	}
	return data, meta
}

func isTextMIME(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == display.MIMESVG
}

// bundleSize is the number of payload bytes of b, for the output cap.
func bundleSize(b display.Bundle) int {
	n := 0
	for _, v := range b.Data {
		switch v := v.(type) {
		case string:
			n += len(v)
		case []byte:
			n += len(v)
		default:
			n += 64
		}
	}
	return n
}

// discardSink drops everything (user_expressions).
type discardSink struct{}

func (discardSink) Stream(string, string) {}
func (discardSink) Show(display.Bundle)   {}
func (discardSink) Update(display.Bundle) {}
func (discardSink) Clear(bool)            {}

// cellSink is the display.Sink of one execute_request. It stays usable after the cell ends,
// so that goroutines started by the cell still reach the cell's output area.
type cellSink struct {
	k          *Kernel
	parent     *Message
	ctx        context.Context
	silent     bool
	allowStdin bool

	mu           sync.Mutex
	name         string // stream of buf
	buf          strings.Builder
	timer        *time.Timer
	streamBytes  int
	displayBytes int
	streamCapped bool
	showCapped   bool
}

var (
	_ display.Sink     = (*cellSink)(nil)
	_ display.Inputter = (*cellSink)(nil)
	_ display.CommHost = (*cellSink)(nil)
)

func newCellSink(k *Kernel, parent *Message, ctx context.Context, silent, allowStdin bool) *cellSink {
	return &cellSink{k: k, parent: parent, ctx: ctx, silent: silent, allowStdin: allowStdin}
}

// Stream buffers text for the named stream ("stdout" or "stderr"); buffered text is sent
// within streamFlushDelay, before any other output, and when the cell ends.
func (s *cellSink) Stream(name, text string) {
	if s.silent || text == "" {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streamCapped {
		return
	}
	if max := s.k.cfg.MaxStreamBytes; max > 0 && s.streamBytes+len(text) > max {
		text = truncateUTF8(text, max-s.streamBytes)
		s.streamCapped = true
	}
	s.streamBytes += len(text)
	if s.name != name {
		s.flushLocked()
		s.name = name
	}
	s.buf.WriteString(text)
	if s.streamCapped {
		s.flushLocked()
		s.noticeLocked(fmt.Sprintf("output limit of %s reached: further stdout/stderr of this cell is discarded "+
			"(gosnn kernel --max-output)", byteSize(s.k.cfg.MaxStreamBytes)))
		return
	}
	if s.buf.Len() >= streamChunk {
		s.flushLocked()
		return
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(streamFlushDelay, s.Flush)
	}
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if n >= len(s) {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}

// noticeLocked sends a kernel notice on stderr, bypassing the cap.
func (s *cellSink) noticeLocked(text string) {
	s.k.publish(s.parent, "stream", map[string]any{"name": "stderr", "text": "\n[gosnn: " + text + "]\n"})
}

// Flush sends buffered stream text now.
func (s *cellSink) Flush() {
	s.mu.Lock()
	s.flushLocked()
	s.mu.Unlock()
}

func (s *cellSink) flushLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if s.buf.Len() == 0 {
		return
	}
	text := s.buf.String()
	s.buf.Reset()
	s.k.publish(s.parent, "stream", map[string]any{"name": s.name, "text": text})
}

// Show publishes display_data (with transient display_id when b has one).
func (s *cellSink) Show(b display.Bundle) { s.display("display_data", b) }

// Update publishes update_display_data for b.DisplayID; without an ID it shows b anew.
func (s *cellSink) Update(b display.Bundle) {
	if b.DisplayID == "" {
		s.display("display_data", b)
		return
	}
	s.display("update_display_data", b)
}

func (s *cellSink) display(msgType string, b display.Bundle) {
	if s.silent {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	if s.showCapped {
		return
	}
	if max := s.k.cfg.MaxDisplayBytes; max > 0 {
		n := bundleSize(b)
		if s.displayBytes+n > max {
			s.showCapped = true
			s.noticeLocked(fmt.Sprintf("display limit of %s reached: further displays of this cell are discarded", byteSize(max)))
			return
		}
		s.displayBytes += n
	}
	data, meta := bundleJSON(b)
	c := map[string]any{"data": data, "metadata": meta, "transient": map[string]any{}}
	if b.DisplayID != "" {
		c["transient"] = map[string]any{"display_id": b.DisplayID}
	}
	s.k.publish(s.parent, msgType, c)
}

// Clear publishes clear_output.
func (s *cellSink) Clear(wait bool) {
	if s.silent {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushLocked()
	s.k.publish(s.parent, "clear_output", map[string]any{"wait": wait})
}

// ErrNoStdin is returned by Input when the front end did not allow stdin for the request.
var ErrNoStdin = errors.New("kernel: this front end does not accept input (allow_stdin is false)")

// Input asks the front end for one line (input_request on stdin) and waits for the reply or
// for the cell to be interrupted.
func (s *cellSink) Input(prompt string, password bool) (string, error) {
	if !s.allowStdin {
		return "", ErrNoStdin
	}
	s.Flush()
	k := s.k
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
	for drained := false; !drained; {
		select {
		case <-k.stdinReplies: // stale reply to an earlier, interrupted request
		default:
			drained = true
		}
	}
	k.sendTo(k.stdinOut, k.frames(s.parent.Identities, s.parent, "input_request",
		map[string]any{"prompt": prompt, "password": password}))
	select {
	case r := <-k.stdinReplies:
		var c struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(r.Content, &c); err != nil {
			return "", fmt.Errorf("kernel: bad input_reply: %v", err)
		}
		return c.Value, nil
	case <-s.ctx.Done():
		return "", fmt.Errorf("kernel: input interrupted: %w", s.ctx.Err())
	}
}

// RegisterCommTarget makes target available to comm_open requests from the front end; the
// registration outlives the cell.
func (s *cellSink) RegisterCommTarget(target string, h display.CommHandler) {
	s.k.comms.register(target, h)
}

// OpenComm opens a comm from the kernel to the front end's target.
func (s *cellSink) OpenComm(target string, data map[string]any, h display.CommHandler) (display.Comm, error) {
	return s.k.openComm(s.parent, target, data, h)
}
