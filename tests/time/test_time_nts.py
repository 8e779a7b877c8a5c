"""test_time_nts.py CCTSA SCENARIO: `cctsa time query` against real chronyd NTS servers on
loopback (see nts_lab.py). Each scenario starts its own servers on fresh ports and asserts on the
per-source verdicts and the combined reading."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nts_lab  # noqa: E402

CCTSA = sys.argv[1]


def query(servers, ca, *extra):
    args = [CCTSA, "time", "query", "--ca", ca, "--timeout-ms", "1500"]
    for s in servers:
        args += ["--server", s]
    p = subprocess.run(args + list(extra), capture_output=True, text=True, timeout=60)
    print(" ".join(args + list(extra)))
    print(p.stdout + p.stderr)
    return p.returncode, p.stdout + p.stderr


def sources(out):
    return [l for l in out.splitlines() if l.startswith("source ")]


def offset(line):
    return float(re.search(r" offset=([-+0-9.]+)", line).group(1))


def check(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok: " + what)


def with_servers(tmp, fakes, fn, **kw):
    os.makedirs(tmp, exist_ok=True)
    key, crt = nts_lab.make_cert(tmp, "server")
    servers = []
    try:
        for i, f in enumerate(fakes):
            servers.append(nts_lab.Chrony(tmp, i, key, crt, faketime=f, **kw))
        return fn(["localhost:%d" % s.ke_port for s in servers], crt, servers, key)
    finally:
        for s in servers:
            s.stop()


def t_offset(tmp):
    def run(srv, ca, *_):
        rc, out = query(srv, ca)
        check(rc == 0, "the engine gives a trusted reading")
        check(all("verdict=truechimer" in l for l in sources(out)) and len(sources(out)) == 4, "all 4 sources agree")
        check(all(abs(offset(l)) < 0.01 for l in sources(out)), "every source's offset is ~0")
        check("state=SYNCED" in out and "agreeing=4/4" in out and abs(offset(out.splitlines()[-1])) < 0.01,
              "SYNCED, 4/4, combined offset ~0")
        # the same servers from a measured configuration; this machine has no SecureTSC
        for hw, want in (("false", 0), ("true", 3)):
            conf = os.path.join(tmp, "node-%s.conf" % hw)
            with open(conf, "w") as f:
                f.write("attest.provider = sim\n" + "".join("time.nts_server = %s\n" % x for x in srv) +
                        "time.nts_ca = %s\ntime.require_hardware_clock = %s\n" % (ca, hw))
            p = subprocess.run([CCTSA, "time", "query", "--config", conf], capture_output=True, text=True, timeout=60)
            print(p.stdout + p.stderr)
            check(p.returncode == want and (hw == "false" or "require_hardware_clock" in p.stdout),
                  "--config with time.require_hardware_clock = %s" % hw)
    with_servers(tmp, [None] * 4, run)


def t_outvoted(tmp):
    def run(srv, ca, *_):
        rc, out = query(srv, ca)
        s = sources(out)
        check(rc == 0 and "agreeing=3/4" in out, "3 of 4 agree: trusted reading")
        check("verdict=falseticker" in s[3] and abs(offset(s[3]) - 5) < 0.05, "the +5 s server is a falseticker")
        check(abs(offset(out.splitlines()[-1])) < 0.01, "the combined offset is ~0, not moved by the liar")
    with_servers(tmp, [None, None, None, "+5s"], run)


def t_refuse(tmp):
    def run(srv, ca, *_):
        rc, out = query(srv, ca)
        check(rc == 3 and "refused" in out and "only 2 of 4 sources agree" in out, "two liars of four: refusal")
    with_servers(tmp, [None, None, "+5s", "+5s"], run)


def t_rate(tmp):
    """chronyd under faketime stamps receipt with the kernel's (true) clock while it is within 1 s of
    its own, and transmission with the faked one: a "+0 x1.001" liar then shows inconsistent
    timestamps (a negative round trip) at once. With a start offset above 1 s chronyd uses its own
    clock for both, and the engine's rate check over 4 samples catches the liar by its rate."""
    def run_plain(srv, ca, *_):
        rc, out = query(srv, ca, "--samples", "4", "--interval-ms", "700")
        s = sources(out)
        check(rc == 0 and "agreeing=3/4" in out and abs(offset(out.splitlines()[-1])) < 0.01,
              "the three honest sources give a reading ~0")
        check("verdict=truechimer" not in s[3] and ("reason=\"rate +" in s[3] or "negative round trip" in s[3]),
              "the +0 x1.001 server is not used (rate or inconsistent timestamps)")

    def run_rate(srv, ca, *_):
        rc, out = query(srv, ca, "--samples", "4", "--interval-ms", "700")
        s = sources(out)
        check(rc == 0 and "agreeing=3/4" in out, "the three honest sources give a reading")
        check("verdict=falseticker" in s[3] and "reason=\"rate +" in s[3], "the +2s x1.001 server is caught by its rate")
        # the true +1000 ppm lies within the measured rate's own error bound (+-E ppm in the reason;
        # under a sanitizer's load the bound widens with the sampling noise)
        m = re.search(r"rate_ppm=([-+0-9.]+)", s[3])
        e = re.search(r"\(\+-([0-9.]+) ppm", s[3])
        check(m and e and abs(float(m.group(1)) - 1000) <= float(e.group(1)) and float(e.group(1)) < 1000,
              "its measured rate (%s ppm, +-%s) covers the true +1000 ppm" % (m and m.group(1), e and e.group(1)))
        check(all("verdict=truechimer" in l for l in s[:3]),
              "the honest sources pass the rate check (their rate is within the bound plus their error)")
    with_servers(tmp, [None, None, None, "+0 x1.001"], run_plain)
    with_servers(os.path.join(tmp, "b"), [None, None, None, "+2s x1.001"], run_rate)


