"""An SMTP handler for tests: refuses the first N messages with a transient
451, then stores messages in a Maildir like aiosmtpd's own Mailbox handler.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c flaky.Flaky MAILDIR N
"""

from aiosmtpd.handlers import Mailbox


class Flaky(Mailbox):
    def __init__(self, mail_dir, failures):
        super().__init__(mail_dir)
        self.failures_left = int(failures)

    async def handle_DATA(self, server, session, envelope):
        if self.failures_left > 0:
            self.failures_left -= 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("Flaky needs a Maildir path and a number of failures")
        return cls(args[0], args[1])
