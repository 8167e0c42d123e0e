package session_test

import (
	"context"
	"fmt"

	"github.com/gosnn/gosnn/display"
	"github.com/gosnn/gosnn/session"
)

// printSink prints what a cell shows; front ends turn these calls into Jupyter messages or
// terminal output.
type printSink struct{}

func (printSink) Stream(name, text string) { fmt.Printf("[%s] %s", name, text) }
func (printSink) Show(b display.Bundle)    { fmt.Println("[display]", b.Data[display.MIMEText]) }
func (printSink) Update(b display.Bundle)  { fmt.Println("[update]", b.Data[display.MIMEText]) }
func (printSink) Clear(bool)               {}

// A session keeps state across cells; the trailing expression of a cell is its result.
func ExampleSession() {
	s, err := session.New(session.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()
	for _, cell := range []string{
		"import \"strings\"\nwords := strings.Fields(\"spiking networks in Go\")",
		"len(words)",
		"func shout(s string) string { return strings.ToUpper(s) + \"!\" }\nshout(words[0])",
		"words[10]",
	} {
		res, err := s.Execute(ctx, cell, printSink{})
		switch {
		case err != nil:
			fmt.Printf("error: %s: %v\n", err.(*session.Error).Name, err)
		case res != nil:
			fmt.Println("result:", res.Data[display.MIMEText])
		}
	}
	// Output:
	// result: 4
	// result: "SPIKING!"
	// error: panic: runtime error: index out of range [10] with length 4
}

// Completion lists package members, names defined by cells, and fields and methods of values.
func ExampleSession_Complete() {
	s, err := session.New(session.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	if _, err := s.Execute(context.Background(), "type point struct{ X, Y float64 }\np := point{1, 2}", nil); err != nil {
		fmt.Println(err)
		return
	}
	m, start, end := s.Complete("math.Sq", 7)
	fmt.Println(m, start, end)
	m, _, _ = s.Complete("p.", 2)
	fmt.Println(m)
	// Output:
	// [Sqrt Sqrt2 SqrtE SqrtPhi SqrtPi] 5 7
	// [X Y]
}
