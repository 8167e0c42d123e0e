// Package kernel is gosnn's Jupyter kernel: the Jupyter messaging protocol 5.4 over ZeroMQ
// (pure Go, github.com/go-zeromq/zmq4), driving an Evaluator that the session package
// implements. It knows nothing of spiking networks.
//
// # Sockets and goroutines
//
// New binds the five sockets of a connection file (shell, control and stdin as ROUTER, iopub
// as PUB with a high-water mark, heartbeat as an echoing ROUTER) on the file's address only.
// Each socket has exactly one reading goroutine and one writing goroutine (fed by a channel);
// shell and control are handled by separate dispatcher goroutines, so interrupt_request,
// shutdown_request and kernel_info_request on control are answered while a cell runs, and the
// heartbeat echoes whatever shell is doing. Nothing is package-level: several kernels can
// live in one process (the tests do that).
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
// error message on iopub; with stop_on_error, execute_requests already queued get an
// execute_reply with status "aborted", and so do those that arrive within
// Config.StopOnErrorWindow (1 s) but were sent before the failure (by their header date: the
// rest of a "Run All"). Interrupt (interrupt_request on control, or SIGINT through the gosnn
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
// tail, range and search (glob) requests. WriteKernelSpec writes a
// kernelspec (kernel.json with interrupt_mode "message" and language "go", plus logos) into a
// directory found with DataDir, SysPrefix or a prefix; JupyterPath lists where Jupyter looks.
package kernel
