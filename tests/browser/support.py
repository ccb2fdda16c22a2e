"""What the browser tests share: Debian's Chromium, screenshots, and the web service with
catalog's web process started alone on data a test seeds first."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import Session

from catalog.bootstrap import build_runtime
from shared.db import transaction
from shared.runtime import Runtime
from shared.settings import Settings
from tests.support.stack import SERVED, Stack, free_port, wait_until

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def require_browser() -> None:
    """Skip without Chromium, its driver or Playwright; in CI, fail instead."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    elif shutil.which("chromedriver") is None and not Path("/usr/bin/chromedriver").exists():
        reason = "chromium-driver is missing"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is missing (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)


@contextmanager
def catalog_web_alone(
    tmp_path: Path,
    seed: Callable[[Session, Runtime], None],
    beside: Callable[[Stack], None] | None = None,
) -> Iterator[str]:
    """The web service and catalog's gunicorn on free ports (pooling and notify not
    started), catalog's database migrated and seeded by ``seed`` first; yields the web
    service's address. ``beside`` is shown the stack's ports first (to answer in another
    service's place)."""
    require_browser()
    stack = Stack(tmp_path)
    stack.ports = {service: free_port() for service in SERVED}
    if beside is not None:
        beside(stack)
    runtime = build_runtime(Settings.from_env(stack.env))
    runtime.migrate()
    with transaction(runtime.sessions) as db:
        seed(db, runtime)
    runtime.engine.dispose()
    stack.start_process("catalog-web", "web", "catalog")
    stack.start_process("web", "web", "web")
    url = stack.url("web")
    try:
        wait_until(lambda: answers(f"{stack.url('catalog')}/health/live"), 60, "catalog")
        wait_until(lambda: answers(f"{url}/login"), 60, "the web service")
        yield url
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def screenshots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page as it looks on a phone (360 px) and on a desktop (1280 px)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})


def sign_in(page, url: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in on the web service's form as a reader does, and wait to be let in."""
    page.goto(f"{url}/login")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda address: "/login" not in address)


def follow_menu(page, name: str, exact: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Follow a link of the main menu as a reader does: on a phone the menu is folded away
    behind its button, which is opened first."""
    page.wait_for_load_state("load")  # the style sheet folds the menu on a phone
    menu = page.get_by_role("navigation", name="Hauptmenü")
    if menu.is_hidden():
        page.get_by_text("Menü", exact=True).click()
    menu.get_by_role("link", name=name, exact=exact).click()
