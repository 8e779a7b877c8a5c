#!/usr/bin/env python3
"""cert_install_probe.py SOCKET CERTS.pem [--items N]: send one CERT_INSTALL frame (node protocol v2,
docs/node-protocol.md) with the PEM file's certificates (the first N, default all) to the node's unix
socket and print the answer: "accepted", "refused: REASON", "error CODE: REASON" or "closed"."""
import base64, re, socket, struct, sys

sock, pem = sys.argv[1], open(sys.argv[2]).read()
ders = [base64.b64decode(b) for b in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)]
if "--items" in sys.argv:
    ders = ders[: int(sys.argv[sys.argv.index("--items") + 1])]
body = bytes([len(ders)]) + b"".join(struct.pack(">I", len(d)) + d for d in ders)
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sock)
s.sendall(b"CCTN" + bytes([2, 0x06, 0, 0]) + struct.pack(">II", 7, len(body)) + body)

def read(n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            return None
        out += chunk
    return out

hdr = read(16)
if not hdr:
    print("closed")
    sys.exit(0)
typ, rid, blen = hdr[5], struct.unpack(">I", hdr[8:12])[0], struct.unpack(">I", hdr[12:16])[0]
b = read(blen) if blen else b""
if typ == 0x86 and rid == 7:
    print("accepted" if b[0] == 1 else "refused: " + b[2 : 2 + b[1]].decode())
elif typ == 0x7F:
    print("error %d: %s" % (struct.unpack(">H", b[:2])[0], b[2:].decode(errors="replace")))
else:
    print("unexpected type 0x%02x" % typ)
