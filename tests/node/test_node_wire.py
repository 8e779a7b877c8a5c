#!/usr/bin/env python3
"""test_node_wire.py: cctsa-node and cctsa-gateway over the node protocol (docs/node-protocol.md),
with raw sockets written here from the document, not from the C code.

Node side: STATUS; ten SIGN requests pipelined on one connection, answered by id, each token
checked by `openssl ts -verify -digest` and carrying its nonce; CERTS parsed by openssl; ATTEST
with REPORT_DATA = SHA-512(label || nonce) and the measurement given on the command line;
BINDING "not available"; every framing violation (bad magic, version, flags, type, an answer
type, an oversized or wrong-sized body, a malformed SIGN body) closes the connection; a frame
stalled half-way is cut within seconds while another connection is served at once; a peer that
never reads its answers is cut.
Gateway side, against a fake node written here: a node that stalls a SIGN makes that request
end 503 at the deadline while a request to the other node is granted meanwhile; a node that
answers garbage or an oversized frame is dropped and the request fails over to the other node;
a node that answers GRANTED with a reply that is no token for the request is not believed: the
request is retried on the other node, the client gets a real token, and bad_reply is counted.
Kill the node: 503 with Retry-After and /health 503; restart it: tokens again, from a new key
and certificate.
usage: test_node_wire.py BIN_DIR
"""
import hashlib
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

FAILS, PASSES = [], []
HDR = struct.Struct(">4sBBHII")


def check(ok, what):
    (PASSES if ok else FAILS).append(what)
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def frame(typ, rid, body=b"", magic=b"CCTN", ver=2, flags=0, blen=None):
    return HDR.pack(magic, ver, typ, flags, rid, len(body) if blen is None else blen) + body


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(s):
    h = recv_exact(s, 16)
    if h is None:
        return None
    magic, ver, typ, flags, rid, blen = HDR.unpack(h)
    body = recv_exact(s, blen) if blen else b""
    return typ, rid, body


def closed_soon(s, within=3.0):
    """True if the peer closes the connection (EOF or reset) within `within` seconds; frames
    before the close (an ERROR) are read and ignored."""
    s.settimeout(within)
    end = time.monotonic() + within
    try:
        while time.monotonic() < end:
            if not s.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


SHA256_OID = bytes.fromhex("608648016503040201")


def sign_body(profile, digest, nonce=b"", policy=b"", cert_req=1, template=1, deadline=3000):
    """SIGN: profile | certReq | template (sha256 with NULL parameters = 1) | digest | policy | nonce | deadline."""
    return (bytes([profile, cert_req, template, len(digest)]) + digest + bytes([len(policy)]) + policy +
            bytes([len(nonce)]) + nonce + struct.pack(">H", deadline))


def sign_result(body):
    outcome, fail, profile, rl = body[0], body[1], body[2], body[3]
    reason = body[4:4 + rl].decode()
    (dlen,) = struct.unpack(">I", body[4 + rl:8 + rl])
    return outcome, fail, profile, reason, body[8 + rl:8 + rl + dlen]


class Proc:
    def __init__(self, argv, name, work, ready):
        self.out = os.path.join(work, name + ".out")
        self.err = os.path.join(work, name + ".err")
        self.p = subprocess.Popen(argv, stdout=open(self.out, "wb"), stderr=open(self.err, "wb"))
        end = time.monotonic() + 20
        while time.monotonic() < end and ready not in open(self.out, errors="replace").read():
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        text = open(self.out, errors="replace").read()
        if ready not in text:
            raise SystemExit("%s did not start: %s" % (name, open(self.err, errors="replace").read()))
        self.text = text

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def start_node(bin_dir, ca, sock, work, name, extra=()):
    if os.path.exists(sock):
        os.unlink(sock)
    return Proc([os.path.join(bin_dir, "cctsa-node"), "--dev", "--dev-ca", ca, "--listen", "unix:" + sock] + list(extra),
                name, work, "listening on")


def start_gateway(bin_dir, nodes, work, name, extra=()):
    argv = [os.path.join(bin_dir, "cctsa-gateway"), "--listen", "127.0.0.1:0"] + list(extra)
    for n in nodes:
        argv += ["--node", "unix:" + n]
    g = Proc(argv, name, work, "listening on")
    g.port = int(re.search(r"http://127\.0\.0\.1:(\d+)", g.text).group(1))
    return g


def connect(sock):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock)
    return s


def http(port, path, body=None, timeout=10):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=body,
                                 headers={"Content-Type": "application/timestamp-query"} if body else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def openssl(*args, data=None):
    return subprocess.run(["openssl"] + list(args), input=data, capture_output=True)


