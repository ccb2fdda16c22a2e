"""The benchmarks still run: their helpers, and a handful of posts through both apps."""

from __future__ import annotations

import os
import time
from pathlib import Path
from unittest import mock

import psutil
import pytest

from bench import loadgen, memory, pipeline, post_needs, profile_post, spy


def test_the_figures_are_read_and_summed_as_the_readme_says() -> None:
    assert loadgen._ms("950us") == pytest.approx(0.95)
    assert loadgen._ms("1.5s") == 1500.0
    assert pipeline._percentile([float(n) for n in range(1, 101)], 99) == 99.0
    assert pipeline._split("http://127.0.0.1:8001/api/v1/needs") == (
        "127.0.0.1",
        8001,
        "/api/v1/needs",
    )
    runs = [{"rps": r, "p50_ms": 1, "p99_ms": 2, "cpu_ms_per_request": 1} for r in (3, 1, 2)]
    runs = [r | {"cpu_ms_web": 0.5, "cpu_ms_db": 0.5} for r in runs]
    assert post_needs.median_of(runs)["rps"] == 2
    assert memory._created("  [201]\t99 responses\n  [500]\t1 responses") == 99


def test_the_close_is_compared_with_the_optimisation_beside_it_and_rounds_by_median() -> None:
    from bench import close

    before = {"pricing_s": 0.04, "optimisation_s": 0.5, "optimisation_cpu_s": 0.5}
    after = {"pricing_s": 0.06, "optimisation_s": 0.7, "optimisation_cpu_s": 0.6}
    beside = close.side_by_side(before, after)
    assert (beside["optimisation_s"], beside["optimisation_cpu_s"]) == (0.6, 0.55)
    assert (beside["optimisation_before_s"], beside["optimisation_after_s"]) == (0.5, 0.7)
    rounds = [
        {"size": "issue", "database": "sqlite", "close_s": s, "optimisation_s": 0.6}
        | {"close_over_optimisation": ratio}
        for s, ratio in ((1.8, 3.0), (1.5, 2.5), (1.7, 2.8))
    ]
    summary = close.summary(rounds)
    assert summary["close_over_optimisation"] == 2.8
    assert summary["close_over_optimisation_each"] == [3.0, 2.5, 2.8]


def test_py_spy_samples_are_shared_out_per_frame_once_a_stack() -> None:
    site = "/venv/lib/python3.11/site-packages"
    raw = [
        f"run ({site}/gunicorn/sync.py:10);wait ({site}/psycopg/connection.py:479) 3",
        f"run ({site}/gunicorn/sync.py:12);post (/repo/api.py:5);post (/repo/api.py:9) 1",
        "",
    ]
    total, frames = spy.shares(raw)
    assert total == 4
    assert frames == {
        "run (gunicorn/sync.py)": 4,
        "wait (psycopg/connection.py)": 3,
        "post (/repo/api.py)": 1,  # one stack counts a frame once, however deep
    }
    bare = {"load": {"rps": 9.0}, "samples": 2, "frames": {"run (gunicorn/sync.py)": 2}}
    table = spy._table(
        {"catalog": {"load": {"rps": 4.0}, "samples": total, "frames": frames}, "bare": bare}, 5
    )
    assert table["frames_catalog_bare_percent"] == [  # the commonest frame left out
        ["wait (psycopg/connection.py)", 75.0, 0.0],
        ["post (/repo/api.py)", 25.0, 0.0],
    ]


def test_cpu_is_counted_for_the_processes_found() -> None:
    meter = loadgen.CpuMeter(lambda: [psutil.Process()]).start()
    started = time.process_time()
    while time.process_time() - started < 0.1:
        pass
    assert meter.stop() >= 0.05


def test_a_few_needs_are_posted_through_both_apps(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'catalog.db'}"
    with mock.patch.dict(os.environ):
        os.environ.update(profile_post.prepare(database, str(tmp_path)))
        assert profile_post.cpu_per_post("bare", 5) > 0
        assert profile_post.cpu_per_post("catalog", 5) > 0


@pytest.mark.postgres
def test_the_consumer_benchmark_handles_every_event_once() -> None:
    from bench import consume

    figures = consume.run(40, [1, 8])
    assert [r["batch"] for r in figures["results"]] == [1, 8]
    assert all(r["consumer_cpu_ms"] > 0 for r in figures["results"])
    assert figures["pooled"] == consume.WARM_UP + 2 * 40
