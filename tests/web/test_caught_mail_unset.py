"""Without a mail catcher's directory the office has no page of caught e-mails."""

from __future__ import annotations

from tests.web.conftest import Site, sign_in


def test_the_page_is_not_there_and_not_linked(site: Site) -> None:
    office = site.client()
    sign_in(office, "admin@zirkel.example")
    assert office.get("/admin/mail").status_code == 404
    assert 'href="/admin/mail"' not in office.get("/admin/settings").get_data(as_text=True)
