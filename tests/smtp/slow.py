"""An SMTP handler for tests: answers every message after a pause (a slow
relay), then stores it in a Maildir like aiosmtpd's own Mailbox handler.
Sessions are served concurrently, as a real relay does.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c slow.Slow MAILDIR SECONDS
"""

import asyncio

from aiosmtpd.handlers import Mailbox


class Slow(Mailbox):
    def __init__(self, mail_dir, seconds):
        super().__init__(mail_dir)
        self.seconds = float(seconds)

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("Slow needs a Maildir path and the seconds to wait per message")
        return cls(*args)
