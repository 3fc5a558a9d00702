"""The benchmark figures as Markdown, from the JSON records the benchmarks write to bench/results/:
when, on what machine and over how many reports they were measured, the table, and for each missed
target the reason, measured. `make bench` prints it; scripts/figures.py (`make figures`) puts the
same lines into README.md. Targets are read from the records, which take them from each benchmark.
"""

import json
import textwrap
from pathlib import Path

from _setup import RESULTS

BENCHMARKS = ["generate", "routing", "nearby", "tiles", "basemap", "bbox", "export", "intake"]
WIDTH = 100  # the README's prose is wrapped at this width


def load_all(folder: Path = RESULTS) -> dict[str, dict]:
    """The records in `folder`, by benchmark, in the table's order."""
    paths = {name: folder / f"{name}.json" for name in BENCHMARKS}
    return {name: json.loads(path.read_text()) for name, path in paths.items() if path.exists()}


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def span(values, digits: int = 1) -> str:
    """The range of `values` (low, en dash, high), or one number when both ends agree at this precision."""
    low, high = f"{min(values):,.{digits}f}", f"{max(values):,.{digits}f}"
    return low if low == high else f"{low}–{high}"


def machine_text(machine: dict) -> str:
    return (
        f"{machine['cpus']} cores ({machine['cpu_model']}), {machine['memory_gb']:.0f} GB, "
        f"PostgreSQL {machine['postgresql']} with PostGIS {machine['postgis']}"
    )


def measured_on(records: dict[str, dict]) -> str:
    dates = sorted({record["when"][:10] for record in records.values()})
    when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    machines = "; ".join(dict.fromkeys(machine_text(record["machine"]) for record in records.values()))
    # The intake benchmark adds the reports it submits: the others say what the database held.
    databases = [record["database"] for name, record in records.items() if name != "intake"]
    databases = databases or [records["intake"]["database"]]
    line = (
        f"Latest figures, {when}, on {machines}, over {span([d['reports'] for d in databases], 0)} reports "
        f"({span([d['public_reports'] for d in databases], 0)} public"
    )
    intake = records.get("intake")
    if intake and all(intake["when"] >= record["when"] for record in records.values()):
        line += f"; the intake benchmark, run last, adds its {intake['rows'][0]['stored']:,}"
    return line + "):"


def generate_rows(record: dict) -> tuple[list[str], str | None]:
    row, target = record["rows"][0], record["targets"]["per_second"]
    ok = row["per_second"] >= target
    line = (
        f"| Generate reports | {row['per_second']:,.0f} reports/s ({row['reports']:,} in {row['seconds']:.0f} s) "
        f"| | | {target:,}/s | {verdict(ok)} |"
    )
    note = (
        f"**Generation** ({row['per_second']:,.0f} reports/s): each report is routed in SQL (a KNN search "
        f"among the asset layers' {record['assets']:,} assets, area joins), updates {record['indexes']} "
        f"indexes ({record['gist_indexes']} of them GiST) and gets its first timeline entry."
    )
    return [line], None if ok else note


def routing_rows(record: dict) -> tuple[list[str], str | None]:
    function, sql = record["rows"]
    target = record["targets"]["ratio"]
    line = (
        f"| Routing a report | {function['median_ms']:.2f} ms | one SQL statement {sql['median_ms']:.2f} ms "
        f"| {record['ratio_median']:.2f}× | ≤ {target:g}× | {verdict(record['ratio_median'] <= target)} |"
    )
    return [line], None