# ---------------------------------------------------------------- node side

def node_checks(sock, ca, work, meas):
    s = connect(sock)
    s.sendall(frame(0x02, 77))
    typ, rid, body = read_frame(s)
    check(typ == 0x82 and rid == 77 and len(body) == 96, "STATUS answered (type 0x82, id 77, 96 bytes)")
    check(body[35] & 1 and body[36] == 15, "STATUS: host clock marked development, four profiles")

    digest = hashlib.sha256(b"node wire test").digest()
    reqs = b"".join(frame(0x01, 100 + i, sign_body(0, digest, nonce=bytes([1, i + 1]))) for i in range(10))
    s.sendall(reqs)
    answers = {}
    for _ in range(10):
        typ, rid, body = read_frame(s)
        answers[rid] = (typ, sign_result(body))
    check(sorted(answers) == list(range(100, 110)), "10 pipelined SIGN requests answered by id")
    good = 0
    for rid, (typ, (outcome, fail, profile, reason, der)) in answers.items():
        path = os.path.join(work, "sign%d.tsr" % rid)
        open(path, "wb").write(der)
        v = openssl("ts", "-verify", "-digest", digest.hex(), "-in", path, "-CAfile", os.path.join(ca, "root-ecdsa.pem"))
        text = openssl("ts", "-reply", "-in", path, "-text").stdout.decode()
        nonce_ok = re.search(r"Nonce: 0x%04X" % (0x100 + rid - 99), text) is not None
        good += typ == 0x81 and outcome == 0 and profile == 0 and b"Verification: OK" in v.stdout and nonce_ok
    check(good == 10, "every token verifies with openssl ts -verify -digest and carries its nonce (%d/10)" % good)

    # A SIGN whose deadline leaves the node less than 300 ms is answered UNAVAILABLE, unsigned.
    s.sendall(frame(0x01, 120, sign_body(0, digest, nonce=b"\x05", deadline=200)))
    typ, rid, body = read_frame(s)
    outcome, fail, profile, reason, der = sign_result(body)
    check(typ == 0x81 and rid == 120 and outcome == 3 and fail == 25 and der == b"" and "not signed" in reason,
          "a SIGN past its deadline: UNAVAILABLE (systemFailure), no token (%d, %r)" % (outcome, reason))

    s.sendall(frame(0x05, 5))
    typ, rid, body = read_frame(s)
    certs, off = [], 1
    for _ in range(body[0] if body else 0):
        (n,) = struct.unpack(">I", body[off:off + 4])
        certs.append(body[off + 4:off + 4 + n])
        off += 4 + n
    parsed = [openssl("x509", "-inform", "der", "-noout", "-subject", data=c).returncode == 0 for c in certs]
    check(typ == 0x85 and len(certs) == 2 and off == len(body), "CERTS: two certificates")
    check(all(parsed), "CERTS: openssl parses both")

    nonce = os.urandom(32)
    s.sendall(frame(0x03, 6, nonce))
    typ, rid, body = read_frame(s)
    want = hashlib.sha512(b"cctsa-node-attest-v1" + nonce).digest()
    check(typ == 0x83 and len(body) > 1188 and body[0x50:0x90] == want,
          "ATTEST: REPORT_DATA = SHA-512(label || nonce)")
    check(body[0x90:0xC0] == bytes.fromhex(meas), "ATTEST: the report carries the measurement")

    s.sendall(frame(0x04, 7))
    typ, rid, body = read_frame(s)
    check(typ == 0x7F and rid == 7 and body[:2] == b"\x00\x02", "BINDING: ERROR not available")
    s.close()

    bad = {
        "bad magic": frame(0x02, 1, magic=b"XXXX"),
        "version 1": frame(0x02, 1, ver=1),
        "non-zero flags": frame(0x02, 1, flags=1),
        "unknown type": frame(0x09, 1),
        "an answer type sent to the node": frame(0x82, 1, b"\0" * 96),
        "oversized SIGN body length": frame(0x01, 1, blen=1 << 20),
        "STATUS with a body": frame(0x02, 1, b"x"),
        "ATTEST nonce too short": frame(0x03, 1, b"x" * 8),
        "SIGN digest length mismatch": frame(0x01, 1, sign_body(0, digest[:31])),
        "SIGN trailing byte": frame(0x01, 1, sign_body(0, digest) + b"\0"),
        "SIGN non-minimal nonce": frame(0x01, 1, sign_body(0, digest, nonce=b"\0\1")),
        "SIGN unknown template": frame(0x01, 1, sign_body(0, digest, template=12)),
    }
    for what, data in bad.items():
        c = connect(sock)
        c.sendall(data)
        check(closed_soon(c), "closed on %s" % what)
        c.close()

    # A frame stalled half-way is cut; another connection is served meanwhile.
    stalled = connect(sock)
    stalled.sendall(frame(0x02, 1)[:9])
    t0 = time.monotonic()
    other = connect(sock)
    other.sendall(frame(0x02, 2))
    ans = read_frame(other)
    check(ans is not None and ans[0] == 0x82 and time.monotonic() - t0 < 0.5, "served while another frame stalls")
    check(closed_soon(stalled, 4.0) and time.monotonic() - t0 < 4.0,
          "stalled frame cut after %.1f s" % (time.monotonic() - t0))
    other.close()

    # A peer that never reads: the node stops queueing for it and cuts it.
    reader = connect(sock)
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    big = frame(0x01, 9, sign_body(3, digest))  # compat tokens: about 10 KB each
    sent, cut = 0, False
    reader.settimeout(0.5)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 20 and not cut:
        try:
            reader.sendall(big * 50)
            sent += 50
        except (BrokenPipeError, ConnectionResetError):
            cut = True
        except socket.timeout:
            break
    if not cut:
        try:
            reader.settimeout(5)
            total = 0
            while True:
                chunk = reader.recv(1 << 20)
                if not chunk:
                    cut = True
                    break
                total += len(chunk)
                if total > sent * 12000:
                    break
        except (ConnectionResetError, socket.timeout):
            cut = cut or False
    check(cut, "a peer that never reads is cut (%d requests sent)" % sent)
    reader.close()
    c = connect(sock)
    c.sendall(frame(0x02, 3))
    ans = read_frame(c)
    check(ans is not None and ans[0] == 0x82, "node still serves after the attacks")
    c.close()


