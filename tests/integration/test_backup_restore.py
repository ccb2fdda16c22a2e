"""``zirkel backup`` and ``zirkel restore`` on the embedded default: a copy taken while a
writer writes is one consistent moment of each database, a restore brings every row back
(even beside a write-ahead log left by a process killed -9), a damaged backup is refused,
and nothing is restored while ``zirkel run``'s supervisor is running."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from shared.settings import SERVICES, Settings
from shared.supervision import supervised_processes
from tests.integration.test_embedded_broker import publish
from tests.support.stack import wait_until
from zirkel import backup, cli
from zirkel.backup import sha256
from zirkel.launcher import prepare_environment
from zirkel.seed import seed

DATABASES = (*SERVICES, "broker")
OTHER_SETTINGS = ("ZIRKEL_SECRET_KEY", "ZIRKEL_ADMIN_TOKEN", "ZIRKEL_BROKER_URL")


def clear_settings(monkeypatch: pytest.MonkeyPatch, var_dir: Path) -> None:
    """Only ZIRKEL_VAR_DIR: the secrets come from var/, as under ``zirkel run``."""
    monkeypatch.setenv("ZIRKEL_VAR_DIR", str(var_dir))
    for name in (*OTHER_SETTINGS, "ZIRKEL_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for service in SERVICES:
        monkeypatch.delenv(f"ZIRKEL_{service.upper()}_DATABASE_URL", raising=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated var/ with the demo cooperative and a message waiting in the broker."""
    var_dir = tmp_path_factory.mktemp("seeded") / "var"
    with pytest.MonkeyPatch.context() as monkeypatch:
        clear_settings(monkeypatch, var_dir)
        settings = Settings.from_env(prepare_environment())
        cli.migrate(settings, SERVICES)
        seed(settings)
        publish(settings, 1)
    for name in DATABASES:
        with closing(sqlite3.connect(var_dir / f"{name}.db")) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return var_dir


