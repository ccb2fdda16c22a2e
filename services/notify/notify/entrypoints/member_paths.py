"""The per-member paths (``/members/{id}/…``): whose they are, and whether notify knows
the member at all."""

from __future__ import annotations

from sqlalchemy.orm import Session

from notify.adapters.orm import MemberEntry
from shared.auth import current_principal
from shared.errors import NotFound
from shared.request_input import ApiError


def member_path(session: Session, member_id: int, refusal: str) -> bool:
    """Let that member or an admin in (else a 403 saying ``refusal``); True for an admin.

    An admin asking for a member catalog has not told notify of gets a 404. A member's own
    token is proof enough that catalog registered it (tokens are issued by catalog for a
    member it keeps, and members are never deleted), so the member is never refused while
    its registration is still on its way to notify."""
    principal = current_principal()
    if not (principal.is_admin or principal.is_member(member_id)):
        raise ApiError(403, refusal)
    if principal.is_admin and session.get(MemberEntry, member_id) is None:
        raise NotFound("member_id", f"There is no member {member_id}.")
    return principal.is_admin