def t_wrong_ca(tmp):
    def run(srv, ca, servers, key):
        _, other = nts_lab.make_cert(tmp, "other")
        rc, out = query(srv[:1], other)
        check(rc == 3 and "certificate verify failed" in out, "a server not chaining to the CA is rejected")
    with_servers(tmp, [None], run)


def t_proxy(tmp, mode, expect, samples="1"):
    def run(srv, ca, servers, key):
        proxy = nts_lab.UdpProxy(servers[0].ntp_port, mode)
        try:
            rc, out = query(srv, ca, "--samples", samples, "--interval-ms", "100")
        finally:
            proxy.stop()
        if samples == "1" or mode == "cookie":
            check(rc == 3 and expect in sources(out)[0], "%s: sample rejected (%s)" % (mode, expect))
        else:  # a good first round, then the bad one: HOLDOVER on the first round's anchor
            check(rc == 0 and "state=HOLDOVER" in out and expect in sources(out)[0],
                  "%s: second sample rejected (%s), the engine holds over" % (mode, expect))
        if mode == "cookie":
            check("round 1: NTS NAK" in out and "re-keying is rate-limited" in out,
                  "after the NAK the jar is dropped and the re-key waits (rate limit)")
    with_servers(tmp, [None], run, ntp_server="127.0.0.2")


def t_fake_ke(tmp, answer, expect):
    key, crt = nts_lab.make_cert(tmp, "server")
    ke = nts_lab.FakeKe(key, crt, answer)
    try:
        rc, out = query(["localhost:%d" % ke.port], crt)
    finally:
        ke.stop()
    check(rc == 3 and expect in out, "fake NTS-KE: %s" % expect)


def t_usage():
    p = subprocess.run([CCTSA, "time", "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "cctsa time query" in p.stdout, "cctsa time --help")
    for bad in (["--samples", "0"], ["--max-faulty", "x"], ["--bogus", "1"], ["--server", "h:99999"]):
        p = subprocess.run([CCTSA, "time", "query", "--server", "localhost", "--ca", "x.pem"] + bad,
                           capture_output=True, text=True)
        check(p.returncode == 2 and "cctsa:" in p.stderr, "usage error for %s" % " ".join(bad))


def t_cert_time(tmp):
    """Certificate dates are checked at the engine's trusted time, never the host clock's: without
    a trusted time (first round) an expired certificate passes the handshake (and the server's
    Error record is what fails); once the engine has time, the same certificate is refused."""
    key, crt = nts_lab.make_cert(tmp, "expired", days_ago=30)
    ke = nts_lab.FakeKe(key, crt, bytes.fromhex("800100020000800200020001" "80000000"))
    try:
        rc, out = query(["localhost:%d" % ke.port], crt)
    finally:
        ke.stop()
    check(rc == 3 and "Error record" in out, "no trusted time yet: an expired certificate's dates are not checked")

    def run(srv, ca, servers, _key):
        late = nts_lab.free_port()
        args = [CCTSA, "time", "query", "--ca", ca, "--server", srv[0], "--server", "localhost:%d" % late,
                "--max-faulty", "1", "--samples", "2", "--interval-ms", "1500"]
        # the second CA file trusts both certificates
        both = os.path.join(tmp, "both.pem")
        with open(both, "w") as f:
            f.write(open(ca).read() + open(crt).read())
        args[4] = both
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = p.stderr.readline()  # round 1 failed to reach the late server (stderr is unbuffered)
        ke2 = nts_lab.FakeKe(key, crt, bytes.fromhex("800100020000800200020001" "80000000"), port=late)
        try:
            out, err = p.communicate(timeout=30)
        finally:
            ke2.stop()
        err = first + err
        print(out + err)
        check("round 1: cannot connect" in err and "round 2: NTS-KE handshake: certificate verify failed: certificate has expired" in err,
              "with the engine's time, the expired certificate is refused")
    with_servers(os.path.join(tmp, "c"), [None], run)


def t_reject(tmp):
    t_usage()
    t_cert_time(tmp)
    t_wrong_ca(tmp)
    t_proxy(tmp, "cookie", "rate-limited", samples="2")
    t_proxy(tmp, "replay", "origin timestamp does not match", samples="2")
    t_proxy(tmp, "tamper", "does not verify")
    t_proxy(tmp, "delay", "round trip")
    t_fake_ke(tmp, bytes.fromhex("80010002000080040002"), "closed before End of Message")
    t_fake_ke(tmp, bytes.fromhex("800100020000800200020001" "80000000"), "Error record (code 1)")
    t_fake_ke(tmp, bytes.fromhex("8001000200008004000200" "0f" "0005" "0101") + b"\x00" * 300, "body (limit 256)")


SCENARIOS = {"offset": t_offset, "outvoted": t_outvoted, "refuse": t_refuse, "rate": t_rate, "reject": t_reject}

if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="cctsa-nts-") as d:
        SCENARIOS[sys.argv[2]](d)
