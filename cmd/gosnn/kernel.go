package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync/atomic"

	"github.com/gosnn/gosnn/kernel"
	"github.com/gosnn/gosnn/session"
)

func init() {
	register("kernel", "run the Jupyter kernel (launched by Jupyter: gosnn kernel -f CONNECTION_FILE)", runKernel)
}

// version is the gosnn version reported to front ends.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.1.0-dev"
}

// stderrWriter writes to the session's original stderr once the session exists (with output
// capture, fd 2 belongs to the cells), and to os.Stderr before.
type stderrWriter struct {
	s atomic.Pointer[session.Session]
}

func (w *stderrWriter) Write(p []byte) (int, error) {
	if s := w.s.Load(); s != nil {
		return s.Stderr().Write(p)
	}
	return os.Stderr.Write(p)
}

func runKernel(args []string) int {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("f", "", "Jupyter connection file (required)")
	histFile := fs.String("history", kernel.DefaultHistoryPath(), "history file; empty keeps history in memory ($GOSNN_HISTORY)")
	maxOut := fs.Int("max-output", kernel.DefaultMaxStreamBytes, "bytes of stdout+stderr shown per cell; -1 for no cap")
	maxDisplay := fs.Int("max-display", kernel.DefaultMaxDisplayBytes, "bytes of displays shown per cell; -1 for no cap")
	noCapture := fs.Bool("no-capture", false, "do not redirect file descriptors 1 and 2 to the cells")
	unrestricted := fs.Bool("unrestricted", false, "give cells os/exec, syscall and the environment")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the kernel's life to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gosnn kernel -f CONNECTION_FILE [flags]\n\nServes the Jupyter messaging protocol; 'gosnn install' writes the kernelspec that launches it.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *connFile == "" {
		fs.Usage()
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gosnn:", err)
			return 1
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "gosnn:", err)
			return 1
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	info, err := kernel.ReadConnectionFile(*connFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosnn:", err)
		return 1
	}
	hist, err := kernel.OpenHistory(*histFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosnn:", err, "(history is kept in memory for this run)")
		hist, _ = kernel.OpenHistory("")
	}
	logw := &stderrWriter{}
	logger := log.New(logw, "gosnn kernel: ", log.LstdFlags)
	// The interpreter loads its symbol tables in the background: kernel_info is answered
	// at once, the first cell waits for it.
	eval := kernel.Lazy(func() (kernel.Evaluator, error) {
		s, err := session.New(session.Options{Capture: !*noCapture && runtime.GOOS == "linux", Unrestricted: *unrestricted})
		if err != nil {
			logger.Printf("%v", err)
			return nil, err
		}
		logw.s.Store(s)
		return s, nil
	})
	// A fatal error kills the kernel (Jupyter restarts it with the same connection file):
	// record each cell, and report the previous process's death (see crash.go).
	debug.SetMaxStack(maxStack)
	var notice string
	if base, err := session.CrashBase(*connFile); err != nil {
		logger.Printf("%v (a fatal error will not be reported)", err)
	} else if clog, prev, err := session.OpenCrashLog(base); err != nil {
		logger.Printf("%v (a fatal error will not be reported)", err)
	} else {
		defer clog.Close()
		if prev != nil {
			notice = prev.Message("The previous kernel process")
			logger.Print(notice)
		}
		eval = &crashEvaluator{Evaluator: eval, log: clog, label: kernelLabel, notice: notice}
	}
	k, err := kernel.New(context.Background(), kernel.Config{
		Conn: info, Evaluator: eval, History: hist, Log: logger,
		MaxStreamBytes: *maxOut, MaxDisplayBytes: *maxDisplay,
		Implementation: "gosnn", Version: version(), LanguageVersion: "1.22",
		Banner: "gosnn " + version() + ": spiking networks in Go (Yaegi interpreter, Go 1.22 language level)",
		HelpLinks: []kernel.HelpLink{
			{Text: "gosnn", URL: "https://github.com/gosnn/gosnn"},
			{Text: "Go language", URL: "https://go.dev/ref/spec"},
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosnn:", err)
		return 1
	}
	// SIGINT interrupts the running cell, as interrupt_request does; it never kills the kernel.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		for range sig {
			k.Interrupt()
		}
	}()
	_, err = k.Run()
	signal.Stop(sig)
	if err != nil {
		logger.Printf("%v", err)
		return 1
	}
	return 0
}

var _ io.Writer = (*stderrWriter)(nil)
