"""What a request brings to a service's JSON API: its body read as exact JSON and checked
by a schema, its counted query arguments, and text no database can keep refused; each
refusal an ``ApiError`` naming the field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from shared.fields import ascii_int
from shared.languages import in_callers_language


class ApiError(HTTPException):
    """An HTTP error with a machine-readable ``details`` (field -> messages)."""

    def __init__(self, code: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


class ExactJSONProvider(DefaultJSONProvider):
    """Reads JSON numbers as Decimal (never float) and refuses NaN and Infinity."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", Decimal)
        kwargs.setdefault("parse_constant", _reject_constant)
        return json.loads(s, **kwargs)


def load_body(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON body validated by ``schema``: 400 if malformed, 422 if invalid.

    With ``optional``, no body at all reads as ``{}``.
    """
    if optional and not request.get_data(cache=True):
        return schema.load({})
    if not request.is_json:
        raise ApiError(415, "Send the body as JSON (Content-Type: application/json).")
    try:
        data = json.loads(
            request.get_data(cache=True) or b"null",
            parse_float=Decimal,
            parse_constant=_reject_constant,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "The body is not valid JSON.", {"body": [str(exc)]}) from exc
    except RecursionError as exc:
        raise ApiError(400, "The body is nested too deeply.", {"body": ["Too deep."]}) from exc
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.", {"body": ["Expected an object."]})
    if (where := unstorable_text(data)) is not None:
        message = "Contains a character that cannot be stored (NUL or a lone surrogate)."
        raise ApiError(422, "Some fields are not valid.", {where: [message]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ApiError(
            422, "Some fields are not valid.", _in_callers_language(exc.messages)
        ) from exc


def _in_callers_language(messages: Any) -> Any:
    """The fields' messages, each in the caller's language where the app speaks it."""
    if isinstance(messages, dict):
        return {key: _in_callers_language(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_in_callers_language(message) for message in messages]
    return in_callers_language(messages, {}) if isinstance(messages, str) else messages


def counted_arg(name: str, *, default: int, most: int) -> int:
    """The query argument ``name`` (``?limit=``): ASCII digits from 1 to ``most``, else a
    422 naming it; ``default`` when it is not sent."""
    raw = request.args.get(name)
    try:
        number = default if raw is None else ascii_int(raw)
    except ValueError:
        number = 0
    if not 1 <= number <= most:
        raise ApiError(422, "Some fields are not valid.", {name: [f"1 to {most}."]})
    return number


def unstorable_text(value: Any, where: str = "") -> str | None:
    """The field (a dotted path) holding text no database keeps: NUL, a lone surrogate."""
    if isinstance(value, str):
        return (where or "body") if unstorable(value) else None
    if isinstance(value, dict):
        children: Any = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return None
    for key, item in children:
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str) and unstorable(key):
            return path
        if (found := unstorable_text(item, path)) is not None:
            return found
    return None


def unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