# ---------------------------------------------------------------- gateway side

STATUS_BODY = bytes(16) + bytes(16) + bytes([0, 0, 0, 1, 15, 3, 0, 1]) + bytes(56)


class FakeNode:
    """Answers STATUS like a serving node; on SIGN: 'stall' (never answers), 'garbage' (bad
    magic), 'oversize' (an answer header announcing 64 MiB)."""

    def __init__(self, path, mode):
        self.path, self.mode, self.signs = path, mode, 0
        if os.path.exists(path):
            os.unlink(path)
        self.ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ls.bind(path)
        self.ls.listen(8)
        self.conns = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        try:
            while True:
                f = read_frame(c)
                if f is None:
                    return
                typ, rid, body = f
                if typ == 0x02:
                    c.sendall(frame(0x82, rid, STATUS_BODY))
                elif typ == 0x01:
                    self.signs += 1
                    if self.mode == "garbage":
                        c.sendall(b"GARBAGE!" * 4)
                    elif self.mode == "oversize":
                        c.sendall(frame(0x81, rid, blen=64 << 20))
                    elif self.mode == "lie":  # GRANTED, well framed, but no token for this request
                        der = bytes([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00])
                        c.sendall(frame(0x81, rid, bytes([0, 0, 1, 0]) + struct.pack(">I", len(der)) + der))
        except OSError:
            return

    def close(self):
        self.ls.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def wait_nodes_up(port, n, within=5.0):
    end = time.monotonic() + within
    while time.monotonic() < end:
        st, _, body = http(port, "/health")
        if b'"nodes_up":%d' % n in body:
            return True
        time.sleep(0.1)
    return False


