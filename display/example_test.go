package display_test

import (
	"fmt"
	"image"
	"image/color"
	"sort"

	"github.com/gosnn/gosnn/display"
)

// printSink prints what it receives; front ends send it on to Jupyter or a terminal.
type printSink struct{}

func (printSink) Stream(name, text string) { fmt.Printf("%s: %s", name, text) }
func (printSink) Show(b display.Bundle)    { fmt.Println("show", mimes(b), b.Data[display.MIMEText]) }
func (printSink) Update(b display.Bundle)  { fmt.Println("update", mimes(b), b.Data[display.MIMEText]) }
func (printSink) Clear(wait bool)          { fmt.Println("clear", wait) }

func mimes(b display.Bundle) []string {
	var m []string
	for k := range b.Data {
		m = append(m, k)
	}
	sort.Strings(m)
	return m
}

// A Displayer shows items on the current sink; a Handle updates its item in place.
func ExampleDisplayer() {
	d := display.NewDisplayer(func() display.Sink { return printSink{} }, nil)
	h := d.Markdown("**training**: epoch 1")
	h.Markdown("**training**: done")
	img := image.NewGray(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.White)
	d.Image(img)
	d.Show(3.5)
	// Output:
	// show [text/markdown text/plain] **training**: epoch 1
	// update [text/markdown text/plain] **training**: done
	// show [image/png text/plain] <PNG image 4x3>
	// show [text/plain] 3.5
}

type badge string

func (b badge) HTML() string { return "<span>" + string(b) + "</span>" }

// Render picks a value's richest form: here an HTML method.
func ExampleRender() {
	b, err := display.Render(badge("ok"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(mimes(b), b.Data[display.MIMEHTML])
	// Output:
	// [text/html text/plain] <span>ok</span>
}

// Without a session, the package-level functions write the text form to standard output.
func ExampleShow() {
	display.Show([]int{1, 2, 3})
	display.HTML("<b>hi</b>")
	// Output:
	// [1 2 3]
	// <HTML>
}
