#!/usr/bin/python3
"""Execute notebooks through the gosnn Jupyter kernel with nbclient.

usage: run_nbclient.py GOSNN_BINARY OUTDIR NOTEBOOK...

Installs the kernelspec into a temporary JUPYTER_PATH with `gosnn install --prefix`, runs
every notebook with its own folder as the working directory (as Jupyter does), writes the
executed copy to OUTDIR and fails (exit 1) on any error output. Exit 3 means nbclient or
nbformat is missing.
"""
import os
import subprocess
import sys
import tempfile

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
except ImportError as e:  # pragma: no cover
    print("nbclient missing:", e, file=sys.stderr)
    sys.exit(3)


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    gosnn, outdir, notebooks = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    with tempfile.TemporaryDirectory() as prefix:
        os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
        subprocess.run([gosnn, "install", "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb, kernel_name="gosnn", timeout=900, allow_errors=False,
                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
            name = os.path.basename(path)
            try:
                client.execute()
            except CellExecutionError as e:
                print("%s: %s" % (name, e), file=sys.stderr)
                failed += 1
            except Exception as e:  # kernel died, timeout
                print("%s: %s: %s" % (name, type(e).__name__, e), file=sys.stderr)
                failed += 1
            errors = [o for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []) if o.get("output_type") == "error"]
            for o in errors:
                print("%s: error output %s: %s" % (name, o.get("ename"), o.get("evalue")), file=sys.stderr)
            if errors and not failed:
                failed += 1
            nbformat.validate(nb)
            nbformat.write(nb, os.path.join(outdir, name))
            print("%s: ok" % name if not errors else "%s: FAILED" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
