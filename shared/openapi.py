"""Each service's OpenAPI description, served at ``GET /api/v1/openapi.json``.

Generated with apispec from the marshmallow schemas the views load and dump. A service
lists its operations once, by endpoint name, in ``<service>/entrypoints/openapi.py``:

    OPERATIONS = {
        "catalog_api.post_need": Operation(body=NeedIn, response=NeedOut, status=201),
    }

The summary is the view's docstring unless the entry gives one. A route under /api/v1
that is not listed is missing from the description, and ``tests/api/test_openapi.py``
fails naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema

from shared.fields import BoundedDecimal
from shared.web import MAX_ID

API_PREFIX = "/api/v1"
SPEC_PATH = f"{API_PREFIX}/openapi.json"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "details": {"description": "field name -> messages", "nullable": True},
    },
}
ERRORS = {
    400: "Malformed request",
    401: "No or a bad bearer token",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Body too large",
    415: "Wrong content type",
    422: "A field is not valid",
}
_RULE_PARAMETER = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")  # <converter(args):name>


@dataclass(frozen=True)
class Operation:
    """What an endpoint takes and gives (schemas are marshmallow classes)."""

    body: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    also: Mapping[int, str] = field(default_factory=dict)  # other successes: code -> when
    summary: str = ""
    query: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    headers: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # name -> parameter
    body_required: bool = True
    body_media: str = "application/json"
    response_media: str = "application/json"


def _decimal_property(plugin_self: Any, field_obj: Any, **_: Any) -> dict[str, Any]:
    if isinstance(field_obj, BoundedDecimal):
        pattern = rf"^[0-9]{{1,6}}(\.[0-9]{{1,{field_obj.places}}})?$"
        return {"type": "string", "format": "decimal", "pattern": pattern, "example": "12.50"}
    return {}


def build_spec(app: Flask, title: str, operations: Mapping[str, Operation]) -> dict[str, Any]:
    """The OpenAPI 3 description of ``app``'s documented routes under /api/v1."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version="1", openapi_version="3.0.3", plugins=[plugin])
    plugin.converter.add_attribute_function(_decimal_property)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operation = operations.get(rule.endpoint)
        if operation is None or not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})  # type: ignore[operator]
        spec.path(
            path=_openapi_path(rule.rule),
            parameters=_path_parameters(rule.rule),
            operations={m.lower(): _operation(operation, view, rule.endpoint) for m in methods},
        )
    return spec.to_dict()


def undocumented(app: Flask, operations: Mapping[str, Operation]) -> list[str]:
    """Routes under /api/v1 that the description leaves out."""
    return sorted(
        f"{rule.rule} ({rule.endpoint})"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX)
        and rule.rule != SPEC_PATH
        and rule.endpoint not in operations
    )


def _openapi_path(rule: str) -> str:
    return _RULE_PARAMETER.sub(lambda m: "{" + m.group(3) + "}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    parameters = []
    for converter, arguments, name in _RULE_PARAMETER.findall(rule):
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if converter in ("id", "int"):
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif converter == "any":
            schema = {"type": "string", "enum": [a.strip() for a in arguments.split(",")]}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _operation(operation: Operation, view: Any, endpoint: str) -> dict[str, Any]:
    summary = operation.summary or (view.__doc__ or "").strip().split("\n")[0]
    responses: dict[str, Any] = {
        str(code): {"description": text, "content": _json_error()} for code, text in ERRORS.items()
    }
    responses[str(operation.status)] = {"description": "OK", "content": _content(operation)}
    for code, text in operation.also.items():
        responses[str(code)] = {"description": text, "content": _content(operation)}
    described: dict[str, Any] = {
        "operationId": endpoint,
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": responses,
    }
    parameters = [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in operation.query.items()
    ] + [
        {"name": name, "in": "header", "required": False} | parameter
        for name, parameter in operation.headers.items()
    ]
    if parameters:
        described["parameters"] = parameters
    if operation.body is not None:
        described["requestBody"] = {
            "required": operation.body_required,
            "content": {operation.body_media: {"schema": operation.body}},
        }
    elif operation.body_media != "application/json":
        described["requestBody"] = {
            "required": True,
            "content": {operation.body_media: {"schema": {"type": "string"}}},
        }
    return described


def _content(operation: Operation) -> dict[str, Any]:
    if operation.response_media != "application/json":
        return {operation.response_media: {"schema": {"type": "string", "format": "binary"}}}
    if operation.response is None:
        return {"application/json": {"schema": {"type": "object"}}}
    schema: Any = operation.response
    if operation.many:
        schema = {"type": "array", "items": operation.response}
    return {"application/json": {"schema": schema}}


def _json_error() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def openapi_blueprint(title: str, operations: Mapping[str, Operation]) -> Blueprint:
    """``GET /api/v1/openapi.json``: the description, open to anyone (it holds no data)."""
    blueprint = Blueprint(f"{title.lower().replace(' ', '_')}_openapi", __name__)

    @blueprint.record_once
    def remember(state: Any) -> None:
        state.app.extensions["zirkel.openapi.operations"] = operations

    @blueprint.get(SPEC_PATH)
    def openapi() -> ResponseReturnValue:
        """This service's OpenAPI description."""
        cache = current_app.extensions.setdefault("zirkel.openapi", {})
        if "spec" not in cache:
            cache["spec"] = build_spec(current_app, title, operations)
        return jsonify(cache["spec"])

    return blueprint
