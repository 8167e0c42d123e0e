// Package notebooks holds gosnn's tutorial notebooks (the .ipynb files beside this file), the
// generator that builds them from readable sources in src/, and gosnn's one model of an
// .ipynb file, which `gosnn run` and the REPL's :load use too (package repl).
//
// The model (Notebook, Cell) is nbformat 4: ParseNotebook reads one, refusing anything else
// (not JSON, another nbformat version, a malformed cell) with an error that names the
// problem; ReadNotebookFile reads a file of at most MaxNotebookBytes, refusing a directory or
// a device. Metadata, cell metadata and attachments are kept verbatim. Notebook.Marshal
// writes it as Jupyter does (sorted keys, one-space indent, no HTML escaping, multiline
// strings as lists of lines, stream text and text outputs split into lines), giving every
// cell a unique id when the notebook is nbformat 4.5 or later or some cell has one;
// Notebook.WriteFile and WriteFileAtomic write atomically (temporary file in the same
// directory and rename).
//
// A source file src/NN-name.nb is a sequence of cells, each introduced by a marker line
// "%% markdown" or "%% code"; the lines up to the next marker are the cell's source, with
// leading and trailing blank lines dropped. Lines before the first marker are an error. Build
// turns a source (Parse, SourceCell) into a Notebook, nbformat 4.5 with deterministic cell
// ids (the notebook's base name and the cell number), the gosnn kernelspec (name "gosnn",
// language "go") and clean code cells, and returns its Notebook.Marshal JSON, so a notebook
// saved clean from Jupyter diffs minimally against the generated one.
//
// Regenerate every notebook with
//
//	go run ./notebooks/cmd/nbgen
//
// from the module root; a test checks that the committed notebooks match their sources. The
// tests also execute every notebook with `gosnn run` and, when Debian's python3-nbclient is
// installed, through the Jupyter kernel (see notebooks_test.go).
//
// Conventions in the notebooks: times in ms, rates in Hz unless a name says kHz, weights in
// pF (docs/MODEL.md section 4.1); data files of the authors are found by maesdata.Find, in the
// lookup order of package maesdata: $GOSNN_DATA, the user data directory (where
// `gosnn data fetch` installs them), then shared/data/maes2020 beside the checkout holding the
// working directory (the kernel's is the notebook's folder, gosnn run's where it is started).
package notebooks
