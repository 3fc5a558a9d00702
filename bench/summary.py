"""The latest benchmark figures as one Markdown table (printed, and written to
bench/results/README.md), from the JSON files the benchmarks wrote."""

import json

from _setup import RESULTS


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def lines() -> list[str]:
    out = ["| Benchmark | Lapor Batu | Reference | Ratio | Target | |", "|---|---|---|---|---|---|"]
    if generate := load("generate"):
        out.append(
            f"| Generate reports | {generate['per_second']:,.0f} reports/s ({generate['reports']:,} in "
            f"{generate['seconds']:.0f} s) | | | 50,000/s | {verdict(generate['per_second'] >= 50_000)} |"
        )
    if routing := load("routing"):
        fn, sql = routing["rows"]
        out.append(
            f"| Routing a report | {fn['median_ms']:.2f} ms | one SQL statement {sql['median_ms']:.2f} ms "
            f"| {routing['ratio_median']:.2f}x | <= 1.5x | {verdict(routing['ratio_median'] <= 1.5)} |"
        )
    if nearby := load("nearby"):
        api, sql = nearby["rows"]
        ok = nearby["ratio_median"] <= 2 and api["median_ms"] < 20
        out.append(
            f"| Nearby: 50 open within 2 km (HTTP) | {api['median_ms']:.1f} ms (p95 {api['p95_ms']:.1f}) "
            f"| raw SQL {sql['median_ms']:.1f} ms | {nearby['ratio_median']:.2f}x | <= 2x, < 20 ms | {verdict(ok)} |"
        )
    if tiles := load("tiles"):
        for row in tiles["rows"]:
            ok = row["app/tipg"] <= 1 and row["app/sql"] <= 1.5
            out.append(
                f"| Tile z{row['zoom']} (central Batu) | {row['app_ms']:.1f} ms, {row['app_features']:,} features "
                f"for {row['app_reports']:,} reports | tipg {row['tipg_ms']:.1f} ms ({row['tipg_features']:,} "
                f"features; the app beside it {row['app_beside_tipg_ms']:.1f} ms); raw SQL {row['sql_ms']:.1f} ms "
                f"| {row['app/tipg']:.2f}x tipg, {row['app/sql']:.2f}x SQL "
                f"| <= 1x tipg, <= 1.5x SQL | {verdict(ok)} |"
            )
    if bbox := load("bbox"):
        app, tipg = bbox["rows"]
        out.append(
            f"| A bbox page of 100 | {app['median_ms']:.1f} ms | tipg items {tipg['median_ms']:.1f} ms "
            f"| {bbox['ratio_median']:.2f}x | none set | |"
        )
    if export := load("export"):
        app, ogr = export["rows"]
        ok = export["ratio_median"] <= 1 and app["peak_rss_mb"] < 300
        out.append(
            f"| Export GeoJSON, {app['features']:,} reports | {app['median_s']:.1f} s, worker peak "
            f"{app['peak_rss_mb']:.0f} MB | ogr2ogr {ogr['median_s']:.1f} s, peak {ogr['peak_rss_mb']:.0f} MB "
            f"| {export['ratio_median']:.2f}x | <= 1x, < 300 MB | {verdict(ok)} |"
        )
    if intake := load("intake"):
        row = intake["rows"][0]
        out.append(
            f"| Intake, {row['clients']} clients {row['seconds']:.0f} s | {row['per_second']:.0f} reports/s, "
            f"p99 {row['p99_ms']:.0f} ms, {row['failed']} failed | | | every acknowledged report stored "
            f"| {verdict(intake['all_stored'] and row['failed'] == 0)} |"
        )
    return out


def main():
    when = max((load(n) or {}).get("when", "") for n in ["routing", "nearby", "tiles", "bbox", "export", "intake"])
    text = "\n".join(lines())
    (RESULTS / "README.md").write_text(f"# Latest benchmark figures\n\nRun {when} with `make bench`.\n\n{text}\n")
    print(text)


if __name__ == "__main__":
    main()
