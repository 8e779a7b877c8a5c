"""test_time_node.py WATCH: the time node (src/time/time_node.h) behind the node's time seam,
against 4 real chronyd NTS servers on loopback (nts_lab.py). WATCH is tests/time/time_node_watch
(prints one seam reading every 200 ms). With the schedule shortened (poll 2 s, burst gap 0.5 s,
SYNCED freshness 3 s, holdover 6 s) it asserts: SYNCED with a small eps and the right offset,
development 0; EXCLUDED (refused) while excluded; HOLDOVER then UNSYNCED (holdover reason) when all servers stop; SYNCED again when
they return on the same ports."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nts_lab  # noqa: E402
from test_time_nts import check  # noqa: E402

WATCH = sys.argv[1]


def fields(line):
    head, _, reason = line.partition(" reason=")
    d = dict(kv.split("=", 1) for kv in head.split())
    d["reason"] = reason
    return d


class Watch:
    def __init__(self, conf):
        self.p = subprocess.Popen([WATCH, conf, "2000", "3000", "6000"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.last = None

    def until(self, pred, timeout, what):
        end = time.time() + timeout
        while time.time() < end:
            line = self.p.stdout.readline()
            if not line:
                break
            self.last = fields(line.strip())
            if pred(self.last):
                print("%.1f s before: %s" % (end - time.time(), line.strip()))
                return self.last
        print("last reading: %s" % self.last)
        check(False, what)

    def stop(self):
        self.p.stdin.close()
        return self.p.wait(timeout=20)


def main(tmp):
    key, crt = nts_lab.make_cert(tmp, "server")
    servers = [nts_lab.Chrony(tmp, i, key, crt) for i in range(4)]
    conf = os.path.join(tmp, "node.conf")
    with open(conf, "w") as f:
        f.write("".join("time.nts_server = localhost:%d\n" % s.ke_port for s in servers))
        f.write("time.nts_ca = %s\ntime.require_hardware_clock = false\n" % crt)
    w = Watch(conf)
    try:
        r = w.until(lambda r: r["state"] == "SYNCED", 15, "the seam reports SYNCED after the first rounds")
        check(r["rc"] == "0" and r["development"] == "0", "a trusted reading, not development time")
        check(0 < float(r["eps_ms"]) < 20, "eps is the selection's small bound (%s ms)" % r["eps_ms"])
        check(abs(float(r["offset"])) < 0.02, "the reading matches the reference clock (%s s)" % r["offset"])
        w.p.stdin.write("x")
        w.p.stdin.flush()
        r = w.until(lambda r: r["state"] == "EXCLUDED", 5, "EXCLUDED when the cross-node checks exclude the node")
        check(r["rc"] == "-1" and "excluded" in r["reason"], "an excluded node refuses")
        w.p.stdin.write("u")
        w.p.stdin.flush()
        w.until(lambda r: r["state"] == "SYNCED", 5, "SYNCED again once readmitted")
        r = w.until(lambda r: int(r["rounds"]) >= 6, 15, "burst rounds at start")
        start_rounds, t0 = int(r["rounds"]), time.time()
        for s in servers:
            s.stop()
        r = w.until(lambda r: r["state"] == "HOLDOVER", 10, "HOLDOVER once the servers are gone")
        check(r["rc"] == "0" and "holdover" in r["reason"], "holdover still gives a reading")
        r = w.until(lambda r: r["state"] == "UNSYNCED", 10, "UNSYNCED after the holdover limit")
        check(r["rc"] == "-1" and "holdover limit" in r["reason"], "refused: holdover limit passed")
        check(int(r["rounds"]) > start_rounds, "the poller kept trying while the servers were down")
        for s in servers:
            s.restart()
        r = w.until(lambda r: r["state"] == "SYNCED", 25, "SYNCED again once the servers return")
        check(abs(float(r["offset"])) < 0.02 and float(r["eps_ms"]) < 20, "recovered reading is right")
        print("outage to recovery: %.1f s" % (time.time() - t0))
        check(w.stop() == 0, "the time node stops cleanly (the poller joined, nothing leaked under ASan)")
    finally:
        if w.p.poll() is None:
            w.stop()
        for s in servers:
            try:
                s.stop()
            except Exception:
                pass


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="cctsa-timenode-") as d:
        main(d)
