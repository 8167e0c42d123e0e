"""Round trip of a trivial execute through Debian's jupyter_client, against gosnn kernels.

Usage:
    /usr/bin/python3 kernel/testdata/rtt.py [options] GOSNN_BINARY [GOSNN_BINARY ...]

For each round (--rounds, default 3) and each binary in turn (so that two binaries are
alternated in one window), it launches `BINARY kernel -f CONNECTION_FILE` (history in
memory), connects a BlockingKernelClient, runs --warmup trivial executes (default 200), then
--n (default 2000) timed ones, and prints one line: the median, p10 and p90 and the range of
the round trip of a trivial execute (kc.execute(code) to its execute_reply and its status
idle on iopub), in milliseconds, how many took over 100 ms, and the CPU time (user and system) the kernel process and
this client used per round trip, which a busy machine disturbs less than the wall time, and
the kernel's voluntary context switches per round trip (its threads going to sleep: the
wake-ups a round trip costs).

Options:
    --n N          timed executes per run (2000)
    --warmup N     untimed executes first (200)
    --rounds N     runs per binary, alternated (3)
    --code CODE    the cell ("1")
    --cpuprofile DIR   pass --cpuprofile DIR/kernel-<run>.pprof to each kernel
    --pyprofile FILE   profile the client side of the last run with cProfile, written to FILE
    --raw          bare shell and iopub sockets with jupyter_client's Session instead of
                   BlockingKernelClient (whose asyncio machinery costs about as much as the rest)
"""
import argparse
import cProfile
import os
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session
import zmq


def launch(binary, tmp, profile):
    cf = os.path.join(tmp, "kernel-%d.json" % time.monotonic_ns())
    write_connection_file(cf, ip="127.0.0.1", key=os.urandom(16).hex().encode())
    argv = [binary, "kernel", "-f", cf, "-history", ""]
    if profile:
        argv += ["-cpuprofile", profile]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
    kc = BlockingKernelClient(connection_file=cf)
    kc.load_connection_file()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return proc, kc


def roundtrip(kc, code):
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    got_reply = got_idle = False
    while not got_reply:
        r = kc.get_shell_msg(timeout=30)
        got_reply = r["parent_header"].get("msg_id") == msg_id
    while not got_idle:
        m = kc.get_iopub_msg(timeout=30)
        got_idle = (m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                    and m["content"]["execution_state"] == "idle")
    return time.perf_counter() - t0


class RawClient:
    """Bare shell and iopub sockets with jupyter_client's Session: no client machinery."""

    def __init__(self, kc):
        self.session = Session(key=kc.session.key, signature_scheme=kc.session.signature_scheme)
        ctx = zmq.Context.instance()
        self.shell = ctx.socket(zmq.DEALER)
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        addr = "%s://%s:" % (kc.transport, kc.ip)
        self.shell.connect(addr + str(kc.shell_port))
        self.iopub.connect(addr + str(kc.iopub_port))
        time.sleep(0.3)  # let the subscription reach the kernel

    def execute(self, code):
        return self.session.send(self.shell, "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})["header"]["msg_id"]

    def get_shell_msg(self, timeout):
        return self.recv(self.shell, timeout)

    def get_iopub_msg(self, timeout):
        return self.recv(self.iopub, timeout)

    def recv(self, sock, timeout):
        if not sock.poll(1000 * timeout):
            raise TimeoutError("no message within %s s" % timeout)
        return self.session.recv(sock)[1]

    def close(self):
        self.shell.close(linger=0)
        self.iopub.close(linger=0)


def run(binary, args, tmp, profile, pyprofile):
    proc, kc = launch(binary, tmp, profile)
    raw = RawClient(kc) if args.raw else None
    c = raw or kc
    try:
        for _ in range(args.warmup):
            roundtrip(c, args.code)
        prof = cProfile.Profile() if pyprofile else None
        if prof:
            prof.enable()
        cpu0, pcpu0, sw0 = process_cpu(proc.pid), time.process_time(), switches(proc.pid)
        times = [roundtrip(c, args.code) for _ in range(args.n)]
        cpu = (process_cpu(proc.pid) - cpu0) / args.n
        sw = (switches(proc.pid) - sw0) / args.n
        pcpu = (time.process_time() - pcpu0) / args.n
        if prof:
            prof.disable()
            prof.dump_stats(pyprofile)
    finally:
        if raw:
            raw.close()
        kc.shutdown()
        kc.stop_channels()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return times, cpu, pcpu, sw


def switches(pid):
    """Voluntary context switches so far of the threads of process pid (threads that ended
    are not counted): each is a thread going to sleep, to be woken again."""
    n = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, task)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        n += int(line.split()[1])
        except OSError:
            pass
    return n


def process_cpu(pid):
    """CPU seconds (user and system) used so far by process pid, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("binaries", nargs="+")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--code", default="1")
    p.add_argument("--cpuprofile", default="")
    p.add_argument("--pyprofile", default="")
    p.add_argument("--raw", action="store_true")
    args = p.parse_args()
    print("# %s, n=%d after %d warm-up, code %r, %s" % (
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), args.n, args.warmup, args.code,
        os.getloadavg()), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for i, b in enumerate(args.binaries):
                profile = os.path.join(args.cpuprofile, "kernel-%d-%d.pprof" % (r, i)) if args.cpuprofile else ""
                last = r == args.rounds - 1 and i == len(args.binaries) - 1
                times, cpu, pcpu, sw = run(b, args, tmp, profile, args.pyprofile if last else "")
                ts = sorted(1000 * t for t in times)
                q = lambda f: ts[min(len(ts) - 1, int(f * len(ts)))]
                print("%-28s round %d  median %.3f ms  p10 %.3f  p90 %.3f  range %.3f-%.3f  >100ms %d  cpu kernel %.3f client %.3f ms  kernel sleeps %.1f" % (
                    b, r + 1, statistics.median(ts), q(0.1), q(0.9), ts[0], ts[-1], sum(t > 100 for t in ts),
                    1000 * cpu, 1000 * pcpu, sw), flush=True)


if __name__ == "__main__":
    sys.exit(main())