def nearby_rows(record: dict) -> tuple[list[str], str | None]:
    side = {row["side"]: row["median_ms"] for row in record["rows"]}
    api_p95 = next(row["p95_ms"] for row in record["rows"] if row["side"] == "api")
    targets, ratio = record["targets"], record["ratio_median"]
    ok = ratio <= targets["ratio"] and side["api"] < targets["median_ms"]
    line = (
        f"| Nearby: {record['limit']} open within {record['radius_m'] / 1000:g} km (HTTP) | {side['api']:.1f} ms "
        f"(p95 {api_p95:.1f}) | raw SQL {side['sql']:.1f} ms | {ratio:.2f}× "
        f"| ≤ {targets['ratio']:g}×, < {targets['median_ms']:g} ms | {verdict(ok)} |"
    )
    note = (
        f"**Nearby** ({side['api']:.1f} ms, {ratio:.1f}× the SQL): gunicorn, HTTP and Django cost "
        f"{side['healthz']:.1f} ms (`/healthz`); the ORM's form of the query {side['orm']:.1f} ms against "
        f"{side['sql']:.1f} ms for the raw statement, both in-process; the token, the memberships and DRF "
        f"about {side['api'] - side['healthz'] - side['orm']:.1f} ms more."
    )
    if side["api"] < targets["median_ms"]:
        note += f" The {targets['median_ms']:g} ms target is met."
    return [line], None if ok else note


def tiles_rows(record: dict) -> tuple[list[str], str | None]:
    rows, targets = record["rows"], record["targets"]
    lines = []
    for row in rows:
        ok = row["app/tipg"] <= targets["vs_tipg"] and row["app/sql"] <= targets["vs_sql"]
        lines.append(
            f"| Tile z{row['zoom']} (central Batu) | {row['app_ms']:.1f} ms, {row['app_features']:,} features "
            f"for {row['app_reports']:,} reports | tipg {row['tipg_ms']:.1f} ms ({row['tipg_features']:,} "
            f"features; the app beside it {row['app_beside_tipg_ms']:.1f} ms); raw SQL {row['sql_ms']:.1f} ms "
            f"| {row['app/tipg']:.2f}× tipg, {row['app/sql']:.2f}× SQL "
            f"| ≤ {targets['vs_tipg']:g}× tipg, ≤ {targets['vs_sql']:g}× SQL | {verdict(ok)} |"
        )
    if all(row["app/tipg"] <= targets["vs_tipg"] and row["app/sql"] <= targets["vs_sql"] for row in rows):
        return lines, None
    versus_tipg = [row["app/tipg"] for row in rows]
    if max(versus_tipg) < 1:
        against_tipg = f"{span([1 / ratio for ratio in versus_tipg])}× faster than tipg"
    else:
        against_tipg = f"{span(versus_tipg, 2)}× tipg's time"
    note = (
        f"**Tiles** ({against_tipg}, {span([row['app/sql'] for row in rows])}× the SQL): the hand-written "
        f"`ST_AsMVT` over the kept counts takes {span([row['sql_ms'] for row in rows])} ms and the request adds "
        f"about {span([row['app_ms'] - row['sql_ms'] for row in rows])} ms to it (HTTP, Django, the filters, the "
        f"cache headers). Counting the same cells from the reports instead costs "
        f"{span([row['from_reports_ms'] for row in rows], 0)} ms a tile. tipg sends one point per report, up to "
        f"{max(row['tipg_features'] for row in rows):,} features a tile here "
        f"({span([row['tipg_kb'] for row in rows], 0)} KB, against the app's {span([row['app_kb'] for row in rows])}"
        f" KB). The SQL and the app are timed in one pass, tipg and the app in another, so each ratio compares "
        f"requests made seconds apart: beside tipg's {span([row['tipg_ms'] for row in rows], 0)} ms requests the "
        f"app's own tiles take {span([row['app_beside_tipg_ms'] for row in rows])} ms, as tipg's reads evict what "
        f"they would find warm."
    )
    if any(row["app_sends"] == "points" for row in rows):
        note += " At some zooms the app sent single reports, which the SQL does not: a database this small is no test."
    return lines, note


