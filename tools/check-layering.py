#!/usr/bin/env python3
"""check-layering.py: the include rules that keep src/ layered (docs/conventions.md, "Layers").

Rules, checked on every .c and .h under SRC (default: src/ beside this script):
  1. A component includes only components at or below it, in this order:
       base crypto asn1 x509 tsp threshold attest time proto node gateway cli
  2. A header named *_internal.h or *_int.h is included only by its own component.
  3. The gateway holds no secret and signs nothing: it includes nothing of node/ (but the state names of
     node/lifecycle.h, which it shows), nothing of threshold/, and none of the node-side RFC 3161 headers
     (engine, token builder, signer seam, dev CA).

usage: check-layering.py [SRC]      exit 1 and one line per violation when a rule is broken
       check-layering.py --self-test  builds a small tree that breaks each rule and checks each is caught
"""
import os
import re
import sys
import tempfile

ORDER = "base crypto asn1 x509 tsp threshold attest time proto node gateway cli".split()
RANK = {c: i for i, c in enumerate(ORDER)}
GATEWAY_FORBIDDEN = re.compile(r"^node/(?!lifecycle\.h$)|^threshold/|^tsp/tsp_(engine|token|signer|devca)\.h$")
INTERNAL = re.compile(r"_(internal|int)\.h$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"(([a-z0-9_]+)/[A-Za-z0-9_./]+)"')


def violations(src):
    out = []
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            comp = os.path.relpath(path, src).split(os.sep)[0]
            if comp not in RANK:
                continue
            with open(path, errors="replace") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    header, dep = m.group(1), m.group(2)
                    where = f"{os.path.relpath(path, src)}:{lineno}: includes {header}"
                    if dep in RANK and RANK[dep] > RANK[comp]:
                        out.append(f"{where}: {dep} sits above {comp}")
                    if dep != comp and INTERNAL.search(header):
                        out.append(f"{where}: an internal header of another component")
                    if comp == "gateway" and GATEWAY_FORBIDDEN.search(header):
                        out.append(f"{where}: the gateway must not see signing or key code")
    return out


def self_test():
    cases = {
        "crypto/a.c": '#include "tsp/tsp_req.h"\n',                 # rule 1
        "tsp/b.c": '#include "x509/x509_internal.h"\n',              # rule 2
        "gateway/c.c": '#include "tsp/tsp_engine.h"\n',              # rule 3
        "gateway/d.c": '#include "tsp/tsp_req.h"\n#include "base/base.h"\n',  # allowed
    }
    with tempfile.TemporaryDirectory() as d:
        for rel, text in cases.items():
            os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(d, rel), "w") as f:
                f.write(text)
        got = violations(d)
    want = ["crypto/a.c", "tsp/b.c", "gateway/c.c"]
    ok = len(got) == 3 and all(any(g.startswith(w) for g in got) for w in want)
    print("check-layering self-test:", "ok" if ok else "FAILED", *got, sep="\n  ")
    return 0 if ok else 1


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    src = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    bad = violations(src)
    for v in bad:
        print(v)
    print(f"check-layering: {len(bad)} violation(s) in {os.path.normpath(src)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
