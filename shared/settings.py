"""Settings, read once from the environment and then passed in.

Every variable starts with ``ZIRKEL_``. The embedded default needs none of
them but the secret key: SQLite files and a broker transport without a server,
both under ``var/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shared.webhook_addresses import Network, parse_networks

SERVICES = ("catalog", "pooling", "notify")
DEFAULT_PORTS = {"catalog": 8001, "pooling": 8002, "notify": 8003}


class SettingsError(RuntimeError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    secret_key: str
    var_dir: Path
    broker_url: str
    database_urls: Mapping[str, str]
    ports: Mapping[str, int]
    service_urls: Mapping[str, str]
    admin_token: str | None = None
    confirm_timeout: float = 5.0
    consumer_max_retries: int = 5
    consumer_prefetch: int = 50
    outbox_batch_size: int = 200
    outbox_poll_interval: float = 0.1
    outbox_busy_interval: float = 0.025
    broker_poll_interval: float = 0.05
    broker_visibility_timeout: float = 15.0
    log_json: bool = False
    pool_cutoff: str = "0 12 * * thu"
    pool_timezone: str = "Europe/Berlin"
    progress_interval: float = 2.0
    close_check_interval: float = 30.0
    solver_time_limit: float = 30.0
    rabbitmq_management_url: str | None = None
    secure_cookies: bool = False
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "Zirkel <zirkel@localhost>"
    webhook_allowed_networks: tuple[Network, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        secret_key = env.get("ZIRKEL_SECRET_KEY", "")
        if len(secret_key) < 16:
            raise SettingsError("ZIRKEL_SECRET_KEY must be set to at least 16 characters")
        var_dir = Path(env.get("ZIRKEL_VAR_DIR", "var")).resolve()
        ports = {
            svc: _int(env, f"ZIRKEL_{svc.upper()}_PORT", port)
            for svc, port in DEFAULT_PORTS.items()
        }
        return cls(
            secret_key=secret_key,
            var_dir=var_dir,
            broker_url=env.get("ZIRKEL_BROKER_URL") or f"zirkel+sqlite:///{var_dir / 'broker.db'}",
            database_urls={svc: _database_url(env, svc, var_dir) for svc in SERVICES},
            ports=ports,
            service_urls={
                svc: env.get(f"ZIRKEL_{svc.upper()}_URL", f"http://127.0.0.1:{ports[svc]}")
                for svc in SERVICES
            },
            admin_token=env.get("ZIRKEL_ADMIN_TOKEN") or None,
            confirm_timeout=_float(env, "ZIRKEL_CONFIRM_TIMEOUT", 5.0),
            consumer_max_retries=_int(env, "ZIRKEL_CONSUMER_MAX_RETRIES", 5),
            consumer_prefetch=_int(env, "ZIRKEL_CONSUMER_PREFETCH", 50),
            outbox_batch_size=_int(env, "ZIRKEL_OUTBOX_BATCH_SIZE", 200),
            outbox_poll_interval=_float(env, "ZIRKEL_OUTBOX_POLL_INTERVAL", 0.1),
            outbox_busy_interval=_float(env, "ZIRKEL_OUTBOX_BUSY_INTERVAL", 0.025),
            broker_poll_interval=_float(env, "ZIRKEL_BROKER_POLL_INTERVAL", 0.05),
            broker_visibility_timeout=_float(env, "ZIRKEL_BROKER_VISIBILITY_TIMEOUT", 15.0),
            log_json=env.get("ZIRKEL_LOG_FORMAT", "text") == "json",
            pool_cutoff=env.get("ZIRKEL_POOL_CUTOFF", "0 12 * * thu"),
            pool_timezone=env.get("ZIRKEL_POOL_TIMEZONE", "Europe/Berlin"),
            progress_interval=_float(env, "ZIRKEL_PROGRESS_INTERVAL", 2.0),
            close_check_interval=_float(env, "ZIRKEL_CLOSE_CHECK_INTERVAL", 30.0),
            solver_time_limit=_float(env, "ZIRKEL_SOLVER_TIME_LIMIT", 30.0),
            rabbitmq_management_url=env.get("ZIRKEL_RABBITMQ_MANAGEMENT_URL") or None,
            secure_cookies=env.get("ZIRKEL_SECURE_COOKIES", "false").lower()
            in ("1", "true", "yes"),
            smtp_host=env.get("ZIRKEL_SMTP_HOST", "127.0.0.1"),
            smtp_port=_int(env, "ZIRKEL_SMTP_PORT", 1025),
            smtp_from=env.get("ZIRKEL_SMTP_FROM", "Zirkel <zirkel@localhost>"),
            webhook_allowed_networks=_networks(env, "ZIRKEL_WEBHOOK_ALLOWED_NETWORKS"),
            extra={k: v for k, v in env.items() if k.startswith("ZIRKEL_")},
        )

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    @property
    def embedded_broker(self) -> bool:
        return not self.broker_url.startswith(("amqp://", "amqps://", "pyamqp://"))


def _database_url(env: Mapping[str, str], service: str, var_dir: Path) -> str:
    """A per-service URL wins; then the shared URL (one schema per service); then SQLite."""
    return (
        env.get(f"ZIRKEL_{service.upper()}_DATABASE_URL")
        or env.get("ZIRKEL_DATABASE_URL")
        or f"sqlite:///{var_dir / f'{service}.db'}"
    )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer") from exc


def _networks(env: Mapping[str, str], name: str) -> tuple[Network, ...]:
    try:
        return parse_networks(env.get(name, ""))
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number") from exc
