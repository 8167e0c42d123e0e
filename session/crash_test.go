package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a dying process leaves is read back once, as the next process (or a supervisor)
// would: the cell, the fatal error named even when the runtime's crash output lacks its
// first lines, and nothing after a clean Close.
func TestCrashLogRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name, cell, report string
		want               []string // substrings of the message; nil: no crash reported
	}{
		{"clean", "", "", nil},
		{"killed in a cell", "[4]\nx := 1\ny := 2", "", []string{"died while running cell [4]:\n    x := 1\n    y := 2\n", "killed without a Go fatal error"}},
		{"stack overflow", "[2]\nf(0)", "\nruntime stack:\nruntime.throw({0x1?, 0x2?})\n\t/go/src/runtime/panic.go:1229 +0x48\nruntime.newstack()\n\t/go/src/runtime/stack.go:1207\n\ngoroutine 13 [running]:\n",
			[]string{"cell [2]:\n    f(0)\n", "fatal error: stack overflow", "whole report: "}},
		{"out of memory", "[3]\nb := make([]byte, 1<<40)", "\nruntime stack:\nruntime.throw({0x1?, 0x2?})\n\tx.go:1\nruntime.sysMapOS(0x1, 0x2, {0x3, 0x4})\n\tx.go:2\n",
			[]string{"fatal error: out of memory"}},
		{"concurrent map writes", "[5]\ngo f()", "\ngoroutine 31 [running]:\ninternal/runtime/maps.fatal({0x13725b7?, 0x0?})\n\tx.go:1\nreflect.mapassign0(0x1, 0x2)\n\tx.go:2\n",
			[]string{"fatal error: concurrent map access", "reflect.mapassign0"}},
		{"panic between cells", "", "panic: boom\n\ngoroutine 7 [running]:\nmain.f()\n", []string{"died between cells", "panic: boom"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := filepath.Join(t.TempDir(), "k")
			if tc.cell != "" {
				os.WriteFile(base+".cell", []byte(tc.cell), 0o600)
			}
			os.WriteFile(base+".fatal", []byte(tc.report), 0o600)
			c, err := ReadCrash(base)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if c != nil {
					t.Fatalf("crash %+v reported", c)
				}
				return
			}
			if c == nil {
				t.Fatal("no crash reported")
			}
			msg := c.Message("the process")
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			if again, _ := ReadCrash(base); again != nil {
				t.Errorf("reported twice: %+v", again)
			}
		})
	}
}

// Begin and End keep the running cell's record; Close leaves nothing to report.
func TestCrashLogRecords(t *testing.T) {
	base := filepath.Join(t.TempDir(), "k")
	l, prev, err := OpenCrashLog(base)
	if err != nil {
		t.Fatal(err)
	}
	if prev != nil {
		t.Errorf("previous crash %+v in a new directory", prev)
	}
	if _, _, err := OpenCrashLog(base + "2"); err == nil {
		t.Error("a second crash log opened")
	}
	record := func() string {
		b, err := os.ReadFile(base + ".cell")
		if err != nil {
			t.Fatal(err)
		}
		return parseCellRecord(b)
	}
	for _, c := range []struct{ label, code string }{
		{"[7]", "for {}"},
		{"[8]", strings.Repeat("x := 1\n", 100)},
		{"[9]", "y"}, // shorter than the record before it
		{"[10]\nx", ""},
	} {
		want := strings.ReplaceAll(c.label, "\n", " ") + "\n" + c.code
		if got := record(); got != "" {
			t.Errorf("record before Begin(%q): %q", c.label, got)
		}
		l.Begin(c.label, c.code)
		if got := record(); got != want {
			t.Errorf("record of Begin(%q, %q) = %q", c.label, c.code, got)
		}
		l.End()
		if got := record(); got != "" {
			t.Errorf("record after End: %q", got)
		}
	}
	// A process that dies in a cell leaves it to the next.
	l.Begin("[11]", "f()")
	if c, err := ReadCrash(base); err != nil || c == nil || c.Cell != "[11]" || c.Code != "f()" {
		t.Errorf("crash in a cell read as %+v, %v", c, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := ReadCrash(base); c != nil || err != nil {
		t.Errorf("after Close: %+v, %v", c, err)
	}
}

// parseCellRecord reads back what Begin writes whatever the bytes after it, and any file
// without panicking.
func FuzzParseCellRecord(f *testing.F) {
	f.Add("[1]\nx := 1", []byte("junk"))
	f.Add("", []byte(""))
	f.Add("[2]\n"+strings.Repeat("y", 40), []byte("gosnn-cell 000000000099\n"))
	f.Fuzz(func(t *testing.T, rec string, tail []byte) {
		b := append(append(cellHeader(len(rec)), rec...), tail...)
		if got := parseCellRecord(b); got != rec {
			t.Errorf("record %q with tail %q read as %q", rec, tail, got)
		}
		idle := append([]byte(cellIdle), rec...)
		if got := parseCellRecord(idle); got != "" {
			t.Errorf("idle file read as %q", got)
		}
		parseCellRecord(tail)
	})
}

func FuzzFatalHead(f *testing.F) {
	f.Add("runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n\nruntime stack:\n")
	f.Add("\nruntime stack:\nruntime.throw({0x1?})\n\tx.go:1\nruntime.newstack()\n")
	f.Add("panic: x\n[signal SIGSEGV]\n\ngoroutine 1 [running]:\n")
	f.Fuzz(func(t *testing.T, report string) {
		h := fatalHead(report)
		if h == "" || strings.Count(h, "\n") >= 8 {
			t.Errorf("fatalHead(%q) = %q", report, h)
		}
	})
}

// BenchmarkCrashLogCell measures recording one cell's start and end, done for every cell the
// kernel runs.
func BenchmarkCrashLogCell(b *testing.B) {
	base, err := CrashBase(filepath.Join(b.TempDir(), "kernel.json"))
	if err != nil {
		b.Fatal(err)
	}
	l, _, err := OpenCrashLog(base)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < b.N; i++ {
		l.Begin("[1]", "1")
		l.End()
	}
}
