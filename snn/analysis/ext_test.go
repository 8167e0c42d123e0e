package analysis_test

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// sharedFile returns the path of a file of the authors' data (see main_test.go).
func sharedFile(t testing.TB, name string) string {
	t.Helper()
	return testskip.AuthorsFile(t, name)
}
