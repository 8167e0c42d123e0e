package kernel

import (
	"testing"
)

// BenchmarkExecuteRoundTrip measures one trivial execute_request from an in-process client:
// request sent to execute_reply and status idle received (fake evaluator, TCP loopback).
func BenchmarkExecuteRoundTrip(b *testing.B) {
	c := startKernel(b, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.execute("= 1", map[string]any{"store_history": false})
	}
}

// BenchmarkKernelInfoRoundTrip measures kernel_info_request to reply and status idle.
func BenchmarkKernelInfoRoundTrip(b *testing.B) {
	c := startKernel(b, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := c.send(c.shell, "kernel_info_request", nil)
		c.reply(c.shellIn, id)
		c.drainIOPub(id)
	}
}

// BenchmarkDecode measures decoding and verifying one signed message.
func BenchmarkDecode(b *testing.B) {
	s, _ := NewSigner("hmac-sha256", []byte("key"))
	frames := make([][][]byte, b.N)
	for i := range frames {
		frames[i] = Encode(s, [][]byte{[]byte("id")}, []byte(`{"msg_id":"`+newID()+`","msg_type":"execute_request"}`),
			[]byte(`{}`), []byte(`{}`), []byte(`{"code":"1"}`), nil)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Decode(frames[i], s); err != nil {
			b.Fatal(err)
		}
	}
}