def basemap_rows(record: dict) -> tuple[list[str], str | None]:
    limit = record["targets"]["z15_kb"]
    lines = []
    for row in record["rows"]:
        sized = row["zoom"] == 15
        ok = row["app_kb"] <= limit if sized else None
        lines.append(
            f"| Basemap tile z{row['zoom']} (central Batu, {record['street_segments']:,} extra street segments "
            f"every {record['spacing_m']} m) | {row['app_ms']:.1f} ms, {row['app_kb']:.1f} KB "
            f"| tipg {row['tipg_ms']:.1f} ms, {row['tipg_kb']:.1f} KB (the roads only) | {row['app/tipg']:.2f}× tipg "
            f"| {f'≤ {limit} KB' if sized else ''} | {verdict(ok) if sized else ''} |"
        )
    return lines, None


def bbox_rows(record: dict) -> tuple[list[str], str | None]:
    app, tipg = record["rows"]
    ratio, page = record["ratio_median"], record["page"]
    line = (
        f"| A bbox page of {page} | {app['median_ms']:.1f} ms | tipg items {tipg['median_ms']:.1f} ms "
        f"| {ratio:.2f}× | none set | |"
    )
    note = (
        f"**bbox page** ({ratio:.1f}× tipg; no target is set): the app's page is the *newest* {page} in the box "
        f"with an exact count, so every match (about {record['matched_per_box']['app']:,.0f} in a "
        f"{record['box_degrees']:g}° box around a random report) is read and sorted; tipg's is any {page} in index "
        f"order. The page reads primary keys first, then the {page} rows."
    )
    return [line], note if ratio > 1 else None


def export_rows(record: dict) -> tuple[list[str], str | None]:
    app, ogr = record["rows"]
    targets, ratio = record["targets"], record["ratio_median"]
    ok = ratio <= targets["ratio"] and app["peak_rss_mb"] < targets["peak_mb"]
    line = (
        f"| Export GeoJSON, {app['features']:,} reports | {app['median_s']:.1f} s, worker peak "
        f"{app['peak_rss_mb']:.0f} MB | ogr2ogr {ogr['median_s']:.1f} s, peak {ogr['peak_rss_mb']:.0f} MB "
        f"| {ratio:.2f}× | ≤ {targets['ratio']:g}×, < {targets['peak_mb']:g} MB | {verdict(ok)} |"
    )
    return [line], None


def intake_rows(record: dict) -> tuple[list[str], str | None]:
    row = record["rows"][0]
    line = (
        f"| Intake, {row['clients']} clients {row['seconds']:.0f} s | {row['per_second']:.0f} reports/s, "
        f"p99 {row['p99_ms']:,.0f} ms, {row['failed']} failed | | | every acknowledged report stored "
        f"| {verdict(record['all_stored'] and row['failed'] == 0)} |"
    )
    return [line], None


ROWS = {
    "generate": generate_rows,
    "routing": routing_rows,
    "nearby": nearby_rows,
    "tiles": tiles_rows,
    "basemap": basemap_rows,
    "bbox": bbox_rows,
    "export": export_rows,
    "intake": intake_rows,
}


def section(records: dict[str, dict]) -> list[str]:
    """The Markdown lines of the figures: README.md's benchmark section between its markers."""
    if not records:
        return [
            "No benchmark records yet: `make bench` writes them to `bench/results/`; `make figures` puts them here."
        ]
    lines = [*textwrap.wrap(measured_on(records), WIDTH, break_on_hyphens=False), ""]
    lines += ["| Benchmark | Lapor Batu | Reference | Ratio | Target | |", "|---|---|---|---|---|---|"]
    notes = []
    for name, rows_of in ROWS.items():
        if name in records:
            rows, note = rows_of(records[name])
            lines += rows
            notes += [note] if note else []
    if notes:
        lines += ["", "Where a target is missed, the reason, measured:"]
        for note in notes:
            lines += textwrap.wrap(
                note, WIDTH, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
            )
    return lines


def main():
    print("\n".join(section(load_all())))


if __name__ == "__main__":
    main()
