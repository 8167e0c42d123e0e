"""A fatal cell kills the kernel, Jupyter's restarter starts it again, and the restarted
kernel reports the dead one's cell and error in its first output.

Drives the kernel named $GOSNN_KERNEL_NAME with jupyter_client's AsyncIOLoopKernelManager and
its restarter (autorestart, as jupyter_server runs kernels). argv[1] is the fatal cell.
Prints one JSON object: seconds from sending the cell to the process's death, to the restart,
and to the first reply of the restarted kernel, and that reply's stream output.
"""
import asyncio
import json
import os
import sys
import time

from jupyter_client.ioloop import AsyncIOLoopKernelManager

LIMIT = float(os.environ.get("GOSNN_FATAL_LIMIT", "120"))


async def run(kc, code):
    msg_id = kc.execute(code)
    out = []
    while True:
        m = await kc.get_iopub_msg(timeout=LIMIT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        t = m["msg_type"]
        if t == "stream":
            out.append(m["content"]["name"] + ": " + m["content"]["text"])
        elif t == "error":
            out.append("error: " + m["content"]["ename"] + ": " + m["content"]["evalue"])
        elif t == "status" and m["content"]["execution_state"] == "idle":
            return "".join(out)


async def main():
    km = AsyncIOLoopKernelManager(kernel_name=os.environ["GOSNN_KERNEL_NAME"])
    await km.start_kernel()
    km.start_restarter()
    restarted = asyncio.Event()
    km.add_restart_callback(restarted.set, "restart")
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=LIMIT)
    await run(kc, 'import "fmt"')
    t0 = time.monotonic()
    kc.execute(sys.argv[1])
    while await km.is_alive():
        if time.monotonic() - t0 > LIMIT:
            print(json.dumps({"error": "kernel still alive %.0f s after the fatal cell" % LIMIT}))
            await km.shutdown_kernel(now=True)
            sys.exit(1)
        await asyncio.sleep(0.01)
    dead = time.monotonic() - t0
    await asyncio.wait_for(restarted.wait(), LIMIT)
    restart = time.monotonic() - t0
    kc.stop_channels()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=LIMIT)
    out = await run(kc, 'import "fmt"\nfmt.Println("alive")')
    ready = time.monotonic() - t0
    km.stop_restarter()
    await km.shutdown_kernel(now=True)
    print(json.dumps({"dead": dead, "restarted": restart, "ready": ready, "output": out}))


asyncio.run(main())
