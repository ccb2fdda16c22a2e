"""The webhook signature suppliers verify, and the backoff between delivery attempts."""

from __future__ import annotations

import hashlib
import hmac

from notify.domain.supplier_delivery import RetryPolicy, signature, signed_headers, verify

SECRET = "whsec-0123456789abcdef"
BODY = b'{"event":"order.placed","order":{"id":7}}'


def test_the_signature_is_an_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1764040000." + BODY, hashlib.sha256).hexdigest()

    assert signature(SECRET, 1764040000, BODY) == f"sha256={expected}"
    headers = signed_headers(SECRET, 1764040000, BODY, delivery_id=3)
    assert headers["X-Zirkel-Timestamp"] == "1764040000"
    assert headers["X-Zirkel-Signature"] == f"sha256={expected}"
    assert headers["X-Zirkel-Delivery"] == "3"


def test_a_receiver_refuses_a_changed_body_another_secret_or_an_old_timestamp() -> None:
    sent = signature(SECRET, 1000, BODY)

    assert verify(SECRET, "1000", BODY, sent, now=1000 + 300)
    assert not verify(SECRET, "1000", BODY + b" ", sent, now=1000)
    assert not verify("another-secret-of-16", "1000", BODY, sent, now=1000)
    assert not verify(SECRET, "1000", BODY, sent, now=1000 + 301)  # a replay, too late
    assert not verify(SECRET, "1001", BODY, sent, now=1001)  # timestamp changed
    assert not verify(SECRET, "soon", BODY, sent, now=1000)


def test_backoff_doubles_up_to_its_cap_and_gives_up_after_the_last_attempt() -> None:
    policy = RetryPolicy(max_attempts=6, first_delay=30, max_delay=200)

    delays = [policy.delay_after(attempts) for attempts in range(1, 7)]

    assert delays == [30, 60, 120, 200, 200, None]
