"""The container stack: docker-compose.yml validates and runs every process; the image.

The checks read the configuration as compose itself resolves it (``config``),
so anchors, merge keys and ``${VAR}`` interpolation are what compose makes of
them. Nothing is built or started: no Docker daemon is needed.

Without a compose binary the tests skip, except on CI (``CI=true``) where they
fail: install Debian's ``docker-compose`` package or the ``docker compose``
plugin there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SECRET_KEY = "compose-test-secret-key-0123456789"
ADMIN_TOKEN = "compose-test-admin-token"

SERVICES = {"catalog": 8001, "pooling": 8002, "notify": 8003, "billing": 8004}
ZIRKEL_COMMANDS = {
    f"{svc}-{kind}": ["zirkel", kind, svc] for svc in SERVICES for kind in ("web", "worker")
} | {"pooling-scheduler": ["zirkel", "scheduler"], "web": ["zirkel", "web", "web"]}
ZIRKEL_PROCESSES = set(ZIRKEL_COMMANDS)
WEB_PORT = 8000  # the web service: every page
INFRASTRUCTURE = {"rabbitmq", "postgres", "mailpit"}
ONE_SHOT = {"migrate"}

Compose = Callable[..., subprocess.CompletedProcess[str]]


def _compose_command() -> list[str] | None:
    """Debian's docker-compose v1, else the docker compose v2 plugin, else None."""
    if binary := shutil.which("docker-compose"):
        return [binary]
    docker = shutil.which("docker")
    if docker is not None:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    return None


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> Compose:
    """Run compose on docker-compose.yml with a clean environment and no .env file."""
    command = _compose_command()
    if command is None:
        reason = "neither `docker-compose` nor the `docker compose` plugin is installed"
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{reason}; CI must validate docker-compose.yml "
                "(apt-get install docker-compose, or install the compose plugin)",
                pytrace=False,
            )
        pytest.skip(reason)
    empty_env_file = tmp_path_factory.mktemp("compose") / "empty.env"
    empty_env_file.write_text("")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ZIRKEL_", "COMPOSE_"))}

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), *args],
            cwd=ROOT,
            env={**base_env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _with_secrets(compose: Compose, *args: str) -> subprocess.CompletedProcess[str]:
    return compose(*args, ZIRKEL_SECRET_KEY=SECRET_KEY, ZIRKEL_ADMIN_TOKEN=ADMIN_TOKEN)


@pytest.fixture(scope="module")
def config(compose: Compose) -> dict[str, Any]:
    """The configuration as compose resolved it (anchors, variables and defaults applied)."""
    resolved = _with_secrets(compose, "config")
    assert resolved.returncode == 0, resolved.stderr
    return yaml.safe_load(resolved.stdout)


@pytest.fixture(scope="module")
def services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return config["services"]


# -- (a) the file validates ---------------------------------------------------


def test_compose_file_validates_with_the_secrets_set(compose: Compose) -> None:
    result = _with_secrets(compose, "config", "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["ZIRKEL_SECRET_KEY", "ZIRKEL_ADMIN_TOKEN"])
def test_secrets_come_from_the_environment_and_are_required(compose: Compose, missing: str) -> None:
    env = {"ZIRKEL_SECRET_KEY": SECRET_KEY, "ZIRKEL_ADMIN_TOKEN": ADMIN_TOKEN}
    del env[missing]
    result = compose("config", "-q", **env)
    assert result.returncode != 0
    assert f"set {missing}" in result.stdout + result.stderr
    assignments = [
        line.strip()
        for line in COMPOSE_FILE.read_text().splitlines()
        if re.match(rf"\s*(- )?{missing}\s*[:=]", line)
    ]
    assert len(assignments) == 1, assignments
    assert assignments[0].startswith(f"{missing}: ${{{missing}:?set {missing}"), (
        f"{missing} must come from the environment, never a literal in docker-compose.yml"
    )


# -- (b) every process is there and waits for what it needs ---------------------


def test_every_process_of_the_stack_is_a_service(compose: Compose) -> None:
    result = _with_secrets(compose, "config", "--services")
    assert result.returncode == 0, result.stderr
    names = set(result.stdout.split())
    assert names >= ZIRKEL_PROCESSES | INFRASTRUCTURE | ONE_SHOT


def test_each_zirkel_process_runs_its_command_from_the_one_image(
    services: dict[str, dict[str, Any]],
) -> None:
    images = set()
    for name in ZIRKEL_PROCESSES | ONE_SHOT:
        service = services[name]
        assert Path(service["build"]["context"]).resolve() == ROOT, name
        assert service["build"]["dockerfile"] == "deploy/Dockerfile", name
        images.add(service.get("image"))
    assert len(images) == 1, f"one image for all processes, got {images}"
    for name, command in ZIRKEL_COMMANDS.items():
        assert _command(services[name]) == command, name
    migrate = " ".join(_command(services["migrate"]))
    assert "zirkel migrate" in migrate
    assert "zirkel seed" in migrate


def test_processes_share_the_production_settings(services: dict[str, dict[str, Any]]) -> None:
    for name in ZIRKEL_PROCESSES | ONE_SHOT:
        env = services[name]["environment"]
        assert env["ZIRKEL_SECRET_KEY"] == SECRET_KEY, name
        assert env["ZIRKEL_ADMIN_TOKEN"] == ADMIN_TOKEN, name
        assert env["ZIRKEL_BROKER_URL"] == "amqp://zirkel:zirkel@rabbitmq:5672/zirkel", name
        assert env["ZIRKEL_DATABASE_URL"].startswith("postgresql+psycopg://"), name
        assert env["ZIRKEL_DATABASE_URL"].endswith("@postgres:5432/zirkel"), name
        assert env["ZIRKEL_BIND_HOST"] == "0.0.0.0", name
        assert env["ZIRKEL_LOG_FORMAT"] == "json", name


def test_infrastructure_matches_the_settings(services: dict[str, dict[str, Any]]) -> None:
    rabbitmq, postgres = services["rabbitmq"], services["postgres"]
    assert rabbitmq["image"] == "rabbitmq:3.13-management"
    assert rabbitmq["environment"] == {
        "RABBITMQ_DEFAULT_USER": "zirkel",
        "RABBITMQ_DEFAULT_PASS": "zirkel",
        "RABBITMQ_DEFAULT_VHOST": "zirkel",
    }
    assert {5672, 15672} <= _published_ports(rabbitmq)
    assert postgres["image"] == "postgres:16"
    assert postgres["environment"] == {
        "POSTGRES_USER": "zirkel",
        "POSTGRES_PASSWORD": "zirkel",
        "POSTGRES_DB": "zirkel",
    }
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert {1025, 8025} <= _published_ports(services["mailpit"])


def test_health_checks(services: dict[str, dict[str, Any]]) -> None:
    assert "rabbitmq-diagnostics -q ping" in _health_test(services["rabbitmq"])
    assert "pg_isready" in _health_test(services["postgres"])
    for svc, port in SERVICES.items():
        web = services[f"{svc}-web"]
        check = _health_test(web)
        assert "urllib" in check, svc
        assert f"http://127.0.0.1:{port}/health/ready" in check, svc
        assert port in _published_ports(web), svc
    pages = services["web"]
    assert f"http://127.0.0.1:{WEB_PORT}/health/ready" in _health_test(pages)
    assert WEB_PORT in _published_ports(pages)


def test_long_running_services_restart_and_are_healthy_or_wait_for_health(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        assert service.get("restart") == "unless-stopped", name
        waits_for = _depends_on(service)
        healthy = [dep for dep, condition in waits_for.items() if condition == "service_healthy"]
        assert "healthcheck" in service or healthy, (
            f"{name} has no healthcheck and waits for no healthy service"
        )


def test_zirkel_processes_wait_for_broker_database_and_migrations(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in ZIRKEL_PROCESSES - {"web"}:
        assert _depends_on(services[name]) == {
            "rabbitmq": "service_healthy",
            "postgres": "service_healthy",
            "migrate": "service_completed_successfully",
        }, name
    assert _depends_on(services["web"]) == {  # it asks catalog, it keeps no database
        "migrate": "service_completed_successfully",
        "catalog-web": "service_healthy",
    }
    migrate = services["migrate"]
    assert _depends_on(migrate) == {"postgres": "service_healthy"}
    assert migrate.get("restart", "no") == "no"


def test_dependencies_and_bind_mounts_exist(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for dependency in _depends_on(service):
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if _depends_on(service)[dependency] == "service_healthy":
                assert "healthcheck" in services[dependency], (name, dependency)
        for volume in _as_list(service.get("volumes")):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith(("/", ".")):
                assert Path(source).exists(), f"{name} mounts missing {source}"


# -- (c) the image ---------------------------------------------------------------


def test_dockerfile_installs_zirkel_and_runs_it_unprivileged() -> None:
    assert DOCKERFILE.is_file()
    text = DOCKERFILE.read_text()
    instructions = [line.strip() for line in text.splitlines() if line.strip()[:1] not in "#"]
    assert instructions[0] == "FROM python:3.11-slim"
    assert "pip install --no-cache-dir -e ." in text
    assert "zirkel" in text
    assert "ZIRKEL_BIND_HOST=0.0.0.0" in text
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert instructions[-1] == 'CMD ["zirkel", "web", "web"]'


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    patterns = {line.strip().strip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    for needed in (".venv", "var", ".git", "artifacts", ".pytest_cache", ".hypothesis"):
        assert needed in patterns, needed
    assert patterns & {"__pycache__", "**/__pycache__"}


# -- reading what compose prints ---------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else list(command)


def _health_test(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    parts = [test] if isinstance(test, str) else test
    return " ".join(part for part in parts if part not in {"CMD", "CMD-SHELL"})


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    depends_on = service.get("depends_on") or {}
    if isinstance(depends_on, list):  # the short form waits only for the start
        return dict.fromkeys(depends_on, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in depends_on.items()}


def _published_ports(service: dict[str, Any]) -> set[int]:
    """Container ports published on the host (short "ip:host:container/proto" or long form)."""
    ports = set()
    for port in _as_list(service.get("ports")):
        if isinstance(port, dict):
            ports.add(int(port["target"]))
        else:
            ports.add(int(str(port).split("/")[0].rsplit(":", 1)[-1]))
    return ports
