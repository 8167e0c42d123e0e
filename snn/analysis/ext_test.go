package analysis_test

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// sharedFile returns the path of a file of the authors' data (docs/MODEL.md Appendix A) found by
// maesdata.Find ($GOSNN_DATA, the user data directory, ../shared/data/maes2020 beside the
// checkout), skipping the test when it is absent. It is third-party data and never committed.
func sharedFile(t testing.TB, name string) string {
	t.Helper()
	return testskip.AuthorsFile(t, name)
}
