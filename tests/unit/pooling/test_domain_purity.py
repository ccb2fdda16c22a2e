"""The pooling domain stays pure: no web, database or broker library is imported there."""

import ast
from pathlib import Path

import pooling.domain

FRAMEWORKS = {"flask", "werkzeug", "sqlalchemy", "alembic", "kombu", "amqp", "marshmallow"}
DOMAIN = Path(pooling.domain.__file__).parent


def imported_roots(source: str) -> set[str]:
    """The top-level packages a module's source imports."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_check_sees_a_framework_import() -> None:
    assert imported_roots("from sqlalchemy.orm import Session\nimport kombu") == {
        "sqlalchemy",
        "kombu",
    }


def test_no_domain_module_imports_a_framework() -> None:
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) > 5
    offenders = {
        module.name: sorted(imported_roots(module.read_text()) & FRAMEWORKS) for module in modules
    }
    assert {name: found for name, found in offenders.items() if found} == {}
