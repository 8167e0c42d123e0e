package snn

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedFile returns the path of a file of the authors' data (MODEL.md Appendix A), which lives
// in ../shared/data/maes2020 beside the module root. The test is skipped, with a message saying
// where the file was looked for, when it is absent. It is third-party data and never committed.
func sharedFile(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("go.mod not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "data", "maes2020", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("authors' data file %s is absent (get it from ModelDB accession 257609 and put it in ../shared/data/maes2020 beside the checkout): %v", name, err)
	}
	return p
}
