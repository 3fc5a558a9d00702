#!/usr/bin/env python
"""Nothing acknowledged is lost: concurrent reporters while PostgreSQL restarts.

    .venv/bin/python scripts/reliability/load_restart.py [--clients 32] [--seconds 60] [--json out.json]

Everything runs on loopback and stops by itself: a throwaway PostgreSQL cluster (its own temporary
data folder and a free port, started by scripts/pg.sh with the project's binaries; never the shared
cluster), the schema and the reference data (migrated and loaded), a real gunicorn, then N reporters
POSTing reports to /api/reports/ for the given time, each submission with its own Idempotency-Key
and retried with that key until it is acknowledged (2xx). Halfway through, PostgreSQL is restarted
(`scripts/pg.sh stop`, then `start`); while it is down, the script also asks pages and the other APIs
(not only the reports API) once each how they answer.

Afterwards it checks, in the database, that every acknowledged submission exists exactly once (its
idempotency key names the report the client was told about, and there is no report without a key),
and prints the figures as JSON: submissions, acknowledgements, lost, duplicated, the answers seen
during the outage (503 with Retry-After expected, never a 500 or a traceback), and the recovery time.
Exit status 0 when nothing was lost or duplicated and the outage was answered as promised, else 1.
tests/reliability/test_load_restart.py runs it and records the figures for the README; to record a
full-size run, run that test with LAPOR_LOAD_CLIENTS=32 LAPOR_LOAD_SECONDS=60.
"""

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
BATU = (112.5290, -7.8763)  # Kelurahan Sisir; reports of the waste category go to DLH
# Asked during the outage: the reports API (DRF), then views outside DRF.
OUTAGE_PROBES = [
    "/api/reports/?page_size=1",
    "/api/categories/",
    "/healthz",
    "/",
    "/lacak/?kode=ABCD-EFGH",
    "/open311/v2/services.json",
    "/ogcapi/collections/reports/items?limit=1",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A throwaway cluster run by scripts/pg.sh (LAPOR_PGDATA and LAPOR_PGPORT of our own)."""

    def __init__(self, database: str):
        self.root = Path(tempfile.mkdtemp(prefix="lapor-load-", dir="/var/tmp"))
        os.chmod(self.root, 0o755)  # noqa: S103 (as root, the cluster belongs to the postgres user)
        self.port = free_port()
        self.database = database
        self.env = {
            **os.environ,
            "LAPOR_PGPORT": str(self.port),
            "LAPOR_PGDATA": str(self.root / "pgdata"),
            "LAPOR_PGDATABASE": database,
        }
        self.url = f"postgis://laporbatu@127.0.0.1:{self.port}/{database}"

    def pg(self, command: str) -> float:
        started = time.monotonic()
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), command], env=self.env, check=True, capture_output=True)  # noqa: S603
        return time.monotonic() - started

    def remove(self) -> None:
        try:
            self.pg("stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def prepare(cluster: Cluster) -> None:
    """The schema and the reference data the tests use (boundaries, agencies, assets, categories)."""
    env = {**os.environ, "DATABASE_URL": cluster.url}
    subprocess.run([str(PYTHON), "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    code = (
        "from districts.services.demo import demo_load; from geo_reports.services.demo import categories_load; "
        "demo_load(log=lambda *a: None); categories_load()"
    )
    subprocess.run([str(PYTHON), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)  # noqa: S603


class Server:
    def __init__(self, database_url: str, log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            # Every reporter here shares one address; the abuse limits have their own tests.
            "LAPOR_RATE_REPORTS": "100000000",
            "LAPOR_RATE_SUPPORTS": "100000000",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own server)
            [str(PYTHON), "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "3", "--threads", "8", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; see {log_path}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server did not start; see {log_path}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@dataclass
class Figures:
    acknowledged: dict[str, int] = field(default_factory=dict)  # idempotency key → report id
    unacknowledged: list[str] = field(default_factory=list)
    attempts: int = 0
    answers: Counter = field(default_factory=Counter)  # "201", "503", "transport" ...
    bad_answers: list[dict] = field(default_factory=list)  # 5xx that are not 503+Retry-After+JSON
    replays: int = 0
    successes: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered), monotonic
    lock: threading.Lock = field(default_factory=threading.Lock)


def judge(response: httpx.Response) -> dict | None:
    """None when a failure answer keeps the promise (503, Retry-After, a JSON message, no traceback)."""
    if response.status_code < 500:
        return None
    problem = {
        "status": response.status_code,
        "retry_after": response.headers.get("Retry-After"),
        "content_type": response.headers.get("Content-Type", ""),
        "body": response.text[:300],
    }
    ok = (
        response.status_code == 503
        and response.headers.get("Retry-After", "").isdigit()
        and problem["content_type"].startswith("application/json")
        and "Traceback" not in response.text
    )
    return None if ok else problem


def reporter(number: int, server: str, stop_at: float, give_up_at: float, figures: Figures, rng: random.Random):
    with httpx.Client(base_url=server, timeout=30) as client:
        sequence = 0
        while time.monotonic() < stop_at:
            sequence += 1
            key = f"load-{number}-{sequence}-{uuid.uuid4().hex[:12]}"
            lon, lat = BATU[0] + rng.uniform(-0.001, 0.001), BATU[1] + rng.uniform(-0.001, 0.001)
            body = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
                "properties": {
                    "category": "sampah",
                    "answers": {"problem": "dumping"},
                    "description": f"Uji beban {key}",
                },
            }
            while True:  # the same submission, with the same key, until it is acknowledged
                if time.monotonic() > give_up_at:
                    with figures.lock:
                        figures.unacknowledged.append(key)
                    return
                sent = time.monotonic()
                try:
                    response = client.post("/api/reports/", json=body, headers={"Idempotency-Key": key})
                except httpx.TransportError as exc:
                    with figures.lock:
                        figures.attempts += 1
                        figures.answers["transport"] += 1
                        figures.bad_answers.append({"status": None, "error": repr(exc)[:200]})
                    time.sleep(0.5)
                    continue
                with figures.lock:
                    figures.attempts += 1
                    figures.answers[str(response.status_code)] += 1
                    problem = judge(response)
                    if problem:
                        figures.bad_answers.append(problem)
                if response.status_code in (200, 201):
                    with figures.lock:
                        figures.acknowledged[key] = response.json()["properties"]["id"]
                        figures.replays += response.status_code == 200
                        figures.successes.append((sent, time.monotonic()))
                    break
                # Retry-After is honoured up to 1 s, so that the outage's end is measured to the second
                # (and a wait never meets gunicorn's 2 s keep-alive closing the connection under us).
                retry_after = response.headers.get("Retry-After", "")
                time.sleep(min(float(retry_after), 1.0) if retry_after.isdigit() else 0.5)


def probe_outage(server: str) -> dict[str, str]:
    """How every kind of view answers while the database is down: each path once."""
    seen = {}
    with httpx.Client(base_url=server, timeout=30) as client:
        for path in OUTAGE_PROBES:
            try:
                response = client.get(path, headers={"Accept": "application/json"})
                label = str(response.status_code)
                if response.status_code >= 500:
                    label += "+retry-after" if response.headers.get("Retry-After") else "-no-retry-after"
            except httpx.TransportError:
                label = "transport"
            seen[path] = label
    return seen


def check_database(database_url: str, figures: Figures, reports_before: int) -> dict:
    import psycopg

    with psycopg.connect(database_url.replace("postgis://", "postgresql://", 1)) as connection:
        rows = connection.execute("SELECT key, report_id FROM geo_reports_idempotencykey WHERE key LIKE 'load-%'")
        stored = dict(rows.fetchall())
        reports_after = connection.execute("SELECT count(*) FROM geo_reports_report").fetchone()[0]
        # The reporter's own words: a key whose hex digits look like a phone number is masked in the
        # public description (geo_reports/personal_data.py), so two masked ones may read the same.
        described = connection.execute(
            "SELECT count(*), count(DISTINCT words) FROM (SELECT coalesce(nullif(description_original, ''),"
            " description) AS words FROM geo_reports_report) AS r WHERE words LIKE 'Uji beban %'"
        ).fetchone()
    lost = sorted(key for key in figures.acknowledged if key not in stored)
    wrong = sorted(key for key, pk in figures.acknowledged.items() if key in stored and stored[key] != pk)
    return {
        "reports_written": reports_after - reports_before,
        "keys_stored": len(stored),
        "lost": len(lost),
        "lost_keys": lost[:20],
        "acknowledged_with_another_report": len(wrong),
        # Each submission's description is unique: two reports with one description are a duplicate.
        "duplicated": described[0] - described[1],
        "reports_without_a_key": (reports_after - reports_before) - len(stored),
    }


def run(clients: int, seconds: float, restart_at: float, log_dir: Path) -> dict:
    log_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster("laporbatu_load")
    server = None
    try:
        cluster.pg("start")
        prepare(cluster)
        server = Server(cluster.url, log_dir / f"load-restart-server-{cluster.port}.log")
        import psycopg

        plain = cluster.url.replace("postgis://", "postgresql://", 1)
        with psycopg.connect(plain) as connection:
            reports_before = connection.execute("SELECT count(*) FROM geo_reports_report").fetchone()[0]

        figures = Figures()
        started = time.monotonic()
        stop_at = started + seconds
        give_up_at = stop_at + 60  # time to finish the submissions in flight
        threads = [
            threading.Thread(
                target=reporter,
                args=(n, server.url, stop_at, give_up_at, figures, random.Random(n)),  # noqa: S311 (jitter, not secrets)
                daemon=True,
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()

        time.sleep(seconds * restart_at)
        # `scripts/pg.sh restart` is stop then start; between the two, every kind of view is asked
        # once, so that the outage is observed for certain however short it is.
        outage_began = time.monotonic()
        cluster.pg("stop")
        probes = probe_outage(server.url)
        cluster.pg("start")
        database_back = time.monotonic()
        restart_seconds = database_back - outage_began
        for thread in threads:
            thread.join()
        finished = time.monotonic()

        after_outage = sorted(answered for sent, answered in figures.successes if sent >= database_back)
        first_success = after_outage[0] if after_outage else None
        result = {
            "clients": clients,
            "seconds": seconds,
            "submissions": len(figures.acknowledged) + len(figures.unacknowledged),
            "acknowledged": len(figures.acknowledged),
            "unacknowledged": len(figures.unacknowledged),
            "attempts": figures.attempts,
            "replayed_acknowledgements": figures.replays,
            "answers": dict(figures.answers),
            "bad_answers": len(figures.bad_answers),
            "bad_answer_examples": figures.bad_answers[:5],
            "outage_seconds": round(restart_seconds, 2),  # stop, the probes, start
            "recovery_seconds": round(first_success - outage_began, 2) if first_success else None,
            "recovery_after_database_up_seconds": round(first_success - database_back, 2) if first_success else None,
            "outage_probes": probes,
            "run_seconds": round(finished - started, 1),
        }
        result.update(check_database(cluster.url, figures, reports_before))
        result["outage_answered_as_promised"] = {path: label == "503+retry-after" for path, label in probes.items()}
        return result
    finally:
        if server is not None:
            server.stop()
        cluster.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=0.5, help="when to restart, as a fraction of the run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "test-artifacts")
    args = parser.parse_args()
    result = run(args.clients, args.seconds, args.restart_at, args.log_dir)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    kept = (
        result["lost"] == 0
        and result["duplicated"] == 0
        and result["reports_without_a_key"] == 0
        and result["acknowledged_with_another_report"] == 0
        and result["unacknowledged"] == 0
        and result["bad_answers"] == 0
        and all(result["outage_answered_as_promised"].values())
    )
    return 0 if kept else 1


if __name__ == "__main__":
    sys.exit(main())
