"""An e-mail as the domain writes it: a subject and a plain-text body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
