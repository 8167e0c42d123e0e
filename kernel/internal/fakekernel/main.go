// Command fakekernel runs the gosnn kernel over the fake evaluator, for tests with the real
// Jupyter clients before (or without) the interpreter session:
//
//	fakekernel -f CONNECTION_FILE [-history FILE] [-max-output BYTES]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/gosnn/gosnn/kernel"
	"github.com/gosnn/gosnn/kernel/internal/fake"
)

func main() {
	conn := flag.String("f", "", "connection file")
	histFile := flag.String("history", "", "history file (empty: in memory)")
	maxOut := flag.Int("max-output", 0, "stream bytes per cell (0: default)")
	flag.Parse()
	info, err := kernel.ReadConnectionFile(*conn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	h, err := kernel.OpenHistory(*histFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k, err := kernel.New(context.Background(), kernel.Config{Conn: info, Evaluator: fake.New(), History: h, MaxStreamBytes: *maxOut})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		for range sig {
			k.Interrupt()
		}
	}()
	if _, err := k.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
