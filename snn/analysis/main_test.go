package analysis

import (
	"testing"

	"github.com/gosnn/gosnn/internal/testskip"
)

// TestMain prints one line summing up the tests skipped for missing data or tools.
func TestMain(m *testing.M) { testskip.Main(m) }

// TBurst lets the external benchmarks use tBurst.
var TBurst = tBurst

// TSortSpikes lets the external benchmarks use tSortSpikes.
var TSortSpikes = tSortSpikes

// Median lets the external tests use analysisMedian.
var Median = analysisMedian
