// Package snnplot draws one-call figures of snn results with gonum/plot: spike rasters with
// clusters coloured, population and per-cluster rates, weight-matrix and block-mean heatmaps,
// read-out activity against its target, and eigenvalue spectra. It is the only snn package
// that imports gonum/plot; snn itself never draws.
//
// # Conventions
//
//   - Time is in ms, rates in Hz per neuron, weights in pF (the paper's unit, docs/MODEL.md
//     section 4.1). Axis labels say so.
//   - Neuron indices are global network indices, E neurons first, then I (snn.Spikes). Weight
//     matrices are post x pre: row i is the postsynaptic neuron, column j the presynaptic one
//     (docs/MODEL.md section 4.2). Heatmaps of matrices put row 0 at the top; heatmaps of time
//     series (cluster rates, read-out) put element 0 at the bottom, like the raster.
//   - Index axes of heatmaps (matrix rows and columns, clusters, read-out neurons) have one
//     data unit per cell, cell i spanning [i, i+1), and their tick labels sit on the cell
//     centres (i + 0.5).
//   - Clusters are numbered from 1 in every figure (BlockMeans, ClusterRateMap,
//     MonitorClusterRateMap, Replay), as in the paper, docs/MODEL.md and the notebooks' text:
//     cluster k of a figure is snn's cluster index k-1 (snn.Clusters, analysis.Activation.Cluster).
//     Neurons, including read-out neurons, keep their 0-based snn indices.
//   - Frequencies are in kHz with the lowest at the bottom, in Spectrogram and in read-out
//     figures given the frequency of each element (ReadoutOptions.Freqs), whatever the order
//     of the rows (the song supervisor's run from high to low): a song reads the same way up
//     in all of them.
//   - Every figure function takes its data as plain values (snn.Spikes, snn.Clusters,
//     mat.Matrix, []complex128) and an options struct whose zero value gives a sensible figure.
//     It never modifies its arguments and keeps no reference to them after it returns, except
//     that the returned plot may hold the data to be drawn.
//   - Single-panel figures are returned as *plot.Plot, to be tuned and saved with gonum/plot
//     as usual. Figures with several panels or a colour bar are returned as *Figure, which
//     aligns its panels and renders with PNG, SVG, WriterTo and Save.
//   - Malformed data (mismatched lengths, negative indices, NaN times, empty matrices) and
//     inconsistent options give an error prefixed "snnplot: "; nothing panics on bad input.
//   - Save writes atomically (temporary file, sync, rename).
//
// # Figures
//
//   - Raster, NetworkRaster: spikes, clusters coloured, time window and neuron range.
//   - PopulationRates, ClusterRates, ClusterRateMap: binned, Gaussian-smoothed rates from a
//     spike record (the traces of analysis.ClusterRateTraces, which the replay analysis uses);
//     MonitorRates and MonitorClusterRateMap draw an snn.RateMonitor. RateOptions.Activations
//     marks detected cluster activations (analysis.DetectActivations) on the cluster figures.
//   - Weights, BlockMeans, Heatmap: matrices (block-averaged when large), cluster
//     boundaries, K x K block means (analysis.ClusterBlockMatrix).
//   - Readout: a read-out target pattern above the read-out activity, aligned in time; Rows
//     adapts [][]float64 patterns and rates (rows[element][column]) without copying;
//     PatternReadout draws a readout.Layer replay against its pattern laid from the detected
//     cycle starts, and ReadoutWeights the learned E->R weights with cluster boundaries.
//   - ReadoutRows: the paper's Fig 4 layout, one row per read-out element with its target and
//     its replay side by side, marks (a synapse deletion) and the read-out raster;
//     ReadoutSelection: replays in which inhibition selected one sequence, inhibited neurons
//     shaded.
//   - Spectrogram: an audio.Spectrogram in dB, time against frequency in kHz.
//   - Spectrum, SpectrumOf: eigenvalues in the complex plane (analysis.SignedSpectrum and
//     analysis.ReducedSpectrum compute them for weight matrices).
//   - Replay: cluster activations and in-order transitions from analysis.AnalyzeReplay.
//   - Figure, Column, Beside, Save, SaveAs, Encode: compose panels (Beside puts whole figures
//     side by side) and write PNG, SVG, PDF, ...; SaveAs(p, "raster", "png", "svg", "pdf")
//     writes one file per format in one call, and a *Figure is a display.Encoder
//     (Figure.Encode), so gosnn run --figure-format writes the figures a notebook shows in
//     each format.
//
// # Colours
//
// ClusterColor gives each cluster a colour from a perceptual palette whose neighbouring
// entries differ strongly in hue and lightness; it cycles without repeating for any
// practical cluster count (30 or 80). E neurons outside clusters are grey
// (UnclusteredColor), I neurons dark slate (InhibitoryColor). Heatmaps use a perceptually
// uniform sequential map (white for the lowest value) or, for data with both signs, a
// diverging blue-white-red map centred on 0.
//
// # Speed
//
// Raster draws dots with a dedicated plotter that merges spikes landing on the same dot and
// fills them in chunked paths, one colour at a time. Measured in CPU time per figure on the
// 2-core development machine: drawing 50k spikes takes about 25 ms, 3 to 7 times less than
// with plotter.Scatter glyphs (90 to 170 ms over several runs), and a complete 16 x 10 cm PNG
// of 50k (200k) spikes about 45 (80) ms
// (BenchmarkRaster*, BenchmarkRasterDrawMedium, BenchmarkScatterDrawMedium). Heatmaps
// block-average matrices to at most 600 cells per side (HeatOptions.MaxPixels) and draw them
// as one image: a 3000x3000 weight matrix becomes a PNG in about 70 ms (BenchmarkWeights3000).
// PNGs are written with fast compression.
//
// # Tests
//
// Golden images of every figure, drawn from seeded synthetic data, live in testdata/golden;
// after an intended change, regenerate them with
//
//	go test ./snn/snnplot -run Golden -update
//
// and look at the new images before committing them. The comparison tolerates small
// antialiasing differences (see pixelTol in golden_test.go).
package snnplot
