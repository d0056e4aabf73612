#!/usr/bin/env python3
"""spoolseg.py - write a gm-agent spool segment (format 1, agent/spool.c) the
way any gm-agent would have written it, for tests that need a spool an older
agent left behind (a NaN in it) or a damaged one.

    spoolseg.py DIR FIRST_ID TOPIC UNIT KIND < readings

Each line of stdin is "t v" (v may be nan, inf, -inf, as an older agent
spooled them); ids run on from FIRST_ID. The file is DIR/<FIRST_ID, 20
digits>.seg. Prints the byte offset of each record, one a line, so a test
can damage a chosen one.
"""
import os
import struct
import sys
import zlib

KINDS = {"counter": 0, "gauge": 1, "delta": 2}


def record(rid, t, v, kind, unit, topic):
    u, tp = unit.encode(), topic.encode()
    body = struct.pack("<QdddBBH", rid, t, v, 0.0, kind, len(u), len(tp)) + u + tp
    return struct.pack("<II", len(body), zlib.crc32(body) & 0xFFFFFFFF) + body


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    d, first, topic, unit, kind = sys.argv[1:]
    first = int(first)
    out = bytearray(b"GMSPOOL1")
    rid = first
    for line in sys.stdin:
        if not line.strip():
            continue
        t, v = line.split()
        print(len(out))
        out += record(rid, float(t), float(v), KINDS[kind], unit, topic)
        rid += 1
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%020d.seg" % first), "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
