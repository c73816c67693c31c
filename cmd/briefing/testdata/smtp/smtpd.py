"""A loopback SMTP server for briefing's tests (aiosmtpd).

It offers STARTTLS with the given certificate (or, with --implicit-tls,
speaks TLS from the first byte), accepts AUTH PLAIN and LOGIN for one
user, and XOAUTH2 for that user with --token, refuses any recipient whose
address starts with "refused", and writes each message exactly as it
arrived to OUTDIR/N.eml, numbered on from the messages already there, and
its Message-ID as a line of OUTDIR.log; each connection is a line of
OUTDIR.connections. With --limit N it stops accepting
after its Nth message: every later MAIL gets 421. Prints READY when it
listens; runs until killed.
"""
import argparse
import asyncio
import base64
import email.parser
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# CONNECTIONS, once the server is ready, is a file that gets a line for
# each connection a client opens (the controller's own probe at start-up
# is not counted).
CONNECTIONS = None


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        if CONNECTIONS:
            with open(CONNECTIONS, "a") as f:
                f.write("%s\n" % (transport.get_extra_info("peername"),))
        super().connection_made(transport)


class CountingController(Controller):
    def factory(self):
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


class Handler:
    def __init__(self, outdir, limit, user, token):
        self.outdir = outdir
        self.count = len([n for n in os.listdir(outdir) if n.endswith(".eml")])
        self.accepted = 0
        self.limit = limit
        self.user = user
        self.token = token

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.limit and self.accepted >= self.limit:
            return "421 4.3.2 no more messages today"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def auth_XOAUTH2(self, server, args):
        if not self.token:
            return AuthResult(success=False, handled=False)
        blob = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth("")
        want = ("user=%s\x01auth=Bearer %s\x01\x01" % (self.user, self.token)).encode()
        return AuthResult(success=blob == want, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.accepted += 1
        path = os.path.join(self.outdir, "%d.eml" % self.count)
        with open(path, "wb") as f:
            f.write(envelope.original_content)
        with open(path + ".envelope", "w") as f:
            f.write("%s\n%s\n" % (envelope.mail_from, " ".join(envelope.rcpt_tos)))
        msg = email.parser.BytesHeaderParser().parsebytes(envelope.original_content)
        with open(self.outdir + ".log", "a") as f:
            f.write("%d %s\n" % (self.count, msg.get("Message-ID", "-")))
        return "250 OK: queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--user", default="briefing")
    p.add_argument("--password", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--token")
    p.add_argument("--limit", type=int, default=0)
    a = p.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == a.user and auth_data.password.decode() == a.password
        return AuthResult(success=ok, handled=False)

    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)
    starttls, implicit = (None, tls) if a.implicit_tls else (tls, None)
    global CONNECTIONS
    c = CountingController(Handler(a.outdir, a.limit, a.user, a.token), hostname="127.0.0.1", port=a.port,
                   ssl_context=implicit, tls_context=starttls, require_starttls=False,
                   authenticator=authenticator, auth_require_tls=False,
                   decode_data=False)
    c.start()
    CONNECTIONS = a.outdir + ".connections"
    print("READY", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())
