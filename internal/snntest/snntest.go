// Package snntest holds the network constructors that the tests of the packages beside the
// simulator core (snn/analysis, snn/audio, snn/protocol, snn/readout, snn/snnio, snn/snnplot)
// share. It is for tests only: it fails the test on an error instead of returning it.
package snntest

import (
	"testing"

	"github.com/gosnn/gosnn/snn"
)

// MustNet returns snn.New(cfg), failing the test on an error.
func MustNet(t testing.TB, cfg snn.Config) *snn.Network {
	t.Helper()
	n, err := snn.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// SmallNet returns a 400 E + 100 I network with 5 clusters of 80 and the default parameters
// otherwise (as in the core's tests), with the given threads and seed.
func SmallNet(t testing.TB, threads int, seed uint64) *snn.Network {
	t.Helper()
	cfg := snn.DefaultConfig()
	cfg.NE, cfg.NI, cfg.Clusters = 400, 100, 5
	cfg.Threads, cfg.Seed = threads, seed
	return MustNet(t, cfg)
}
