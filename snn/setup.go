package snn

import (
	"math"
)

// Setup bundles a network configuration with the plasticity rules of a training run
// (docs/MODEL.md sections 4-5), so that one call builds a network ready for protocol.Run.
type Setup struct {
	Config Config
	EE     VoltageSTDP    // E→E vSTDP (5.1)
	IE     InhibitorySTDP // I→E iSTDP (5.2)
	Norm   Normalization  // E→E normalisation (5.3)
	// Host, when set, is attached (SetHost) to every network Build returns. The interactive
	// session sets it in the setups that the functions called in a cell return, so that a
	// network built by compiled code reports progress and stops on an interrupt too.
	Host Host `json:"-" display:"-"`
}

// PaperSetup returns the published network (30 clusters of 80) and rules.
func PaperSetup() Setup {
	return Setup{Config: DefaultConfig(), EE: DefaultEEPlasticity(), IE: DefaultIEPlasticity(), Norm: DefaultNormalization()}
}

// ReducedSetup returns a small network that learns in minutes instead of hours, a documented
// preset for tests, demonstrations and notebooks (not the model's default):
//
//   - ReducedConfig(k, size): k clusters of size E neurons with the in-cluster in-degree of
//     the paper (p·size = 16) and weights scaled by the in-degree;
//   - the E→E LTP amplitude ×20 (A_LTP = 1.6e-2);
//   - the E→E upper bound (vSTDP and normalisation) scaled like the summed input weight that
//     normalisation preserves, WMax = 32.68·sqrt(p·NE/480), so that a saturated cluster takes
//     the same share of a neuron's input budget as in the paper and room is left for the
//     forward links (with the paper's bound the within-cluster weights would use up the
//     budget of a small network). Everything else is docs/MODEL.md.
//
// ReducedSetup(30, 20) (600 E, 150 I; every in-degree as in the paper, so the bounds are the
// paper's) learns in 120 s of training and 40 s of plastic spontaneous activity what the
// paper's network learns in two hours: within ≈ 30, forward ≈ 12.5-14, backward ≈ 2.8-3.1,
// other ≈ 1.48 (docs/MODEL.md A2: 29.2, 10.1, 3.5, 1.454), with spontaneous replay in the
// trained order (TestLearnChain). With A_LTP ×10 and 200 s of training one seed in three
// lost its forward structure during training; ×20 with the shorter training was stable
// over the seeds tried.
func ReducedSetup(k, size int) Setup {
	c := ReducedConfig(k, size)
	s := PaperSetup()
	s.Config = c
	s.EE.ALTP *= 20
	wmax := 32.68 * math.Sqrt(c.EtoE.P*float64(c.NE)/480)
	s.EE.WMax, s.Norm.WMax = wmax, wmax
	return s
}

// ClusterSizeSetup returns the settings with which the authors trained their cluster-size
// variants of the network (docs/MODEL.md section 4.2 and section 9 item 24): N_E = 2400 and
// N_I = 600 as in the paper, in 2400/size clusters of size E neurons, with
//
//   - connection probability p = 16/size on all four pathways (DefaultConfig().WithClusterSize);
//   - the E→E initial weight 2.83·sqrt(0.2/p) (4.0 pF for size 160), the E→E bounds of the
//     paper [1.45, 32.68] (the authors' nc160 matrix spans exactly this range);
//   - the E→I (1.96 pF) and I→I (20.91 pF) weights not rescaled, as in the authors' data;
//   - the I→E initial weight 62.87 pF not rescaled either: the authors' files cannot show the
//     initial value of this plastic pathway, and section 4.2 rescales only E→E, so gosnn keeps
//     the paper's value, which lies inside the bounds below;
//   - the I→E bounds [40, 200] (InhibitorySTDP.WMin/WMax) instead of [48.7, 243];
//   - the paper's plasticity otherwise, with the paper's LTP amplitude (not ReducedSetup's ×20).
//
// ClusterSizeSetup(160) is the preset of the authors' 15 × 160 matrix (FF60b_2400_nc160.mat,
// "nc160"), ClusterSizeSetup(200) that of their nc200 matrix. A size that does not divide
// 2400 gives a Config that Validate (and Build) reject.
func ClusterSizeSetup(size int) Setup {
	s := PaperSetup()
	s.Config = DefaultConfig().WithClusterSize(size)
	s.IE.WMin, s.IE.WMax = 40, 200
	return s
}

// Build returns a new network with the setup's rules attached (plasticity off until a
// protocol phase or SetPlastic switches it on).
func (s Setup) Build() (*Network, error) {
	n, err := New(s.Config)
	if err != nil {
		return nil, err
	}
	if err := n.SetVoltageSTDP(ProjEtoE, s.EE); err != nil {
		return nil, err
	}
	if err := n.SetInhibitorySTDP(ProjItoE, s.IE); err != nil {
		return nil, err
	}
	if err := n.SetNormalization(ProjEtoE, s.Norm); err != nil {
		return nil, err
	}
	n.SetHost(s.Host)
	return n, nil
}

// ReducedConfig returns a small version of the network with k clusters of size E neurons:
// NE = k·size, NI = NE/4, connection probability p = min(16/size, 1) on all four pathways
// (the authors' cluster-size variants keep p·size = 16, docs/MODEL.md 4.2), and every initial
// weight scaled by sqrt(paper in-degree / new in-degree) (the 1/sqrt rule of Config.Scaled
// applied to in-degrees). ReducedConfig(30, 80) is DefaultConfig.
func ReducedConfig(k, size int) Config {
	c := DefaultConfig()
	c.NE, c.NI, c.Clusters = k*size, k*size/4, k
	if size <= 0 || k <= 0 {
		return c // Validate reports it
	}
	p := math.Min(16/float64(size), 1)
	fe := math.Sqrt(0.2 * 2400 / (p * float64(c.NE)))
	fi := math.Sqrt(0.2 * 600 / (p * float64(max(c.NI, 1))))
	c.EtoE = Pathway{P: p, W: c.EtoE.W * fe}
	c.EtoI = Pathway{P: p, W: c.EtoI.W * fe}
	c.ItoE = Pathway{P: p, W: c.ItoE.W * fi}
	c.ItoI = Pathway{P: p, W: c.ItoI.W * fi}
	return c
}
