"""Shared helpers for the benchmark scripts: Django set up against a chosen database, machine and
database information, timings summarised as median / p95 / p99, a plain-text table, JSON results.

Each benchmark writes one small JSON file under ``bench/results/`` (committed) and its figures go to
``docs/performance.md``.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/partyorg_bench"


# ---------------------------------------------------------------- set-up

def ensure_postgres_database(url: str) -> bool:
    """Create the database of ``url`` when it does not exist (PostgreSQL); True when created."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def setup_django(database_url: str) -> None:
    """Point the project's settings at ``database_url`` and set Django up (before any model import)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PARTYORG_VAR_DIR", str(REPO / "var" / "bench"))
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


def allow_test_client() -> None:
    """The Django test client talks to 'testserver'; pages are measured without the login's second factor."""
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PARTYORG_REQUIRE_2FA = False


# ---------------------------------------------------------------- machine

def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine_info() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    info: dict[str, Any] = {
        "nproc": os.cpu_count(), "cpu_model": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(), "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:  # pragma: no cover
        pass
    return info


def database_info() -> dict[str, Any]:
    """Server version and the settings that matter for these measurements (PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {"vendor": connection.vendor}
    out: dict[str, Any] = {"vendor": "postgresql"}
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        out["server_version"] = cur.fetchone()[0]
        for name in ("shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size", "jit",
                     "max_parallel_workers_per_gather", "random_page_cost", "synchronous_commit"):
            cur.execute(f"SHOW {name}")
            out[name] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database_size"] = cur.fetchone()[0]
    return out


# ---------------------------------------------------------------- timing

@dataclass
class Stats:
    runs: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    min_ms: float
    max_ms: float
    mean_ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between the closest ranks."""
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarise(samples_ms: list[float]) -> Stats:
    r = lambda x: round(x, 2)  # noqa: E731
    return Stats(len(samples_ms), r(statistics.median(samples_ms)), r(percentile(samples_ms, 95)),
                 r(percentile(samples_ms, 99)), r(min(samples_ms)), r(max(samples_ms)),
                 r(statistics.fmean(samples_ms)))


def measure(fn: Callable[[], Any], *, runs: int, warmup: int = 2) -> tuple[Stats, list[float]]:
    """Call ``fn`` ``warmup`` times unmeasured, then ``runs`` times; wall-clock milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return summarise(samples), [round(s, 2) for s in samples]


# ---------------------------------------------------------------- output

def print_table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                                   strict=True))))
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text)
    return text


def write_result(path: Path, payload: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    return path
