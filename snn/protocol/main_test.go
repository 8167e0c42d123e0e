package protocol

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/snn"
)

// TestMain prints one line summing up the tests skipped for missing data or tools.
func TestMain(m *testing.M) { testskip.Main(m) }

func mustNet(t testing.TB, cfg snn.Config) *snn.Network {
	t.Helper()
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
