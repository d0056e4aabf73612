#!/usr/bin/env python3
"""conn_flood.py - hostile HTTP clients for the dashboard tests (87).

  conn_flood.py idle PORT N [--half K] [--from A,B,...] [--status FILE]
      Open N connections to 127.0.0.1:PORT and leave them silent; the first
      K send half a request (a request line and one header, never the blank
      line). Connections come from the given loopback source addresses in
      turn (default 127.0.0.2). Writes "ready opened=N" to FILE (default
      stdout) once they are open, then every second "open=X closed=Y": how
      many the server has closed. Runs until killed.
  conn_flood.py abort PORT N [--from A,B,...]
      N connections, each aborted at once: a third close before sending,
      a third after half a request, a third reset (RST) after half a
      request. Prints "aborted=N".
  conn_flood.py raw PORT BYTES
      Send BYTES (a Python bytes literal, e.g. 'b"GET /\\x00 HTTP/1.1\\r\\n\\r\\n"')
      and print the status code of the answer, or "none".
"""
import argparse
import ast
import os
import resource
import select
import socket
import struct
import sys
import time

HALF = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def more_files(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))


def connect(port, src, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_server(s):
    """True once the server has closed s (EOF or reset); s is readable."""
    try:
        return s.recv(4096, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def idle(a):
    more_files(a.n)
    srcs = a.src.split(",")
    socks, failed = [], 0
    for i in range(a.n):
        try:
            s = connect(a.port, srcs[i % len(srcs)])
            if i < a.half:
                s.send(HALF)
            socks.append(s)
        except OSError:
            failed += 1
    out = open(a.status, "a", buffering=1) if a.status else sys.stdout
    out.write("ready opened=%d failed=%d\n" % (len(socks), failed))
    out.flush()
    gone = set()
    by_fd = {s.fileno(): s for s in socks}
    p = select.poll()   # not select(): more than 1,024 descriptors
    for fd in by_fd:
        p.register(fd, select.POLLIN)
    while True:
        time.sleep(1)
        for fd, _ in p.poll(0):
            if fd not in gone and closed_by_server(by_fd[fd]):
                gone.add(fd)
                p.unregister(fd)
        out.write("open=%d closed=%d\n" % (len(socks) - len(gone), len(gone)))
        out.flush()


def abort(a):
    srcs = a.src.split(",")
    done = 0
    for i in range(a.n):
        try:
            s = connect(a.port, srcs[i % len(srcs)])
        except OSError:
            continue
        try:
            if i % 3 >= 1:
                s.send(HALF)
            if i % 3 == 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()
        done += 1
    print("aborted=%d" % done)


def raw(a):
    s = connect(a.port, "127.0.0.1")
    s.sendall(ast.literal_eval(a.bytes))
    try:
        line = s.recv(64).split(b"\r\n")[0].split()
        print(line[1].decode() if len(line) > 1 else "none")
    except OSError:
        print("none")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("idle")
    i.add_argument("port", type=int)
    i.add_argument("n", type=int)
    i.add_argument("--half", type=int, default=0)
    i.add_argument("--from", dest="src", default="127.0.0.2")
    i.add_argument("--status")
    b = sub.add_parser("abort")
    b.add_argument("port", type=int)
    b.add_argument("n", type=int)
    b.add_argument("--from", dest="src", default="127.0.0.2")
    r = sub.add_parser("raw")
    r.add_argument("port", type=int)
    r.add_argument("bytes")
    a = p.parse_args()
    {"idle": idle, "abort": abort, "raw": raw}[a.cmd](a)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        os._exit(0)
