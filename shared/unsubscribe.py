"""The signed link in every e-mail that lets a member stop e-mails with one click.

Notify writes it into each e-mail; catalog's web app shows the confirmation
(GET) and passes the unsubscription on to notify (POST), without a sign-in:
the token, signed with the shared secret, says which member it is for.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from shared.settings import Settings

SALT = "zirkel.unsubscribe"


class UnsubscribeLinks:
    def __init__(self, secret_key: str, base_url: str) -> None:
        self._signer = URLSafeSerializer(secret_key, salt=SALT)
        self.base_url = base_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> UnsubscribeLinks:
        """Links into the member web app at its address as members reach it."""
        return cls(settings.secret_key, settings.public_url)

    def token(self, member_id: int) -> str:
        return str(self._signer.dumps({"member": member_id}))

    def url(self, member_id: int) -> str:
        return f"{self.base_url}/unsubscribe/{self.token(member_id)}"

    def member_of(self, token: str) -> int | None:
        """The member a token was made for, or None when it is not one of ours."""
        try:
            data = self._signer.loads(token)
        except BadSignature:
            return None
        member = data.get("member") if isinstance(data, dict) else None
        return member if isinstance(member, int) and member > 0 else None
