package kernel

import (
	"context"
	"fmt"

	"github.com/gosnn/gosnn/display"
)

// Lazy returns an Evaluator that builds the real one with newEval in the background, starting
// at once, so that the kernel answers kernel_info before a slow interpreter is ready. Calls
// wait for the build; when it failed, Execute returns its error and the other methods return
// empty answers.
func Lazy(newEval func() (Evaluator, error)) Evaluator {
	l := &lazy{ready: make(chan struct{})}
	go func() {
		defer close(l.ready)
		defer func() {
			if r := recover(); r != nil {
				l.err = fmt.Errorf("kernel: creating the evaluator panicked: %v", r)
			}
		}()
		l.ev, l.err = newEval()
		if l.err == nil && l.ev == nil {
			l.err = fmt.Errorf("kernel: no evaluator was created")
		}
	}()
	return l
}

type lazy struct {
	ready chan struct{}
	ev    Evaluator
	err   error
}

func (l *lazy) get(ctx context.Context) (Evaluator, error) {
	select {
	case <-l.ready:
		return l.ev, l.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *lazy) Execute(ctx context.Context, code string, out display.Sink) (*display.Bundle, error) {
	ev, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return ev.Execute(ctx, code, out)
}

func (l *lazy) Complete(code string, cursor int) ([]string, int, int) {
	ev, err := l.get(context.Background())
	if err != nil {
		return nil, cursor, cursor
	}
	return ev.Complete(code, cursor)
}

func (l *lazy) Inspect(code string, cursor, detail int) (display.Bundle, bool) {
	ev, err := l.get(context.Background())
	if err != nil {
		return display.Bundle{}, false
	}
	return ev.Inspect(code, cursor, detail)
}

func (l *lazy) IsComplete(code string) (string, string) {
	ev, err := l.get(context.Background())
	if err != nil {
		return "unknown", ""
	}
	return ev.IsComplete(code)
}

// Close closes the built evaluator when it implements io.Closer.
func (l *lazy) Close() error {
	<-l.ready
	if c, ok := l.ev.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
