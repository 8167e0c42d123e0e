"""Drives jupyter-console end to end with the gosnn kernel (run by kernel/jupyter_test.go).

Environment:
  GOSNN_KERNEL_NAME     kernelspec to start
  GOSNN_CONSOLE_CODE    cells to type, separated by the line "#--"
  GOSNN_CONSOLE_EXPECT  strings the transcript must contain, separated by "|"
"""
import os
import subprocess
import sys

cells = os.environ["GOSNN_CONSOLE_CODE"].split("\n#--\n")
expect = os.environ["GOSNN_CONSOLE_EXPECT"].split("|")
stdin = "".join(c + "\n" for c in cells) + "\x04y\n"
try:
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter_console", "--simple-prompt", "--kernel=" + os.environ["GOSNN_KERNEL_NAME"]],
        input=stdin, capture_output=True, text=True, timeout=120,
    )
except subprocess.TimeoutExpired as e:
    # Show how far the session got: the transcript so far says which cell or prompt it waited at.
    def text(b):
        return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
    print("jupyter-console did not finish in %ss; transcript so far:\n%s%s" % (e.timeout, text(e.stdout), text(e.stderr)))
    sys.exit(1)
transcript = proc.stdout + proc.stderr
missing = [e for e in expect if e not in transcript]
if missing or "Traceback" in transcript:
    print("jupyter-console transcript:\n" + transcript)
    print("missing:", missing)
    sys.exit(1)
print(transcript)
