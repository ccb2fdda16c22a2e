"""The per-member paths (``/members/{id}/…``): whose they are, and whether notify knows
the member at all."""

from __future__ import annotations

from sqlalchemy.orm import Session

from notify.adapters.orm import MemberEntry
from shared.auth import current_principal
from shared.errors import NotFound
from shared.web import ApiError


def member_path(session: Session, member_id: int, refusal: str) -> bool:
    """Let that member or an admin in (else a 403 saying ``refusal``), for a member catalog
    has told notify of (else a 404, also for an admin); True for an admin."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, refusal)
    if session.get(MemberEntry, member_id) is None:
        raise NotFound("member_id", f"There is no member {member_id}.")
    return principal.is_admin
