// Package display is the API that interpreted notebook and REPL code calls to show rich output:
// PNG and SVG images, HTML, Markdown, JSON and plain text, shown once or updated in place.
//
// Conventions: a Bundle maps MIME types to content; every bundle carries "text/plain" (the
// fallback every front end can show). Binary content (PNG) is stored as raw bytes in the bundle
// and encoded (base64) by the front end that needs it. A Sink is provided by the front end (the
// Jupyter kernel turns it into display_data / update_display_data / clear_output messages, the
// REPL into files and terminal images). The package imports only the standard library.
//
// User code calls Show, HTML, Markdown, SVG, PNG, Image, JSON and Text; each returns a
// *Handle whose methods replace the item in place (display_id), also from a later cell.
// Input and Password ask the user for a line. In interpreted code these names are bound to the
// session's Displayer (NewDisplayer), so several sessions can live in one process; in compiled
// programs they use a sink-less Displayer that prints the text/plain form to os.Stdout.
//
// A value chooses its rich form by implementing PNGer, SVGer, HTMLer or Markdowner (checked in
// that order); interpreted types can implement them too. The session adds formatters for
// plots and snn values before this built-in rendering (Render). A figure that can render
// itself in other file formats (a plot, an snnplot figure, any Encoder) carries that in
// Bundle.Figure, which gosnn run --figure-format calls to write SVG and PDF files; Jupyter never
// sees it.
package display
