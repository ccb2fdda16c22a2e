"""The mail catcher's mailbox: one ``.eml`` file per caught e-mail in one directory.

The catcher (``zirkel mail-catcher``) writes each message it accepts under a name that
sorts by arrival (``<UTC time>-<random hex>.eml``), complete or not at all; the office's
page reads the list, newest first, and one message with its text, HTML and attachments.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import cast

NAME = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{16}\.eml$")


@dataclass(frozen=True)
class CaughtMail:
    """One caught e-mail as the list shows it."""

    name: str  # its file's name: its key on the page
    sent_at: datetime  # its Date header, else when it arrived (UTC)
    to: str
    subject: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class OpenedMail:
    """One caught e-mail as its page shows it."""

    mail: CaughtMail
    sender: str
    text: str | None
    html: str | None
    attachments: list[Attachment]


def store(directory: Path, content: bytes, now: datetime | None = None) -> Path:
    """Keep ``content`` (a whole message as received) under a new name; a reader never
    sees a half-written file (written aside, then renamed)."""
    directory.mkdir(parents=True, exist_ok=True)
    arrived = (now or datetime.now(UTC)).astimezone(UTC)
    name = f"{arrived:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(8)}.eml"
    partial = directory / f".{name}.part"
    partial.write_bytes(content)
    path = directory / name
    os.replace(partial, path)
    return path


def names(directory: Path) -> list[str]:
    """The names of every caught e-mail, newest first (by arrival)."""
    if not directory.is_dir():
        return []
    return sorted((p.name for p in directory.iterdir() if NAME.match(p.name)), reverse=True)


def summaries(directory: Path, chosen: list[str]) -> list[CaughtMail]:
    """The caught e-mails of those names, read as far as their headers."""
    parser = BytesHeaderParser(policy=policy.default)
    found = []
    for name in chosen:
        with (directory / name).open("rb") as file:
            headers = parser.parse(file)
        found.append(_summary(name, headers))
    return found


def opened(directory: Path, name: str) -> OpenedMail | None:
    """The caught e-mail of that name; None for a name that is none of them."""
    path = directory / name
    if not NAME.match(name) or not path.is_file():
        return None
    with path.open("rb") as file:
        message = cast(EmailMessage, BytesParser(policy=policy.default).parse(file))
    return OpenedMail(
        mail=_summary(name, message),
        sender=str(message.get("From", "")),
        text=_body(message, "plain"),
        html=_body(message, "html"),
        attachments=[_attachment(part, i) for i, part in enumerate(message.iter_attachments())],
    )


def _summary(name: str, headers: EmailMessage) -> CaughtMail:
    return CaughtMail(
        name=name,
        sent_at=_date(headers.get("Date")) or _arrival(name),
        to=str(headers.get("To", "")),
        subject=str(headers.get("Subject", "")),
    )


def _date(header: object) -> datetime | None:
    if header is None:
        return None
    try:
        sent = parsedate_to_datetime(str(header))
    except (TypeError, ValueError):
        return None
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)


def _arrival(name: str) -> datetime:
    return datetime.strptime(name[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return str(part.get_content())


def _attachment(part: EmailMessage, index: int) -> Attachment:
    content = part.get_payload(decode=True)
    return Attachment(
        filename=part.get_filename() or f"attachment-{index + 1}",
        content_type=part.get_content_type(),
        content=content if isinstance(content, bytes) else b"",
    )
