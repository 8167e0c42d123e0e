package session

import (
	"context"
	"errors"
	"testing"
)

// TestLanguageLimits pins what the interpreter (yaegi v0.16.1) does not support, as
// documented in the README. When an upgrade lifts a limit, the case fails: update the
// documentation and this table together.
func TestLanguageLimits(t *testing.T) {
	tests := []struct {
		name    string
		setup   string
		code    string
		wantErr bool   // the cell fails (the feature is missing)
		want    string // else: text/plain of the result
	}{
		{name: "range over int", code: "n := 0\nfor i := range 3 { n += i }\nn", wantErr: true},
		{name: "min builtin", code: "min(1, 2)", wantErr: true},
		{name: "max builtin", code: "max(1, 2)", wantErr: true},
		{name: "clear builtin", code: "m := map[int]int{1: 1}\nclear(m)", wantErr: true},
		// yaegi ships the source of slices, maps and cmp and interprets them.
		{name: "generic slices package", code: "import \"slices\"\nslices.Contains([]int{1}, 1)", want: "true"},
		// yaegi extract skips generic functions of compiled packages (sync.OnceValue here;
		// the same holds for any generic function in snn, gonum or plot).
		{name: "generic function from a compiled package", code: "import \"sync\"\nf := sync.OnceValue(func() int { return 1 })", wantErr: true},
		{name: "old loop variable semantics",
			code: "var fs []func() int\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\nfs[0]()",
			want: "3"},
		{name: "redefined type keeps its first definition",
			setup: "type T struct{ A int }",
			code:  "type T struct{ B string }\nT{A: 5}", want: "{5}"},
		// At the top level of a cell, a multi-value := inside a block loses its names
		// (inside a function it works): declare with var first.
		{name: "multi-value := in a top-level block",
			setup: "func two() (int, int) { return 1, 2 }",
			code:  "n := 0\nif true { a, b := two(); n = a + b }\nn", wantErr: true},
		{name: "multi-value := inside a function works",
			setup: "func two() (int, int) { return 1, 2 }",
			code:  "func sum() int { a, b := two(); return a + b }\nsum()", want: "3"},
		// At the top level of a cell, := in a block that shadows an earlier cell's variable
		// with another type panics; inside a function it works.
		{name: "top-level block shadowing with another type",
			setup: "var zz *snn.Spikes",
			code:  "n := 0\nif true { zz := make([]int, 2); n = len(zz) }\nn", wantErr: true},
		{name: "shadowing with another type inside a function works",
			setup: "var zz *snn.Spikes",
			code:  "func f() int { zz := make([]int, 2); return len(zz) }\nf()", want: "2"},
		{name: "interpreted generics work", code: "func id[V any](v V) V { return v }\nid(7)", want: "7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t)
			if tc.setup != "" {
				mustRun(t, s, tc.setup)
			}
			res, err := s.Execute(context.Background(), tc.code, nil)
			if tc.wantErr {
				var ue *Error
				if !errors.As(err, &ue) {
					t.Fatalf("got result %v, err %v; want a user error (limit lifted? update the docs)", res, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if res == nil || res.Data["text/plain"] != tc.want {
				t.Fatalf("result %v, want %q", res, tc.want)
			}
		})
	}
}
