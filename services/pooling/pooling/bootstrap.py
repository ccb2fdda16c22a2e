"""Pooling's runtime (engine, tables, outbox), built once from Settings: what its worker and
its scheduler need without importing the web app."""

from __future__ import annotations

from pooling.adapters.orm import TABLES
from shared.runtime import Runtime
from shared.settings import Settings


def build_runtime(settings: Settings) -> Runtime:
    return Runtime.build("pooling", settings, TABLES)
