"""The office's page of caught e-mails: the list (date, to, subject; newest first), one
e-mail with its text, HTML and attachments; for the office only, and only where the mail
catcher's directory is set."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from shared import caught_mail
from tests.web.conftest import Site, sign_in


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def service_urls(mail_dir: Path) -> dict[str, str]:
    """The site's settings, with the mail catcher's directory set."""
    return {"ZIRKEL_MAIL_CATCHER_DIR": str(mail_dir)}


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


def order_mail(to: str, subject: str, sent: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Zirkel <zirkel@localhost>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = sent
    message.set_content("Guten Tag,\nIhre Bestellung ist unterwegs: 24 Kartuschen.\n")
    message.add_alternative(
        "<p style='color: #333'>Guten Tag, <b>Ihre Bestellung</b></p>", subtype="html"
    )
    message.add_attachment(
        b"%PDF-1.7 order", maintype="application", subtype="pdf", filename="Bestellung-7.pdf"
    )
    return message.as_bytes()


def catch(mail_dir: Path, to: str, subject: str, day: int) -> str:
    sent = f"Mon, {day:02d} Mar 2026 09:30:00 +0000"
    arrived = datetime(2026, 3, day, 9, 30, 1, tzinfo=UTC)
    return caught_mail.store(mail_dir, order_mail(to, subject, sent), arrived).name


def test_the_office_sees_the_caught_emails_newest_first(
    office: FlaskClient, mail_dir: Path
) -> None:
    catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung über Silikon", 2)
    catch(mail_dir, "lager@baustoffe-westfalen.example", "Bestellung 7 für Sie", 5)
    page = office.get("/admin/mail").get_data(as_text=True)
    assert "Abgefangene E-Mails" in page and "2 gefunden." in page
    newer = page.index("Bestellung 7 für Sie")
    assert newer < page.index("Ihre Bestellung über Silikon")
    assert '<td data-label="An">lager@baustoffe-westfalen.example</td>' in page  # a card on a phone
    assert "05.03.26, 10:30" in page  # the Date header, in Berlin's time
    assert str(mail_dir) in page
    assert 'href="/admin/mail"' in page  # in the office's navigation


def test_one_caught_email_shows_its_text_html_and_attachments(
    office: FlaskClient, mail_dir: Path
) -> None:
    name = catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung", 2)
    page = office.get(f"/admin/mail/{name}").get_data(as_text=True)
    assert "Ihre Bestellung ist unterwegs: 24 Kartuschen." in page
    assert "Zirkel &lt;zirkel@localhost&gt;" in page
    assert f'<iframe class="mail-html" sandbox src="/admin/mail/{name}/html"' in page
    assert "Bestellung-7.pdf" in page

    html = office.get(f"/admin/mail/{name}/html")
    assert html.status_code == 200 and "<b>Ihre Bestellung</b>" in html.get_data(as_text=True)
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert "script-src" not in html.headers["Content-Security-Policy"]  # default-src 'none'

    pdf = office.get(f"/admin/mail/{name}/attachments/0")
    assert pdf.status_code == 200 and pdf.data == b"%PDF-1.7 order"
    assert pdf.mimetype == "application/pdf"
    assert "Bestellung-7.pdf" in pdf.headers["Content-Disposition"]
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def test_the_page_reads_english_too(office: FlaskClient, mail_dir: Path) -> None:
    catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung", 2)
    with office.session_transaction() as session:
        session["lang"] = "en"
    page = office.get("/admin/mail").get_data(as_text=True)
    assert "Caught e-mails" in page and "1 found." in page
    assert '<td data-label="To">info@kowalski-maler.example</td>' in page


def test_unknown_and_crafted_names_are_not_found(office: FlaskClient, mail_dir: Path) -> None:
    name = catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung", 2)
    (mail_dir.parent / "secret.eml").write_bytes(b"Subject: no\r\n\r\n")
    assert office.get("/admin/mail/20260302T093001000000Z-0000000000000000.eml").status_code == 404
    assert office.get("/admin/mail/..%2Fsecret.eml").status_code == 404
    assert office.get(f"/admin/mail/{name}/attachments/1").status_code == 404


def test_members_are_refused_and_strangers_sent_to_sign_in(
    site: Site, member: FlaskClient, mail_dir: Path
) -> None:
    name = catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung", 2)
    for path in ("/admin/mail", f"/admin/mail/{name}", f"/admin/mail/{name}/attachments/0"):
        assert member.get(path).status_code == 403, path
        stranger = site.client().get(path)
        assert stranger.status_code == 302 and "/login" in stranger.headers["Location"], path
    assert 'href="/admin/mail"' not in member.get("/needs/new").get_data(as_text=True)


def test_the_office_searches_the_caught_emails_and_downloads_them(
    office: FlaskClient, mail_dir: Path
) -> None:
    catch(mail_dir, "info@kowalski-maler.example", "Ihre Bestellung über Silikon", 2)
    catch(mail_dir, "lager@baustoffe-westfalen.example", "Bestellung 7 für Sie", 5)
    page = office.get("/admin/mail?q=kowalski").get_data(as_text=True)
    assert "Ihre Bestellung über Silikon" in page and "Bestellung 7 für Sie" not in page
    oldest_first = office.get("/admin/mail?sort=sent_at&dir=asc").get_data(as_text=True)
    assert oldest_first.index("Silikon") < oldest_first.index("Bestellung 7 für Sie")
    data = office.get("/admin/mail?q=westfalen&format=csv").get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == [
        "Datum;An;Betreff",
        "05.03.26, 10:30;lager@baustoffe-westfalen.example;Bestellung 7 für Sie",
    ]