@pytest.fixture
def var_dir(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    var_dir = tmp_path / "var"
    shutil.copytree(seeded, var_dir)
    clear_settings(monkeypatch, var_dir)
    return var_dir


def rows(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in an order that does not depend on how it was stored,
    read as the stack reads: in WAL mode, so a write-ahead log beside the file counts."""
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def everything(var_dir: Path) -> dict[str, dict[str, list[tuple]]]:
    return {name: rows(var_dir / f"{name}.db") for name in DATABASES}


def one_value(database: Path, sql: str) -> object:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql).fetchone()[0]


class Writer(threading.Thread):
    """Writes as the stack does (WAL, one short transaction at a time): each transaction
    adds a line and counts it in a total, so one moment's copy has as many lines as its total."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database, self.stop = database, threading.Event()
        with closing(sqlite3.connect(database)) as db:
            db.executescript(
                "CREATE TABLE probe_line (n INTEGER PRIMARY KEY);"
                "CREATE TABLE probe_total (lines INTEGER NOT NULL);"
                "INSERT INTO probe_total VALUES (0);"
            )

    def run(self) -> None:
        db = sqlite3.connect(self.database, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        with closing(db):
            while not self.stop.is_set():
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO probe_line DEFAULT VALUES")
                db.execute("UPDATE probe_total SET lines = lines + 1")
                db.execute("COMMIT")

    def lines(self) -> int:
        return int(one_value(self.database, "SELECT lines FROM probe_total"))


@pytest.fixture
def writer(var_dir: Path) -> Iterator[Writer]:
    writer = Writer(var_dir / "catalog.db")
    writer.start()
    yield writer
    writer.stop.set()
    writer.join(10)


def test_a_backup_taken_while_a_writer_writes_is_one_consistent_moment(
    var_dir: Path, writer: Writer, tmp_path: Path
) -> None:
    wait_until(lambda: writer.lines() > 200, 30, "the writer's first lines")
    folder = tmp_path / "backup"

    assert cli.main(["backup", str(folder)]) == 0

    copy = folder / "catalog.db"
    backed_up = one_value(copy, "SELECT lines FROM probe_total")
    wait_until(lambda: writer.lines() > backed_up + 200, 30, "lines written after the backup")
    assert backed_up > 200
    assert one_value(copy, "SELECT count(*) FROM probe_line") == backed_up
    for name in DATABASES:
        assert one_value(folder / f"{name}.db", "PRAGMA integrity_check") == "ok"
        assert one_value(folder / f"{name}.db", "PRAGMA journal_mode") == "delete"
        assert not (folder / f"{name}.db-wal").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == {*DATABASES, "secret_key", "admin_token"}
    every_database = {path.name for path in var_dir.glob("*.db")}  # billing's, the broker's ...
    assert every_database == {listed[name]["file"] for name in DATABASES}
    for entry in listed.values():
        assert entry["sha256"] == sha256(folder / entry["file"])
    for service in SERVICES:
        live = one_value(var_dir / f"{service}.db", "SELECT version_num FROM alembic_version")
        assert listed[service]["schema_revisions"] == [live]
    assert listed["broker"]["schema_revisions"] is None


def test_the_databases_are_copied_as_of_one_moment_not_one_after_another(
    var_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What pooling commits while catalog is being copied is not in pooling's copy either,
    so an event cannot be in a consumer's copy and missing from its producer's."""
    pooling = var_dir / "pooling.db"
    with closing(sqlite3.connect(pooling)) as db, db:
        db.execute("CREATE TABLE probe_line (n INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO probe_line VALUES (1)")
    copy_database = backup.copy_database

    def write_to_pooling_after_catalog(name: str, *args: object) -> backup.CopiedFile:
        copied = copy_database(name, *args)
        if name == "catalog":
            with closing(sqlite3.connect(pooling, timeout=30)) as db, db:
                db.execute("INSERT INTO probe_line VALUES (2)")
        return copied

    monkeypatch.setattr(backup, "copy_database", write_to_pooling_after_catalog)

    assert cli.main(["backup", str(tmp_path / "backup")]) == 0

    assert one_value(pooling, "SELECT count(*) FROM probe_line") == 2
    assert one_value(tmp_path / "backup" / "pooling.db", "SELECT count(*) FROM probe_line") == 1


KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    for table in ("needs", "users"):
        db.execute(f"DELETE FROM {table}")
    os.kill(os.getpid(), signal.SIGKILL)  # committed, in the WAL, never checkpointed
    """
)


def change_everything(var_dir: Path) -> None:
    """Later work: a catalog writer killed -9 leaves its WAL, the broker gets a message,
    pooling, notify and billing lose rows, the secret key changes."""
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(var_dir / "catalog.db")])
    assert (var_dir / "catalog.db-wal").stat().st_size > 0
    publish(Settings.from_env(prepare_environment()), 2)
    for name in ("pooling", "notify", "billing"):
        with closing(sqlite3.connect(var_dir / f"{name}.db")) as db, db:
            db.execute("DELETE FROM alembic_version")
    (var_dir / "secret_key").write_text("a-later-secret-key-0123456789")


def test_a_restore_brings_back_every_row_of_the_backup(var_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    assert cli.main(["backup", str(folder)]) == 0
    backed_up = everything(var_dir)
    secret = (var_dir / "secret_key").read_text()
    change_everything(var_dir)
    assert everything(var_dir) != backed_up

    assert cli.main(["restore", str(folder)]) == 0

    restored = everything(var_dir)
    for name in DATABASES:
        assert restored[name] == backed_up[name], name
        assert one_value(var_dir / f"{name}.db", "PRAGMA integrity_check") == "ok"
    assert restored["catalog"]["needs"] and restored["catalog"]["users"]
    assert (var_dir / "secret_key").read_text() == secret
    assert not list(var_dir.glob("*.partial"))


def test_a_damaged_backup_is_refused_and_nothing_is_restored(
    var_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backup"
    assert cli.main(["backup", str(folder)]) == 0
    damaged = bytearray((folder / "pooling.db").read_bytes())
    damaged[-1] ^= 0xFF  # the same size, one bit pattern different
    (folder / "pooling.db").write_bytes(bytes(damaged))
    change_everything(var_dir)
    later = everything(var_dir)

    assert cli.main(["restore", str(folder)]) == 1

    error = capsys.readouterr().err
    assert "damaged" in error and "pooling.db" in error and "catalog.db" not in error
    assert everything(var_dir) == later
    assert cli.main(["restore", str(tmp_path)]) == 1
    assert "manifest.json" in capsys.readouterr().err


SUPERVISOR = """[unix_http_server]
file={var}/supervisor.sock

[supervisord]
nodaemon=true
logfile={var}/supervisord.log
pidfile={var}/supervisord.pid

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:pooling-worker]
command=sleep 600
"""


@pytest.fixture
def running(var_dir: Path) -> Iterator[subprocess.Popen]:
    """A supervisord on var/'s control socket and pid file, as ``zirkel run`` becomes."""
    config = var_dir / "supervisord.conf"
    config.write_text(SUPERVISOR.format(var=var_dir))
    supervisord = str(Path(sys.executable).parent / "supervisord")
    process = subprocess.Popen([supervisord, "-c", str(config)])
    wait_until(lambda: supervised_processes(var_dir), 30, "supervisord's answer")
    yield process
    process.terminate()
    process.wait(30)


def test_a_restore_is_refused_while_zirkel_run_is_running(
    var_dir: Path, tmp_path: Path, running: subprocess.Popen, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backup"
    assert cli.main(["backup", str(folder)]) == 0  # a backup may be taken meanwhile
    change_everything(var_dir)
    later = everything(var_dir)

    assert cli.main(["restore", str(folder)]) == 1

    assert "zirkel run" in capsys.readouterr().err
    assert everything(var_dir) == later
    (var_dir / "supervisor.sock").unlink()  # its pid file alone still says it runs
    assert cli.main(["restore", str(folder)]) == 1
    running.terminate()
    running.wait(30)
    assert cli.main(["restore", str(folder)]) == 0


@pytest.mark.parametrize(
    ("variable", "value", "advice"),
    [
        ("ZIRKEL_DATABASE_URL", "postgresql://zirkel@127.0.0.1/zirkel", "pg_dump"),
        ("ZIRKEL_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//", "RabbitMQ"),
    ],
)
def test_a_backup_of_servers_is_refused_with_their_own_tools_named(
    var_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    advice: str,
) -> None:
    monkeypatch.setenv(variable, value)

    assert cli.main(["backup", str(tmp_path / "backup")]) == 1

    assert advice in capsys.readouterr().err
    assert not (tmp_path / "backup").exists()
