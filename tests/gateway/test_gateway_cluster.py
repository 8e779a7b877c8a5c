#!/usr/bin/env python3
"""test_gateway_cluster.py: the gateway in front of fake cluster nodes (this script speaks the
node protocol; the STATUS cluster block is built here from the layout in docs/node-protocol.md,
independently of src/proto):
  - /health shows the cluster's states and the five nodes with links and reasons;
  - /metrics: `promtool check metrics` passes; the cluster, key, time and attestation families
    carry the values sent, labelled by node name; per-node families for both nodes;
  - /binding relays the DER record; /certs turns a CSRS-shaped DER list into PEM;
  - the performance block (flag 8; mesh traffic and the ML-DSA attempts histogram) becomes
    cctsa_mesh_bytes_total / cctsa_mesh_frames_total / cctsa_mldsa_sign_attempts; a node without
    it (a node from before the block) is still online, with none of those samples;
  - a node whose cluster STATUS breaks a rule (a name outside the alphabet, a non-zero reserved
    byte, the flag without the block, the performance block without the cluster block) is
    disconnected and never counted online.
usage: test_gateway_cluster.py BIN_DIR"""
import json, os, re, struct, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node"))
import test_node_wire as wire  # noqa: E402  (frames and the fake node's socket handling)

frame, read_frame = wire.frame, wire.read_frame

BIN = sys.argv[1]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def text(s, cap):
    s = s.encode()
    return bytes([len(s)]) + s + bytes(cap - len(s))


def node_entry(key, name, party, link, reachable, holder, excluded, age, offset, reason):
    e = bytes([key]) * 8 + text(name, 31) + bytes([party, link, reachable, holder, excluded, 0, 0, 0])
    e += struct.pack(">IIq", age, 0, offset) + text(reason, 159)
    assert len(e) == 224
    return e


# The performance block: mesh bytes out, in, frames out, in, ML-DSA attempts sum, 8 buckets.
PERF = (1000, 900, 10, 9, 14, (3, 1, 0, 0, 0, 0, 0, 1))


def perf_block(p):
    b = struct.pack(">5Q", *p[:5]) + struct.pack(">8Q", *p[5])
    assert len(b) == 104
    return b


def status(name, epoch=4, epoch_state=2, avail=1, node_state=5, flags=4, bad=None, perf=None):
    if perf:
        flags |= 8
    if bad == "perfonly":
        flags, perf = 8, PERF
    serving = 0 if node_state == 5 else 1  # the base node state follows the lifecycle's (node_status.h)
    base = bytes(range(16)) + bytes(16) + bytes([serving, 1, 0, flags, 15, 3, 0, 1])
    base += struct.pack(">QqqQQQQ", 2_000_000, int(time.time()) + 40 * 86400, 40 * 86400, 77, 10, 1, 0)
    assert len(base) == 96
    if not flags & 4:
        return base + (perf_block(perf) if perf else b"")
    c = struct.pack(">I", epoch) + bytes([epoch_state, avail, node_state, 2, 4, 5, 4, 3]) + struct.pack(">I", 42)
    c += struct.pack(">7Q", 1, 2, 8123, 500, 3, 4, 1) + struct.pack(">qII", int(time.time()) + 40 * 86400, 120, 5)
    c += struct.pack(">6Q", 0, 0, 0, 0, 7, 0) + struct.pack(">4Q", 2, 0, 0, 0)
    c += b"\x11" * 32 + b"\x22" * 48 + text("", 159)
    peers = [(name, 2, 3, 1, 1, 0, 120, 0, ""), ("n2", 1, 3, 1, 1, 0, 100, 1_500_000, ""),
             ("n3", 3, 3, 1, 1, 0, 200, -2_000_000, ""),
             ("n4", 0, 4, 0, 0, 0, 0xFFFFFFFF, -(2 ** 63), "attestation: measurement differs from ours"),
             ("n5", 5, 3, 1, 1, 1, 300, 0, "named culprit: tampered round message")]
    for i, p in enumerate(peers):
        c += node_entry(0xA0 + i, *p)
    assert len(c) == 1528
    body = bytearray(base + c)
    if bad == "name":
        body[96 + 408 + 9] = ord("/")
    elif bad == "reserved":
        body[96 + 408 + 224 + 46] = 1
    elif bad == "short":
        body = body[:96]
    return bytes(body) + (perf_block(perf) if perf else b"")


