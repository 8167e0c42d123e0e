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
// pF (docs/MODEL.md section 4.1); data files of the authors are found by maesdata.Find, in the
// lookup order of package maesdata: $GOSNN_DATA, the user data directory (where
// `gosnn data fetch` installs them), then shared/data/maes2020 beside the checkout holding the
// working directory (the kernel's is the notebook's folder, gosnn run's where it is started).
package notebooks
