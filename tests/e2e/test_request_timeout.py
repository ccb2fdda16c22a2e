"""A request that runs past gunicorn's timeout is answered in JSON, never with gunicorn's
HTML 500 page: catalog's web process as configured (one synchronous worker, as deployed)
with a timeout of one second, and a route that takes ten."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.stack import ADMIN_TOKEN, Stack, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(tmp_path, extra_env={"ZIRKEL_WEB_THREADS": "1"})
    stack.ports = {"catalog": free_port()}
    subprocess.run(stack.zirkel("migrate", "catalog"), env=stack.env, check=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    config = str(ROOT / "services" / "catalog" / "gunicorn.conf.py")
    log = open(tmp_path / "catalog-web.log", "ab")  # noqa: SIM115 - closed with the process
    stack.processes["catalog-web"] = subprocess.Popen(
        [gunicorn, "-c", config, "--timeout", "1", "tests.support.slow_catalog:create_app()"],
        env=stack.env | {"PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: stack.ready("catalog"), 60, "catalog ready")
        yield stack
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()


def test_a_request_past_the_timeout_gets_a_json_error(catalog: Stack) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    response = requests.get(f"{catalog.url('catalog')}/api/v1/slowly", headers=admin, timeout=20)

    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "The request took too long and was stopped; try again later.",
        "details": {"request": ["stopped after 1 s"]},
    }
    wait_until(lambda: catalog.ready("catalog"), 30, "a new worker answering")
