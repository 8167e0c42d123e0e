package display

// MIME types used in bundles.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMEPNG      = "image/png"
	MIMESVG      = "image/svg+xml"
	MIMEJSON     = "application/json"
)

// Bundle is one displayable item: content keyed by MIME type, optional per-type metadata, and
// an optional display ID that later updates refer to.
//
// Data values are string for text types (text/plain, text/html, text/markdown, image/svg+xml),
// []byte for binary types (image/png), and any JSON-encodable value for application/json.
type Bundle struct {
	Data      map[string]any
	Metadata  map[string]any
	DisplayID string
	// Figure, when not nil, renders the item again as an image file in another format
	// ("png", "svg", "pdf", ...). The session sets it for plots and for values that implement
	// Encoder; front ends that write figure files (gosnn run --figure-format) call it, the
	// others ignore it. It is never sent to Jupyter.
	Figure func(format string) ([]byte, error)
}

// Sink receives what a running cell shows. Front ends implement it; the session passes the
// current cell's sink to user code. Implementations must be safe for concurrent use, since
// goroutines started by user code may write to it.
type Sink interface {
	// Stream writes text to the named stream, "stdout" or "stderr".
	Stream(name, text string)
	// Show displays a new item (Jupyter display_data).
	Show(b Bundle)
	// Update replaces the content of the item shown earlier with the same DisplayID
	// (Jupyter update_display_data).
	Update(b Bundle)
	// Clear clears the cell's output; with wait, only when new output arrives.
	Clear(wait bool)
}

// Inputter is implemented by sinks whose front end can ask the user for a line of input
// (Jupyter input_request on the stdin channel, a terminal prompt).
type Inputter interface {
	Input(prompt string, password bool) (string, error)
}

// Comm is an open comm channel between user code and the front end (Jupyter comm messages).
type Comm interface {
	// ID is the comm_id.
	ID() string
	// Send sends a comm_msg with data to the front end.
	Send(data map[string]any)
	// Close sends comm_close; later calls do nothing.
	Close(data map[string]any)
}

// CommHandler receives a comm's messages from the front end: open is called once with the
// data of comm_open, msg with the data of each comm_msg, and close with comm_close.
type CommHandler struct {
	Open  func(c Comm, data map[string]any)
	Msg   func(c Comm, data map[string]any)
	Close func(c Comm, data map[string]any)
}

// CommHost is implemented by sinks whose front end supports comms (the Jupyter kernel).
// Registrations outlive the cell that made them.
type CommHost interface {
	// RegisterCommTarget makes target available to comm_open requests from the front end.
	RegisterCommTarget(target string, h CommHandler)
	// OpenComm opens a comm from the kernel side to target (comm_open on iopub).
	OpenComm(target string, data map[string]any, h CommHandler) (Comm, error)
}
