"""The pages' one way of asking another service: short-lived tokens scoped to the caller,
one timeout, refusals and outages told apart."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request

from shared.auth import Principal, TokenAuthority
from web.clients.catalog_users import SIGN_IN_TIMEOUT, UsersClient
from web.clients.in_process import in_process_session
from web.clients.service import (
    Caller,
    Forbidden,
    NotFound,
    Refused,
    ServiceClient,
    ServiceUnavailable,
)

BASE = "http://peer.test"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_with_a_lifetime_is_refused_once_it_has_passed() -> None:
    clock = Clock()
    tokens = TokenAuthority("s" * 32, clock=clock)
    token = tokens.issue("member", 7, lifetime=60)
    lasting = tokens.issue("member", 7)
    assert tokens.verify(token) == Principal("member", 7)
    clock.now += 59
    assert tokens.verify(token) == Principal("member", 7)
    clock.now += 1
    assert tokens.verify(token) is None
    assert tokens.verify(lasting) == Principal("member", 7)


def peer() -> Flask:
    app = Flask("peer")
    tokens = TokenAuthority("s" * 32)

    @app.get("/api/v1/<case>")
    def answer(case: str) -> Any:
        caller = tokens.verify(request.headers["Authorization"].removeprefix("Bearer "))
        bodies: dict[str, Any] = {
            "whoami": (jsonify(role=caller.role, id=caller.subject_id), 200),
            "missing": (jsonify(error="There is no member 4.", details={"member_id": ["?"]}), 404),
            "theirs": (jsonify(error="This belongs to another member."), 403),
            "invalid": (jsonify(error="Invalid.", details={"sku": ["Unknown SKU."]}), 422),
            "broken": (jsonify(error="Internal error."), 500),
            "text": ("not json", 200),
        }
        return bodies[case]

    return app


@pytest.fixture
def client() -> ServiceClient:
    http = in_process_session({BASE: peer()})
    return ServiceClient("peer", BASE, TokenAuthority("s" * 32), http, lambda: "corr-1")


def test_a_call_goes_as_the_caller(client: ServiceClient) -> None:
    assert client.get(Caller("member", 3), "/whoami") == {"role": "member", "id": 3}
    assert client.get(Caller("admin"), "/whoami") == {"role": "admin", "id": None}


def test_the_calls_token_lives_a_minute(client: ServiceClient) -> None:
    clock = Clock()
    client.tokens = TokenAuthority("s" * 32, clock=clock)
    token = client.headers(Caller("supplier", 2))["Authorization"].removeprefix("Bearer ")
    clock.now += client.token_lifetime
    assert client.tokens.verify(token) is None


def test_a_refusal_carries_the_services_message_and_details(client: ServiceClient) -> None:
    with pytest.raises(NotFound) as missing:
        client.get(Caller("admin"), "/missing")
    assert missing.value.message == "There is no member 4."
    with pytest.raises(Forbidden):
        client.get(Caller("member", 1), "/theirs")
    with pytest.raises(Refused) as invalid:
        client.get(Caller("admin"), "/invalid")
    assert invalid.value.status == 422
    assert invalid.value.field_messages("sku") == ["Unknown SKU."]


@pytest.mark.parametrize("case", ["broken", "text"])
def test_a_5xx_or_no_json_is_the_service_unavailable(client: ServiceClient, case: str) -> None:
    with pytest.raises(ServiceUnavailable):
        client.get(Caller("admin"), f"/{case}")


def test_a_service_that_does_not_listen_is_unavailable() -> None:
    nowhere = ServiceClient(
        "peer", "http://127.0.0.1:9", TokenAuthority("s" * 32), requests.Session()
    )
    with pytest.raises(ServiceUnavailable):
        nowhere.get(Caller("admin"), "/whoami")


def test_a_call_names_the_signed_in_user_for_the_services_audit() -> None:
    tokens = TokenAuthority("s" * 32)
    token = tokens.issue("admin", lifetime=60, by="buero@zirkel.example")
    assert tokens.verify(token) == Principal("admin", None, "buero@zirkel.example")


def test_an_answer_is_any_status_below_500_and_an_outage_is_raised(client: ServiceClient) -> None:
    """What the pages asking pooling, notify and billing read: a 403 or 404 as an answer
    (to tell "not yours" from "down"), a 5xx or no answer as the service unavailable."""
    assert client.answer(Caller("admin"), "GET", "/missing").status_code == 404
    assert client.answer(Caller("member", 1), "GET", "/theirs").status_code == 403
    with pytest.raises(ServiceUnavailable):
        client.answer(Caller("admin"), "GET", "/broken")


class Recording(requests.Session):
    """Answers every call with a sign-in that failed, and keeps each call's timeout."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.timeouts.append(kwargs["timeout"])
        answer = requests.Response()
        answer.status_code, answer._content = 200, b'{"user": null, "session_id": null}'
        return answer


def test_a_sign_in_may_take_longer_than_other_calls_before_catalog_counts_as_down() -> None:
    """Checking a password is slow by design, and a burst of sign-ins waits in line."""
    http = Recording()
    users = UsersClient(ServiceClient("catalog", BASE, TokenAuthority("s" * 32), http))

    assert users.sign_in("buero@zirkel.example", "falsch-falsch", "127.0.0.1") is None

    assert http.timeouts == [SIGN_IN_TIMEOUT]
    assert ServiceClient.timeout < SIGN_IN_TIMEOUT
