//go:build linux

package slurmtest

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

func TestMain(m *testing.M) { testskip.Main(m) }

func TestSmoke(t *testing.T) {
	c := Start(t)
	t.Logf("ready in %v dir %s", c.Ready, c.Dir)
	out, err := c.Run("sinfo")
	t.Log(out, err)
	t.Log(c.Processes())
}
