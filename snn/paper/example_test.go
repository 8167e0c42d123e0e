package paper_test

import (
	"fmt"

	"github.com/gosnn/gosnn/snn/paper"
)

// The entries of the catalogue, the runs and sweeps of two of them.
func ExampleSelect() {
	es, err := paper.Select([]string{"A7", "fig3"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range es {
		fmt.Println(e.ID, e.Runs, e.Sweeps, e.Beside)
	}
	_, err = paper.Select([]string{"A3"})
	fmt.Println(err != nil)
	// Output:
	// Fig3 [] [sizes-2400] [sizes sizes-budget]
	// A7 [replay-nc160 replay-nc160-s2 replay-nc160-s3] [] []
	// true
}
