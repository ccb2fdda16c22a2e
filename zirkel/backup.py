"""``zirkel backup`` and ``zirkel restore``: the embedded default's data, copied and brought back.

A backup is a folder: each service's SQLite database and the embedded broker's, each
copied with SQLite's online backup API (``sqlite3.Connection.backup``) from a read
transaction begun on all of them first, so copies taken while the stack writes are
consistent snapshots of one moment, committed write-ahead log included; the secrets
``zirkel run`` generated under ``var/`` (so the restored installation signs in with the
same tokens); and ``manifest.json``: every file's size and
SHA-256, each database's schema revisions (``alembic_version``) and when it was taken.

A restore checks every checksum before it touches anything, refuses while ``zirkel run``
is running, and puts each file in place atomically (a temporary name beside it, fsync,
rename), removing the old database's write-ahead log so SQLite does not replay it onto the
restored file. PostgreSQL and RabbitMQ have tools of their own for this (pg_dump,
RabbitMQ's definitions export), and the commands refuse those setups.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from shared.settings import SERVICES, Settings
from shared.supervision import supervised_processes
from zirkel.launcher import ADMIN_TOKEN_FILE, SECRET_KEY_FILE

MANIFEST = "manifest.json"
BROKER = "broker"
GENERATED_SECRETS = (SECRET_KEY_FILE, ADMIN_TOKEN_FILE)  # written by ``zirkel run`` under var/
EMBEDDED_BROKER_SCHEME = "zirkel+sqlite:///"
PRIVATE = 0o600  # members' data and secrets: for the installation's user only
LEFTOVERS = ("-wal", "-shm", "-journal")  # an old database's companions, never restored onto


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class CopiedFile:
    name: str  # "catalog", "pooling", "notify", "broker", or a secret's file name
    file: str  # its file name inside the backup folder
    bytes: int
    sha256: str
    schema_revisions: list[str] | None  # a database's alembic_version rows; None elsewhere


def embedded_databases(settings: Settings) -> dict[str, Path]:
    """Each service's SQLite file and the embedded broker's, by name; refuses a server."""
    servers = [
        s for s in SERVICES if make_url(settings.database_url(s)).get_backend_name() != "sqlite"
    ]
    if servers:
        raise BackupError(
            f"the databases of {', '.join(servers)} are not SQLite files: back up "
            "PostgreSQL with pg_dump (one schema per service) instead"
        )
    if not settings.broker_url.startswith(EMBEDDED_BROKER_SCHEME):
        raise BackupError(
            "the broker is not the embedded one: RabbitMQ keeps its own messages; export its "
            "definitions with rabbitmqctl or the management API instead"
        )
    databases = {s: Path(str(make_url(settings.database_url(s)).database)) for s in SERVICES}
    databases[BROKER] = Path(settings.broker_url.removeprefix(EMBEDDED_BROKER_SCHEME))
    return databases


def default_folder(settings: Settings, now: datetime) -> Path:
    return settings.var_dir / "backups" / now.strftime("%Y%m%dT%H%M%SZ")


def backup(settings: Settings, folder: Path, now: datetime) -> list[CopiedFile]:
    """Copy every embedded database and the generated secrets into ``folder``."""
    databases = embedded_databases(settings)
    missing = [name for name, path in databases.items() if not path.exists()]
    if set(missing) - {BROKER}:  # the broker's file appears with the first 'zirkel run'
        raise BackupError(f"no database yet for {', '.join(missing)}: run 'zirkel migrate' first")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / MANIFEST).exists():
        raise BackupError(f"{folder} already holds a backup; name another folder")
    present = {name: path for name, path in databases.items() if path.exists()}
    with one_moment(present) as sources:
        copied = [copy_database(name, source, folder) for name, source in sources.items()]
    for name in GENERATED_SECRETS:
        if (settings.var_dir / name).exists():
            copied.append(copy_secret(settings.var_dir / name, folder))
    manifest = {"taken_at": now.isoformat(), "files": [asdict(c) for c in copied]}
    partial = partial_of(folder / MANIFEST)
    partial.write_text(json.dumps(manifest, indent=2) + "\n")
    partial.chmod(PRIVATE)
    put_in_place(partial, folder / MANIFEST)
    return copied


@contextmanager
def one_moment(databases: dict[str, Path]) -> Iterator[dict[str, sqlite3.Connection]]:
    """A connection to each database, each in a read transaction begun one right after the
    other: with WAL every one keeps seeing its database as of that moment (writers go on),
    so the copies agree with each other, not only each with itself."""
    with ExitStack() as stack:
        sources = {
            name: stack.enter_context(closing(sqlite3.connect(path, timeout=30)))
            for name, path in databases.items()
        }
        for source in sources.values():
            source.isolation_level = None  # transactions as this module begins them
        for source in sources.values():
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        yield sources
        for source in sources.values():
            source.execute("COMMIT")


def copy_database(name: str, source: sqlite3.Connection, folder: Path) -> CopiedFile:
    """``source``'s database as its transaction sees it, as a self-contained file (no WAL)."""
    target = folder / f"{name}.db"
    partial = partial_of(target)
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)  # all pages in one step, as of the source's snapshot
        copy.execute("PRAGMA journal_mode=DELETE")
        revisions = schema_revisions(copy)
    partial.chmod(PRIVATE)
    put_in_place(partial, target)
    return CopiedFile(name, target.name, target.stat().st_size, sha256(target), revisions)


