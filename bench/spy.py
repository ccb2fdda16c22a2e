"""Where a post's time goes inside the web workers: py-spy samples catalog's gunicorn
workers in the stack, then the bare endpoint's, each under wrk, and the shares of the
frames most often on the stack are printed, each app's beside the other's.

    python -m bench.spy [--seconds 10] [--rate 200] [--top 25]

A frame's share is the part of a worker's samples with that frame anywhere on the
stack (inclusive). py-spy leaves out a thread that sleeps in Python but not one
blocked in a C call, so a worker waiting on PostgreSQL's answer (``Connection.wait``)
is sampled as busy: these shares are of the worker's time, not of its CPU.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

from bench.loadgen import wrk
from bench.pipeline import BenchStack, bare_endpoint
from bench.post_needs import member_token
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.stack import ADMIN_TOKEN

SITE_PACKAGES = re.compile(r"\(.*?/site-packages/")
LINE = re.compile(r":\d+\)$")


def shares(collapsed: Iterable[str]) -> tuple[int, Counter[str]]:
    """Samples in all and per frame (``function (file)``, lines merged) from py-spy's
    raw output: one ``frame;frame;... count`` per line."""
    total, frames = 0, Counter[str]()
    for line in collapsed:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack:
            continue
        samples = int(count)
        total += samples
        named = {LINE.sub(")", SITE_PACKAGES.sub("(", frame)) for frame in stack.split(";")}
        for frame in named:
            frames[frame] += samples
    return total, frames


def record(pids: list[int], seconds: float, out: Path, rate: int) -> list[subprocess.Popen[bytes]]:
    """Start py-spy on each process for ``seconds``, writing ``<pid>.txt`` into ``out``."""
    spy = str(Path(sys.executable).parent / "py-spy")
    started = []
    for pid in pids:
        command = [spy, "record", "-p", str(pid), "-d", str(seconds), "-r", str(rate)]
        command += ["-f", "raw", "-o", str(out / f"{pid}.txt"), "--nonblocking"]
        started.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    return started


def profile(pids: list[int], load: Any, seconds: int, rate: int) -> dict[str, Any]:
    """py-spy on ``pids`` while ``load()`` runs; what ``load`` returned and the shares."""
    with tempfile.TemporaryDirectory() as out:
        spies = record(pids, seconds + 2, Path(out), rate)
        time.sleep(1)  # py-spy attached
        figures = load()
        for spy in spies:
            _, errors = spy.communicate(timeout=60)
            if spy.returncode != 0:
                raise RuntimeError(f"py-spy failed ({spy.returncode}): {errors.decode()[-500:]}")
        texts = [(Path(out) / f"{pid}.txt").read_text() for pid in pids]
    total, frames = shares(line for text in texts for line in text.splitlines())
    return {"load": figures, "samples": total, "frames": frames}


def workers(master_pid: int) -> list[int]:
    return [child.pid for child in psutil.Process(master_pid).children()]


def run(seconds: int, rate: int, top: int) -> dict[str, Any]:
    with (
        throwaway_vhost() as broker,
        throwaway_database() as database,
        tempfile.TemporaryDirectory() as var,
    ):
        stack = BenchStack(Path(var), broker_url=broker, database_url=database)
        stack.start()
        try:
            token = member_token(stack.url("catalog"), ADMIN_TOKEN)
            catalog_url = f"{stack.url('catalog')}/api/v1/needs"
            with bare_endpoint(stack, Path(var)) as (bare_url, bare_gunicorn):
                wrk(bare_url, token, 2, 16)  # warm up
                found = {
                    "catalog": profile(
                        workers(stack.processes["catalog-web"].pid),
                        lambda: wrk(catalog_url, token, seconds, 16),
                        seconds,
                        rate,
                    ),
                    "bare": profile(
                        workers(bare_gunicorn.pid),
                        lambda: wrk(bare_url, token, seconds, 16),
                        seconds,
                        rate,
                    ),
                }
        finally:
            stack.stop()
    return _table(found, top)


def _table(found: dict[str, dict[str, Any]], top: int) -> dict[str, Any]:
    """Each app's load figures and samples, and the ``top`` frames of catalog with their
    shares in catalog and in the bare endpoint (percent of each app's samples). The
    frames found as often as the commonest are left out: they are the worker's start-up,
    under every stack py-spy could read."""
    catalog, bare = found["catalog"], found["bare"]
    frames: Counter[str] = catalog["frames"]
    commonest = max(frames.values(), default=0)
    below = Counter({frame: n for frame, n in frames.items() if n < commonest})
    rows = []
    for frame, samples in below.most_common(top):
        bare_share = 100 * bare["frames"].get(frame, 0) / max(bare["samples"], 1)
        rows.append([frame, round(100 * samples / catalog["samples"], 1), round(bare_share, 1)])
    return {
        app: {"requests_per_s": f["load"]["rps"], "samples": f["samples"]}
        for app, f in found.items()
    } | {"frames_catalog_bare_percent": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rate", type=int, default=200, help="samples a second")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(json.dumps(run(args.seconds, args.rate, args.top)))


if __name__ == "__main__":
    main()
