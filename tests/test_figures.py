"""The README's figures are the committed records' (scripts/figures.py): none is typed by hand."""

import copy
import difflib
import importlib.util

import pytest

from tests.conftest import BASE_DIR

README = BASE_DIR / "README.md"


@pytest.fixture(scope="module")
def figures():
    spec = importlib.util.spec_from_file_location("figures", BASE_DIR / "scripts" / "figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def machine() -> dict:
    return {"cpus": 2, "cpu_model": "Test CPU", "memory_gb": 24.0, "postgresql": "15.8", "postgis": "3.3.2"}


def bench_records() -> dict[str, dict]:
    """One record of each benchmark, shaped as bench/_setup.write() writes them, every target missed
    where it can be so that every explanation is written too."""

    def record(name, rows, targets=None, **extra):
        database = {"name": "laporbatu_bench", "reports": 1_000_000, "public_reports": 833_409}
        when = "2026-12-06T12:00:00+0700" if name == "intake" else "2026-12-06T10:00:00+0700"
        return {"benchmark": name, "when": when, "machine": machine(), "database": database,
                "targets": targets or {}, "rows": rows, **extra}  # fmt: skip

    latency = {"n": 300, "p95_ms": 11.3, "total_s": 3.0}
    tile = {
        "zoom": 12, "app_ms": 6.9, "tipg_ms": 109.9, "sql_ms": 2.9, "app/tipg": 0.1, "app/sql": 2.38,
        "app_beside_tipg_ms": 10.8, "from_reports_ms": 280.0, "app_sends": "cells", "app_features": 55,
        "app_reports": 438_842, "tipg_features": 10_000, "app_kb": 3.2, "tipg_kb": 770.0,
    }  # fmt: skip
    return {
        "generate": record(
            "generate", [{"reports": 1_000_000, "seconds": 142.0, "per_second": 7_056.0}], {"per_second": 50_000},
            assets=1_763, indexes=8, gist_indexes=2,
        ),
        "routing": record(
            "routing", [{"what": "route()", "median_ms": 1.91}, {"what": "one SQL statement", "median_ms": 1.4}],
            {"ratio": 1.5}, ratio_median=1.36,
        ),
        "nearby": record(
            "nearby",
            [{"side": side, "median_ms": ms, **latency}
             for side, ms in (("api", 9.3), ("sql", 2.0), ("healthz", 1.3), ("orm", 3.1))],
            {"ratio": 2.0, "median_ms": 20}, ratio_median=4.65, limit=50, radius_m=2000,
        ),
        "tiles": record("tiles", [tile, {**tile, "zoom": 13}], {"vs_tipg": 1.0, "vs_sql": 1.5}),
        "bbox": record(
            "bbox", [{"median_ms": 180.1}, {"median_ms": 69.1}], ratio_median=2.61, page=100, box_degrees=0.01,
            matched_per_box={"app": 17_800.0, "tipg": 17_800.0},
        ),
        "export": record(
            "export",
            [{"median_s": 13.7, "peak_rss_mb": 147.0, "features": 833_409}, {"median_s": 16.6, "peak_rss_mb": 124.0}],
            {"ratio": 1.0, "peak_mb": 300}, ratio_median=0.83,
        ),
        "intake": record(
            "intake",
            [{"clients": 32, "seconds": 60.0, "per_second": 56.0, "p99_ms": 754.0, "failed": 0, "stored": 3_397}],
            all_stored=True,
        ),
    }  # fmt: skip


def flat(text: str) -> str:
    """Text with its wrapping undone, to find a phrase wherever the lines break."""
    return " ".join(text.split())


def committed(figures) -> tuple[dict, dict]:
    return figures.bench_summary.load_all(), figures.records.load(figures.records.COMMITTED)


def test_the_readme_figures_are_the_committed_records(figures):
    readme = README.read_text()
    expected = figures.committed_render(readme)
    difference = "".join(
        difflib.unified_diff(readme.splitlines(True), expected.splitlines(True), "README.md", "records")
    )
    assert expected == readme, f"README.md's figures differ from the records: run `make figures`\n{difference}"


def test_every_reliability_proof_has_a_committed_record(figures):
    proofs = figures.records.load(figures.records.COMMITTED)
    needed = {name for _promise, _proof, names, _cells in figures.RELIABILITY_ROWS for name in names}
    assert needed <= set(proofs), (
        f"no record of {sorted(needed - set(proofs))}: run tests/reliability, then make figures"
    )
    for promise, _proof, names, cells in figures.RELIABILITY_ROWS:
        cells(*(proofs[name] for name in names))  # every figure the row shows was measured
        assert all(proofs[name]["figures"] for name in names), promise


def test_a_changed_reliability_record_changes_the_readme(figures):
    readme = README.read_text()
    bench, proofs = committed(figures)
    changed = copy.deepcopy(proofs)
    changed["load_restart"]["figures"]["lost"] = 7
    changed["privacy_crawl"]["tests"]["failed"] = 3
    before, after = figures.render(readme, bench, proofs), figures.render(readme, bench, changed)
    assert before != after
    assert "| 7 lost, " in after and "| 7 lost, " not in before
    assert "3 of " in after.split("| private stays private |")[1].split("\n")[0]


def test_a_changed_benchmark_record_changes_the_readme(figures):
    readme = README.read_text()
    proofs = committed(figures)[1]
    records = bench_records()
    before = flat(figures.render(readme, records, proofs))
    assert "| Routing a report | 1.91 ms | one SQL statement 1.40 ms | 1.36× | ≤ 1.5× | met |" in before
    assert "Latest figures, 2026-12-06, on 2 cores (Test CPU), 24 GB, PostgreSQL 15.8" in before
    assert "over 1,000,000 reports (833,409 public; the intake benchmark, run last, adds its 3,397)" in before
    records["routing"]["ratio_median"] = 1.62
    records["routing"]["targets"]["ratio"] = 1.25  # targets are the benchmark's, read from its record
    records["nearby"]["rows"][2]["median_ms"] = 4.2
    records["generate"]["machine"]["cpus"] = 8
    after = flat(figures.render(readme, records, proofs))
    assert "| Routing a report | 1.91 ms | one SQL statement 1.40 ms | 1.62× | ≤ 1.25× | **missed** |" in after
    assert "gunicorn, HTTP and Django cost 4.2 ms (`/healthz`)" in after
    assert "on 8 cores (Test CPU), 24 GB, PostgreSQL 15.8 with PostGIS 3.3.2; 2 cores (Test CPU)" in after


def test_the_explanations_of_missed_targets_are_made_of_recorded_figures(figures):
    lines = figures.bench_summary.section(bench_records())
    text = flat("\n".join(lines))
    assert "Where a target is missed, the reason, measured:" in lines
    assert "**Generation** (7,056 reports/s)" in text and "among the asset layers' 1,763 assets" in text
    assert "**Tiles** (10.0× faster than tipg, 2.4× the SQL)" in text
    assert "up to 10,000 features a tile here (770 KB, against the app's 3.2 KB)" in text
    assert "(about 17,800 in a 0.01° box around a random report)" in text
    met = bench_records()
    met["generate"]["rows"][0]["per_second"] = 60_000.0
    assert "**Generation**" not in " ".join(figures.bench_summary.section(met))


def test_the_generator_owns_only_its_markers(figures):
    readme = "intro\n<!-- figures:bench:start -->\nold\n<!-- figures:bench:end -->\nmiddle\n"
    readme += "<!-- figures:reliability:start -->\n<!-- figures:reliability:end -->\nend\n"
    rendered = figures.render(readme, {}, {})
    assert rendered.startswith("intro\n<!-- figures:bench:start -->\nNo benchmark records yet")
    assert "\n<!-- figures:bench:end -->\nmiddle\n<!-- figures:reliability:start -->\n" in rendered
    assert rendered.endswith("<!-- figures:reliability:end -->\nend\n")
    with pytest.raises(SystemExit, match="figures:bench:start"):
        figures.render("no markers\n", {}, {})
