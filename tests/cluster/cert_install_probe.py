#!/usr/bin/env python3
"""cert_install_probe.py SOCKET CERTS.pem [--items N]: send one CERT_INSTALL frame (node protocol v2,
docs/node-protocol.md; framing from tests/node/test_node_wire.py) with the PEM file's certificates
(the first N, default all) to the node's unix socket and print the answer: "accepted",
"refused: REASON", "error CODE: REASON" or "closed"."""
import base64
import os
import re
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node"))
from test_node_wire import frame, read_frame  # noqa: E402

sock, pem = sys.argv[1], open(sys.argv[2]).read()
ders = [base64.b64decode(b) for b in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)]
if "--items" in sys.argv:
    ders = ders[: int(sys.argv[sys.argv.index("--items") + 1])]
body = bytes([len(ders)]) + b"".join(struct.pack(">I", len(d)) + d for d in ders)
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sock)
s.sendall(frame(0x06, 7, body))
try:
    answer = read_frame(s)
except ConnectionResetError:
    answer = None
if not answer:
    print("closed")
elif answer[0] == 0x86 and answer[1] == 7:
    b = answer[2]
    print("accepted" if b[0] == 1 else "refused: " + b[2 : 2 + b[1]].decode())
elif answer[0] == 0x7F:
    b = answer[2]
    print("error %d: %s" % (struct.unpack(">H", b[:2])[0], b[2:].decode(errors="replace")))
else:
    print("unexpected type 0x%02x" % answer[0])
