// Package analysis measures what a network of package snn does and what it has learned: firing
// rates (PopulationRate, ClusterRates, BinnedRate, ClusterRateTraces), cluster activations and
// spontaneous replay (DetectActivations, AnalyzeReplay, ReplayFromActivations, OrderFraction;
// docs/MODEL.md section 8), timing variability (CycleTimes, TimingVariability), and the
// structure of trained weights (EEBlockMeans, ChainBlockMeans, ClusterBlockMatrix,
// EEInputStats, SummarizeWeights, IEWeightSummary, SignedSpectrum, ReducedWeights and
// ReducedSpectrum (the authors' plain block means; ReducedWeightsWith and ReducedSpectrumWith
// for the TotalInput variant, docs/MODEL.md section 9 item 22), MatrixCorrelation), and the
// three-node toy model of the paper's Fig 7 (ThreeNodeToy).
//
// It imports the core (package snn, for Spikes and Clusters) and gonum, never prints, and keeps
// no package-level mutable state; the core does not import it.
//
// # Conventions
//
// Times are in ms; rates returned by this package are in Hz (per neuron) unless a name says
// otherwise. Spike records hold global neuron indices (E first, then I, as in snn). Weight
// matrices are post × pre with the E neurons first (docs/MODEL.md 4.2). Errors start with
// "analysis: " and name the offending argument; a data problem returns an error, never a
// panic.
package analysis
