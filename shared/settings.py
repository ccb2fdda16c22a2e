"""Settings, read once from the environment and then passed in.

Every setting is a typed field of ``Settings`` with one default, named after its
environment variable (``ZIRKEL_...``); ``Settings.from_env()`` reads them all at
once and refuses a malformed value by the variable's name. Nothing else reads the
environment. An empty variable counts as unset. The embedded default needs none of
them but the secret key: SQLite files and a broker transport without a server, both
under ``var/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from shared import setting_values as read
from shared.webhook_addresses import Network

SERVICES = ("catalog", "pooling", "notify", "billing")  # each with its database and worker
WEB = "web"  # the pages' service: no database, no worker; it asks the others
DEFAULT_PORTS = {"catalog": 8001, "pooling": 8002, "notify": 8003, "billing": 8004}
DEFAULT_COOPERATIVE = "Handwerkszirkel Dortmund eG \u2013 Gemeinsamer Einkauf"


class SettingsError(RuntimeError):
    """A setting is missing or malformed."""


def setting(variable: str, default: Any, reader: read.Reader = read.text) -> Any:
    """A field read from ``variable`` by ``reader``; ``default`` when it is unset."""
    return field(default=default, metadata={"variable": variable, "reader": reader})


@dataclass(frozen=True)
class Settings:
    # Read in ``from_env`` because they depend on each other or on the service:
    secret_key: str  # ZIRKEL_SECRET_KEY: signs tokens and links, at least 16 characters
    var_dir: Path  # ZIRKEL_VAR_DIR: embedded databases, generated secrets, metrics
    broker_url: str  # ZIRKEL_BROKER_URL, else the embedded transport under var_dir
    database_urls: Mapping[str, str]  # ZIRKEL_<SVC>_DATABASE_URL, ZIRKEL_DATABASE_URL, SQLite
    ports: Mapping[str, int]  # ZIRKEL_<SVC>_PORT: each service's port, web's too
    service_urls: Mapping[str, str]  # ZIRKEL_<SVC>_URL: where the services reach each other
    public_url: str  # ZIRKEL_PUBLIC_URL: the web service as members reach it (its URL)
    public_pooling_url: str  # ZIRKEL_PUBLIC_POOLING_URL: pooling as suppliers reach it
    # The admin's bearer token, for automation and first setup; its first password.
    admin_token: str | None = setting("ZIRKEL_ADMIN_TOKEN", None)
    admin_password: str = setting("ZIRKEL_ADMIN_PASSWORD", "zirkel-admin")
    # The web service (every page, the supplier portal, the office's pages).
    web_port: int = setting("ZIRKEL_WEB_PORT", 8000, read.whole(1, 65535))
    # Gunicorn: the address it binds, processes and threads per service; log lines.
    bind_host: str = setting("ZIRKEL_BIND_HOST", "127.0.0.1")
    web_workers: int = setting("ZIRKEL_WEB_WORKERS", 2, read.whole(1))
    web_threads: int = setting("ZIRKEL_WEB_THREADS", 1, read.whole(1))
    log_json: bool = setting("ZIRKEL_LOG_FORMAT", False, read.log_format)
    # Reverse proxies in front of the web processes that set X-Forwarded-For.
    trusted_proxies: int = setting("ZIRKEL_TRUSTED_PROXIES", 0, read.whole(0))
    secure_cookies: bool = setting("ZIRKEL_SECURE_COOKIES", False, read.flag)
    # Messaging: publisher confirms, consumers, the outbox relay, the embedded broker.
    confirm_timeout: float = setting("ZIRKEL_CONFIRM_TIMEOUT", 5.0, read.seconds)
    consumer_max_retries: int = setting("ZIRKEL_CONSUMER_MAX_RETRIES", 5, read.whole(0))
    consumer_prefetch: int = setting("ZIRKEL_CONSUMER_PREFETCH", 50, read.whole(1))
    outbox_batch_size: int = setting("ZIRKEL_OUTBOX_BATCH_SIZE", 200, read.whole(1))
    outbox_poll_interval: float = setting("ZIRKEL_OUTBOX_POLL_INTERVAL", 0.1, read.seconds)
    outbox_busy_interval: float = setting("ZIRKEL_OUTBOX_BUSY_INTERVAL", 0.025, read.seconds)
    broker_poll_interval: float = setting("ZIRKEL_BROKER_POLL_INTERVAL", 0.05, read.seconds)
    # How long a message taken from the embedded broker stays leased to its consumer.
    broker_visibility_timeout: float = setting(
        "ZIRKEL_BROKER_VISIBILITY_TIMEOUT", 15.0, read.positive_seconds
    )
    # Pooling: the weekly cutoff, progress events, the scheduler, the solver.
    pool_cutoff: str = setting("ZIRKEL_POOL_CUTOFF", "0 12 * * thu")
    pool_timezone: str = setting("ZIRKEL_POOL_TIMEZONE", "Europe/Berlin")
    progress_interval: float = setting("ZIRKEL_PROGRESS_INTERVAL", 2.0, read.seconds)
    close_check_interval: float = setting("ZIRKEL_CLOSE_CHECK_INTERVAL", 30.0, read.seconds)
    solver_time_limit: float = setting("ZIRKEL_SOLVER_TIME_LIMIT", 30.0, read.seconds)
    # Notify: where e-mails go, when savings reports leave, the default membership fee.
    smtp_host: str = setting("ZIRKEL_SMTP_HOST", "127.0.0.1")
    smtp_port: int = setting("ZIRKEL_SMTP_PORT", 1025, read.whole(1, 65535))
    smtp_from: str = setting("ZIRKEL_SMTP_FROM", "Zirkel <zirkel@localhost>")
    # Where the mail catcher keeps each e-mail it accepts (one .eml file per message), for
    # the office's page of caught e-mails; ``zirkel run`` sets it when no SMTP host is set.
    mail_catcher_dir: Path | None = setting("ZIRKEL_MAIL_CATCHER_DIR", None, Path)
    report_delay: float = setting("ZIRKEL_REPORT_DELAY", 60.0, read.seconds)
    membership_fee: Decimal = setting("ZIRKEL_MEMBERSHIP_FEE", Decimal("240.00"), read.euros)
    webhook_allowed_networks: tuple[Network, ...] = setting(
        "ZIRKEL_WEBHOOK_ALLOWED_NETWORKS", (), read.networks
    )
    # The cooperative's name on the order PDFs and the savings statements.
    cooperative_name: str = setting("ZIRKEL_COOPERATIVE_NAME", DEFAULT_COOPERATIVE)
    # The cooperative as the seller on its members' invoices (rule 13) and the address
    # its depot receives goods at; the office sees them on its settings page.
    cooperative_legal_name: str = setting(
        "ZIRKEL_COOPERATIVE_LEGAL_NAME", "Handwerkszirkel Dortmund eG"
    )
    cooperative_street: str = setting("ZIRKEL_COOPERATIVE_STREET", "Rheinische Straße 1")
    cooperative_postcode: str = setting("ZIRKEL_COOPERATIVE_POSTCODE", "44137")
    cooperative_city: str = setting("ZIRKEL_COOPERATIVE_CITY", "Dortmund")
    cooperative_country: str = setting("ZIRKEL_COOPERATIVE_COUNTRY", "DE")
    cooperative_vat_id: str = setting("ZIRKEL_COOPERATIVE_VAT_ID", "DE136695976")
    cooperative_tax_number: str = setting("ZIRKEL_COOPERATIVE_TAX_NUMBER", "314/5802/0815")
    cooperative_iban: str = setting("ZIRKEL_COOPERATIVE_IBAN", "DE89370400440532013000")
    cooperative_bic: str = setting("ZIRKEL_COOPERATIVE_BIC", "COBADEFFXXX")
    cooperative_register: str = setting(
        "ZIRKEL_COOPERATIVE_REGISTER", "Amtsgericht Dortmund GnR 1234"
    )
    cooperative_contact: str = setting("ZIRKEL_COOPERATIVE_CONTACT", "Büro des Handwerkszirkels")
    cooperative_phone: str = setting("ZIRKEL_COOPERATIVE_PHONE", "+49 231 123456")
    cooperative_email: str = setting("ZIRKEL_COOPERATIVE_EMAIL", "buero@handwerkszirkel.example")
    # Invoice numbers are <prefix>-<year>-<6 digits>, gapless per year.
    invoice_prefix: str = setting("ZIRKEL_INVOICE_PREFIX", "ZK")
    # The SEPA creditor identifier members' direct debits are collected under (rule 15);
    # the default is the Bundesbank's test identifier.
    cooperative_creditor_id: str = setting("ZIRKEL_COOPERATIVE_CREDITOR_ID", "DE98ZZZ09999999999")
    # Processes a window's invoice documents are made in (1: in the worker itself).
    invoice_processes: int = setting("ZIRKEL_INVOICE_PROCESSES", 1, read.whole(1))
    # The ops watch: how often it looks, when a queue "keeps growing", whom it e-mails.
    ops_sample_interval: float = setting("ZIRKEL_OPS_SAMPLE_INTERVAL", 30.0, read.positive_seconds)
    queue_growth_samples: int = setting("ZIRKEL_QUEUE_GROWTH_SAMPLES", 5, read.whole(1))
    queue_growth_span: float = setting("ZIRKEL_QUEUE_GROWTH_SPAN", 600.0, read.positive_seconds)
    admin_emails: tuple[str, ...] = setting("ZIRKEL_ADMIN_EMAILS", (), read.addresses)
    rabbitmq_management_url: str | None = setting("ZIRKEL_RABBITMQ_MANAGEMENT_URL", None)
    # Where a service's processes keep their metric samples (var_dir/metrics/<service>).
    metrics_dir: Path | None = setting("PROMETHEUS_MULTIPROC_DIR", None, Path)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = {k: v for k, v in (os.environ if environ is None else environ).items() if v}
        secret_key = env.get("ZIRKEL_SECRET_KEY", "")
        if len(secret_key) < 16:
            raise SettingsError("ZIRKEL_SECRET_KEY must be set to at least 16 characters")
        var_dir = var_dir_of(env)
        read_fields = {f.name: _read_field(env, f) for f in environment_fields()}
        ports = {svc: _port(env, svc) for svc in SERVICES} | {WEB: read_fields["web_port"]}
        urls = {
            svc: env.get(f"ZIRKEL_{svc.upper()}_URL", f"http://127.0.0.1:{port}")
            for svc, port in ports.items()
        }
        return cls(
            secret_key=secret_key,
            var_dir=var_dir,
            broker_url=env.get("ZIRKEL_BROKER_URL") or f"zirkel+sqlite:///{var_dir / 'broker.db'}",
            database_urls={svc: _database_url(env, svc, var_dir) for svc in SERVICES},
            ports=ports,
            service_urls=urls,
            public_url=env.get("ZIRKEL_PUBLIC_URL", urls[WEB]),
            public_pooling_url=env.get("ZIRKEL_PUBLIC_POOLING_URL", urls["pooling"]),
            **read_fields,
        )

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    def metrics_directory(self, service: str) -> Path:
        """Where the service's processes share their metric samples."""
        return self.metrics_dir or self.var_dir / "metrics" / service

    @property
    def embedded_broker(self) -> bool:
        return not self.broker_url.startswith(("amqp://", "amqps://", "pyamqp://"))


