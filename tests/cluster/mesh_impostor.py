#!/usr/bin/env python3
"""mesh_impostor.py PORT CLAIMED_ADDR SECONDS: an unattested stranger that reaches a node's mesh port
(any TLS 1.3 client with a self-signed P-384 certificate) and sends HELLOs claiming to be the peer
at CLAIMED_ADDR, with a zeroed report, as fast as it can for SECONDS. A node must refuse each one
without touching the real peer's live connection or its state. Prints the number of attempts."""
import os, socket, ssl, struct, subprocess, sys, tempfile, time

port, claimed, seconds = int(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3])
d = tempfile.mkdtemp()
key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
                "-keyout", key, "-out", crt, "-subj", "/CN=impostor", "-days", "1"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain(crt, key)
# HELLO (docs/node-protocol.md, mesh): type 1, version 1, boot id, address, report, endorsements
body = bytes([1, 1]) + os.urandom(16) + bytes([len(claimed)]) + claimed + bytes(1184) + struct.pack(">I", 0)
frame = b"CCMF" + bytes([1, 0, 0, 0]) + struct.pack(">I", len(body)) + body
n, end = 0, time.time() + seconds
while time.time() < end:
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=2))
        s.sendall(frame)
        try:
            s.recv(300)
        except OSError:
            pass
        s.close()
    except OSError:
        pass
    n += 1
    time.sleep(0.05)
print(n)
