"""An SMTP handler for tests: refuses the first N messages (with 451, or the
code given), then stores messages in a Maildir like aiosmtpd's own Mailbox
handler.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c flaky.Flaky MAILDIR N [CODE]
"""

from aiosmtpd.handlers import Mailbox


class Flaky(Mailbox):
    def __init__(self, mail_dir, failures, code="451"):
        super().__init__(mail_dir)
        self.failures_left = int(failures)
        self.reply = "451 4.3.0 Try again later" if code == "451" else f"{code} 5.7.1 Refused"

    async def handle_DATA(self, server, session, envelope):
        if self.failures_left > 0:
            self.failures_left -= 1
            return self.reply
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) not in (2, 3):
            parser.error("Flaky needs a Maildir path, a number of failures and optionally a code")
        return cls(*args)
