"""The plain baseline for posting needs: Flask + SQLAlchemy, the same JSON validation,
one row inserted, nothing else (no token, no product lookup, no outbox).

    gunicorn -c services/catalog/gunicorn.conf.py 'bench.bare_app:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

from shared.db import ExactDecimal
from shared.fields import Quantity

metadata = MetaData()
needs = Table(
    "bare_needs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, nullable=False),
    Column("sku", String(40), nullable=False),
    Column("quantity", ExactDecimal(scale=3), nullable=False),
)


class NeedIn(Schema):
    sku = fields.String(required=True)
    quantity = Quantity(required=True)


def create_table(url: str) -> None:
    """Make the table once, before gunicorn's workers start (two at once would race)."""
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_pre_ping=True)
    app = Flask("bare")
    schema = NeedIn()

    @app.post("/needs")
    def post_need():  # type: ignore[no-untyped-def]
        try:
            body = schema.load(request.get_json())
        except ValidationError as exc:
            return jsonify(error="invalid", details=exc.messages), 422
        with engine.begin() as db:
            need_id = db.execute(needs.insert().values(member_id=1, **body)).inserted_primary_key[0]
        return jsonify(id=need_id, status="open"), 201

    return app
