"""Runs a cell through jupyter_client while another iopub subscriber (pyzmq) never reads.

usage: stuck_subscriber.py CONNECTION_FILE CODE EXPECTED_STDOUT_BYTES

Prints one JSON line: the cell's status, the stdout bytes the reading client got, and the
seconds the cell took; exits non-zero when the cell fails or output is missing.
"""
import json
import sys
import time

import zmq
from jupyter_client import BlockingKernelClient

cf, code, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(cf) as f:
    info = json.load(f)

ctx = zmq.Context()
stuck = ctx.socket(zmq.SUB)
stuck.setsockopt(zmq.RCVBUF, 4096)
stuck.setsockopt(zmq.RCVHWM, 1)
stuck.setsockopt(zmq.SUBSCRIBE, b"")
stuck.connect("tcp://%s:%d" % (info["ip"], info["iopub_port"]))
time.sleep(0.5)  # let the subscription reach the kernel

kc = BlockingKernelClient(connection_file=cf)
kc.load_connection_file()
kc.start_channels()
kc.wait_for_ready(timeout=60)

for attempt in range(2):
    got = []

    def hook(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            got.append(msg["content"]["text"])

    t0 = time.time()
    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    dt = time.time() - t0
    n = sum(len(s) for s in got)
    print(json.dumps({"cell": attempt + 1, "status": reply["content"]["status"], "bytes": n, "seconds": round(dt, 3)}))
    if reply["content"]["status"] != "ok" or n != want:
        sys.exit("cell %d: status %s, %d bytes of stdout, want %d" % (attempt + 1, reply["content"]["status"], n, want))

kc.stop_channels()
stuck.close(linger=0)
ctx.term()
