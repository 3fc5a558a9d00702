#!/usr/bin/env python
"""Rewrite the figures in README.md from committed records; nothing there is typed by hand.

    .venv/bin/python scripts/figures.py      (or `make figures`)

1. Copies the reliability proofs' latest records (var/test-artifacts/records/, written by every run
   of tests/reliability/) into tests/reliability/records/, which is committed.
2. Rewrites the README's benchmark section from bench/results/*.json (written by `make bench`,
   committed; bench/summary.py formats them) and its "Reliability and security" table from
   tests/reliability/records/*.json.

Each part sits between two markers this script owns, <!-- figures:NAME:start --> and
<!-- figures:NAME:end -->; the rest of the README is left as it is. tests/test_figures.py fails when
the README differs from what this script writes.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import summary as bench_summary  # noqa: E402 (bench/ is on the path only from here)

from tests.reliability import records  # noqa: E402

FUZZ_PASSES = {
    "api-anonymous": "anonymously",
    "api-staff": "as an administrator",
    "api-operator": "as an agency operator",
    "api-status-codes": "for undocumented status codes",
    "ogcapi": "over the OGC API",
}


def markers(name: str) -> tuple[str, str]:
    return f"<!-- figures:{name}:start -->", f"<!-- figures:{name}:end -->"


def replace_between_markers(text: str, name: str, lines: list[str]) -> str:
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SystemExit(f"README.md needs exactly one {start} followed by one {end}")
    before, rest = text.split(start)
    after = rest.split(end)[1]
    return "\n".join([before + start, *lines, end + after])


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def tests_line(*proofs: dict) -> str:
    """How the proofs' tests ended, e.g. '0 of 9 tests failed'."""
    tests = {outcome: sum(proof["tests"][outcome] for proof in proofs) for outcome in records.OUTCOMES}
    line = f"{tests['failed']} of {counted(sum(tests.values()), 'test')} failed"
    return line + (f", {tests['skipped']} skipped" if tests["skipped"] else "")


def fuzz_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    passes = {name: figures[name] for name in FUZZ_PASSES if name in figures}
    runs = "; ".join(
        f"{run['operations']} operations {FUZZ_PASSES[name]}, {run['cases']:,} cases" for name, run in passes.items()
    )
    cases = sum(run["cases"] for run in passes.values())
    failing = sum(run["cases_failing"] + run["operations_errored"] for run in passes.values())
    return (
        f"schemathesis {figures['schemathesis']}, {figures['examples']} examples per operation, seed "
        f"{figures['seed']}: {runs}; {cases:,} cases in all",
        f"{failing} failing cases; {tests_line(proof)}",
    )


def bad_input_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    kinds = {name.removeprefix("refused_"): n for name, n in figures.items() if name.startswith("refused_")}
    return (
        f"{sum(kinds.values())} bad cases ({', '.join(f'{n} {kind}' for kind, n in kinds.items())}) "
        f"+ {figures['accepted_as_data']} hostile-looking legitimate ones",
        f"{figures['server_errors']} answered 5xx; {tests_line(proof)} (checked: a 4xx naming the field, "
        f"{figures['tables_watched']} tables unchanged, `/healthz` 200 after each)",
    )


def load_restart_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    back = figures["recovery_after_database_up_seconds"]
    mismatched = figures["reports_without_a_key"] + figures["acknowledged_with_another_report"]
    return (
        f"{figures['clients']} clients × {figures['seconds']:.0f} s: {figures['submissions']:,} submissions "
        f"in {figures['attempts']:,} attempts",
        f"{figures['lost']} lost, {figures['duplicated']} duplicated, {mismatched} mismatched; outage "
        f"{figures['outage_seconds']:.2f} s, first acknowledgement "
        + (f"{back:.1f} s after it was back" if back is not None else "never after it was back")
        + f"; {figures['outage_probes_503_retry_after']} of {figures['outage_probes']} interfaces answered "
        f"503 + `Retry-After` meanwhile; {tests_line(proof)}",
    )


