package session

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/gosnn/gosnn/display"
)

// TestReadmeAPISnippet runs the Go block under "## The API in brief" in README.md, as
// written, as a cell of a fresh session (issue #14 item 4): no import is needed and its last
// expression is shown as a figure.
func TestReadmeAPISnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the full network for 2 s of simulated time")
	}
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, sec, ok := strings.Cut(readme, "\n## The API in brief\n")
	if !ok {
		t.Fatal("README.md has no section \"The API in brief\"")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	_, block, ok := strings.Cut(sec, "```go\n")
	if !ok {
		t.Fatal("no ```go block in \"The API in brief\"")
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatal("unterminated ```go block")
	}
	s := newTestSession(t)
	res, err := s.Execute(context.Background(), block, nil)
	if err != nil {
		t.Fatalf("the README snippet fails: %v\n%s", err, block)
	}
	if res == nil || res.Data[display.MIMEPNG] == nil {
		t.Fatalf("the snippet's last expression is not shown as a figure: %v", res)
	}
	// The snippet ignores its errors: check them, and that the network ran and spiked.
	check := "err == nil && net.Time() >= 2000 && mon.Spikes().Len() > 0"
	if got := resultText(t, s, check); got != "true" {
		t.Errorf("%s = %s", check, got)
	}
}
