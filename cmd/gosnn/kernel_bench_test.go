package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/gosnn/gosnn/kernel"
	"github.com/gosnn/gosnn/session"
)

// BenchmarkKernelExecute measures the round trip of a trivial cell ("1") through the kernel
// as `gosnn kernel` assembles it (a session behind the crash log, signed messages, the
// kernel's own listeners), from an in-process client on TCP loopback: execute_request sent
// to execute_reply and status idle received. Output capture is off (it would take the test
// binary's own stdout). Compare with benchstat:
//
//	go test -run '^$' -bench KernelExecute -count 6 ./cmd/gosnn
func BenchmarkKernelExecute(b *testing.B) {
	s, err := session.New(session.Options{})
	if err != nil {
		b.Fatal(err)
	}
	base, err := session.CrashBase(filepath.Join(b.TempDir(), "kernel.json"))
	if err != nil {
		b.Fatal(err)
	}
	clog, _, err := session.OpenCrashLog(base)
	if err != nil {
		b.Fatal(err)
	}
	defer clog.Close()
	eval := &crashEvaluator{Evaluator: s, log: clog, label: kernelLabel}
	key := "bench-key"
	k, err := kernel.New(context.Background(), kernel.Config{
		Conn:      kernel.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: key},
		Evaluator: eval, Log: log.New(io.Discard, "", 0),
	})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { k.Run(); close(done) }()
	defer func() { k.Close(); <-done }()

	signer, _ := kernel.NewSigner("hmac-sha256", []byte(key))
	ctx := context.Background()
	shell := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("bench")))
	iopub := zmq4.NewSub(ctx)
	defer shell.Close()
	defer iopub.Close()
	conn := k.Connection()
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{shell, conn.ShellPort}, {iopub, conn.IOPubPort}} {
		if err := d.s.Dial(fmt.Sprintf("tcp://127.0.0.1:%d", d.port)); err != nil {
			b.Fatal(err)
		}
	}
	if err := iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		b.Fatal(err)
	}
	decode := func(raw zmq4.Msg) *kernel.Message {
		m, err := kernel.Decode(raw.Frames, signer)
		if err != nil {
			panic(err)
		}
		return m
	}
	iopubIn := make(chan *kernel.Message, 1024)
	go func() {
		for {
			raw, err := iopub.Recv()
			if err != nil {
				close(iopubIn)
				return
			}
			iopubIn <- decode(raw)
		}
	}()
	n := 0
	send := func(msgType, content string) string {
		n++
		id := fmt.Sprintf("bench-%d", n)
		hdr, _ := json.Marshal(kernel.Header{MsgID: id, Session: "bench", Username: "bench",
			Date: time.Now().UTC().Format(time.RFC3339Nano), MsgType: msgType, Version: kernel.ProtocolVersion})
		if err := shell.Send(zmq4.NewMsgFrom(kernel.Encode(signer, nil, hdr, nil, nil, []byte(content), nil)...)); err != nil {
			b.Fatal(err)
		}
		for {
			raw, err := shell.Recv()
			if err != nil {
				b.Fatal(err)
			}
			var p kernel.Header
			_ = json.Unmarshal(decode(raw).Parent, &p)
			if p.MsgID == id {
				return id
			}
		}
	}
	// The subscription reaches the kernel some time after the dial: ask until iopub delivers.
	for deadline := time.Now().Add(30 * time.Second); ; {
		send("kernel_info_request", "{}")
		select {
		case <-iopubIn:
		case <-time.After(200 * time.Millisecond):
			if time.Now().After(deadline) {
				b.Fatal("iopub never delivered")
			}
			continue
		}
		break
	}
	execute := func() {
		id := send("execute_request", `{"code":"1","silent":false,"store_history":true,"user_expressions":{},"allow_stdin":false,"stop_on_error":true}`)
		for m := range iopubIn {
			var p kernel.Header
			_ = json.Unmarshal(m.Parent, &p)
			if p.MsgID == id && m.Header.MsgType == "status" && string(m.Content) == `{"execution_state":"idle"}` {
				return
			}
		}
		b.Fatal("iopub closed")
	}
	for i := 0; i < 200; i++ {
		execute()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		execute()
	}
}