def privacy_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    return (
        f"{figures['secrets']} secrets (name, phone, email, internal note, assignee, EXIF owner and serial, GPS) "
        f"sought in {figures['outputs_read']} public outputs, {figures['tiles_decoded']} map tiles and "
        f"{figures['photo_files']} photo files",
        f"{figures['secrets_found']} secrets found; {tests_line(proof)}",
    )


def permissions_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    return (
        f"every route classified ({figures['routes']} routes, and {figures['admin_routes']} admin routes by prefix); "
        f"{figures['callers']} callers × private reads, exports, staff writes and pages, city information, documents",
        tests_line(proof),
    )


def inert_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    return (
        f"{figures['payloads']} payloads in the fields citizens and staff write and in the search boxes, "
        f"checked on {figures['page_checks']} page views",
        f"{figures['dialogs']} dialogs, {figures['injected_elements']} injected elements, "
        f"{figures['attacker_requests']} requests to the attacker's host; {tests_line(proof)}",
    )


def abuse_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    reports, supports = figures["default_limits"]
    return (
        f'429 + `Retry-After` beyond {figures["report_limit"]} reports per IP and {figures["support_limit"]} "+1"s '
        f"per device (lowered for the test; by default {reports} and {supports} an hour), blocklist by "
        f"{', '.join(figures['blocklist_kinds'])}",
        f"{figures.get('answers_429', 0)} answers 429 and {figures.get('answers_403', 0)} answers 403 where due; "
        f"{tests_line(proof)}",
    )


def settings_cells(production: dict, spatial: dict) -> tuple[str, str]:
    settings, inputs = production["figures"], spatial["figures"]
    return (
        f"`check --deploy` ({settings['check_deploy_issues']} issues), {settings['unsafe_startups_refused']} of "
        f"{settings['unsafe_startups_tried']} unsafe start-ups refused, {settings['hardening_settings']} hardening "
        f"settings, a real gunicorn; {inputs['hostile_inputs']} inputs naming a loopback URL, a FIFO or a `file://` "
        f"URL as `crs`/`srs` on every geometry input; {inputs['gdal_entry_points']} GDAL entry points reviewed",
        f"{inputs['tripwire_hits']} files opened or URLs fetched by GDAL; {tests_line(production, spatial)}",
    )


def backup_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    return (
        f"{figures['tables']} tables ({figures['rows']:,} rows), {counted(figures['media_files'], 'photo file')} and "
        f"{counted(figures['private_files'], 'private document')}, backed up and restored into a fresh cluster in "
        f"{figures['seconds']:.0f} s",
        f"restored counts {'match' if figures['match'] else 'DIFFER'}; a manifest claiming one file more is "
        f"{'caught' if figures['tampered_manifest_caught'] else 'NOT caught'}; {tests_line(proof)}",
    )


def data_budget_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    kb = lambda n: f"{n / 1024:,.0f} KB"  # noqa: E731
    return (
        f"a report from a 360 px phone with two 12-megapixel photos ({kb(figures['originals_bytes'])} as the camera "
        f"wrote them), measured from Chromium's own requests",
        f"{kb(figures['flow_sent_bytes'])} sent in all over {figures['flow_requests']} requests (the report "
        f"{kb(figures['report_request_bytes'])}, its photos {kb(figures['photos_sent_bytes'])}) of a "
        f"{kb(figures['budget_bytes'])} budget, {kb(figures['flow_received_bytes'])} received; {tests_line(proof)}",
    )


def app_visit_cells(proof: dict) -> tuple[str, str]:
    figures = proof["figures"]
    kb = lambda n: f"{n / 1024:,.1f} KB"  # noqa: E731
    return (
        "the home page opened twice in one browser, the second time from the installed app's cache, counted "
        "from what the server sent (bodies, and 1 KB of headers a request), report data and map tiles apart",
        f"first visit {kb(figures['first_visit_bytes'])} in {figures['first_visit_requests']} requests, the "
        f"offline shell included (budget {kb(figures['first_visit_budget_bytes'])}); repeat visit "
        f"{kb(figures['repeat_visit_bytes'])} in {figures['repeat_visit_requests']} requests (budget "
        f"{kb(figures['repeat_visit_budget_bytes'])}); {tests_line(proof)}",
    )


