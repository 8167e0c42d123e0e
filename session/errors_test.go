package session

import (
	"context"
	"strings"
	"testing"
)

func TestErrorTracebacks(t *testing.T) {
	s := newTestSession(t)
	tests := []struct {
		code, name string
		tb         []string // substrings, one per traceback line in order
	}{
		{"x := 1\nundefinedFunc(x)", ErrCompile, []string{"line 2: undefined: undefinedFunc"}},
		{"min(1, 2)", ErrCompile, []string{"undefined: min", "hint: the min and max builtins"}},
		{"for i := range 2 {\n_ = i\n}", ErrCompile, []string{"nil type", "hint: the interpreter does not support range over an integer"}},
		{"func boom() { panic(\"deep\") }\nboom()", ErrPanic, []string{"panic: deep"}},
		{"x := ", ErrCompile, []string{"expected"}},
	}
	for _, tc := range tests {
		_, err := s.Execute(context.Background(), tc.code, nil)
		ue, ok := err.(*Error)
		if !ok {
			t.Errorf("%q: err = %v, want *Error", tc.code, err)
			continue
		}
		if ue.ErrorName() != tc.name {
			t.Errorf("%q: name %q, want %q", tc.code, ue.ErrorName(), tc.name)
		}
		tb := ue.ErrorTraceback()
		if len(tb) < len(tc.tb) {
			t.Errorf("%q: traceback %q, want at least %d lines", tc.code, tb, len(tc.tb))
			continue
		}
		for i, w := range tc.tb {
			if !strings.Contains(tb[i], w) {
				t.Errorf("%q: traceback line %d = %q, want it to contain %q", tc.code, i, tb[i], w)
			}
		}
		if ue.Error() != ue.Value || strings.HasPrefix(ue.Error(), tc.name) {
			t.Errorf("Error() = %q: want the message alone (%q)", ue.Error(), ue.Value)
		}
	}
}