def gateway_checks(bin_dir, real_sock, work, query):
    fake_sock = os.path.join(work, "fake.sock")
    fake = FakeNode(fake_sock, "stall")
    gw = start_gateway(bin_dir, [fake_sock, real_sock], work, "gw-stall", ["--node-deadline-ms", "1500"])
    try:
        check(wait_nodes_up(gw.port, 2), "gateway sees both nodes up")
        res = {}

        def one(name):
            t0 = time.monotonic()
            st, hdr, _ = http(gw.port, "/tsa/classic", query)
            res[name] = (st, hdr, time.monotonic() - t0, time.monotonic())

        a = threading.Thread(target=one, args=("A",))
        a.start()
        time.sleep(0.2)
        one("B")
        a.join(10)
        check(fake.signs >= 1, "the first request went to the stalling node")
        check(res["B"][0] == 200 and res["B"][2] < 1.0, "another request granted meanwhile (%.2f s)" % res["B"][2])
        check(res["A"][0] == 503 and 1.3 < res["A"][2] < 2.5 and res["A"][1].get("Retry-After") == "1",
              "the stalled request ends 503 + Retry-After at its deadline (%.2f s)" % res["A"][2])
        check(res["B"][3] < res["A"][3], "the stall did not hold up the other request")
    finally:
        gw.stop()
        fake.close()

    fake = FakeNode(fake_sock, "lie")
    gw = start_gateway(bin_dir, [fake_sock, real_sock], work, "gw-lie")
    try:
        wait_nodes_up(gw.port, 2)
        granted = 0
        for _ in range(4):  # the gateway spreads requests: at least one reaches the lying node
            st, _, body = http(gw.port, "/tsa/classic", query)
            txt = openssl("ts", "-reply", "-text", "-in", "/dev/stdin", data=body).stdout.decode()
            granted += st == 200 and "Granted" in txt
        log = open(gw.err, errors="replace").read()
        _, _, metrics = http(gw.port, "/metrics")
        check(fake.signs >= 1 and granted == 4, "a GRANTED reply without a token: retried on the other node, "
              "every request granted (%d/4, lying node asked %d times)" % (granted, fake.signs))
        check("GRANTED reply refused" in log, "the gateway logs the refused reply")
        check(b'cctsa_signing_retries_total{reason="bad_reply"} %d' % fake.signs in metrics,
              "bad_reply retries counted")
    finally:
        gw.stop()
        fake.close()

    for mode in ("garbage", "oversize"):
        fake = FakeNode(fake_sock, mode)
        gw = start_gateway(bin_dir, [fake_sock, real_sock], work, "gw-" + mode)
        try:
            wait_nodes_up(gw.port, 2)
            st, _, body = http(gw.port, "/tsa/classic", query)
            log = open(gw.err, errors="replace").read()
            check(fake.signs == 1 and st == 200, "%s from a node: request failed over and granted" % mode)
            check("node unix:%s:" % fake_sock in log and ("bad magic" in log or "larger" in log),
                  "%s: the gateway dropped that node's connection" % mode)
        finally:
            gw.stop()
            fake.close()


def concurrency_checks(bin_dir, real_sock, work, query):
    """--node-concurrency: a node signing its quota gets no more requests; they wait in the gateway
    for the first free node (control: without a cap, the stalling node collects several)."""
    fake_sock = os.path.join(work, "fake-cap.sock")

    def burst(cap, nodes, n, probe=None):
        gw = start_gateway(bin_dir, nodes, work, "gw-cap%s" % cap,
                           ["--node-deadline-ms", "1500", "--node-concurrency", cap])
        res = []
        try:
            check(wait_nodes_up(gw.port, len(nodes)), "cap %s: gateway sees the nodes up" % cap)
            lock = threading.Lock()

            def one():
                t0 = time.monotonic()
                st, hdr, _ = http(gw.port, "/tsa/classic", query)
                with lock:
                    res.append((st, time.monotonic() - t0, hdr.get("Retry-After")))

            ts = [threading.Thread(target=one) for _ in range(n)]
            for t in ts:
                t.start()
            if probe:
                time.sleep(0.6)
                probe(gw.port)
            for t in ts:
                t.join(10)
            return res, open(gw.err, errors="replace").read()
        finally:
            gw.stop()

    fake = FakeNode(fake_sock, "stall")
    try:
        res, log = burst("1", [fake_sock, real_sock], 6)
        ok = sorted(r[1] for r in res if r[0] == 200)
        check("node concurrency 1" in log, "the gateway logs its node concurrency")
        check(fake.signs == 1, "cap 1: the stalling node was sent one request only (%d)" % fake.signs)
        check(len(ok) == 5, "cap 1: the other five waited in the gateway and were granted by the free node "
              "before the deadline (%s s)" % ["%.2f" % t for t in ok])
        check(sum(r[0] == 503 and r[2] == "1" for r in res) == 1, "cap 1: the stalled one ends 503 + Retry-After")
    finally:
        fake.close()
    fake = FakeNode(fake_sock, "stall")
    try:
        res, _ = burst("0", [fake_sock, real_sock], 6)
        check(fake.signs >= 2, "control, no cap: the stalling node collects several requests (%d)" % fake.signs)
    finally:
        fake.close()
    fakes = [FakeNode(fake_sock, "stall"), FakeNode(fake_sock + "2", "stall")]
    seen = {}

    def scrape(port):
        _, _, m = http(port, "/metrics")
        seen["mid"] = m

    try:
        res, _ = burst("1", [fake_sock, fake_sock + "2"], 4, scrape)
        m = seen.get("mid", b"")
        check(b"\ncctsa_signing_admitted 4\n" in m and b"\ncctsa_signing_waiting 2\n" in m,
              "/metrics while both nodes are full: 4 requests admitted, 2 of them waiting in the gateway")
        check(sum(f.signs for f in fakes) == 2, "every node full: the gateway sends no more than the cap allows")
        check(len(res) == 4 and all(r[0] == 503 and 1.3 < r[1] < 2.5 for r in res),
              "requests waiting in the gateway end 503 at their deadline too (%s)" % ["%.2f" % r[1] for r in res])
    finally:
        for f in fakes:
            f.close()