def private_requests_cells(proof: dict) -> tuple[str, str]:
    f = proof["figures"]
    return (
        f"a permit request re-routed to a public category: {f['rerouted_addresses_checked']} addresses that name "
        f"it and {f['rerouted_lists_checked']} public lists asked anonymously; {f['duplicate_answers_400']} "
        f"duplicates naming another agency's private request; {f['track_pages_compared']} track pages compared",
        f"{f['rerouted_addresses_answering']} addresses answered, {f['rerouted_texts_found']} texts found; "
        f"{tests_line(proof)}",
    )


def signin_cells(proof: dict) -> tuple[str, str]:
    f = proof["figures"]
    waits = ", ".join(f"{s // 60} min" for s in f["address_lockout_waits_seconds"])
    return (
        f"50 wrong passwords then the right one on `/masuk/`, `/admin/login/` and the token API: "
        f"{f['page_wrong_answered_before_lockout']} answered, then {f['page_wrong_refused']} and the right one "
        f"refused (429); waits {waits}; unlock by an administrator; the install's own key "
        f"(mode {f['own_key_file_mode'][2:]}, kept across restarts); {f['private_answers_checked']} staff and "
        "tokened answers",
        f"{f['private_answers_checked'] - f['private_answers_private']} answers without `private, no-store`; "
        f"{tests_line(proof)}",
    )


def private_links_cells(proof: dict) -> tuple[str, str]:
    f = proof["figures"]
    return (
        f"{f['private_links_opened']} private links and {f['documents_opened']} document opened in Chromium; "
        f"{f['browser_requests_checked']} requests (addresses and Referer) and {f['log_lines']} log lines searched "
        f"for {f['tokens_sought']} tokens",
        f"{f['tokens_found']} tokens found; {tests_line(proof)}",
    )


def csp_cells(proof: dict) -> tuple[str, str]:
    f = proof["figures"]
    return (
        f"{f['pages']} pages in Chromium ({f['citizen_pages']} citizen, {f['staff_pages']} staff, "
        f"{f['admin_pages']} admin and API docs) under the Content-Security-Policy; a planted inline script "
        "is heard as a violation",
        f"{f['violations']} violations; {tests_line(proof)}",
    )


def uploads_cells(proof: dict) -> tuple[str, str]:
    f = proof["figures"]
    return (
        f"{f['made_up_ids']} made-up device ids from one browser; {f['fresh_devices_from_one_address']} cookieless "
        f"+1s from one address (limit lowered to {f['new_device_limit']}); {f['active_pdfs_refused']} PDFs with "
        f"active content and {f['plain_pdfs_accepted']} plain ones; a {f['photo_megapixels']}-megapixel photo from "
        "another agency; a 200 MB body",
        f"{f['made_up_ids_counted']} +1 counted of {f['made_up_ids']}, {f['fresh_devices_counted']} new devices "
        f"counted; {f['active_pdfs_refused']} active PDFs refused, {f['plain_pdfs_accepted']} plain ones accepted; "
        f"the photo refused in {f['refused_with_photo_s']:.3f} s (the photo takes "
        f"{f['photo_checked_by_owner_s']:.1f} s to check); the 200 MB body refused after "
        f"{max(f['mb_sent_of_200_when_answered_id'], f['mb_sent_of_200_when_answered_en']):.0f} MB; "
        f"{tests_line(proof)}",
    )


