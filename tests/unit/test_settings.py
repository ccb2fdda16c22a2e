"""Every setting is a typed field of ``Settings``, read once, with one default that the
README's table shows; a malformed value is refused by its variable's name; nothing
but ``shared/settings.py`` reads the environment."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from shared.gunicorn import service_config
from shared.settings import DEFAULT_COOPERATIVE, Settings, SettingsError, environment_fields

ROOT = Path(__file__).resolve().parents[2]
BASE = {"ZIRKEL_SECRET_KEY": "s" * 32}
# Read in from_env itself, because their defaults depend on other settings.
DERIVED = (
    "ZIRKEL_SECRET_KEY",
    "ZIRKEL_VAR_DIR",
    "ZIRKEL_BROKER_URL",
    "ZIRKEL_DATABASE_URL",
    "ZIRKEL_<SVC>_DATABASE_URL",
    "ZIRKEL_<SVC>_PORT",
    "ZIRKEL_<SVC>_URL",
    "ZIRKEL_PUBLIC_URL",
    "ZIRKEL_PUBLIC_POOLING_URL",
)
UNSET = ("unset", "empty", "—")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ZIRKEL_WEB_WORKERS", "zwei"),
        ("ZIRKEL_WEB_WORKERS", "0"),
        ("ZIRKEL_WEB_THREADS", "1.5"),
        ("ZIRKEL_NOTIFY_PORT", "99999"),
        ("ZIRKEL_TRUSTED_PROXIES", "-1"),
        ("ZIRKEL_TRUSTED_PROXIES", "ja"),
        ("ZIRKEL_REPORT_DELAY", "eine Minute"),
        ("ZIRKEL_CONFIRM_TIMEOUT", "nan"),
        ("ZIRKEL_OPS_SAMPLE_INTERVAL", "0"),
        ("ZIRKEL_QUEUE_GROWTH_SPAN", "-600"),
        ("ZIRKEL_MEMBERSHIP_FEE", "12.345"),
        ("ZIRKEL_SECURE_COOKIES", "vielleicht"),
        ("ZIRKEL_LOG_FORMAT", "jsn"),
        ("ZIRKEL_ADMIN_EMAILS", "buero, technik@zirkel.example"),
        ("ZIRKEL_SMTP_PORT", "smtp"),
        ("ZIRKEL_WEBHOOK_ALLOWED_NETWORKS", "192.168.10.0/33"),
    ],
)
def test_a_malformed_value_is_refused_by_its_variables_name(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{variable} must be .*, not '{re.escape(value)}'"):
        Settings.from_env(BASE | {variable: value})


def test_each_setting_is_typed_and_read_once() -> None:
    settings = Settings.from_env(
        BASE
        | {
            "ZIRKEL_TRUSTED_PROXIES": "2",
            "ZIRKEL_REPORT_DELAY": "5",
            "ZIRKEL_MEMBERSHIP_FEE": "180.50",
            "ZIRKEL_ADMIN_EMAILS": "buero@zirkel.example, technik@zirkel.example",
            "ZIRKEL_SECURE_COOKIES": "TRUE",
            "ZIRKEL_LOG_FORMAT": "json",
            "ZIRKEL_POOLING_URL": "http://pooling:8002",
            "ZIRKEL_PUBLIC_POOLING_URL": "https://einkauf.example/pooling",
        }
    )
    assert settings.trusted_proxies == 2
    assert settings.report_delay == 5.0
    assert settings.membership_fee == Decimal("180.50")
    assert settings.admin_emails == ("buero@zirkel.example", "technik@zirkel.example")
    assert settings.secure_cookies is True and settings.log_json is True
    assert settings.public_pooling_url == "https://einkauf.example/pooling"
    assert settings.public_url == settings.service_urls["web"] == "http://127.0.0.1:8000"
    assert settings.ports["web"] == settings.web_port == 8000


def test_an_empty_variable_counts_as_unset() -> None:
    settings = Settings.from_env(BASE | {"ZIRKEL_TRUSTED_PROXIES": "", "ZIRKEL_PUBLIC_URL": ""})
    assert settings.trusted_proxies == 0
    assert settings.public_url == "http://127.0.0.1:8000"


def test_the_web_service_has_its_own_port() -> None:
    settings = Settings.from_env(BASE | {"ZIRKEL_WEB_PORT": "9000"})
    assert settings.web_port == settings.ports["web"] == 9000
    assert settings.public_url == settings.service_urls["web"] == "http://127.0.0.1:9000"
    assert service_config("web", settings)["bind"] == "127.0.0.1:9000"
    with pytest.raises(SettingsError, match="ZIRKEL_WEB_PORT"):
        Settings.from_env(BASE | {"ZIRKEL_WEB_PORT": "70000"})


def test_the_cooperative_has_one_name_by_default() -> None:
    assert Settings.from_env(BASE).cooperative_name == DEFAULT_COOPERATIVE


def test_gunicorn_takes_its_settings_from_settings() -> None:
    env = {
        "ZIRKEL_BIND_HOST": "0.0.0.0",
        "ZIRKEL_POOLING_PORT": "9002",
        "ZIRKEL_WEB_WORKERS": "4",
        "ZIRKEL_WEB_THREADS": "3",
        "ZIRKEL_LOG_FORMAT": "json",
    }
    config = service_config("pooling", Settings.from_env(BASE | env))
    assert (config["bind"], config["workers"], config["threads"]) == ("0.0.0.0:9002", 4, 3)
    assert "logconfig_dict" in config
    assert "logconfig_dict" not in service_config("pooling", Settings.from_env(BASE))


def _readme_table() -> dict[str, str]:
    """Each variable of the README's configuration table with its default, as written."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table: dict[str, str] = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split(" | ")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z_<>]+)`", cells[0])
        defaults = cells[1].split(", ") if len(names) > 1 else [cells[1]]
        assert len(defaults) == len(names), row
        table.update(zip(names, defaults, strict=True))
    return table


def test_the_readme_lists_every_setting_with_its_default() -> None:
    table = _readme_table()
    missing = [f.metadata["variable"] for f in environment_fields()]
    assert [v for v in (*DERIVED, *missing) if v not in table] == []
    for setting in environment_fields():
        written = table[setting.metadata["variable"]]
        if written.startswith(UNSET):
            assert setting.default in (None, ()), setting.name
        elif not written.startswith("`<"):  # a place under another setting
            value = setting.metadata["reader"](written.strip("`"))
            assert value == setting.default, setting.name


def test_nothing_else_reads_the_environment() -> None:
    """The launcher hands the environment to the processes it starts (which read their
    supervisor's pid from it), and metrics tell prometheus_client its directory the only
    way it listens; nothing else touches it."""
    allowed = {"shared/settings.py", "shared/metrics.py", "zirkel/launcher.py"}
    allowed.add("zirkel/supervised.py")
    readers = []
    for package in ("services", "shared", "zirkel"):
        for path in (ROOT / package).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if name not in allowed and re.search(r"os\.environ|getenv", path.read_text()):
                readers.append(name)
    assert readers == []


def test_zirkel_run_keeps_its_files_where_the_settings_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty ``ZIRKEL_VAR_DIR`` counts as unset for ``zirkel run`` too: ``var``."""
    from zirkel.launcher import prepare_environment

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZIRKEL_VAR_DIR", "")
    monkeypatch.delenv("ZIRKEL_SECRET_KEY", raising=False)
    env = prepare_environment()
    assert Settings.from_env(env).var_dir == tmp_path / "var"
    assert (tmp_path / "var" / "secret_key").exists()
