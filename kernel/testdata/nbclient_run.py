"""Executes a small notebook with nbclient on the gosnn kernel (run by kernel/jupyter_test.go).

Environment: GOSNN_KERNEL_NAME, GOSNN_MODE ("fake", "session" or "env"). In "env" mode the
kernel inherits GOSNN_DATA, a directory holding weights.txt, and the cells read it there
(and use snn without an import).
"""
import os
import sys

import nbformat
from nbclient import NotebookClient

CELLS = {
    "fake": [
        ("set x 42", None),
        ("= x", ("execute_result", "42")),
        ("print hello", ("stream", "hello\n")),
        ("show text/html <b>hi</b>", ("display_data", "text/html")),
    ],
    "session": [
        ("x := 6 * 7", None),
        ("x", ("execute_result", "42")),
        ('import "fmt"\nfmt.Println("hello")', ("stream", "hello\n")),
        ('import "github.com/gosnn/gosnn/display"\n_ = display.HTML("<b>hi</b>")', ("display_data", "text/html")),
    ],
    "env": [
        ('import "os"\nos.Getenv("HOME") == "%s"' % os.environ.get("HOME", ""), ("execute_result", "true")),
        ('import ("fmt"; "path/filepath")\n'
         'b, err := os.ReadFile(filepath.Join(os.Getenv("GOSNN_DATA"), "weights.txt"))\n'
         'if err != nil { panic(err) }\n'
         'fmt.Println(string(b))', ("stream", "found the weights\n")),
        ("snn.DefaultConfig().NE", ("execute_result", "2400")),  # no import needed
    ],
}[os.environ.get("GOSNN_MODE", "fake")]

nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(src) for src, _ in CELLS]
client = NotebookClient(nb, kernel_name=os.environ["GOSNN_KERNEL_NAME"], timeout=60, startup_timeout=60)
client.execute()
nbformat.validate(nb)
failures = []
for cell, (src, want) in zip(nb.cells, CELLS):
    if want is None:
        if cell.outputs:
            failures.append(f"{src!r}: unexpected outputs {cell.outputs}")
        continue
    kind, value = want
    outs = [o for o in cell.outputs if o.output_type == kind]
    if not outs:
        failures.append(f"{src!r}: no {kind} in {cell.outputs}")
    elif kind == "execute_result" and outs[0].data["text/plain"] != value:
        failures.append(f"{src!r}: result {outs[0].data['text/plain']!r}, want {value!r}")
    elif kind == "stream" and outs[0].text != value:
        failures.append(f"{src!r}: stream {outs[0].text!r}, want {value!r}")
    elif kind == "display_data" and value not in outs[0].data:
        failures.append(f"{src!r}: display without {value}: {outs[0].data}")
if [c.execution_count for c in nb.cells] != list(range(1, len(CELLS) + 1)):
    failures.append(f"execution counts {[c.execution_count for c in nb.cells]}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("nbclient: %d cells executed" % len(nb.cells))
