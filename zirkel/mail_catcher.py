"""``zirkel mail-catcher``: an SMTP server (aiosmtpd) that keeps every e-mail it accepts as
one ``.eml`` file under ``ZIRKEL_MAIL_CATCHER_DIR`` and sends nothing on.

``zirkel run`` starts it with the stack when no SMTP server is set
(``ZIRKEL_SMTP_HOST``), on ``127.0.0.1`` and ``ZIRKEL_SMTP_PORT``, where notify sends; the
office reads what it caught on its e-mail page.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP

from shared.caught_mail import store
from shared.settings import Settings

log = logging.getLogger("zirkel.mail_catcher")


class Catcher:
    """aiosmtpd's handler: each message accepted is a file in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        try:
            path = await asyncio.to_thread(store, self.directory, content)
        except OSError as exc:
            log.error("could not keep an e-mail to %s: %s", envelope.rcpt_tos, exc)
            return "451 Requested action aborted: cannot store the message"
        log.info("caught an e-mail to %s as %s", ", ".join(envelope.rcpt_tos), path.name)
        return "250 Message accepted"


async def serve(directory: Path, host: str, port: int) -> None:
    """Accept e-mails on ``host:port`` until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stopped.set)
    catcher = Catcher(directory)
    server = await loop.create_server(lambda: SMTP(catcher, hostname="zirkel"), host, port)
    log.info("catching e-mails on %s:%d into %s", host, port, directory)
    async with server:
        await stopped.wait()


def main(settings: Settings) -> int:
    if settings.mail_catcher_dir is None:
        log.error("ZIRKEL_MAIL_CATCHER_DIR is not set: nowhere to keep caught e-mails")
        return 1
    settings.mail_catcher_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(settings.mail_catcher_dir, settings.smtp_host, settings.smtp_port))
    return 0
