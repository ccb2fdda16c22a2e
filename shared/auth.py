"""Who is asking: bearer tokens for members, suppliers and admins.

Catalog issues a member's or supplier's token when it creates them; the web pages issue
short-lived ones, scoped to the signed-in user, for each call they make; every service
verifies tokens with the shared secret, without a call to catalog.
An admin token can also come from ``ZIRKEL_ADMIN_TOKEN``.

A token the pages issue for a signed-in user names that user (``by``); where the app
knows its users (``USER_ACTIVE``: catalog), a call for a deactivated user is a 401. The
other services take such a token until it expires (a minute at most): the pages issue
no new one for a deactivated user, whose sessions end with the deactivation.

A deactivated supplier's token stays valid for what the supplier still owes: reading,
confirming and rejecting the orders it has (``require(..., owed=True)``). Everything else
is a 403; each service says how it knows a supplier's standing (``SUPPLIER_ACTIVE``).
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Engine, bindparam, select
from werkzeug.exceptions import Forbidden, Unauthorized

from shared.db import reading

Role = Literal["admin", "member", "supplier"]
F = TypeVar("F", bound=Callable[..., Any])
SUPPLIER_ACTIVE = "zirkel.supplier_active"  # app extension: supplier id -> still active?
USER_ACTIVE = "zirkel.user_active"  # app extension: a user's e-mail (``by``) -> still active?


@dataclass(frozen=True)
class Principal:
    """Who asks: a role, its member's or supplier's id, and for a token the web pages
    issue for a signed-in user, that user's e-mail (``by``: for audit logs)."""

    role: Role
    subject_id: int | None = None
    by: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def is_member(self, member_id: int) -> bool:
        return self.role == "member" and self.subject_id == member_id

    def is_supplier(self, supplier_id: int) -> bool:
        return self.role == "supplier" and self.subject_id == supplier_id


class TokenAuthority:
    """Signs and checks bearer tokens. A token issued with a ``lifetime`` (the web app's,
    for the signed-in user, one per call) is refused once that many seconds have passed;
    one without (a member's or supplier's API token) stays valid."""

    def __init__(
        self,
        secret_key: str,
        admin_token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._signer = URLSafeSerializer(secret_key, salt="zirkel.api-token")
        self._admin_token = admin_token
        self._clock = clock
        # Every API request shows its token: a token, once read, is not read again; only
        # its expiry is compared with the clock on each request.
        self._read = functools.lru_cache(maxsize=4096)(self._read_token)

    def issue(
        self,
        role: Role,
        subject_id: int | None = None,
        lifetime: float | None = None,
        by: str | None = None,
    ) -> str:
        claims: dict[str, Any] = {"role": role, "id": subject_id}
        if lifetime is not None:
            claims["exp"] = self._clock() + lifetime
        if by is not None:
            claims["by"] = by
        return str(self._signer.dumps(claims))

    def verify(self, token: str) -> Principal | None:
        principal, expires = self._read(token)
        if expires is not None and self._clock() >= expires:
            return None
        return principal

    def _read_token(self, token: str) -> tuple[Principal | None, float | None]:
        if self._admin_token and hmac.compare_digest(token.encode(), self._admin_token.encode()):
            return Principal("admin"), None
        try:
            data = self._signer.loads(token)
        except BadSignature:
            return None, None
        if not isinstance(data, dict) or data.get("role") not in ("admin", "member", "supplier"):
            return None, None
        expires = data.get("exp")
        if expires is not None and not isinstance(expires, int | float):
            return None, None
        by = data.get("by")
        return Principal(data["role"], data.get("id"), by if isinstance(by, str) else None), expires


def current_principal() -> Principal:
    """The caller of this request; 401 when no valid bearer token came with it."""
    if "principal" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("A bearer token is required.")
        authority: TokenAuthority = current_app.extensions["zirkel.tokens"]
        principal = authority.verify(token.strip())
        if principal is None:
            raise Unauthorized("The token is not valid.")
        user_active: Callable[[str], bool] | None = current_app.extensions.get(USER_ACTIVE)
        if principal.by is not None and user_active is not None and not user_active(principal.by):
            raise Unauthorized("The user of this token is deactivated.")
        g.principal = principal
    return g.principal


def require(*roles: Role, owed: bool = False) -> Callable[[F], F]:
    """Let only callers with one of ``roles`` in; object-level checks stay in the view.

    A deactivated supplier gets in only where ``owed`` (its orders: read, confirm, reject).
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal.role not in roles:
                raise Forbidden(f"This needs the role {' or '.join(roles)}.")
            if principal.role == "supplier" and not owed:
                _refuse_a_deactivated_supplier(principal.subject_id)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def _refuse_a_deactivated_supplier(supplier_id: int | None) -> None:
    is_active: Callable[[int | None], bool] | None = current_app.extensions.get(SUPPLIER_ACTIVE)
    if is_active is not None and not is_active(supplier_id):
        raise Forbidden(
            f"Supplier {supplier_id} is deactivated: it may only read, confirm or reject "
            "the orders it has."
        )


def supplier_standing(
    engine: Engine, active: Any, supplier_id: Any, *, unknown: bool
) -> Callable[[Any], bool]:
    """For ``SUPPLIER_ACTIVE``: reads the ``active`` column of the row whose ``supplier_id``
    column is the caller's id; a supplier without a row counts as ``unknown``. For
    ``USER_ACTIVE`` likewise, with a user's e-mail as the caller's id."""
    query = select(active).where(supplier_id == bindparam("supplier_id"))
    reader = reading(engine)

    def is_active(caller: Any) -> bool:
        with reader.connect() as db:
            found = db.scalar(query, {"supplier_id": caller})
        return unknown if found is None else bool(found)

    return is_active
