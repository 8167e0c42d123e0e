package kernel_test

import (
	"fmt"

	"github.com/gosnn/gosnn/kernel"
)

func ExampleSigner() {
	s, err := kernel.NewSigner("hmac-sha256", []byte("secret"))
	if err != nil {
		panic(err)
	}
	header, parent, meta, content := []byte(`{"msg_type":"kernel_info_request"}`), []byte(`{}`), []byte(`{}`), []byte(`{}`)
	frames := kernel.Encode(s, [][]byte{[]byte("client")}, header, parent, meta, content, nil)
	m, err := kernel.Decode(frames, s)
	fmt.Println(m.Header.MsgType, err)
	_, err = kernel.Decode(frames, s) // the same message again
	fmt.Println(err)
	// Output:
	// kernel_info_request <nil>
	// kernel: replayed signature
}

func ExampleHistory_Query() {
	h, _ := kernel.OpenHistory("") // in memory
	defer h.Close()
	h.Add(1, "x := 2", "")
	h.Add(2, "x * 21", "42")
	n := 1
	fmt.Println(h.Query(kernel.HistoryRequest{HistAccessType: "tail", N: &n, Output: true}))
	// Output: [[1 2 [x * 21 42]]]
}
