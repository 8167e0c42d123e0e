// Package snnio reads and writes the files of gosnn: weight matrices, recorded results and the
// network's weights in resumable snapshots.
//
// Weights: LoadWeights and SaveWeights read and write .mat (MAT v5, compressed, variable
// "W"), .npy (float64, C order) and delimited text, post × pre in memory (io.go); ReadMatFile,
// ReadNpyFile and ReadTextFile give the lower-level contents. WriteWeightsNpy and
// ReadWeightsNpy write and read the full recurrent weight matrix of a network row by row,
// without a dense copy (the snapshots of package protocol). Results: SaveSpikes, SaveRates
// (a snn.RateTable, from RateMonitor.Table or TracesTable) and SaveActivations write CSV with
// a header line or a 2-d float64 .npy, chosen by extension, and LoadSpikes, LoadRates and
// LoadActivations read them back (export.go). Times in those files are snapped to the step
// grid (SnapTime: 212 × 0.1 ms is written 21.2, never 21.200000000000003). NumPy (np.load,
// np.loadtxt, np.genfromtxt) and SciPy (scipy.io.loadmat) read every one of them;
// TestExportPythonInterop checks it. All writes are atomic (internal/atomicfile: a temporary
// file in the same directory, synced, then renamed).
//
// It imports the core (package snn), package analysis (for Activation) and
// internal/atomicfile, never prints, and keeps no package-level mutable state; neither snn nor
// analysis imports it. Errors start with "snnio: " and
// name the file.
package snnio
