// Package notebooks holds gosnn's tutorial notebooks (the .ipynb files beside this file) and
// the generator that builds them from readable sources in src/.
//
// A source file src/NN-name.nb is a sequence of cells, each introduced by a marker line
// "%% markdown" or "%% code"; the lines up to the next marker are the cell's source, with
// leading and trailing blank lines dropped. Lines before the first marker are an error. Build
// turns a source into nbformat 4.5 JSON with deterministic cell ids (the notebook's base name
// and the cell number) and the gosnn kernelspec (name "gosnn", language "go"), laid out as
// Jupyter writes it (one-space indent, sorted keys, no HTML escaping), so a notebook saved
// clean from Jupyter diffs minimally against the generated one.
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
// pF (MODEL.md section 4.1); data files of the authors are looked up in $GOSNN_DATA, then
// ../../shared/data/maes2020 (the kernel's working directory is the notebook's folder) and
// ../shared/data/maes2020 (gosnn run's working directory is where it is started, usually the
// module root).
package notebooks