def var_dir_of(environ: Mapping[str, str]) -> Path:
    """``ZIRKEL_VAR_DIR`` (else ``var``), absolute: where ``zirkel run`` keeps its files,
    known before the secret key it may generate there."""
    return Path(environ.get("ZIRKEL_VAR_DIR") or "var").resolve()


def environment_fields() -> list[Field[Any]]:
    """The fields read from a variable of their own, with their reader and default."""
    return [f for f in fields(Settings) if "variable" in f.metadata]


def _read_field(env: Mapping[str, str], setting: Field[Any]) -> Any:
    variable = setting.metadata["variable"]
    if variable not in env:
        return setting.default
    return _read(variable, env[variable], setting.metadata["reader"])


def _read(variable: str, value: str, reader: read.Reader) -> Any:
    try:
        return reader(value)
    except ValueError as exc:
        raise SettingsError(f"{variable} {exc}, not {value!r}") from exc


def _port(env: Mapping[str, str], service: str) -> int:
    variable = f"ZIRKEL_{service.upper()}_PORT"
    return _read(variable, env.get(variable, str(DEFAULT_PORTS[service])), read.whole(1, 65535))


def _database_url(env: Mapping[str, str], service: str, var_dir: Path) -> str:
    """A per-service URL wins; then the shared URL (one schema per service); then SQLite."""
    return (
        env.get(f"ZIRKEL_{service.upper()}_DATABASE_URL")
        or env.get("ZIRKEL_DATABASE_URL")
        or f"sqlite:///{var_dir / f'{service}.db'}"
    )
