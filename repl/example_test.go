package repl_test

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/notebooks"
	"github.com/gosnn/gosnn/repl"
	"github.com/gosnn/gosnn/repl/internal/fake"
)

func ExampleRunNotebook() {
	nb, _ := notebooks.ParseNotebook([]byte(`{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [
  {"cell_type": "code", "metadata": {}, "source": "print hello\nx := 42\nx", "outputs": [], "execution_count": null},
  {"cell_type": "code", "metadata": {}, "source": "panic boom", "outputs": [], "execution_count": null}
]}`))
	// fake.Evaluator stands in for the interpreter session.
	err := repl.RunNotebook(context.Background(), &fake.Evaluator{}, nb, repl.RunOptions{})
	fmt.Println("error:", err)
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			fmt.Printf("cell %d [%d] %s\n", i+1, *c.ExecutionCount, o["output_type"])
		}
	}
	// Output:
	// error: cell 2: panic: boom
	// cell 1 [1] stream
	// cell 1 [1] execute_result
	// cell 2 [2] error
}

func ExampleTermSink() {
	var out bytes.Buffer
	sink := repl.NewTermSink(repl.TermOptions{Stdout: &out, Terminal: false})
	progress := func(f float64) display.Bundle {
		return display.Bundle{
			Data:      map[string]any{display.MIMEText: fmt.Sprintf("t = %.0f ms", 1000*f)},
			Metadata:  map[string]any{repl.ProgressKey: f},
			DisplayID: "run",
		}
	}
	sink.Show(progress(0))
	for _, f := range []float64{0.25, 0.5, 1} {
		sink.Update(progress(f))
	}
	sink.Stream("stdout", "done\n")
	sink.Flush() // not a terminal: only the final progress line is printed
	fmt.Print(out.String())
	// Output:
	// done
	// [####################] 100% t = 1000 ms
}

func ExampleDetectImageMode() {
	env := map[string]string{"TERM": "xterm-kitty"}
	fmt.Println(repl.DetectImageMode(func(k string) string { return env[k] }))
	env = map[string]string{"TERM_PROGRAM": "iTerm.app"}
	fmt.Println(repl.DetectImageMode(func(k string) string { return env[k] }))
	fmt.Println(repl.DetectImageMode(func(string) string { return "" }))
	// Output:
	// kitty
	// iterm
	// off
}

func ExampleRunScript() {
	sink := repl.NewTermSink(repl.TermOptions{Stdout: os.Stdout})
	src := "package main\n\nfunc main() {\nprint from main\n}\n"
	if err := repl.RunScript(context.Background(), &fake.Evaluator{}, src, sink); err != nil {
		fmt.Println(err)
	}
	// Output:
	// from main
}
