package repl

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests drive a real terminal: tmux runs the REPL binary in a detached 120x40 pane,
// keys go in with send-keys and the screen comes back with capture-pane. Every wait polls
// the screen against a deadline; nothing depends on fixed sleeps.

const tmuxTimeout = 20 * time.Second

type tmuxTerm struct {
	t    *testing.T
	sock string
	name string
}

func needTmux(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("tmux")
	needTool(t, err == nil, "tmux", "apt-get install -y tmux")
}

var tmuxSeq struct {
	sync.Mutex
	n int
}

// startTmux runs the shell command line in a new detached tmux server of its own; the
// server is killed when the test ends.
func startTmux(t *testing.T, cmdline string) *tmuxTerm {
	t.Helper()
	needTmux(t)
	tmuxSeq.Lock()
	tmuxSeq.n++
	n := tmuxSeq.n
	tmuxSeq.Unlock()
	m := &tmuxTerm{t: t, sock: fmt.Sprintf("gosnn-test-%d-%d", os.Getpid(), n), name: "repl"}
	m.run("new-session", "-d", "-x", "120", "-y", "40", "-s", m.name, cmdline)
	m.run("set-option", "-t", m.name, "history-limit", "5000")
	t.Cleanup(func() { exec.Command("tmux", "-L", m.sock, "kill-server").Run() })
	return m
}

func (m *tmuxTerm) run(args ...string) string {
	m.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", m.sock}, args...)...).CombinedOutput()
	if err != nil {
		m.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Tab, C-c, Up, ...).
func (m *tmuxTerm) keys(keys ...string) {
	m.t.Helper()
	m.run(append([]string{"send-keys", "-t", m.name}, keys...)...)
}

// text types s literally.
func (m *tmuxTerm) text(s string) {
	m.t.Helper()
	m.run("send-keys", "-t", m.name, "-l", s)
}

// line types s and Enter.
func (m *tmuxTerm) line(s string) {
	m.t.Helper()
	m.text(s)
	m.keys("Enter")
}

// screen returns the pane with its scrollback, trailing blank lines removed.
func (m *tmuxTerm) screen() string {
	m.t.Helper()
	return strings.TrimRight(m.run("capture-pane", "-p", "-J", "-S", "-5000", "-t", m.name), "\n ")
}

// waitFor polls the screen until re matches it and returns the screen.
func (m *tmuxTerm) waitFor(re string) string {
	m.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(tmuxTimeout)
	for {
		s := m.screen()
		if rx.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("timed out waiting for %q; screen:\n%s", re, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// seen reports whether re matches the screen within d.
func (m *tmuxTerm) seen(re string, d time.Duration) bool {
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if rx.MatchString(m.screen()) {
			return true
		}
	}
	return false
}

// interrupt presses Ctrl-C during a running cell and waits for re. A Ctrl-C that reaches the
// terminal while the line editor still holds it in raw mode is read as input, not turned into
// SIGINT (a known race of liner under heavy load; a user presses again): the test presses
// once more then, and logs it. Two presses stay below the three that force an exit.
func (m *tmuxTerm) interrupt(re string) {
	m.t.Helper()
	m.keys("C-c")
	if m.seen(re, 5*time.Second) {
		return
	}
	m.t.Logf("first Ctrl-C did not interrupt within 5 s; pressing again. Screen:\n%s", m.screen())
	m.keys("C-c")
	m.waitFor(re)
}

// waitPrompt waits until the screen ends with an empty first-line prompt.
func (m *tmuxTerm) waitPrompt() string {
	m.t.Helper()
	return m.waitFor(`(?m)^gosnn> ?$`) // capture-pane drops trailing blanks
}

// replCommand is the shell command line that runs bin with args and then reports its exit
// status, keeping the pane open.
func replCommand(bin string, args ...string) string {
	q := []string{shellQuote(bin)}
	for _, a := range args {
		q = append(q, shellQuote(a))
	}
	return strings.Join(q, " ") + "; echo EXIT=$?; sleep 600"
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func startFakeREPL(t *testing.T, hist string) *tmuxTerm {
	t.Helper()
	needTmux(t)
	bin := fakeBinary(t)
	if hist == "" {
		hist = "off"
	}
	m := startTmux(t, replCommand(bin, "repl", "-history", hist, "-figures", t.TempDir()))
	m.waitPrompt()
	return m
}

func TestTmuxMultiLine(t *testing.T) {
	m := startFakeREPL(t, "")
	m.line("func f() {")
	m.waitFor(`(?m)^  \.\.\.>`)
	m.line("print one")
	m.waitFor(`(?m)^  \.\.\.>     print one$`) // typed after the suggested indent
	m.line("}")
	m.line("f()")
	s := m.waitFor(`(?m)^one$`)
	if strings.Count(s, "...>") != 2 {
		t.Errorf("want two continuation prompts:\n%s", s)
	}
}

func TestTmuxCompletion(t *testing.T) {
	m := startFakeREPL(t, "")
	m.line("longname := 5")
	m.waitPrompt()
	m.text("long")
	m.keys("Tab")
	m.waitFor(`(?m)^gosnn> longname$`)
	m.keys("Enter")
	m.waitFor(`(?m)^5$`)
	m.text("x := Pri")
	m.keys("Tab", "Tab")
	m.waitFor(`Printf\s+Println`)
}

func TestTmuxHistoryAcrossRestarts(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "state", "history")
	m := startFakeREPL(t, hist)
	m.line("print remembered")
	m.waitFor(`(?m)^remembered$`)
	m.keys("C-d")
	m.waitFor(`EXIT=0`)
	data, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(data), "print remembered\n") {
		t.Fatalf("history file: %q, %v", data, err)
	}
	m = startFakeREPL(t, hist)
	m.keys("Up")
	m.waitFor(`(?m)^gosnn> print remembered$`)
	m.keys("Enter")
	m.waitFor(`(?m)^remembered$`)
}

func TestTmuxInterrupt(t *testing.T) {
	m := startFakeREPL(t, "")
	m.line("x := 7")
	m.waitPrompt()
	m.line("sleep")
	m.waitFor(`step \d+`)
	m.interrupt(`Interrupted`)
	m.waitPrompt()
	m.line("x")
	m.waitFor(`(?m)^7$`)
	// At the prompt, Ctrl-C clears the line instead.
	m.text("garbage")
	m.keys("C-c")
	m.line("print ok")
	s := m.waitFor(`(?m)^ok$`)
	if strings.Contains(s, "undefined: garbage") {
		t.Errorf("Ctrl-C at the prompt did not clear the line:\n%s", s)
	}
	m.keys("C-d")
	m.waitFor(`EXIT=0`)
}

func TestTmuxProgressRedrawn(t *testing.T) {
	m := startFakeREPL(t, "")
	m.line("progress 40")
	s := m.waitFor(`\] 100% step 40`)
	if strings.Contains(s, "step 20\n") || strings.Count(s, "% step") != 1 {
		t.Errorf("progress was not redrawn in place:\n%s", s)
	}
}
