"""Members' accounts and settlement runs over billing's API, on the worked example
continued: the four invoices on the members' accounts, a payment booked by hand, the
German-Excel export, and a settlement run whose pain.008 collects the mandated members'
gross totals, which a second run does not collect again, and which is booked on the
accounts when the office submits it (once); a run the office discards frees what it held."""

from __future__ import annotations

from datetime import date
from typing import Any

from billing.bootstrap import handlers as billing_handlers
from billing.bootstrap import sepa_files
from tests.api.conftest import Headers, Service
from tests.api.test_billing_api import GROSS, TODAY, member_registered, received
from tests.api.test_pooling_api import worked_example
from tests.unit.billing.test_settlement import assert_valid, texts

__all__ = ["received", "worked_example"]  # fixtures, used by name

MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


def give_mandates(billing: Service, *member_ids: int) -> None:
    react = billing_handlers(billing.runtime.settings, billing.runtime.outbox, lambda: TODAY)
    for member_id in member_ids:
        mandate = {
            "iban": "DE02120300000000202051",
            "mandate_reference": f"ZK-M-{member_id}",
            "mandate_signed_on": date(2026, 1, 5),
        }
        billing.deliver(react, member_registered(member_id, **mandate))


def account(billing: Service, member_id: int, headers: Headers, query: str = "") -> Any:
    return billing.client.get(f"/api/v1/members/{member_id}/account{query}", headers=headers)


def test_a_members_account_shows_its_invoice_and_balance_to_it_and_the_office(
    received: int, billing: Service, admin: Headers
) -> None:
    member = billing.token("member", 3)

    found = account(billing, 3, member).get_json()

    assert found["balance"] == GROSS[3]
    assert [(e["type"], e["debit"], e["credit"]) for e in found["entries"]] == [
        ("invoice", GROSS[3], "0.00")
    ]
    assert account(billing, 3, admin, "?on=2026-03-15").get_json()["balance"] == "0.00"
    assert account(billing, 3, billing.token("member", 2)).status_code == 404
    assert account(billing, 3, admin, "?on=15.03.2026").status_code == 422


def test_a_payment_by_hand_credits_the_account(
    received: int, billing: Service, admin: Headers
) -> None:
    payment = {"amount": "100.00", "booked_on": "2026-03-20", "reference": "Überweisung"}

    booked = billing.client.post("/api/v1/members/3/payments", json=payment, headers=admin)

    assert booked.status_code == 201, booked.get_json()
    assert account(billing, 3, admin).get_json()["balance"] == "316.50"
    bad = billing.client.post(
        "/api/v1/members/3/payments", json=payment | {"amount": "-5"}, headers=admin
    )
    assert bad.status_code == 422 and "amount" in bad.get_json()["details"]
    unknown = billing.client.post("/api/v1/members/77/payments", json=payment, headers=admin)
    assert unknown.status_code == 404


def test_the_office_gets_no_account_of_a_member_billing_does_not_know(
    received: int, billing: Service, admin: Headers
) -> None:
    for path in ("/api/v1/members/77/account", "/api/v1/members/77/account.csv"):
        response = billing.client.get(path, headers=admin)
        assert response.status_code == 404, path
        assert response.get_json()["details"] == {"member_id": ["Billing knows no member 77."]}
    own = account(billing, 77, billing.token("member", 77))  # its token proves the member
    assert own.status_code == 200 and own.get_json()["entries"] == []


def test_the_fields_problems_are_told_in_the_callers_language(
    billing: Service, admin: Headers
) -> None:
    german = admin | {"Accept-Language": "de"}
    body = {"amount": "1.234", "booked_on": "gestern", "extra": 1}

    refused = billing.client.post("/api/v1/members/3/payments", json=body, headers=german)

    assert refused.status_code == 422
    assert refused.get_json()["details"] == {
        "amount": ["Höchstens 2 Nachkommastellen."],
        "booked_on": ["Kein gültiges Datum."],
        "reference": ["Pflichtangabe fehlt."],
        "extra": ["Unbekanntes Feld."],
    }
    english = billing.client.post("/api/v1/members/3/payments", json=body, headers=admin)
    assert english.get_json()["details"]["reference"] == ["Missing data for required field."]


def test_the_account_export_is_for_german_excel(
    received: int, billing: Service, admin: Headers
) -> None:
    payment = {"amount": "16.50", "booked_on": "2026-03-20", "reference": "=HYPERLINK(1)"}
    billing.client.post("/api/v1/members/3/payments", json=payment, headers=admin)

    response = billing.client.get("/api/v1/members/3/account.csv", headers=admin)
    everyone = billing.client.get("/api/v1/accounts.csv", headers=admin)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffMitglied;Datum;Art;Beleg;Soll;Haben;Saldo\r\n")
    assert ";16.03.2026;Rechnung;" in body and ";416,50;0,00;416,50" in body
    assert "3;20.03.2026;Zahlung;'=HYPERLINK(1);0,00;16,50;400,00\r\n" in body
    assert everyone.get_data().decode("utf-8").count("Rechnung") == 4


