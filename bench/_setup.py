"""Shared by the benchmark scripts: Django set-up, timing, and result files."""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "total_s": sum(samples),
    }


def machine() -> dict:
    """What the figures were measured on, for the line above the README's table."""
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu_model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT postgis_lib_version()")
        postgis = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": round(memory_kb / 1024**2, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgresql,
        "postgis": postgis,
    }


def database() -> dict:
    """The reports the database holds as a benchmark ends (all, and those of public categories)."""
    from django.db import connection

    from geo_reports.models import Category, Report

    report, category = Report._meta.db_table, Category._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE c.is_public) "
            f"FROM {report} r JOIN {category} c ON c.id = r.category_id"
        )
        reports, public = cursor.fetchone()
    return {"name": connection.settings_dict["NAME"], "reports": reports, "public_reports": public}


def write(name: str, rows: list[dict], extra: dict | None = None, targets: dict | None = None) -> Path:
    """bench/results/<name>.json: the figures, the targets they are judged by (bench/summary.py reads
    both from here), when, on what machine and over how many reports."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "database": database(),
        "targets": targets or {},
        "rows": rows,
        **(extra or {}),
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return path


def table(rows: list[dict], columns: list[str]) -> str:
    widths = [
        max(len(c), *(len(f"{r.get(c, ''):.3f}" if isinstance(r.get(c), float) else str(r.get(c, ""))) for r in rows))
        for c in columns
    ]

    def cell(value, width):
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        return text.rjust(width)

    lines = [" | ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(cell(r.get(c, ""), w) for c, w in zip(columns, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on a free loopback port (the app under gunicorn, or tipg under uvicorn),
    waited for until `probe` answers, stopped on exit. Its output goes to var/bench/<name>.log."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str] | None = None, probe: str = "/"):
        self.name, self.argv, self.env, self.probe = name, argv, env or {}, probe
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        import subprocess

        import httpx

        log_dir = ROOT / "var" / "bench"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{self.name}.log"
        self.log = open(self.log_path, "wb")
        argv = [part.replace("{port}", str(self.port)) for part in self.argv]
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env={**os.environ, **self.env}, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + self.probe, timeout=5).status_code < 500:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start: {self.log_path.read_text()[-2000:]}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(15)
        except Exception:
            self.process.kill()
        self.log.close()

    def pids(self) -> list[int]:
        """The server's processes (gunicorn's master and workers)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [self.process.pid, *found]


def app_server(workers: int = 3, threads: int = 1, **env) -> Server:
    """The application as it is served in production: gunicorn, DEBUG off, no access log.

    The latency benchmarks (nearby, tiles, bbox) ask for one worker: their requests come one at a
    time, as the SQL side's come over its one connection. With three, consecutive requests land on
    different processes and PostgreSQL backends, each with colder caches, and a tile costs more
    (`bench/tiles.py --workers 3` measures how much). Intake, which is about concurrency, uses several."""
    argv = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", "127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--timeout", "300",
    ]  # fmt: skip
    settings = {"DJANGO_DEBUG": "0", "LAPOR_RATE_REPORTS": "100000000", "LAPOR_RATE_SUPPORTS": "100000000"}
    return Server("app", argv, {**settings, **env}, probe="/healthz")


VIEW = "bench_public_reports"


def tipg_server(tables: list[str] = (VIEW,)) -> Server:
    """tipg (OGC API Features and Tiles, FastAPI) from var/bench-venv, serving `tables` (by default
    the view of public reports that bench/data.py makes: the same rows the app's public endpoints read)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    argv = [
        str(ROOT / "var" / "bench-venv" / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
        "--port", "{port}", "--workers", "1", "--log-level", "warning",
    ]  # fmt: skip
    env = {
        "DATABASE_URL": url,
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": json.dumps([f"public.{table}" for table in tables]),
        "TIPG_MAX_FEATURES_PER_QUERY": "10000",
    }
    return Server("tipg", argv, env, probe="/collections")


def alternate(callables: dict, repeat: int) -> dict[str, list[float]]:
    """Time each callable `repeat` times, taking turns (a, b, c, a, b, c...) so all see the same
    machine state; one untimed warm-up round first. Returns seconds per call for each name."""
    for fn in callables.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in callables}
    for _ in range(repeat):
        for name, fn in callables.items():
            samples[name].append(timed(fn)[0])
    return samples


def mvt_features(tile: bytes, z: int, x: int, y: int) -> tuple[int, int]:
    """(features, reports) in an MVT tile, read by GDAL's MVT driver: a cell counts its reports."""
    sys.path.insert(0, str(ROOT))
    from tests.mvt import decode

    features = decode(tile, z, x, y)
    return len(features), sum(int(f.get("count") or 1) for f in features)