def kill_restart(bin_dir, ca, work, query):
    sock = os.path.join(work, "kr.sock")
    node = start_node(bin_dir, ca, sock, work, "kr-node")
    gw = start_gateway(bin_dir, [sock], work, "gw-kr")
    try:
        st, _, t1 = http(gw.port, "/tsa/classic", query)
        check(st == 200, "granted through the node")
        check(node.stop() == 0, "node exits 0 on SIGTERM")
        st, hdr, body = http(gw.port, "/tsa/classic", query)
        text = openssl("ts", "-reply", "-text", "-in", "/dev/stdin", data=body).stdout.decode()
        check(st == 503 and hdr.get("Retry-After") == "1" and "system failure" in text,
              "node down: 503 + Retry-After with a systemFailure TimeStampResp")
        st, _, hb = http(gw.port, "/health")
        check(st == 503 and b'"status":"unavailable"' in hb and b'"quorum_available":false' in hb,
              "node down: /health 503 unavailable")
        node = start_node(bin_dir, ca, sock, work, "kr-node2")
        end, st = time.monotonic() + 5, 0
        while time.monotonic() < end and st != 200:
            st, _, t2 = http(gw.port, "/tsa/classic", query)
            time.sleep(0.1)
        check(st == 200, "node restarted: granted again")
        certs = []
        for i, t in enumerate((t1, t2)):
            p = os.path.join(work, "kr%d.tsr" % i)
            open(p, "wb").write(t)
            tok = openssl("ts", "-reply", "-in", p, "-token_out", "-out", p + ".tok")
            certs.append(openssl("pkcs7", "-inform", "der", "-in", p + ".tok", "-print_certs").stdout)
        check(certs[0] and certs[1] and certs[0] != certs[1], "after the restart: a new key and certificate")
        v = openssl("ts", "-verify", "-in", os.path.join(work, "kr1.tsr"), "-queryfile", os.path.join(work, "q.tsq"),
                    "-CAfile", os.path.join(ca, "root-ecdsa.pem"))
        check(b"Verification: OK" in v.stdout, "the new token verifies")
        st, _, hb = http(gw.port, "/health")
        check(st == 200 and all(k in hb for k in (b'"status":"ok"', b'"node_id":"', b'"attested":', b'"time_synced":true',
                                                  b'"quorum_available":true', b'"uptime_seconds":')),
              "/health fields: status node_id attested time_synced quorum_available uptime_seconds")
    finally:
        gw.stop()
        node.stop()


def main():
    bin_dir = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="cctsa-wire-")
    node = None
    try:
        ca = os.path.join(work, "ca")
        subprocess.run([os.path.join(bin_dir, "cctsa"), "ca", "init", "--dir", ca], check=True, stdout=subprocess.DEVNULL)
        open(os.path.join(work, "d"), "wb").write(b"wire")
        subprocess.run(["openssl", "ts", "-query", "-data", os.path.join(work, "d"), "-sha256", "-cert", "-out",
                        os.path.join(work, "q.tsq")], check=True, capture_output=True)
        query = open(os.path.join(work, "q.tsq"), "rb").read()
        meas = "ab" * 48
        sock = os.path.join(work, "node.sock")
        node = start_node(bin_dir, ca, sock, work, "node", ["--measurement", meas])
        node_checks(sock, ca, work, meas)
        gateway_checks(bin_dir, sock, work, query)
        concurrency_checks(bin_dir, sock, work, query)
        check(node.stop() == 0, "node exits 0 on SIGTERM")
        node = None
        kill_restart(bin_dir, ca, work, query)
    finally:
        if node:
            node.stop()
        if FAILS:
            for name in sorted(os.listdir(work)):
                if name.endswith(".err"):
                    print("--- %s" % name)
                    print("\n".join(open(os.path.join(work, name), errors="replace").read().splitlines()[-10:]))
        shutil.rmtree(work, ignore_errors=True)
    print("test_node_wire: %d passed, %d failed" % (len(PASSES), len(FAILS)))
    return 1 if FAILS or not PASSES else 0


if __name__ == "__main__":
    sys.exit(main())
