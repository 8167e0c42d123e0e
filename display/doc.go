// Package display is the API that interpreted notebook and REPL code calls to show rich output:
// PNG and SVG images, HTML, Markdown, JSON and plain text, shown once or updated in place.
//
// Conventions: a Bundle maps MIME types to content; every bundle carries "text/plain" (the
// fallback every front end can show). Binary content (PNG) is stored as raw bytes in the bundle
// and encoded (base64) by the front end that needs it. A Sink is provided by the front end (the
// Jupyter kernel turns it into display_data / update_display_data / clear_output messages, the
// REPL into files and terminal images). The package imports only the standard library.
package display
