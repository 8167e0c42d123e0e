// Package repl is gosnn's terminal front end and headless notebook runner, both built on an
// Evaluator (the interpreter session, or a fake in tests).
//
// The REPL (Main, New, REPL.Run) edits lines with github.com/peterh/liner, keeps a history
// file (DefaultHistoryFile, rewritten atomically; one it cannot read in full is kept aside as
// FILE.unreadable-TIME, never overwritten), continues a cell over several lines while
// the Evaluator says it is incomplete, completes with Tab and documents with :doc NAME.
// :load runs a Go file, or the code cells of a notebook in order, in a fresh session, up to
// the first error.
// Ctrl-C at the prompt clears the input; while a cell runs, SIGINT cancels the cell's
// context and the session keeps its state. Ctrl-D at an empty prompt exits.
//
// Output goes through a TermSink: streams to the terminal, text printed (text/plain, else
// the Markdown source), images written to files in a figures directory (the path printed)
// and drawn inline with the kitty, iTerm2 or sixel protocol when the terminal speaks one
// (ImageMode, DetectImageMode). A display with a DisplayID and one line of text is a live line: updates
// redraw it in place on a terminal; elsewhere only its final text is printed. A bundle
// metadata entry ProgressKey (a fraction in [0, 1]) draws it as a progress bar, and
// ProgressEndKey marks its last update, after which the line is ended.
//
// The runner (RunMain, RunNotebook, RunScript) executes nbformat 4 notebooks (the model of
// package notebooks: notebooks.ReadNotebookFile, Notebook.WriteFile) cell by cell and fills
// in outputs as Jupyter would:
// merged stream chunks, display_data and execute_result with base64 PNG and text/plain
// always present, error outputs with ename, evalue and traceback, and execution counts.
// Cells are numbered from 1 in notebook order, markdown cells included. Files are written
// atomically (temporary file and rename).
//
// For batch use, figures are written once per requested format (ParseFigureFormats: png,
// svg, pdf, ...; plots and snnplot figures are rendered again through display.Bundle.Figure)
// as <notebook>-cell<N>-<k>.<format>, so that notebooks can share a figures directory;
// RunOptions.Progress receives a line per cell and a final "done" line, with the live
// progress of snn runs drawn in place on a terminal. Parameters follow papermill
// (ParseParameter, InjectParameters): -p name=value is typed (int, float, bool, duration,
// else string) and assigned in a cell tagged "injected-parameters" right after the cell
// tagged "parameters", whose declared variables it must name; the values are recorded in the
// notebook metadata under papermill.parameters.
//
// Conventions: byte offsets in code (Complete, Inspect) are in bytes of UTF-8; liner's
// cursor positions are in runes and converted. Errors carry the prefix "repl: ".
package repl
