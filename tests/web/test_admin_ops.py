"""The office's operations pages through Flask's test client, on the embedded broker (passive
queue figures): the dashboard, the dead letters inspected, replayed and discarded with CSRF,
the audit log naming who did it; refused to everyone but admins."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from catalog.adapters.orm import QueueSample, RaisedAlert, Supplier, User
from shared.db import transaction
from shared.events import dump
from shared.messaging import DEAD_LETTERS, connect, declare_topology, subscriptions_of
from shared.publishing import Publisher
from shared.supervision import control_socket, supervised_processes
from tests.integration.test_messaging import need_posted
from tests.support.stack import wait_until
from tests.web.conftest import PASSWORD, Site, csrf_token, sign_in
from web.pages.ops_view import alert_text, sparkline

WORK = subscriptions_of("pooling")[0].queue_name
DEAD = subscriptions_of("pooling")[0].dead_letter_queue_name


@pytest.fixture
def admin(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def dead_letter(site: Site, need_id: int, reason: str) -> str:
    """A need event as the consumer dead-letters it; its message id."""
    event = dump(need_posted(need_id))
    with connect(site.runtime.settings) as connection:
        declare_topology(connection)
        Publisher(connection, 5).publish(
            json.dumps(event),
            exchange=DEAD_LETTERS,
            routing_key=WORK,
            message_id=event["event_id"],
            headers={
                "x-zirkel-death-reason": reason,
                "x-zirkel-death-queue": WORK,
                "x-zirkel-original-routing-key": "catalog.need.posted.v1",
                "x-zirkel-died-at": "2026-03-05T09:00:00+00:00",
            },
        )
    return event["event_id"]


def waiting(site: Site, queue: str) -> int:
    with connect(site.runtime.settings) as connection:
        declare_topology(connection)
        return connection.default_channel.queue_declare(queue, passive=True)[1]


def pages(site: Site) -> list[tuple[str, str]]:
    letter = dead_letter(site, 3, "boom")
    return [
        ("GET", "/admin/ops"),
        ("GET", f"/admin/ops/dead-letters/{DEAD}"),
        ("GET", f"/admin/ops/dead-letters/{DEAD}/{letter}"),
        ("POST", f"/admin/ops/dead-letters/{DEAD}/{letter}/replay"),
        ("POST", f"/admin/ops/dead-letters/{DEAD}/{letter}/discard"),
    ]


def test_members_suppliers_and_strangers_are_refused(site: Site, member: FlaskClient) -> None:
    with transaction(site.runtime.sessions) as db:  # a supplier's order desk
        hashed = generate_password_hash(PASSWORD, method="scrypt")
        supplier = Supplier(name="Farben GmbH", email="farben@example.com", shipping_fee=0)
        db.add(supplier)
        db.flush()
        db.add(
            User(
                email="lager@farben.example",
                password_hash=hashed,
                role="supplier",
                supplier_id=supplier.id,
            )
        )
    supplier = site.client()
    sign_in(supplier, "lager@farben.example")
    supplier_token = site.app.extensions["zirkel.tokens"].issue("supplier", 1)
    for method, path in pages(site):
        assert member.open(path, method=method).status_code in (400, 403), path
        assert supplier.open(path, method=method).status_code in (400, 403), path
        stranger = site.client().open(path, method=method)
        assert stranger.status_code in (302, 400), path
        bearer = {"Authorization": f"Bearer {supplier_token}"}
        assert site.client().open(path, method=method, headers=bearer).status_code in (302, 400)
    assert member.get("/admin/ops").status_code == 403
    assert site.client().get("/admin/ops").location.startswith("/login")
    assert waiting(site, DEAD) == 1  # nothing was replayed or discarded


def test_the_dashboard_shows_queues_dead_letters_services_and_the_source(
    site: Site, admin: FlaskClient
) -> None:
    dead_letter(site, 1, "boom")
    raised = datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
    with transaction(site.runtime.sessions) as db:  # the ops watch raised it earlier
        db.add(RaisedAlert(kind="dead-letters", subject=DEAD, message="x", raised_at=raised))
    page = admin.get("/admin/ops").get_data(as_text=True)

    assert "<h1>Betrieb</h1>" in page
    assert "seit 05.03.26, 09:30" in page  # Berlin time
    assert '<meta http-equiv="refresh" content="30">' in page
    assert "passiven Queue-Deklarationen" in page  # the embedded broker has no management API
    assert f'<th scope="row">{WORK}</th>' in page
    assert f'href="/admin/ops/dead-letters/{DEAD}"' in page
    assert "Tote Nachrichten in pooling.catalog-changes.dead: 1." in page
    assert "pooling is not ready" not in page and "antwortet nicht" in page
    assert "Pooling antwortet nicht, daher ist der letzte Abschluss unbekannt." in page
    assert "meta http-equiv" not in admin.get("/admin/ops?refresh=off").get_data(as_text=True)


def test_every_admin_page_links_the_dashboard(admin: FlaskClient) -> None:
    for path in ("/admin/members", "/admin/pool", "/admin/users", "/admin/ops"):
        assert 'href="/admin/ops"' in admin.get(path).get_data(as_text=True), path


def test_a_growing_queue_has_its_sparkline_and_an_alert(site: Site, admin: FlaskClient) -> None:
    now = datetime.now(UTC)
    with transaction(site.runtime.sessions) as db:
        for n, depth in enumerate([2, 4, 7, 11, 16, 30]):
            at = now - timedelta(seconds=30 * (6 - n))
            db.add(QueueSample(at=at, queue=WORK, messages=depth, source="passive"))

    page = admin.get("/admin/ops").get_data(as_text=True)

    assert "Queue wächst" in page
    assert f"{WORK} wächst weiter: von 2 auf 30 Nachrichten." in page
    assert f'<polyline points="{sparkline([2, 4, 7, 11, 16, 30])["points"]}"' in page
    assert "niedrigster Stand 2, höchster 30, jetzt 30 Nachrichten" in page


def test_a_failed_delivery_to_a_supplier_is_said_in_german(site: Site) -> None:
    alert = {"kind": "supplier-delivery-failed", "subject": "notify", "message": "2 orders …"}
    with site.app.test_request_context("/admin/ops"):
        said = alert_text(alert, {"notify": "0"})
    assert said == (
        "Bestellungen oder Rechnungsbeanstandungen haben ihren Lieferanten nicht erreicht:"
        " die fehlgeschlagenen stehen im E-Mail-Protokoll."
    )


def test_the_dashboard_speaks_english_on_request(admin: FlaskClient) -> None:
    token = csrf_token(admin.get("/admin/ops").get_data(as_text=True))
    admin.post("/language", data={"lang": "en", "csrf_token": token, "next": "/admin/ops"})
    page = admin.get("/admin/ops").get_data(as_text=True)
    assert "<h1>Operations</h1>" in page and "Figures from passive queue declarations" in page


def test_a_dead_letter_is_inspected_replayed_and_logged_with_who_did_it(
    site: Site, admin: FlaskClient
) -> None:
    replayed = dead_letter(site, 7, "failed 1 times: RuntimeError: supplier terms on fire")
    discarded = dead_letter(site, 8, "invalid event: {}")
    listing = admin.get(f"/admin/ops/dead-letters/{DEAD}").get_data(as_text=True)
    assert replayed in listing and discarded in listing and "supplier terms on fire" in listing

    path = f"/admin/ops/dead-letters/{DEAD}/{replayed}"
    page = admin.get(path).get_data(as_text=True)
    assert "x-zirkel-death-queue" in page and "supplier terms on fire" in page
    assert "&#34;need_id&#34;: 7" in page  # the body, pretty-printed
    assert admin.post(f"{path}/replay").status_code == 400  # no CSRF token
    assert waiting(site, DEAD) == 2

    done = admin.post(f"{path}/replay", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    token = csrf_token(admin.get(f"/admin/ops/dead-letters/{DEAD}/{discarded}").get_data(True))
    admin.post(f"/admin/ops/dead-letters/{DEAD}/{discarded}/discard", data={"csrf_token": token})

    assert (waiting(site, DEAD), waiting(site, WORK)) == (0, 1)
    listing = admin.get(f"/admin/ops/dead-letters/{DEAD}").get_data(as_text=True)
    assert f"{discarded} verworfen." in listing  # the flash of the last action
    assert "Keine toten Nachrichten hier." in listing
    assert listing.count("admin@zirkel.example") == 2
    assert "erneut gesendet" in listing and "verworfen" in listing


def test_a_letter_taken_already_is_reported_not_an_error(site: Site, admin: FlaskClient) -> None:
    letter = dead_letter(site, 9, "boom")
    page = admin.get(f"/admin/ops/dead-letters/{DEAD}/{letter}").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page)}
    admin.post(f"/admin/ops/dead-letters/{DEAD}/{letter}/discard", data=form)
    again = admin.post(f"/admin/ops/dead-letters/{DEAD}/{letter}/discard", data=form)
    assert again.status_code == 302
    listing = admin.get(again.location).get_data(as_text=True)
    assert "Diese tote Nachricht ist schon weg" in listing
    assert admin.get(f"/admin/ops/dead-letters/{DEAD}/{letter}").status_code == 404
    assert admin.get("/admin/ops/dead-letters/no.such.dead").status_code == 404


def test_a_sparkline_puts_the_deepest_sample_at_the_top() -> None:
    line = sparkline([0, 5, 10], width=104, height=24)
    assert line["points"] == "2.0,22.0 52.0,12.0 102.0,2.0"
    assert (line["low"], line["high"], line["last"]) == (0, 10, 10)
    assert sparkline([4])["points"] == "" and sparkline([])["last"] is None


def test_the_dashboard_says_plainly_when_no_supervisor_watches_the_processes(
    admin: FlaskClient,
) -> None:
    page = admin.get("/admin/ops").get_data(as_text=True)

    assert "Prozesse" in page
    assert "laufen nicht unter der Aufsicht von" in page


def test_the_dashboard_shows_each_supervised_process_with_its_restarts(
    site: Site, admin: FlaskClient
) -> None:
    var_dir = site.runtime.settings.var_dir
    config = var_dir / "supervisord.conf"
    config.write_text(
        f"[unix_http_server]\nfile={control_socket(var_dir)}\n"
        f"[supervisord]\nnodaemon=true\nlogfile={var_dir / 'supervisord.log'}\n"
        f"pidfile={var_dir / 'supervisord.pid'}\n"
        "[rpcinterface:supervisor]\n"
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
        f"[program:pooling-worker]\ncommand={sys.executable} -c 'import time; time.sleep(600)'\n"
        "startsecs=0\nautorestart=true\n"
    )
    supervisord = subprocess.Popen(
        [str(Path(sys.executable).parent / "supervisord"), "-c", str(config)],
        stdout=subprocess.DEVNULL,
    )
    try:
        first = wait_until(lambda: running_pid(var_dir), 20, "the process running")
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: running_pid(var_dir) not in (None, first), 20, "a restart")

        page = admin.get("/admin/ops").get_data(as_text=True)
    finally:
        supervisord.terminate()
        supervisord.wait(timeout=30)

    row = page.split('<th scope="row">pooling-worker</th>', 1)[1].split("</tr>", 1)[0]
    assert "läuft" in row
    assert '<td class="num">1</td>' in row  # one restart


def running_pid(var_dir: Path) -> int | None:
    found = supervised_processes(var_dir) or []
    return next((p.pid for p in found if p.state == "RUNNING"), None)
