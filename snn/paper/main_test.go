package paper

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// TestMain prints one line summing up the tests skipped for missing data or tools.
func TestMain(m *testing.M) { testskip.Main(m) }
