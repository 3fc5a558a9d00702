"""The README rows of the two benchmarks of #20 (bench/summary.py): the nearby tickets judged against
their SQL plus the /healthz floor, and the bbox page against tipg with what its count promises; records
written before #20 still render as they did."""

import copy

from tests.test_figures import bench_records, figures  # noqa: F401 (the fixture)


def new_records() -> dict[str, dict]:
    records = copy.deepcopy(bench_records())
    nearby = records["nearby"]
    nearby["targets"] = {"ratio_to_sql_and_healthz": 1.5, "median_ms": 20}
    nearby["ratio_to_sql_and_healthz"] = 9.3 / (2.0 + 1.3)
    bbox = records["bbox"]
    bbox["rows"][0]["p95_ms"] = 90.0
    bbox["targets"] = {"ratio": 1.0}
    bbox["estimate_error"] = {"estimated_boxes": 47, "boxes": 50, "median": 0.16, "max": 0.24}
    return records


def test_the_nearby_row_reads_the_ratio_to_the_sql_and_the_healthz_floor(figures):  # noqa: F811
    lines, note = figures.bench_summary.nearby_rows(new_records()["nearby"])
    assert lines == [
        "| Nearby: 50 open within 2 km (HTTP) | 9.3 ms (p95 11.3) | raw SQL 2.0 ms + `/healthz` 1.3 ms "
        "| 2.82× (4.65× the SQL alone) | ≤ 1.5× SQL + `/healthz`, < 20 ms | **missed** |"
    ]
    assert note.startswith("**Nearby** (9.3 ms, 2.82× the SQL plus `/healthz`)")
    met = new_records()["nearby"]
    met["ratio_to_sql_and_healthz"] = 1.4
    lines, note = figures.bench_summary.nearby_rows(met)
    assert lines[0].endswith("| met |") and note is None


def test_the_bbox_row_says_how_the_count_was_made_and_judges_against_tipg(figures):  # noqa: F811
    lines, note = figures.bench_summary.bbox_rows(new_records()["bbox"])
    assert lines == [
        "| A bbox page of 100 (newest first; count estimated in 47 of 50 boxes, off by 16% (median), at most 24%) "
        "| 180.1 ms (p95 90.0) | tipg items 69.1 ms (exact numberMatched) | 2.61× | ≤ 1× | **missed** |"
    ]
    assert "read from the index of place and time" in note


def test_records_from_before_keep_their_rows(figures):  # noqa: F811
    old = bench_records()
    assert figures.bench_summary.nearby_rows(old["nearby"])[0][0].endswith("| 4.65× | ≤ 2×, < 20 ms | **missed** |")
    assert figures.bench_summary.bbox_rows(old["bbox"])[0] == [
        "| A bbox page of 100 | 180.1 ms | tipg items 69.1 ms | 2.61× | none set | |"
    ]
