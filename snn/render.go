package snn

import (
	"fmt"
	"html"
	"strings"
)

// Networks and spike records render themselves: String gives the text form and HTML an HTML
// fragment, the one-method interfaces through which a notebook shows a value (package
// display's Stringer and HTMLer), so that an environment that shows values needs to know no
// snn type.

// String summarises the network: time and step, synapses, clusters, and each population with
// its size and spike count, one population a line.
func (n *Network) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "snn.Network: t = %g ms (dt = %g ms), %d synapses, %d clusters",
		n.Time(), n.DT(), n.TotalSynapses(), n.Clusters().Count())
	for i := 0; i < n.NumPops(); i++ {
		id := PopID(i)
		fmt.Fprintf(&b, "\n  %s: %d neurons, %d spikes", n.PopName(id), n.Size(id), n.SpikeCount(id))
	}
	return b.String()
}

// HTML summarises the network as String does, with the populations as a table.
func (n *Network) HTML() string {
	var rows strings.Builder
	for i := 0; i < n.NumPops(); i++ {
		id := PopID(i)
		fmt.Fprintf(&rows, "<tr><td>%s</td><td>%d</td><td>%d</td></tr>",
			html.EscapeString(n.PopName(id)), n.Size(id), n.SpikeCount(id))
	}
	return fmt.Sprintf("<div><b>snn.Network</b>: t = %g ms (dt = %g ms), %d synapses, %d clusters"+
		"<table><tr><th>population</th><th>neurons</th><th>spikes</th></tr>%s</table></div>",
		n.Time(), n.DT(), n.TotalSynapses(), n.Clusters().Count(), rows.String())
}

// String summarises the record: the number of spikes and the time range they span.
func (s *Spikes) String() string {
	txt := fmt.Sprintf("snn.Spikes: %d spikes", s.Len())
	if s.Len() > 0 {
		lo, hi := s.Time[0], s.Time[0]
		for _, t := range s.Time {
			lo, hi = min(lo, t), max(hi, t)
		}
		txt += fmt.Sprintf(" between %g and %g ms", lo, hi)
	}
	return txt
}
