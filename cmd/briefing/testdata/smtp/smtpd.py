"""A loopback SMTP server for briefing's tests (aiosmtpd).

It offers STARTTLS with the given certificate, accepts AUTH PLAIN and
LOGIN for one user, refuses any recipient whose address starts with
"refused", and writes each message exactly as it arrived to OUTDIR/N.eml.
Prints READY when it listens; runs until killed.
"""
import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.outdir, "%d.eml" % self.count)
        with open(path, "wb") as f:
            f.write(envelope.original_content)
        with open(path + ".envelope", "w") as f:
            f.write("%s\n%s\n" % (envelope.mail_from, " ".join(envelope.rcpt_tos)))
        return "250 OK: queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--user", default="briefing")
    p.add_argument("--password", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == a.user and auth_data.password.decode() == a.password
        return AuthResult(success=ok, handled=False)

    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)
    c = Controller(Handler(a.outdir), hostname="127.0.0.1", port=a.port,
                   tls_context=tls, require_starttls=False,
                   authenticator=authenticator, auth_require_tls=False,
                   decode_data=False)
    c.start()
    print("READY", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())
