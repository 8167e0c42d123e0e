package snn

import (
	"strconv"
	"strings"
	"testing"
)

// TestRender: networks and spike records render themselves (String, HTML) with what a
// notebook shows: populations with sizes and spike counts, spike counts and time ranges.
func TestRender(t *testing.T) {
	n := smallNet(t, 1, 1)
	n.AddPopulation("R<1>", DefaultReadout(), 3, Drive{})
	if err := n.Run(20); err != nil {
		t.Fatal(err)
	}
	e := n.SpikeCount(PopE)
	tests := []struct {
		name, got string
		want      []string
	}{
		{"Network.String", n.String(), []string{"snn.Network: t = 20 ms (dt = 0.1 ms)", "\n  R<1>: 3 neurons, 0 spikes",
			"\n  E: 400 neurons, " + strconv.FormatInt(e, 10) + " spikes"}},
		{"Network.HTML", n.HTML(), []string{"<b>snn.Network</b>: t = 20 ms", "<tr><td>R&lt;1&gt;</td><td>3</td><td>0</td></tr>",
			"<tr><td>E</td><td>400</td><td>" + strconv.FormatInt(e, 10) + "</td></tr>"}},
		{"Spikes.String", (&Spikes{Time: []float64{3, 1.5, 7}, Neuron: []int32{0, 1, 0}}).String(),
			[]string{"snn.Spikes: 3 spikes between 1.5 and 7 ms"}},
		{"empty Spikes.String", (&Spikes{}).String(), []string{"snn.Spikes: 0 spikes"}},
	}
	for _, tc := range tests {
		for _, w := range tc.want {
			if !strings.Contains(tc.got, w) {
				t.Errorf("%s = %q, lacks %q", tc.name, tc.got, w)
			}
		}
	}
	if strings.Contains((&Spikes{}).String(), "between") {
		t.Error("an empty record names a time range")
	}
}
