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
    reference = record.get("reference")
    if reference is None:  # a record from before the bare-SQL reference
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
    line = (
        f"| Generate reports | {row['per_second']:,.0f} reports/s ({row['reports']:,} in {row['seconds']:.0f} s) "
        f"| bare SQL: the same rows inserted and indexed in {reference['seconds']:.1f} s "
        f"({reference['per_second']:,.0f}/s) | {record['ratio']:.2f}× | {target:,}/s | {verdict(ok)} |"
    )
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in record["phases"].items())
    note = (
        f"**Generation** ({row['per_second']:,.0f} reports/s, {record['ratio']:.1f}× the bare SQL): routing is "
        f"set-based (desa from a grid of the city, rules and default agencies per category and desa worked "
        f"out once, only the nearest asset looked up per report), and a load as large as the table drops "
        f"the secondary indexes and foreign keys and builds them again. Where the time went: {phases}. "
        f"Only writing the same rows and building the same {record['indexes']} indexes "
        f"({record['gist_indexes']} of them GiST) takes bare SQL {reference['seconds']:.1f} s, "
        f"{reference['seconds'] / (row['reports'] / target):.0%} of what the target allows for everything."
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
    if "ratio_to_sql_and_healthz" in targets:
        return nearby_floor_rows(record, side, api_p95)
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


def nearby_floor_rows(record: dict, side: dict, api_p95: float) -> tuple[list[str], str | None]:
    """Records from #20 on: the API against its SQL plus the /healthz floor of the same server."""
    targets, floor = record["targets"], record["ratio_to_sql_and_healthz"]
    target = targets["ratio_to_sql_and_healthz"]
    ok = floor <= target and side["api"] < targets["median_ms"]
    line = (
        f"| Nearby: {record['limit']} open within {record['radius_m'] / 1000:g} km (HTTP) | {side['api']:.1f} ms "
        f"(p95 {api_p95:.1f}) | raw SQL {side['sql']:.1f} ms + `/healthz` {side['healthz']:.1f} ms "
        f"| {floor:.2f}× ({record['ratio_median']:.2f}× the SQL alone) "
        f"| ≤ {target:g}× SQL + `/healthz`, < {targets['median_ms']:g} ms | {verdict(ok)} |"
    )
    note = (
        f"**Nearby** ({side['api']:.1f} ms, {floor:.2f}× the SQL plus `/healthz`): the answer is one statement "
        f"that builds the JSON ({side['orm']:.1f} ms in-process against {side['sql']:.1f} ms for the raw rows); "
        f"gunicorn, HTTP and Django cost {side['healthz']:.1f} ms (`/healthz`); the token, the memberships and "
        f"DRF about {side['api'] - side['healthz'] - side['orm']:.1f} ms more."
    )
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
    lines += kept_tile_rows(rows, targets, "Tile")
    if all(row["app/tipg"] <= targets["vs_tipg"] and row["app/sql"] <= targets["vs_sql"] for row in rows):
        return lines, kept_tile_note(rows, targets, "Tiles")
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
    if "uncached_ms" in rows[0]:
        note += (
            f" These are first requests, which render the tile and keep it: "
            f"{span([row['app_ms'] for row in rows])} ms, against {span([row['uncached_ms'] for row in rows])} ms "
            f"in the same run from a server with the tile cache turned off."
        )
    kept_note = kept_tile_note(rows, targets, "Tiles")
    return lines, note + (f" {kept_note}" if kept_note else "")


def kept_tile_rows(rows: list[dict], targets: dict, what: str) -> list[str]:
    """The row of tiles asked for again, served from the tile cache (records since #20)."""
    if "hit_ms" not in rows[0]:
        return []
    ratios = [row["hit/sql"] for row in rows]
    zooms = f"z{rows[0]['zoom']}–{rows[-1]['zoom']}" if len(rows) > 1 else f"z{rows[0]['zoom']}"
    return [
        f"| {what} {zooms} asked for again (kept) | {span([row['hit_ms'] for row in rows])} ms "
        f"| raw SQL {span([row['sql_ms'] for row in rows])} ms | {span(ratios, 2)}× SQL "
        f"| ≤ {targets['hit_vs_sql']:g}× SQL | {verdict(max(ratios) <= targets['hit_vs_sql'])} |"
    ]


def kept_tile_note(rows: list[dict], targets: dict, what: str) -> str | None:
    """Why a kept tile is slower than its SQL, where it is."""
    if "hit_ms" not in rows[0] or max(row["hit/sql"] for row in rows) <= targets["hit_vs_sql"]:
        return None
    slow = [row for row in rows if row["hit/sql"] > targets["hit_vs_sql"]]
    zooms = ", ".join("z" + str(row["zoom"]) for row in slow)
    floor = (
        f", which `/healthz` alone takes {span([row['floor_ms'] for row in slow])} ms of,"
        if all("floor_ms" in row for row in slow)
        else ","
    )
    return (
        f"**{what} asked for again** ({span([row['hit/sql'] for row in slow], 2)}× the SQL at {zooms}): a kept "
        f"tile is one indexed SELECT; the rest is the request itself (gunicorn, HTTP, Django's middleware, "
        f"compression){floor} against {span([row['sql_ms'] for row in slow])} ms for the statement run in-process."
    )


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
    rows = record["rows"]
    return lines + kept_tile_rows(rows, record["targets"], "Basemap tile"), kept_tile_note(
        rows, record["targets"], "Basemap tiles"
    )


def bbox_rows(record: dict) -> tuple[list[str], str | None]:
    app, tipg = record["rows"]
    ratio, page = record["ratio_median"], record["page"]
    target = record["targets"].get("ratio")
    if target is None:  # records before #20
        line = (
            f"| A bbox page of {page} | {app['median_ms']:.1f} ms | tipg items {tipg['median_ms']:.1f} ms "
            f"| {ratio:.2f}× | none set | |"
        )
        note = (
            f"**bbox page** ({ratio:.1f}× tipg; no target is set): the app's page is the *newest* {page} in the "
            f"box with an exact count, so every match (about {record['matched_per_box']['app']:,.0f} in a "
            f"{record['box_degrees']:g}° box around a random report) is read and sorted; tipg's is any {page} in "
            f"index order. The page reads primary keys first, then the {page} rows."
        )
        return [line], note if ratio > 1 else None
    estimate = record["estimate_error"]
    counted = (
        f"count estimated in {estimate['estimated_boxes']} of {estimate['boxes']} boxes, off by "
        f"{estimate['median']:.0%} (median), at most {estimate['max']:.0%}"
        if estimate["estimated_boxes"]
        else "every count exact"
    )
    line = (
        f"| A bbox page of {page} (newest first; {counted}) | {app['median_ms']:.1f} ms (p95 {app['p95_ms']:.1f}) "
        f"| tipg items {tipg['median_ms']:.1f} ms (exact numberMatched) | {ratio:.2f}× | ≤ {target:g}× "
        f"| {verdict(ratio <= target)} |"
    )
    note = (
        f"**bbox page** ({ratio:.2f}× tipg): the app's page is the *newest* {page} in the box (about "
        f"{record['matched_per_box']['tipg']:,.0f} matches in a {record['box_degrees']:g}° box around a random "
        f"report), read from the index of place and time, with a count exact up to 1,000 and estimated beyond; "
        f"tipg's is any {page} in index order with an exact count."
    )
    return [line], note if ratio > target else None


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
    row, targets = record["rows"][0], record.get("targets") or {}
    if "reference_per_second" not in row:  # a record from before the reference was added
        line = (
            f"| Intake, {row['clients']} clients {row['seconds']:.0f} s | {row['per_second']:.0f} reports/s, "
            f"p99 {row['p99_ms']:,.0f} ms, {row['failed']} failed | | | every acknowledged report stored "
            f"| {verdict(record['all_stored'] and row['failed'] == 0)} |"
        )
        return [line], None
    stored = record["all_stored"] and row["failed"] == 0
    ok = (
        stored
        and row["per_second"] >= targets["per_second"]
        and row["p99_ms"] < targets["p99_ms"]
        and row["queries"] <= targets["queries"]
    )
    line = (
        f"| Intake, {row['clients']} clients {row['seconds']:.0f} s | {row['per_second']:.0f} reports/s, "
        f"p99 {row['p99_ms']:,.0f} ms, {row['failed']} failed, {row['queries']} statements a report "
        f"| bare SQL in {record['workers']} loops {row['reference_per_second']:.0f} reports/s "
        f"| {row['per_second'] / row['reference_per_second']:.2f}× "
        f"| ≥ {targets['per_second']}/s, p99 < {targets['p99_ms']} ms, ≤ {targets['queries']} statements, "
        f"every acknowledged report stored | {verdict(ok)} |"
    )
    costs = record["profile"]
    shares = ", ".join(f"{label} {share:.0%}" for label, share in costs["shares"].items())
    note = (
        f"**Intake** ({row['per_second']:.0f} reports/s, p99 {row['p99_ms']:,.0f} ms; "
        f"{row['reference_per_second']:.0f}/s for the same writes as bare SQL): a report costs the server's "
        f"process {costs['python_cpu_ms']:.1f} ms of CPU ({costs['python_calls']:,} Python calls) in "
        f"{row['queries']} statements, and the load generator {row['client_cpu_ms']:.1f} ms more, on the "
        f"2 cores PostgreSQL also uses. Where a report's time goes (cProfile, in-process; the waiting "
        f"for PostgreSQL is also inside the others): {shares}."
    )
    return [line], None if ok else note


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