def test_a_settlement_collects_the_mandated_members_once(
    received: int, billing: Service, admin: Headers
) -> None:
    give_mandates(billing, 1, 2, 3, 4)
    billing.app.extensions["zirkel.sepa_files"] = sepa_files(
        billing.runtime.settings, lambda: TODAY
    )

    started = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin)

    assert started.status_code == 201, started.get_json()
    run = started.get_json()
    assert run["collected"] == "862.51" and run["collect_on"] == "2026-03-18"
    assert [(c["member_id"], c["amount"]) for c in run["collections"]] == list(GROSS.items())
    assert run["credit_transfers"] is None
    debits = billing.client.get(run["direct_debits"], headers=admin)
    assert debits.status_code == 200 and debits.mimetype == "application/xml"
    document = assert_valid(debits.get_data(), "pain.008.001.02")
    assert texts(document, "InstdAmt") == list(GROSS.values())
    assert run["state"] == "pending" and run["submitted_on"] is None
    assert account(billing, 1, admin).get_json()["balance"] == GROSS[1]
    transfers = f"/api/v1/settlements/{run['id']}/credit-transfers.xml"
    assert billing.client.get(transfers, headers=admin).status_code == 404

    overlapping = {"period_start": "2026-03-10", "period_end": "2026-04-30"}
    again = billing.client.post("/api/v1/settlements", json=overlapping, headers=admin)

    assert again.status_code == 201 and again.get_json()["collected"] == "0.00"
    assert again.get_json()["direct_debits"] is None
    listed = billing.client.get("/api/v1/settlements", headers=admin).get_json()["settlements"]
    assert [s["id"] for s in listed] == [again.get_json()["id"], run["id"]]


def on_today(billing: Service) -> None:
    """The runs' day is the worked example's."""
    billing.app.extensions["zirkel.sepa_files"] = sepa_files(
        billing.runtime.settings, lambda: TODAY
    )


def submit(billing: Service, headers: Headers, settlement_id: int, step: str = "submit") -> Any:
    return billing.client.post(f"/api/v1/settlements/{settlement_id}/{step}", headers=headers)


def test_a_submitted_run_is_booked_on_the_accounts_once(
    received: int, billing: Service, admin: Headers
) -> None:
    give_mandates(billing, 1, 2, 3, 4)
    on_today(billing)
    run = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()

    submitted = submit(billing, admin, run["id"])
    again = submit(billing, admin, run["id"])

    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["state"] == "submitted"
    assert submitted.get_json()["submitted_on"] == TODAY.isoformat()
    assert again.status_code == 200 and again.get_json() == submitted.get_json()
    found = account(billing, 1, admin).get_json()
    assert found["balance"] == "0.00"
    assert [(e["type"], e["credit"], e["booked_on"]) for e in found["entries"]][1:] == [
        ("payment", GROSS[1], run["collect_on"])
    ]
    refused = submit(billing, admin, run["id"], "cancel")
    assert refused.status_code == 409 and "settlement_id" in refused.get_json()["details"]
    assert submit(billing, admin, 99).status_code == 404
    assert submit(billing, billing.token("member", 1), run["id"]).status_code in (401, 403)


def test_a_discarded_run_frees_its_collections_for_the_next(
    received: int, billing: Service, admin: Headers
) -> None:
    give_mandates(billing, 1, 2)
    on_today(billing)
    first = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()

    cancelled = submit(billing, admin, first["id"], "cancel")
    second = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()

    assert cancelled.status_code == 200 and cancelled.get_json()["state"] == "cancelled"
    assert second["collected"] == first["collected"] == "376.04"
    refused = submit(billing, admin, first["id"])
    assert refused.status_code == 409
    assert refused.get_json()["error"] == f"Run {first['id']} is discarded; it cannot be submitted."
    german = submit(billing, admin | {"Accept-Language": "de-DE,de;q=0.9"}, first["id"])
    assert german.get_json()["details"]["settlement_id"] == [
        f"Lauf {first['id']} ist verworfen; er kann nicht eingereicht werden."
    ]
    assert submit(billing, admin, first["id"], "cancel").status_code == 200
    assert account(billing, 1, admin).get_json()["balance"] == GROSS[1]


def test_a_run_too_late_for_the_bank_is_refused_with_its_day_as_the_reader_writes_it(
    received: int, billing: Service, admin: Headers
) -> None:
    give_mandates(billing, 1)
    on_today(billing)
    run = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin).get_json()
    collect_on = date.fromisoformat(run["collect_on"])
    billing.app.extensions["zirkel.sepa_files"] = sepa_files(
        billing.runtime.settings, lambda: collect_on
    )

    english = submit(billing, admin, run["id"])
    german = submit(billing, admin | {"Accept-Language": "de"}, run["id"])

    assert english.status_code == german.status_code == 409
    assert english.get_json()["error"] == (
        f"Run {run['id']} collects on {collect_on:%b} {collect_on.day}, {collect_on.year}, "
        "too late for the bank now; "
        "discard it and make a new run."
    )
    [said] = german.get_json()["details"]["settlement_id"]
    assert collect_on.strftime("%d.%m.%Y") in said and collect_on.isoformat() not in said


def test_a_settlement_needs_a_period_in_order(billing: Service, admin: Headers) -> None:
    backwards = {"period_start": "2026-03-31", "period_end": "2026-03-01"}

    response = billing.client.post("/api/v1/settlements", json=backwards, headers=admin)

    assert response.status_code == 422 and "period_end" in response.get_json()["details"]
    missing = billing.client.get("/api/v1/settlements/9/direct-debits.xml", headers=admin)
    assert missing.status_code == 404


def test_a_run_whose_file_would_not_validate_is_refused_and_changes_nothing(
    received: int, billing: Service, admin: Headers
) -> None:
    give_mandates(billing, 1)
    react = billing_handlers(billing.runtime.settings, billing.runtime.outbox, lambda: TODAY)
    broken = {"iban": "de02 1203", "mandate_reference": "ZK-M-2"}
    billing.deliver(react, member_registered(2, mandate_signed_on=date(2026, 1, 5), **broken))

    refused = billing.client.post("/api/v1/settlements", json=MARCH, headers=admin)

    assert refused.status_code == 409, refused.get_json()
    assert "do not validate" in refused.get_json()["error"]
    assert account(billing, 1, admin).get_json()["balance"] == GROSS[1]
    assert billing.client.get("/api/v1/settlements", headers=admin).get_json()["settlements"] == []
