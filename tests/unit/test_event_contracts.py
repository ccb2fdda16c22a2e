"""Each event is one typed class paired with its schema: the class's fields are the
schema's, with the same defaults, and a producer cannot build what the schema refuses."""

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from marshmallow import Schema, ValidationError, missing
from marshmallow.fields import Decimal as Decimal_
from marshmallow.fields import Field, List, Nested

from shared import events
from shared.events.envelope import payload_names
from shared.fields import DECIMAL_AS_STRING, BoundedDecimal
from shared.messaging import SUBSCRIPTIONS
from shared.ops import describe


@pytest.mark.parametrize("cls", sorted(set(events.TYPES.values()), key=lambda c: c.event_type))
def test_an_event_class_has_its_schemas_fields_and_defaults(cls: type[events.Event]) -> None:
    schema = cls.schema()
    assert set(payload_names(cls)) == set(schema.fields)
    for item in dataclasses.fields(cls):
        if item.name not in schema.fields:
            continue
        wire = schema.fields[item.name]
        if wire.required:
            assert item.default is dataclasses.MISSING, item.name
            assert item.default_factory is dataclasses.MISSING, item.name
        elif item.default_factory is not dataclasses.MISSING:
            assert item.default_factory() == wire.load_default(), item.name
        else:
            assert wire.load_default is not missing, item.name
            assert item.default == wire.load_default, item.name


def need_posted(**changes: object) -> events.NeedPosted:
    fields = {"need_id": 1, "member_id": 2, "sku": "DISP-10L", "quantity": Decimal("6")}
    fields |= {"posted_at": datetime(2026, 3, 9, 8, tzinfo=UTC)}
    return events.NeedPosted(**(fields | changes))


def test_a_producer_cannot_build_an_event_its_schema_refuses() -> None:
    with pytest.raises(ValidationError) as refused:
        need_posted(quantity=Decimal("-1"))
    assert "quantity" in refused.value.messages
    with pytest.raises(ValidationError):
        events.OfferUpdated(
            supplier_id=1, sku="DISP-10L", product_name="Dispersion", unit="l",
            pack_size=Decimal(1), tiers=[],
        )  # fmt: skip
    with pytest.raises(ValidationError):
        events.NeedPosted.of("catalog.need.posted", need_posted().payload | {"need_id": "one"})


def decimal_fields(schema: Schema, path: str = "") -> Iterator[tuple[str, Field]]:
    """Every field of ``schema`` (nested and in lists too) that holds a decimal."""
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, List) else field
        if isinstance(inner, Nested):
            yield from decimal_fields(inner.schema, f"{path}{name}.")
        elif isinstance(inner, Decimal_ | BoundedDecimal):
            yield f"{path}{name}", inner


@pytest.mark.parametrize("cls", sorted(set(events.TYPES.values()), key=lambda c: c.event_type))
def test_every_decimal_of_an_event_refuses_a_json_number(cls: type[events.Event]) -> None:
    for name, field in decimal_fields(cls.schema()):
        for number in (3, 0.1):
            with pytest.raises(ValidationError) as refused:
                field.deserialize(number)
            assert refused.value.messages == [DECIMAL_AS_STRING], (cls.event_type, name)
        assert field.deserialize("7") == Decimal(7), (cls.event_type, name)


def test_an_event_with_a_price_as_a_json_number_is_refused() -> None:
    tier = {"min_quantity": 0, "unit_price": "4.20"}
    offer = {"supplier_id": 1, "sku": "DISP-10L", "product_name": "Dispersion", "unit": "l"}
    offer |= {"pack_size": "1", "tiers": [tier]}
    body = {
        "event_id": "6f1c52b8-7d2e-4d55-9a4e-0c0d0e0f1a2b",
        "event_type": "catalog.offer.updated",
    }
    body |= {"version": 1, "occurred_at": "2026-03-09T08:00:00+00:00", "producer": "catalog"}
    body |= {"correlation_id": "", "payload": offer}
    with pytest.raises(ValidationError) as refused:
        events.load(json.loads(json.dumps(body)))
    messages = refused.value.messages
    assert messages == {"payload": {"tiers": {0: {"min_quantity": [DECIMAL_AS_STRING]}}}}
    tier["min_quantity"] = "0"
    assert events.load(json.loads(json.dumps(body))).tiers[0]["min_quantity"] == Decimal(0)


def test_the_check_is_off_the_hot_path_unless_asked_for() -> None:
    events.check_on_build(False)
    try:
        assert need_posted(quantity=Decimal("-1")).quantity == Decimal("-1")
    finally:
        events.check_on_build(True)


def test_a_consumer_is_handed_the_producers_type() -> None:
    sent = need_posted(delivery_site="Baustelle Hörde", correlation_id="c-7")
    received = events.load(events.dump(sent))
    assert type(received) is events.NeedPosted
    assert received == sent
    assert received.quantity == Decimal("6") and received.routing_key == "catalog.need.posted.v1"


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError):
        events.Event.of("catalog.need.lost", {})
    with pytest.raises(ValidationError):
        events.load(events.dump(need_posted()) | {"event_type": "catalog.need.lost"})


def test_an_event_is_changed_only_by_making_a_new_one() -> None:
    sent = need_posted()
    with pytest.raises(TypeError):
        sent.payload["quantity"] = Decimal("7")  # type: ignore[index]
    changed = dataclasses.replace(sent, quantity=Decimal("7"))
    assert (sent.quantity, changed.quantity) == (Decimal("6"), Decimal("7"))
    assert changed.payload == sent.payload | {"quantity": Decimal("7")}


def test_a_password_link_travels_to_notify_and_keeps_its_contract() -> None:
    sent = events.PasswordResetRequested(
        user_id=7, email="eins@maler.example", language="en", token="t0k.en", minutes=60
    )
    received = events.load(events.dump(sent))
    assert type(received) is events.PasswordResetRequested and received == sent
    assert received.routing_key == "catalog.password_reset.requested.v1"
    bound = {s.queue_name for s in SUBSCRIPTIONS if received.routing_key in s.routing_keys}
    assert bound == {"notify.password-resets"}
    for wrong in ({"language": "fr"}, {"token": ""}, {"minutes": 0}):
        with pytest.raises(ValidationError):
            dataclasses.replace(sent, **wrong)


def test_a_dead_letter_shows_a_password_link_without_its_token() -> None:
    sent = events.PasswordResetRequested(
        user_id=7, email="eins@maler.example", language="de", token="t0k.en", minutes=60
    )
    letter = SimpleNamespace(properties={}, headers={}, body=events.dumps(sent).encode())
    shown = json.loads(describe(letter)["body"])
    assert shown["payload"] == sent.payload | {"token": "(hidden)"}
    assert "t0k.en" not in describe(letter)["body"]
    other = events.dumps(need_posted())
    assert events.shown(other) == other  # no secret in it
    assert events.shown("not an event {") == "not an event {"
