"""https_standin.py - a local HTTPS server standing in for the LINE Messaging
API and a webhook receiver, for the tests: every request is answered and
written as a JSON line to LOG (method, path, the headers that matter, the
body, the status given). What it answers to the LINE API's paths (/v2/...)
is read from MODE_FILE at each request: "ok" (200), "fail 0 N" (500 for
the next N requests), "hang S N" (no answer for S seconds, for the next N
requests), "down END S" (until the wall-clock time END, 500 and no answer
for S seconds by turns: an outage); any other path (the webhook) is always answered 200.

    python3 https_standin.py PORT CERT KEY LOG MODE_FILE"""
import http.server
import json
import ssl
import sys
import threading
import time

port, cert, key, log, mode_file = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
lock = threading.Lock()
turn = [0]


def take_mode():
    """The answer for this request, counting down a fail or hang."""
    with lock:
        try:
            words = open(mode_file).read().split()
        except OSError:
            words = ["ok"]
        if not words or words[0] == "ok":
            return ("ok", 0)
        if words[0] == "down":
            if time.time() >= float(words[1]):
                return ("ok", 0)
            turn[0] += 1
            return ("fail", 0) if turn[0] % 2 else ("hang", float(words[2]))
        n = int(words[-1])
        if n <= 0:
            return ("ok", 0)
        words[-1] = str(n - 1)
        open(mode_file, "w").write(" ".join(words))
        return (words[0], float(words[1]) if words[0] == "hang" else 0)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        what, secs = take_mode() if self.path.startswith("/v2/") else ("ok", 0)
        status = 500 if what == "fail" else 200
        if what == "hang":
            time.sleep(secs)
        entry = {"t": time.time(), "path": self.path, "status": status, "mode": what,
                 "authorization": self.headers.get("Authorization"),
                 "retry_key": self.headers.get("X-Line-Retry-Key"),
                 "content_type": self.headers.get("Content-Type"),
                 "body": body.decode("utf-8", "replace")}
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")
        except OSError:
            entry["status"] = "gone"   # the client gave up waiting
        with lock, open(log, "a") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