def copy_secret(source: Path, folder: Path) -> CopiedFile:
    target = folder / source.name
    copy_atomically(source, target)
    return CopiedFile(source.name, target.name, target.stat().st_size, sha256(target), None)


def schema_revisions(database: sqlite3.Connection) -> list[str] | None:
    try:
        rows = database.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:  # no such table: the broker's database
        return None
    return sorted(row[0] for row in rows)


def restore(settings: Settings, folder: Path) -> list[CopiedFile]:
    """Put the backup in ``folder`` back in place of the installation's files."""
    refuse_while_running(settings.var_dir)
    files = verified_files(folder)
    databases = embedded_databases(settings)
    targets = {name: path for name, path in databases.items()}
    targets.update({name: settings.var_dir / name for name in GENERATED_SECRETS})
    unknown = [f.name for f in files if f.name not in targets]
    if unknown:
        raise BackupError(f"the backup holds files this installation has no place for: {unknown}")
    for copied in files:
        target = targets[copied.name]
        target.parent.mkdir(parents=True, exist_ok=True)
        if copied.name in databases:
            for suffix in LEFTOVERS:
                target.with_name(target.name + suffix).unlink(missing_ok=True)
        copy_atomically(folder / copied.file, target)
    return files


def verified_files(folder: Path) -> list[CopiedFile]:
    """The manifest's files, each present with its size and checksum; refuses otherwise."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = [CopiedFile(**entry) for entry in manifest["files"]]
    except FileNotFoundError:
        raise BackupError(
            f"{folder} holds no {MANIFEST}: not a backup of 'zirkel backup'"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{folder / MANIFEST} cannot be read: {exc}") from None
    damaged = [f.file for f in files if not matches(folder / f.file, f)]
    if damaged:
        raise BackupError(
            f"the backup is damaged, nothing was restored: {', '.join(damaged)} "
            "missing or not as the manifest says (size or SHA-256)"
        )
    return files


def matches(path: Path, expected: CopiedFile) -> bool:
    if not path.is_file() or path.stat().st_size != expected.bytes:
        return False
    return sha256(path) == expected.sha256


def refuse_while_running(var_dir: Path) -> None:
    """A restore under running processes would be overwritten or corrupt their files."""
    if supervised_processes(var_dir) is not None or supervisor_alive(var_dir):
        raise BackupError(
            "'zirkel run' is running on this var/ folder: stop it (Ctrl-C or SIGTERM) first"
        )


def supervisor_alive(var_dir: Path) -> bool:
    """Whether the pid in ``supervisord.pid`` is a living supervisord (a stale file is not)."""
    try:
        pid = int((var_dir / "supervisord.pid").read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False
    return b"supervisord" in command


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as content:
        for block in iter(lambda: content.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def partial_of(target: Path) -> Path:
    return target.with_name(target.name + ".partial")


def copy_atomically(source: Path, target: Path) -> None:
    """``target`` holds either its old content or all of ``source``'s, even after a crash."""
    partial = partial_of(target)
    shutil.copyfile(source, partial)
    partial.chmod(PRIVATE)
    put_in_place(partial, target)


def put_in_place(partial: Path, target: Path) -> None:
    """Make ``partial`` durable, then let it replace ``target`` in one rename."""
    with partial.open("rb+") as written:
        os.fsync(written.fileno())
    partial.replace(target)
    descriptor = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself survives a crash
    finally:
        os.close(descriptor)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
