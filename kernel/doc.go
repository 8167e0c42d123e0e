// Package kernel is gosnn's Jupyter kernel: the Jupyter messaging protocol 5.4 over ZeroMQ
// (pure Go, github.com/go-zeromq/zmq4), driving an Evaluator that the session package
// implements. It knows nothing of spiking networks.
//
// # Sockets and goroutines
//
// New binds the five sockets of a connection file (shell, control and stdin as ROUTER, iopub
// as PUB, heartbeat as an echoing ROUTER) on the file's address only: an IPv4 address (or
// "*") binds IPv4 only and an IPv6 address IPv6 only, as ipykernel does; a host name binds one
// of its addresses. A wildcard address and an empty key are logged as warnings. Each socket
// has exactly one reading goroutine and one writing goroutine (fed by a channel); shell and
// control are handled by separate dispatcher goroutines, so interrupt_request,
// shutdown_request and kernel_info_request on control are answered while a cell runs, and the
// heartbeat echoes whatever shell is doing. Each dispatcher takes the waiting requests of its
// clients (ZeroMQ connections) in turn, each client's in order, so that a client that floods
// requests delays another's by at most one of its own; a client with 16384 requests or
// 256 MiB waiting has further requests dropped (and logged). Apart from the transport
// registered with zmq4 once, nothing is package-level: several kernels can live in one
// process (the tests do that).
//
// # The wire
//
// The sockets are zmq4 sockets (v0.17.0, unmodified) that listen through a transport of the
// kernel's own ("gosnn+tcp", "gosnn+ipc"), because zmq4 alone lets one peer stop or kill the
// kernel before any signature is checked. Its listener accepts in a goroutine of its own and
// runs each connection's ZMTP handshake in another, under Config.HandshakeTimeout (10 s),
// reading at most a 64 KiB READY command and refusing peers of an incompatible or unknown
// socket type; only then does zmq4 see the connection, and its own handshake replays what
// was read. After the handshake every frame header is checked before its body is read: a
// frame or message over Config.MaxMessageBytes (128 MiB; 64 KiB for an iopub subscription,
// 1 MiB for a heartbeat ping), more than 16384 frames in a message, or reserved flag bits
// close the connection, and a body is buffered as it arrives, never by its declared length.
// An iopub peer may send 1 MiB of subscriptions in all, and each socket keeps at most 1024
// connections and 256 handshakes at once. Whatever zmq4 sends to a peer goes to that peer's
// own queue, sent by a goroutine per connection: a peer that does not read has
// messages beyond Config.IOPubHWM (iopub, 10000 messages) or Config.SendHWM (other sockets,
// 1000), or beyond Config.MaxQueueBytes, dropped whole, as a ZeroMQ PUB or ROUTER socket
// does, and never blocks the others. Each refused connection and each first drop is logged.
//
// # Messages
//
// Every incoming message is decoded with bounds checks, its HMAC signature is verified in
// constant time with the connection file's signature_scheme, and each accepted signature is
// remembered so that a replayed message is dropped. Messages with a bad or missing
// signature, too few frames or bad JSON are logged and dropped; the kernel keeps serving.
// Every request on shell and control is framed by status busy and status idle on iopub.
// Metadata is always {} and every mime bundle carries text/plain. Cursor positions are in
// Unicode code points on the wire and byte offsets towards the Evaluator.
//
// # Cells
//
// Output of a cell reaches the front end through the display.Sink passed to
// Evaluator.Execute: stream text is coalesced for up to 25 ms (or 64 KiB) and capped per cell
// (Config.MaxStreamBytes, 1 MiB by default, with one notice on stderr); Show, Update and
// Clear become display_data, update_display_data (with transient display_id) and
// clear_output; []byte payloads (image/png) are sent base64-encoded. The sink implements
// display.Inputter (input_request on stdin, when the request allowed stdin) and
// display.CommHost (comm targets registered by user code outlive the cell). An error is one
// error message on iopub; with stop_on_error, execute_requests queued when the cell failed
// (before its execute_reply is sent) get an execute_reply with status "aborted", and so do
// those that arrive within Config.StopOnErrorWindow (1 s) but were sent before the failure
// (by their header date: the rest of a "Run All"). Interrupt (interrupt_request on control, or SIGINT through the gosnn
// command) cancels the context of the running cell; the Evaluator keeps its state. The
// context of a cell carries its execution count (ExecutionCount).
//
// # Cells that kill the process
//
// A fatal runtime error in a cell (a runaway recursion's stack overflow, an allocation larger
// than the machine's memory) ends the process: Jupyter restarts the kernel with the same
// connection file. The gosnn command records each cell by its execution count in a
// session.CrashLog keyed by that file, and the restarted kernel logs the previous process's
// death and shows it on stderr before its first cell's output ("The previous kernel process
// died while running cell [N]: ... fatal error: stack overflow").
//
// # History and installation
//
// History stores executed cells (session, line, input, text/plain output) in a JSON file
// rewritten atomically in the background, by default gosnn/history.json under the Jupyter
// data dir or $GOSNN_HISTORY, with one session number reserved per kernel start, and answers
// tail, range and search (glob) requests. A history file that cannot be parsed is never
// overwritten: at start the kernel refuses it, and if it becomes unreadable while the kernel
// runs it is kept aside as FILE.unreadable-TIME and the log says so. WriteKernelSpec writes a
// kernelspec (kernel.json with interrupt_mode "message" and language "go", plus logos) into a
// directory found with DataDir, SysPrefix or a prefix; JupyterPath lists where Jupyter looks.
package kernel
