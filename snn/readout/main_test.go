package readout

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
	"github.com/gosnn/gosnn/snn"
)

// TestMain prints one line summing up the tests skipped for missing data or tools.
func TestMain(m *testing.M) { testskip.Main(m) }

// sharedFile returns the path of a file of the authors' data (docs/MODEL.md Appendix A) found by
// maesdata.Find ($GOSNN_DATA, the user data directory, ../shared/data/maes2020 beside the
// checkout), skipping the test when it is absent. It is third-party data and never committed.
func sharedFile(t testing.TB, name string) string {
	t.Helper()
	return testskip.AuthorsFile(t, name)
}

func mustNet(t testing.TB, cfg snn.Config) *snn.Network {
	t.Helper()
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// smallNet is a 400 E + 100 I network with 5 clusters (as in the core's tests).
func smallNet(t testing.TB, threads int, seed uint64) *snn.Network {
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	cfg.Threads, cfg.Seed = threads, seed
	return mustNet(t, cfg)
}