# promise, proof, the records it reads, the cells (cases, failures) made of them
RELIABILITY_ROWS = [
    (
        "no 5xx, answers match the OpenAPI schema",
        "schemathesis against the running server (`test_fuzz_api.py`; longer: "
        "`scripts/reliability/fuzz.sh [EXAMPLES] [SEED]`)",
        ["fuzz_api"],
        fuzz_cells,
    ),
    ("bad input refused, nothing written", "`test_bad_input_corpus.py` over `corpus.py`", ["bad_input_corpus"],
     bad_input_cells),
    (
        "nothing acknowledged is lost",
        "`scripts/reliability/load_restart.py` (PostgreSQL restarted halfway), run by `test_load_restart.py`",
        ["load_restart"],
        load_restart_cells,
    ),
    ("private stays private", "`test_privacy_crawl.py`", ["privacy_crawl"], privacy_cells),
    ("only the right people act", "`test_endpoint_permissions.py`", ["endpoint_permissions"], permissions_cells),
    ("user text never runs", "`test_user_text_is_inert.py` (Chromium)", ["user_text_is_inert"], inert_cells),
    ("abuse is bounded", "`test_abuse_bounds.py`", ["abuse_bounds"], abuse_cells),
    (
        "production settings are safe",
        "`test_production_settings.py`, `test_spatial_reference_input.py`",
        ["production_settings", "spatial_reference_input"],
        settings_cells,
    ),
    ("backups restore", "`backup.sh`, `restore_check.sh`, `test_backup_restore.py`", ["backup_restore"], backup_cells),
    ("a report costs little mobile data", "`tests/web/test_data_budget.py` (Chromium)", ["data_budget"],
     data_budget_cells),
    ("a service request stays private whatever its category", "`test_security_private_requests.py`, "
     "`test_privacy_crawl.py`", ["security_private_requests"], private_requests_cells),
    ("sign-in is throttled; the install has its own key; private answers are not kept",
     "`test_security_signin.py`", ["security_signin"], signin_cells),
    ("private links leave no token in addresses, Referers or logs", "`test_security_private_links.py` (Chromium)",
     ["security_private_links"], private_links_cells),
    ("no page breaks its Content-Security-Policy", "`test_security_csp.py` (Chromium)", ["security_csp"], csp_cells),
    ("+1 per device, active PDFs refused, permission before uploads, bodies bounded",
     "`test_security_uploads.py`", ["security_uploads"], uploads_cells),
    ("the installed app opens again for a few KB", "`tests/web/test_data_budget.py` (Chromium, the server's log)",
     ["data_budget"], app_visit_cells),
]  # fmt: skip


def reliability_section(proofs: dict[str, dict]) -> list[str]:
    """The Markdown lines of the reliability table, from the proofs' records."""
    dates = sorted({proof["when"][:10] for proof in proofs.values()})
    when = "no run recorded yet" if not dates else dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    lines = [
        f"Figures of the proofs' last recorded runs ({when}; records in `tests/reliability/records/`):",
        "",
        "| promise | proof | cases | failures now |",
        "|---|---|---|---|",
    ]
    for promise, proof_text, names, cells in RELIABILITY_ROWS:
        missing = [name for name in names if name not in proofs]
        if missing:
            cases, failures = f"no record of {', '.join(missing)}: run the proof", ""
        else:
            try:
                cases, failures = cells(*(proofs[name] for name in names))
            except KeyError as lacking:  # the run stopped before measuring it
                cases = f"the record lacks {lacking}"
                failures = tests_line(*(proofs[name] for name in names))
        lines.append(f"| {promise} | {proof_text} | {cases} | {failures} |")
    return lines


def render(readme: str, bench_records: dict[str, dict], reliability_records: dict[str, dict]) -> str:
    """The README with its marked sections rewritten from these records."""
    readme = replace_between_markers(readme, "bench", bench_summary.section(bench_records))
    return replace_between_markers(readme, "reliability", reliability_section(reliability_records))


def committed_render(readme: str) -> str:
    """The README as the committed records make it."""
    return render(readme, bench_summary.load_all(), records.load(records.COMMITTED))


def copy_latest_records() -> list[str]:
    records.COMMITTED.mkdir(exist_ok=True)
    copied = []
    for path in sorted(records.LATEST.glob("*.json")):
        shutil.copyfile(path, records.COMMITTED / path.name)
        copied.append(path.stem)
    return copied


def main():
    copied = copy_latest_records()
    print(f"reliability records copied: {', '.join(copied) or f'none (no run has written {records.LATEST})'}")
    README.write_text(committed_render(README.read_text()))
    print(f"README.md rewritten from {bench_summary.RESULTS.relative_to(ROOT)}/ and "
          f"{records.COMMITTED.relative_to(ROOT)}/")  # fmt: skip


if __name__ == "__main__":
    main()
