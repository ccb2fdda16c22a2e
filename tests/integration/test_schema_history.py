"""Every service's Alembic env sees every table of its ORM: against a database brought to
head by the service's migrations, ``alembic check`` (autogenerate) finds nothing to do.

Each runs in a fresh interpreter, as ``alembic`` would from the shell: within this test
process the ORM modules other tests imported would hide a table the env forgot (and
autogenerate would then drop it in a new revision).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def alembic(ini: Path, url: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "-x", f"url={url}", *command],
        cwd=ini.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("service", SERVICES)
def test_autogenerate_finds_no_difference_after_every_migration(
    service: str, tmp_path: Path
) -> None:
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {ROOT / 'services' / service / 'migrations'}\n")
    url = f"sqlite:///{tmp_path / f'{service}.db'}"
    upgraded = alembic(ini, url, "upgrade", "head")
    assert upgraded.returncode == 0, upgraded.stderr

    checked = alembic(ini, url, "check")

    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
