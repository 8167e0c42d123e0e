"""Startup and round-trip benchmark of Jupyter kernels through jupyter_client.

Usage: /usr/bin/python3 bench.py KERNEL_NAME [KERNEL_NAME ...]
Environment: GOSNN_BENCH_STARTS (launches per kernel, default 5),
GOSNN_BENCH_EXECS (trivial executes per kernel, default 200),
GOSNN_BENCH_CODE_<NAME> (the trivial cell for kernel NAME, default "1"),
GOSNN_BENCH_LONG_<NAME> (a long cell to interrupt 5 times, e.g. a long snn run; optional).

For each kernel it prints one JSON line: the median time from launch to kernel_info_reply
(KernelManager.start_kernel, then one kernel_info_request), and the median, p90 and mean round
trip of a trivial execute_request (request to execute_reply and status idle), once through
BlockingKernelClient (which adds its own thread hand-offs) and once on bare sockets with
jupyter_client's Session ("raw").
"""
import json
import os
import statistics
import sys
import time

import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session


def startup(name):
    """Launch to kernel_info_reply: one kernel_info_request is sent right after the launch
    (ZeroMQ queues it until the kernel has bound its sockets)."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    msg_id = kc.kernel_info()
    while True:
        r = kc.get_shell_msg(timeout=60)
        if r["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - t0
    kc.wait_for_ready(timeout=60)
    return km, kc, elapsed


def raw_roundtrips(km, code, n):
    """Execute round trips on bare sockets with jupyter_client's Session (no client threads):
    request sent to execute_reply and status idle received."""
    info = km.get_connection_info()
    session = Session(key=km.session.key, signature_scheme=km.session.signature_scheme)
    ctx = zmq.Context.instance()
    shell = ctx.socket(zmq.DEALER)
    iopub = ctx.socket(zmq.SUB)
    iopub.setsockopt(zmq.SUBSCRIBE, b"")
    addr = f"{info['transport']}://{info['ip']}:"
    shell.connect(addr + str(info["shell_port"]))
    iopub.connect(addr + str(info["iopub_port"]))
    time.sleep(0.3)  # let the subscription reach the kernel
    times = []
    for _ in range(n + 5):
        t0 = time.perf_counter()
        msg = session.send(shell, "execute_request", {"code": code, "silent": False, "store_history": False,
                                                      "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        msg_id = msg["header"]["msg_id"]
        got_reply = got_idle = False
        while not (got_reply and got_idle):
            if not got_reply and shell.poll(0):
                _, m = session.recv(shell)
                got_reply = m["parent_header"].get("msg_id") == msg_id
                continue
            if iopub.poll(1):
                _, m = session.recv(iopub)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" \
                        and m["content"]["execution_state"] == "idle":
                    got_idle = True
        times.append(time.perf_counter() - t0)
    shell.close(linger=0)
    iopub.close(linger=0)
    return times[5:]


def roundtrips(kc, code, n):
    times = []
    for _ in range(n + 5):
        t0 = time.perf_counter()
        msg_id = kc.execute(code)
        while True:
            r = kc.get_shell_msg(timeout=30)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        while True:
            m = kc.get_iopub_msg(timeout=30)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        times.append(time.perf_counter() - t0)
    return times[5:]


def interrupts(km, kc, code, n):
    """Interrupt latency: a long cell is interrupted (interrupt_request on control) half a
    second after it started; the time until its execute_reply, n times."""
    times = []
    for _ in range(n):
        msg_id = kc.execute(code)
        while True:
            m = kc.get_iopub_msg(timeout=60)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        time.sleep(0.5)
        t0 = time.perf_counter()
        km.interrupt_kernel()
        while True:
            r = kc.get_shell_msg(timeout=60)
            if r["parent_header"].get("msg_id") == msg_id:
                break
        times.append(time.perf_counter() - t0)
        time.sleep(0.3)  # let a kernel's post-error abort window pass
        if r["content"].get("ename") not in ("Interrupted", "KeyboardInterrupt"):
            raise SystemExit(f"the long cell did not end interrupted: {r['content']}")
    return times


def main():
    starts = int(os.environ.get("GOSNN_BENCH_STARTS", "5"))
    execs = int(os.environ.get("GOSNN_BENCH_EXECS", "200"))
    for name in sys.argv[1:]:
        code = os.environ.get("GOSNN_BENCH_CODE_" + name.replace("-", "_").upper(), "1")
        st = []
        rt = []
        for i in range(starts):
            km, kc, elapsed = startup(name)
            st.append(elapsed)
            if i == 0:
                rt = roundtrips(kc, code, execs)
                raw = raw_roundtrips(km, code, execs)
                long_code = os.environ.get("GOSNN_BENCH_LONG_" + name.replace("-", "_").upper())
                intr = interrupts(km, kc, long_code, 5) if long_code else []
            kc.stop_channels()
            km.shutdown_kernel(now=False)
        print(json.dumps({
            "kernel": name,
            "startup_median_s": round(statistics.median(st), 4),
            "startup_min_s": round(min(st), 4),
            "execute_median_ms": round(1000 * statistics.median(rt), 3),
            "execute_p90_ms": round(1000 * sorted(rt)[int(0.9 * len(rt))], 3),
            "execute_mean_ms": round(1000 * statistics.mean(rt), 3),
            "raw_execute_median_ms": round(1000 * statistics.median(raw), 3),
            "raw_execute_p90_ms": round(1000 * sorted(raw)[int(0.9 * len(raw))], 3),
            "interrupt_median_ms": round(1000 * statistics.median(intr), 1) if intr else None,
            "interrupt_max_ms": round(1000 * max(intr), 1) if intr else None,
        }), flush=True)


if __name__ == "__main__":
    main()
