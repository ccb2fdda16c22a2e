"""The whole stack for the browser flows that need every service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.support import require_browser
from tests.support.stack import Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    require_browser()
    yield from Stack(tmp_path).running()
