"""Billing's domain stays pure: no web, database or broker library is imported there."""

from pathlib import Path

import billing.domain
from tests.unit.pooling.test_domain_purity import FRAMEWORKS, imported_roots

DOMAIN = Path(billing.domain.__file__).parent


def test_no_billing_domain_module_imports_a_framework() -> None:
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 3
    for module in modules:
        assert imported_roots(module.read_text()) & FRAMEWORKS == set(), module.name
