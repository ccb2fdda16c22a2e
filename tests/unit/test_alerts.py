"""What the operations dashboard tells an admin to look at."""

from __future__ import annotations

from shared.ops import alerts

READY = {"status": "ready", "outbox": {"unsent": 0, "oldest_unsent_age_seconds": 0.0}}


def test_a_quiet_cooperative_raises_no_alert() -> None:
    queues = [
        {"name": "pooling.catalog-changes", "messages": 3, "consumers": 2},
        {"name": "pooling.catalog-changes.dead", "messages": 0, "consumers": 0},
    ]
    assert alerts(queues, [{"service": "catalog"} | READY]) == []


def test_dead_letters_idle_queues_sick_services_and_a_stuck_outbox_are_reported() -> None:
    queues = [
        {"name": "pooling.catalog-changes", "messages": 0, "consumers": 0},
        {"name": "pooling.catalog-changes.dead", "messages": 2, "consumers": 0},
        {"name": "notify.order-outcomes", "messages": 0, "consumers": None},  # not known
    ]
    services = [
        {"service": "catalog", "status": "ready", "outbox": {"oldest_unsent_age_seconds": 75}},
        {"service": "notify", "status": "unreachable"},
        {"service": "notify", "status": "ready", "deliveries": {"failed_to_suppliers": 2}},
    ]

    found = {(a["kind"], a["subject"]) for a in alerts(queues, services)}

    assert found == {
        ("no-consumer", "pooling.catalog-changes"),
        ("dead-letters", "pooling.catalog-changes.dead"),
        ("outbox-lag", "catalog"),
        ("not-ready", "notify"),
        ("supplier-delivery-failed", "notify"),
    }


def test_the_asking_service_answers_for_itself_without_calling_its_own_port() -> None:
    """A single sync web worker asking itself over HTTP would wait for itself."""
    from shared.ops import service_health
    from shared.settings import Settings

    settings = Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "s" * 32,
            "ZIRKEL_CATALOG_URL": "http://127.0.0.1:9",  # nothing listens there
            "ZIRKEL_POOLING_URL": "http://127.0.0.1:9",
            "ZIRKEL_NOTIFY_URL": "http://127.0.0.1:9",
            "ZIRKEL_BILLING_URL": "http://127.0.0.1:9",
            "ZIRKEL_WEB_URL": "http://127.0.0.1:9",
        }
    )

    found = {s["service"]: s["status"] for s in service_health(settings, "catalog", lambda: READY)}

    assert found == {"catalog": "ready"} | dict.fromkeys(
        ("pooling", "notify", "billing", "web"), "unreachable"
    )