class ClusterNode(wire.FakeNode):
    """Answers STATUS with its body st, the request types in answers with theirs, others ERROR 2."""

    def __init__(self, path, st, answers):
        self.st, self.answers = st, answers
        super().__init__(path, "cluster")

    def serve(self, c):
        try:
            while (f := read_frame(c)) is not None:
                typ, rid, _ = f
                if typ == 0x02:
                    c.sendall(frame(0x82, rid, self.st))
                elif typ in self.answers:
                    c.sendall(frame(typ | 0x80, rid, self.answers[typ]))
                else:
                    c.sendall(frame(0x7F, rid, b"\x00\x02not available"))
        except OSError:
            return


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.headers.get("content-type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), e.read()


work = tempfile.mkdtemp(prefix="cctsa-gwcluster-")
BINDING = bytes([0x30, 0x03, 0x02, 0x01, 0x07])
CERT_A, CERT_B = bytes([0x30, 0x02, 0x05, 0x00]), bytes([0x30, 0x82, 0x00, 0x01, 0xFF])
certs = bytes([2]) + struct.pack(">I", len(CERT_A)) + CERT_A + struct.pack(">I", len(CERT_B)) + CERT_B
ClusterNode(f"{work}/n1.sock", status("n1", perf=PERF), {0x04: BINDING, 0x05: certs})
ClusterNode(f"{work}/n2.sock", status("n2", node_state=6), {})
bad = {k: ClusterNode(f"{work}/bad-{k}.sock", status("b", bad=k), {}) for k in ("name", "reserved", "short", "perfonly")}
args = [f"{BIN}/cctsa-gateway", "--listen", "127.0.0.1:0"]
for n in ["n1", "n2", "bad-name", "bad-reserved", "bad-short", "bad-perfonly"]:
    args += ["--node", f"unix:{work}/{n}.sock"]
gw = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(f"{work}/gw.err", "w"), text=True)
try:
    line = gw.stdout.readline()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    time.sleep(2.5)  # two STATUS rounds

    st, ct, body = get(port, "/health")
    h = json.loads(body)
    check(st == 200 and h["status"] == "ok" and h["nodes_up"] == 1 and h["nodes"] == 6, f"/health 200, one serving node: {h}")
    check(h.get("key_epoch") == 4 and h.get("key_state") == "ACTIVE" and h.get("availability") == "DEGRADED" and
          h.get("node_state") == "SERVING", "/health cluster states")
    c = h.get("cluster", {})
    check(c.get("party") == 2 and c.get("reachable") == 4 and c.get("alive") == 5 and c.get("presignatures") == 42 and
          c.get("ml_dsa_key_id") == "11" * 32 and c.get("ecdsa_key_id") == "22" * 48 and
          c.get("dkg") == {"ok": 1, "failed": 2, "last_duration_ms": 8123} and
          c.get("signing") == {"signed": 500, "failed": 3, "retries": 4, "participant_refusals": 1}, f"/health cluster: {c}")
    nodes = c.get("nodes", [])
    check(len(nodes) == 5 and nodes[0]["self"] and nodes[0]["name"] == "n1" and nodes[0]["key"] == "a0" * 8 and
          not nodes[1]["self"], "five nodes, self first")
    check(nodes[3]["link"] == "refused" and nodes[3]["reachable"] is False and nodes[3]["attestation_age_seconds"] is None
          and nodes[3]["reason"] == "attestation: measurement differs from ours", "refused node and its reason")
    check(nodes[4]["excluded"] is True and "culprit" in nodes[4]["reason"], "excluded culprit named")

    st, ct, m = get(port, "/metrics")
    m = m.decode()
    with open(f"{work}/metrics.txt", "w") as f:
        f.write(m)
    pc = subprocess.run(["promtool", "check", "metrics"], input=m, capture_output=True, text=True)
    check(st == 200 and pc.returncode == 0, f"promtool check metrics: {pc.stdout}{pc.stderr}")
    val = {}
    for ln in m.splitlines():
        if ln and not ln.startswith("#"):
            k, v = ln.rsplit(" ", 1)
            val[k] = float(v)
    want = {
        "cctsa_nodes_configured": 6, "cctsa_nodes_online": 2, "cctsa_nodes_attested": 2, "cctsa_nodes_time_ok": 2,
        "cctsa_share_holders": 5, 'cctsa_cluster_state{state="DEGRADED"}': 1, 'cctsa_cluster_state{state="HEALTHY"}': 0,
        "cctsa_key_epoch": 4, 'cctsa_key_state{state="ACTIVE"}': 1, 'cctsa_key_state{state="COMPROMISED"}': 0,
        'cctsa_dkg_total{result="ok"}': 1, 'cctsa_dkg_total{result="failed"}': 2, "cctsa_dkg_last_duration_seconds": 8.123,
        'cctsa_node_time_error_bound_seconds{node="n1"}': 0.002, 'cctsa_node_time_error_bound_seconds{node="n2"}': 0.002,
        'cctsa_node_peer_offset_seconds{node="n1",peer="n2"}': 0.0015,
        'cctsa_node_peer_offset_seconds{node="n1",peer="n3"}': -0.002,
        'cctsa_nts_sources_configured{node="n1"}': 4, 'cctsa_nts_sources_agreeing{node="n1"}': 3,
        'cctsa_time_refusals_total{node="n1",reason="gentime_window"}': 7,
        'cctsa_time_refusals_total{node="n2",reason="not_synced"}': 0,
        'cctsa_attestation_age_seconds{node="n2"}': 120,
        'cctsa_attestation_failures_total{node="n1",reason="measurement"}': 2,
        'cctsa_presignatures_available{set="n1"}': 42,
        'cctsa_mesh_bytes_total{node="n1",direction="out"}': 1000, 'cctsa_mesh_bytes_total{node="n1",direction="in"}': 900,
        'cctsa_mesh_frames_total{node="n1",direction="out"}': 10, 'cctsa_mesh_frames_total{node="n1",direction="in"}': 9,
        'cctsa_mldsa_sign_attempts_bucket{node="n1",le="1"}': 3, 'cctsa_mldsa_sign_attempts_bucket{node="n1",le="2"}': 4,
        'cctsa_mldsa_sign_attempts_bucket{node="n1",le="7"}': 4, 'cctsa_mldsa_sign_attempts_bucket{node="n1",le="+Inf"}': 5,
        'cctsa_mldsa_sign_attempts_sum{node="n1"}': 14, 'cctsa_mldsa_sign_attempts_count{node="n1"}': 5,
    }
    for k, v in want.items():
        check(abs(val.get(k, float("nan")) - v) < 1e-9, f"{k} = {v} (got {val.get(k)})")
    check('cctsa_node_peer_offset_seconds{node="n1",peer="n4"}' not in val, "unmeasured offset not exported")
    check(39 * 86400 < val.get('cctsa_cert_expiry_seconds{alg="earliest"}', 0) <= 40 * 86400, "certificate expiry")
    check(not any('node="b"' in k for k in val), "nodes with a malformed STATUS are not online")
    check(not any(k.startswith(("cctsa_mesh_", "cctsa_mldsa_")) and 'node="n2"' in k for k in val),
          "a node without the performance block (n2) has no such samples")

    st, ct, b = get(port, "/binding")
    check(st == 200 and ct == "application/octet-stream" and b == BINDING, "/binding relays the DER record")
    st, ct, b = get(port, "/certs")
    import base64
    blocks = re.findall(rb"-----BEGIN CERTIFICATE-----\n(.*?)-----END CERTIFICATE-----\n", b, re.S)
    check(st == 200 and [base64.b64decode(x) for x in blocks] == [CERT_A, CERT_B], "/certs: the DER list as PEM, in order")
    err = open(f"{work}/gw.err").read()
    for k in ("name", "reserved", "short", "perfonly"):
        check(f"bad-{k}.sock: STATUS" in err, f"bad STATUS ({k}) closes the link: logged")
finally:
    gw.terminate()
    rc = gw.wait(10)
    check(rc == 0 and "Sanitizer" not in open(f"{work}/gw.err").read(), f"clean exit on SIGTERM (rc {rc})")
    if failed:
        print(open(f"{work}/gw.err").read()[-2000:])
    subprocess.run(["rm", "-rf", work])
print(f"test_gateway_cluster: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
