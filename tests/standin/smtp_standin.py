"""smtp_standin.py - a local SMTP server for the tests that, like an office's
submission port, requires STARTTLS before it takes any mail: each message is
written to DIR as <n>.eml, and a JSON line to DIR/log (sender, recipients,
whether the session was encrypted).

    /usr/bin/python3 smtp_standin.py PORT CERT KEY DIR"""
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller

port, cert, key, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


class Handler:
    n = 0

    async def handle_DATA(self, server, session, envelope):
        Handler.n += 1
        with open(os.path.join(out, "%d.eml" % Handler.n), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(os.path.join(out, "log"), "a") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                "tls": session.ssl is not None}) + "\n")
        return "250 OK"


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
c = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx,
               require_starttls=True)
c.start()
try:
    while True:
        time.sleep(3600)
finally:
    c.stop()
