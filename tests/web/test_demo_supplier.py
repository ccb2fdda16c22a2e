"""The demo cooperative comes with a supplier's order desk that signs in to the portal."""

from __future__ import annotations

from pathlib import Path

from catalog.entrypoints.app import create_app
from shared.settings import Settings
from tests.web.conftest import sign_in, web_app
from zirkel.seed import DEMO_MEMBER_PASSWORD, DEMO_SUPPLIER_EMAIL, seed


def test_the_demo_suppliers_desk_signs_in_to_its_portal(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "ZIRKEL_SECRET_KEY": "x" * 32,
            "ZIRKEL_VAR_DIR": str(tmp_path),
            "ZIRKEL_POOLING_URL": "http://127.0.0.1:9",
        }
    )
    catalog = create_app(settings)
    catalog.extensions["zirkel.runtime"].migrate()
    seeded = seed(settings)
    assert seeded is not None

    client = web_app(settings, catalog).test_client()
    sign_in(client, DEMO_SUPPLIER_EMAIL, DEMO_MEMBER_PASSWORD)
    page = client.get("/supplier/price-list").get_data(as_text=True)

    assert "DISP-10L" in page  # Baustoffhandel Westfalen's offers
    assert client.get("/needs").status_code == 403
    catalog.extensions["zirkel.runtime"].engine.dispose()
