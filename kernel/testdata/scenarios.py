"""Scripted jupyter_client scenarios for the gosnn kernel (run by kernel/jupyter_test.go).

Environment:
  GOSNN_KERNEL_NAME  kernelspec to start (in a temporary JUPYTER_PATH)
  GOSNN_MODE         "fake" (kernel/internal/fakekernel) or "session" (gosnn kernel)
"""
import json
import os
import queue
import signal
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

MODE = os.environ.get("GOSNN_MODE", "fake")
TIMEOUT = 60

# Code for each scenario in the fake command language and in Go.
CODE = {
    "fake": {
        "define": "set x 41",
        "read": "= x",
        "read_result": "41",
        "long_run": "progress 1000000",
        "goroutine_panic": None,
        "alive": "= 2",
        "alive_result": "2",
        "flood": "flood 10000000",
        "input": "input name?",
        "input_out": "got: Ada",
        "error": "error boom",
        "slow_error": "progress 30\nerror boom",
        "print": "print {}",
        "progress": "progress 30",
    },
    "session": {
        "define": "x := 41",
        "read": "x",
        "read_result": "41",
        "long_run": 'import "github.com/gosnn/gosnn/snn"\n'
        "net, err := snn.New(snn.DefaultConfig())\n"
        "if err != nil { panic(err) }\n"
        "net.Run(1e7)",
        "goroutine_panic": 'import "time"\n'
        'go func() { panic("boom in goroutine") }()\n'
        "time.Sleep(200 * time.Millisecond)",
        "alive": "1 + 1",
        "alive_result": "2",
        "flood": 'import ("fmt"; "strings")\n'
        'line := strings.Repeat("x", 99)\n'
        "for i := 0; i < 100000; i++ { fmt.Println(line) }",
        "input": 'import "github.com/gosnn/gosnn/display"\n'
        'name, err := display.Input("name?")\n'
        "if err != nil { panic(err) }\n"
        'fmt.Println("got:", name)',
        "input_out": "got: Ada",
        "error": 'panic("boom")',
        "slow_error": 'import "time"\ntime.Sleep(300 * time.Millisecond)\npanic("boom")',
        "print": 'fmt.Println("{}")',
        "progress": None,
    },
}[MODE]


