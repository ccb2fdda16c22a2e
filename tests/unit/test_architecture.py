"""The shape every service keeps: a pure domain (no web, database or broker library is
imported there), no import cycles between first-party modules, pages in the web service
alone, which reaches the others through its clients."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {"flask", "werkzeug", "sqlalchemy", "alembic", "kombu", "amqp", "marshmallow"}
SERVICES = ("catalog", "pooling", "notify", "billing")
WEB = "web"  # the pages' service: no domain, no database; it asks the others
FIRST_PARTY = (*SERVICES, WEB, "shared", "zirkel")
LAYERS = ("__init__.py", "domain", "service_layer", "adapters", "entrypoints", "bootstrap.py")
PAGE_LIBRARIES = {"flask_login", "flask_wtf", "flask_babel", "wtforms", "jinja2"}
# what the web service may import of catalog: its domain's words and its API's contract
CATALOG_CONTRACT = ("catalog.domain", "catalog.entrypoints.schemas", "catalog.entrypoints.price_")


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
    modules = sorted((ROOT / "services").glob("*/*/domain/*.py"))
    assert {path.parts[-3] for path in modules} == set(SERVICES)
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path.read_text()) & FRAMEWORKS)
        for path in modules
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def module_files() -> dict[str, Path]:
    """Every module of the services' layers, of ``shared`` and of ``zirkel``, by name."""
    found = {}
    for base in [ROOT / "services" / s for s in (*SERVICES, WEB)] + [ROOT]:
        for package in FIRST_PARTY:
            for path in (base / package).rglob("*.py") if (base / package).is_dir() else ():
                parts = path.relative_to(base).with_suffix("").parts
                if package in SERVICES and path.relative_to(base).parts[1] not in LAYERS:
                    continue
                found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def top_level_imports(path: Path, known: set[str]) -> set[str]:
    """The first-party modules a module imports when it is loaded (not inside functions,
    not only for type checkers): what an import cycle is made of."""
    wanted: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            wanted |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            wanted.add(node.module)
            wanted |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in wanted if name in known}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph[node]):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_first_party_import_cycles() -> None:
    files = module_files()
    known = set(files)
    graph = {name: top_level_imports(path, known) - {name} for name, path in files.items()}
    assert len(graph) > 200
    assert cycles(graph) == []


def test_dependencies_are_built_in_the_bootstraps_only() -> None:
    """Engines, the schedule, the solver and notify's writer come from a service's
    ``bootstrap.py``; workers, apps and the command line ask it for them."""
    built_there = re.compile(
        r"Runtime\.build\(|HighsSolver\(|CutoffSchedule\.from_settings\(|Outgoing\.from_settings\("
    )
    builders = {
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "zirkel").rglob("*.py")]
        if built_there.search(path.read_text())
    }
    # the solver's worker processes each build their own one-thread solver, inside it
    inside_the_solver = {"services/pooling/pooling/adapters/solver_pool.py"}
    assert {n for n in builders if not n.endswith("/bootstrap.py")} == inside_the_solver
    assert len(builders - inside_the_solver) == len(SERVICES)


def imported_modules(source: str) -> set[str]:
    """Every module a module's source imports, by its full name."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_catalog_serves_no_html() -> None:
    """The pages, their templates, static files and sessions are the web service's."""
    package = ROOT / "services" / "catalog" / "catalog"
    assert not [d for d in ("templates", "static", "web") if (package / d).exists()]
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path.read_text()) & PAGE_LIBRARIES)
        for path in package.rglob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert not [p for p in package.rglob("*.py") if "render_template" in p.read_text()]


def test_the_check_sees_a_page_library() -> None:
    assert imported_roots("from flask_login import current_user") & PAGE_LIBRARIES


def test_the_web_service_reaches_the_others_through_its_clients() -> None:
    """No database, no broker, nothing of another service but catalog's contract: the web
    service asks catalog, pooling, notify and billing over HTTP."""
    modules = sorted((ROOT / "services" / WEB / WEB).rglob("*.py"))
    assert len(modules) > 40
    refused = {"sqlalchemy", "alembic", "kombu", "pooling", "notify", "billing"}
    offenders = {}
    for path in modules:
        imported = imported_modules(path.read_text())
        found = {name.split(".")[0] for name in imported} & refused
        found |= {
            name
            for name in imported
            if name.split(".")[0] == "catalog" and not name.startswith(CATALOG_CONTRACT)
        }
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(found)
    assert offenders == {}


def test_the_web_forms_ask_for_catalogs_password_lengths() -> None:
    """The shortest and the longest password are defined once, in catalog's domain: catalog
    checks them and each web form with a password field takes them from there (a number of
    its own could disagree with catalog, and a number is the same object whatever its
    source)."""
    names = {"min": "MIN_PASSWORD_LENGTH", "max": "MAX_PASSWORD_LENGTH"}
    for name in names.values():
        defined = {
            module
            for module, path in module_files().items()
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == name for t in node.targets)
        }
        assert defined == {"catalog.domain.model"}, name
    lengths: dict[str, dict[str, str]] = {"min": {}, "max": {}}
    for path in sorted((ROOT / "services" / WEB / WEB).rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PasswordField":
                for length in ast.walk(node):
                    if (
                        isinstance(length, ast.Call)
                        and getattr(length.func, "id", None) == "Length"
                    ):
                        for keyword in length.keywords:
                            if keyword.arg in lengths:
                                found = lengths[keyword.arg]
                                found[f"{path.name}:{node.lineno}"] = ast.unparse(keyword.value)
        if any(key.startswith(f"{path.name}:") for found in lengths.values() for key in found):
            assert "catalog.domain.model" in imported_modules(path.read_text()), path.name
    assert len(lengths["min"]) >= 2  # a new user's password and a new password by a link
    assert len(lengths["max"]) >= 3  # and the password one signs in with
    for bound, name in names.items():
        assert set(lengths[bound].values()) == {name}, lengths[bound]