class Scenarios(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        t0 = time.perf_counter()
        cls.km, cls.kc = start_new_kernel(kernel_name=os.environ["GOSNN_KERNEL_NAME"], startup_timeout=TIMEOUT)
        cls.startup = time.perf_counter() - t0

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    def flush(self):
        for get in (self.kc.get_shell_msg, self.kc.get_iopub_msg, self.kc.get_stdin_msg):
            while True:
                try:
                    get(timeout=0.05)
                except queue.Empty:
                    break

    def run_cell(self, code, timeout=TIMEOUT, **kw):
        """Executes code; returns (reply, [iopub messages of this request])."""
        msg_id = self.kc.execute(code, **kw)
        reply = self.shell_reply(msg_id, timeout)
        return reply, self.iopub_until_idle(msg_id, timeout)

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") == msg_id:
                return m

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        out = []
        deadline = time.monotonic() + timeout
        while True:
            m = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            out.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out

    def stdout(self, msgs):
        return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def result(self, msgs):
        for m in msgs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"]["text/plain"]
        return None

    def assert_alive(self):
        reply, msgs = self.run_cell(CODE["alive"])
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(self.result(msgs), CODE["alive_result"])

    def test_01_interrupt_keeps_state(self):
        self.flush()
        reply, _ = self.run_cell(CODE["define"])
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        msg_id = self.kc.execute(CODE["long_run"])
        # Wait until the cell runs (execute_input), then let it run a little.
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        # The cell must still be running a second later (it is long), else the test is void.
        try:
            early = self.kc.get_shell_msg(timeout=1.0)
            self.fail(f"the long cell ended before the interrupt: {early['content']}")
        except queue.Empty:
            pass
        # Live progress flowed while shell was busy: a display with an ID, updated in place.
        live = []
        stop = time.monotonic() + 0.5
        while time.monotonic() < stop:
            try:
                m = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            if m["parent_header"].get("msg_id") == msg_id:
                live.append(m)
        shown = [m for m in live if m["msg_type"] == "display_data" and m["content"].get("transient", {}).get("display_id")]
        self.assertTrue(shown, f"no progress display during the run: {[m['msg_type'] for m in live]}")
        pid = shown[0]["content"]["transient"]["display_id"]
        updates = [m for m in live if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == pid]
        self.assertTrue(updates, "the progress display was not updated while the cell ran")
        print(f"\nprogress: {len(updates)} in-place updates in the first 1.5 s; last: {updates[-1]['content']['data']['text/plain']!r}", flush=True)
        t0 = time.perf_counter()
        self.km.interrupt_kernel()  # interrupt_mode message: interrupt_request on control
        reply = self.shell_reply(msg_id, timeout=10)
        elapsed = time.perf_counter() - t0
        self.iopub_until_idle(msg_id)
        print(f"\ninterrupt answered in {elapsed * 1000:.1f} ms", flush=True)
        self.assertEqual(reply["content"]["status"], "error", reply["content"])
        self.assertEqual(reply["content"]["ename"], "Interrupted", reply["content"])
        # The acceptance figure is 0.5 s; it is measured by bench.py (median of several
        # interrupts). Here, with no timed assertion on a shared machine, the bound only
        # catches an interrupt that waits for the run to finish.
        self.assertLess(elapsed, 5.0, "the interrupt did not stop the run")
        reply, msgs = self.run_cell(CODE["read"])
        self.assertEqual(self.result(msgs), CODE["read_result"], "state lost after interrupt")

    def test_01b_sigint_interrupts(self):
        # SIGINT (what a terminal Ctrl-C or interrupt_mode "signal" sends) interrupts the
        # cell like interrupt_request and never kills the kernel.
        self.flush()
        msg_id = self.kc.execute(CODE["long_run"])
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        time.sleep(0.3)
        self.km.signal_kernel(signal.SIGINT)
        reply = self.shell_reply(msg_id, timeout=10)
        self.iopub_until_idle(msg_id)
        self.assertEqual(reply["content"].get("ename"), "Interrupted", reply["content"])
        self.assertTrue(self.km.is_alive())
        self.assert_alive()

    def test_02_goroutine_panic_leaves_kernel_alive(self):
        if not CODE["goroutine_panic"]:
            self.skipTest("needs the interpreter session")
        self.flush()
        self.run_cell(CODE["goroutine_panic"])
        self.assertTrue(self.km.is_alive())
        self.assert_alive()

    def test_03_forged_replayed_malformed_dropped(self):
        self.flush()
        info = self.km.get_connection_info()
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
        good = Session(key=self.km.session.key, signature_scheme=self.km.session.signature_scheme)
        bad = Session(key=b"not-the-key", signature_scheme=self.km.session.signature_scheme)
        marker = "gosnn-replayed-" + str(os.getpid())
        forged_marker = "gosnn-forged-" + str(os.getpid())
        # Forged: signed with another key.
        bad.send(sock, "execute_request", {"code": CODE["print"].format(forged_marker), "silent": False})
        # Replayed: the exact same frames twice.
        msg = good.msg("execute_request", {"code": CODE["print"].format(marker), "silent": False,
                                            "store_history": False, "allow_stdin": False,
                                            "user_expressions": {}, "stop_on_error": True})
        frames = good.serialize(msg)
        sock.send_multipart(frames)
        sock.send_multipart(frames)
        # Malformed: too few frames, no delimiter, bad JSON (signed), missing signature.
        sock.send_multipart([b"<IDS|MSG>", b"x"])
        sock.send_multipart([b"garbage"])
        parts = [b"{not json", b"{}", b"{}", b"{}"]
        sock.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
        unsigned = good.serialize(good.msg("kernel_info_request", {}))
        idx = unsigned.index(b"<IDS|MSG>")
        unsigned[idx + 1] = b""
        sock.send_multipart(unsigned)
        # The kernel keeps answering.
        time.sleep(0.5)
        self.assert_alive()
        # The replayed cell ran exactly once; the forged one never.
        seen = []
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                m = sock.recv_multipart(flags=zmq.NOBLOCK)
            except zmq.Again:
                time.sleep(0.05)
                continue
            seen.append(m)
        replies = [f for f in seen if any(b"execute_reply" in p for p in f)]
        self.assertEqual(len(replies), 1, f"expected one execute_reply on the raw socket, got {len(replies)}")
        sock.close()

    def test_04_flood_capped(self):
        self.flush()
        reply, msgs = self.run_cell(CODE["flood"], timeout=120)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        out = self.stdout(msgs)
        err = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        print(f"\nflood: {len(out)} bytes of stdout reached the client", flush=True)
        late = 0
        if "output limit" not in err:
            # Diagnose: output arriving after status idle means the evaluator returned
            # before its output was delivered.
            stop = time.monotonic() + 2
            while time.monotonic() < stop:
                try:
                    m = self.kc.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    continue
                if m["parent_header"].get("msg_id") == msgs[0]["parent_header"]["msg_id"] and m["msg_type"] == "stream":
                    late += len(m["content"]["text"])
        self.assertLessEqual(len(out), 1 << 20)
        self.assertGreater(len(out), 0)
        self.assertIn("output limit", err, f"no notice; {late} bytes of stream arrived after status idle")
        self.assert_alive()

    def test_05_input_round_trip(self):
        self.flush()
        msg_id = self.kc.execute(CODE["input"], allow_stdin=True)
        req = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(req["msg_type"], "input_request")
        self.assertEqual(req["content"]["prompt"], "name?")
        self.kc.input("Ada")
        reply = self.shell_reply(msg_id)
        msgs = self.iopub_until_idle(msg_id)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        self.assertIn(CODE["input_out"], self.stdout(msgs))

    def test_06_queued_cells_aborted_after_error(self):
        self.flush()
        # The failing cell takes a while, so the second is queued behind it.
        first = self.kc.execute(CODE["slow_error"])
        second = self.kc.execute(CODE["print"].format("must not run"))
        r1, r2 = self.shell_reply(first), self.shell_reply(second)
        self.assertEqual(r1["content"]["status"], "error")
        self.assertEqual(r2["content"]["status"], "aborted")
        msgs = self.iopub_until_idle(first)
        self.assertEqual([m["msg_type"] for m in msgs].count("error"), 1)
        self.assertNotIn("must not run", self.stdout(self.iopub_until_idle(second)))

    def test_07_unknown_comm_target_closed(self):
        self.flush()
        msg = self.kc.session.msg("comm_open", {"comm_id": "gosnn-test-comm", "target_name": "jupyter.widget.version", "data": {}})
        self.kc.shell_channel.send(msg)
        msgs = self.iopub_until_idle(msg["header"]["msg_id"])
        self.assertIn("comm_close", [m["msg_type"] for m in msgs])

    def test_08_progress_updates_in_place(self):
        if not CODE["progress"]:
            self.skipTest("progress display of snn runs is tested by the session")
        self.flush()
        reply, msgs = self.run_cell(CODE["progress"])
        updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(updates), 30)
        self.assertTrue(all(u["content"]["transient"]["display_id"] == "progress" for u in updates))

    def test_09_restart_keeps_working(self):
        self.flush()
        self.run_cell(CODE["print"].format("before restart"))
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        self.flush()
        self.assert_alive()
        # History survives the restart: the cell from before is in the previous session.
        msg_id = self.kc.history(hist_access_type="tail", n=1000, output=False, raw=True)
        reply = self.shell_reply(msg_id)
        inputs = [h[2] for h in reply["content"]["history"]]
        sessions = {h[0] for h in reply["content"]["history"]}
        self.assertIn(CODE["print"].format("before restart"), inputs)
        self.assertGreaterEqual(len(sessions), 2, "no history from before the restart")


if __name__ == "__main__":
    unittest.main(verbosity=2)
