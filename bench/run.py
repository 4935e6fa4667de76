"""`make bench`: the portal under gunicorn against a bare Flask page, loaded with wrk.

Builds a city at 1× and 10× (BENCH_STAFF / 10 and BENCH_STAFF staff, 40,000 by default) and counts the SQL
statements of every page in process on both; then serves the 10× city with gunicorn on 127.0.0.1 beside a bare
Flask page of the same size, and loads each page at 16 and 32 connections, with a bare Flask run before and
after each page. Writes bench-results/report.md and report.json; exits 1 when a target is missed.

BENCH_DATABASE_URL runs it on PostgreSQL (its tables are dropped and rebuilt); BENCH_SECONDS sets the length of
each wrk run (8 by default)."""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy.engine import make_url

from portal.config import BASE_DIR

from . import adoption, city, report
from .load import THREADS, TIMEOUT_SECONDS, Load, LoadError, run_wrk
from .pages import ACCOUNTS, PAGES, Page
from .serve import GUNICORN, free_port, gunicorn
from .signin import cookie_header, fetch, sign_in_http
from .statements import count_statements

STAFF = int(os.environ.get("BENCH_STAFF", "40000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
WARM_UP_SECONDS = 2
CONNECTIONS = (16, 32)
DRAIN_SECONDS = 120
RESULTS = BASE_DIR / "bench-results"
BASELINE_PATH = "/1"

Measured = tuple[Load | None, int | None]


def say(message: str) -> None:
    print(message, flush=True)


def _drain(base_url: str, path: str, cookies: dict[str, str]) -> int | None:
    """Waits until the server has worked through what wrk left queued; returns the page's status then."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        try:
            return fetch(base_url, path, cookies)[0]
        except OSError:
            time.sleep(1)
    return None


def _load(base_url: str, path: str, cookies: dict[str, str], connections: int, seconds: int) -> Measured:
    """One wrk run, then the page's status once the server is idle again."""
    try:
        load = run_wrk(base_url + path, cookie_header(cookies), connections, seconds)
    except (LoadError, subprocess.TimeoutExpired) as error:
        say(f"  wrk failed on {path}: {error}")
        load = None
    return load, _drain(base_url, path, cookies)


def _baseline_row(connections: int, runs: list[Measured]) -> dict:
    loads = [load for load, _status in runs if load is not None]
    middle = (lambda values: statistics.median(values) if values else None)
    return {"page": report.BASELINE, "path": BASELINE_PATH, "account": None, "connections": connections,
            "requests_per_second": middle([load.requests_per_second for load in loads]), "ratio": 1.0,
            "median_ms": middle([load.median_ms for load in loads]), "p99_ms": middle([load.p99_ms for load in loads]),
            "errors": sum(load.errors for load in loads) + sum(load is None or status != 200 for load, status in runs),
            "statements_1x": None, "statements_10x": None,
            "runs": [load.as_dict() if load else None for load, _status in runs]}


def _page_row(page: Page, connections: int, measured: Measured | None, around: list[Load | None],
              checked: tuple[int, int], counts: dict) -> dict:
    load, status_after = measured or (None, None)
    flask = [run.requests_per_second for run in around if run is not None]
    flask_rps = statistics.mean(flask) if flask else None
    rps = load.requests_per_second if load else None
    errors = (load.errors if load else 1) + (checked[0] != 200) + (measured is not None and status_after != 200)
    return {"page": page.name, "path": page.path, "account": page.account, "connections": connections,
            "requests_per_second": rps, "ratio": rps / flask_rps if rps is not None and flask_rps else None,
            "median_ms": load.median_ms if load else None, "p99_ms": load.p99_ms if load else None,
            "errors": errors, "statements_1x": counts["1x"].get(page.name),
            "statements_10x": counts["10x"].get(page.name), "status_before": checked[0],
            "status_after": status_after, "bytes": checked[1], "flask_requests_per_second": flask_rps,
            "load": load.as_dict() if load else None}


def _load_all(portal: str, baseline: str, sessions: dict, checked: dict, counts: dict) -> list[dict]:
    """At each number of connections: bare Flask, then each page followed by bare Flask again."""
    ready = [page for page in PAGES if checked[page.name][0] == 200]
    anyone = next(iter(sessions.values()))
    say(f"warming up ({WARM_UP_SECONDS} s per page)")
    _load(baseline, BASELINE_PATH, anyone, CONNECTIONS[0], WARM_UP_SECONDS)
    for page in ready:
        _load(portal, page.path, sessions[page.account], CONNECTIONS[0], WARM_UP_SECONDS)
    rows = []
    for connections in CONNECTIONS:
        say(f"loading bare Flask and each page at {connections} connections, {SECONDS} s each")
        runs = [_load(baseline, BASELINE_PATH, anyone, connections, SECONDS)]
        page_rows = []
        for page in PAGES:
            measured, around = None, []
            if page in ready:
                say(f"  {page.path}")
                measured = _load(portal, page.path, sessions[page.account], connections, SECONDS)
                runs.append(_load(baseline, BASELINE_PATH, anyone, connections, SECONDS))
                around = [runs[-2][0], runs[-1][0]]
            page_rows.append(_page_row(page, connections, measured, around, checked[page.name], counts))
        rows += [_baseline_row(connections, runs), *page_rows]
    return rows


def _serve_and_load(database_url: str, counts: dict) -> tuple[list[dict], int, dict]:
    """Serves the portal and, beside it, bare Flask with a page of the portal pages' median size."""
    portal_port, baseline_port = free_port(), free_port()
    env = city.portal_environment(database_url, f"127.0.0.1:{portal_port}")
    with gunicorn("wsgi:app", portal_port, env, RESULTS / "gunicorn-portal.log", "/healthz") as portal:
        sessions = {name: sign_in_http(portal, ACCOUNTS[name]) for name in sorted({page.account for page in PAGES})}
        checked = {page.name: fetch(portal, page.path, sessions[page.account]) for page in PAGES}
        for page in PAGES:
            say(f"  {page.path} answers {checked[page.name][0]} ({checked[page.name][1]:,} bytes)")
        sizes = [size for status, size in checked.values() if status == 200]
        baseline_env = dict(os.environ, BENCH_BASELINE_BYTES=str(round(statistics.median(sizes)) if sizes else 20_000))
        with gunicorn("bench.baseline:app", baseline_port, baseline_env, RESULTS / "gunicorn-baseline.log",
                      BASELINE_PATH) as baseline:
            baseline_bytes = fetch(baseline, BASELINE_PATH)[1]
            rows = _load_all(portal, baseline, sessions, checked, counts)
    return rows, baseline_bytes, {name: size for name, (_status, size) in checked.items()}


def _database(url: str | None) -> str:
    if not url:
        return "SQLite"
    parsed = make_url(url)
    return f"PostgreSQL ({parsed.host}:{parsed.port or 5432}/{parsed.database})"


def _notes(run: dict) -> list[str]:
    city_rows, load_average, cores = run["city"]["10x"], run["load_average"], os.cpu_count() or 1
    notes = [
        f"- City at 10×: {city_rows['staff']:,} staff in {city_rows['divisions']} divisions, "
        f"{city_rows['attestations']:,} attestations, {city_rows['audit_entries']:,} audit entries, "
        f"{city_rows['nominations']:,} nominations, {city_rows['inquiries']:,} inquiries in 40 divisions × 12 "
        "quarters of reports; "
        f"statements also counted at 1× ({run['city']['1x']['staff']:,} staff).",
        f"- gunicorn {GUNICORN['worker-class']}, {GUNICORN['workers']} workers, on 127.0.0.1, "
        "for the portal and bare Flask alike.",
        f"- wrk -t{THREADS}, {SECONDS} s per run after a {WARM_UP_SECONDS} s warm-up; bare Flask is loaded before "
        "and after every page, and “vs Flask” compares with the mean of those two runs. Answers slower than "
        f"{TIMEOUT_SECONDS} s are wrk timeouts: they count as errors and not in the latencies.",
        f"- Bare Flask page: {run['baseline_bytes']:,} bytes (the median of the portal pages, which are "
        f"{min(run['page_bytes'].values()):,}–{max(run['page_bytes'].values()):,} bytes).",
        f"- Inquiry log import: {run['inquiry_import']['rows']:,} rows "
        f"({run['inquiry_import']['bytes'] / 1e6:.1f} MB) checked and read in "
        f"{run['inquiry_import']['read_seconds']:.1f} s and written in "
        f"{run['inquiry_import']['import_seconds']:.1f} s: "
        f"**{run['inquiry_import']['rows_per_second']:,.0f} rows per second**.",
        f"- Load average at start {load_average['start']:.1f}, at end {load_average['end']:.1f}, on {cores} cores; "
        f"{run['seconds']:.0f} s in all.",
    ]
    if load_average["start"] > cores:
        notes.append("- **The machine was busy before the run started: absolute figures are low; read the ratios.**")
    return notes


def main() -> int:
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(143))
    if shutil.which("wrk") is None:
        say("wrk is missing: run `make bench`, or `bash scripts/system-deps.sh bench` to install it.")
        return 2
    url = os.environ.get("BENCH_DATABASE_URL")
    if url and make_url(url).database == "test":
        say("BENCH_DATABASE_URL names the test suite's database; create another one, e.g. `bench`.")
        return 2
    started, started_at, load_at_start = time.monotonic(), datetime.now(UTC), os.getloadavg()[0]
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        built, counts, urls = {}, {}, {}
        for scale, staff in (("1x", STAFF // 10), ("10x", STAFF)):
            urls[scale] = url or f"sqlite:///{folder}/city-{scale}.db"
            say(f"building the city at {scale}: {staff:,} staff on {_database(url)}")
            app = city.portal_app(urls[scale])
            built[scale] = city.build(app, staff)
            counts[scale] = count_statements(app, PAGES)
        say("serving the portal and bare Flask with gunicorn (the city at 10×)")
        rows, baseline_bytes, page_bytes = _serve_and_load(urls["10x"], counts)
        say("importing a 100,000-row inquiry log into the city at 10×")
        imported = adoption.time_import(city.portal_app(urls["10x"]))
    for row in rows:
        row["targets"] = report.judge(row)
    run = {"database": _database(url), "started_at": started_at.isoformat(timespec="seconds"), "city": built,
           "gunicorn": GUNICORN, "wrk": {"threads": THREADS, "connections": list(CONNECTIONS), "seconds": SECONDS},
           "baseline_bytes": baseline_bytes, "page_bytes": page_bytes, "statements": counts,
           "load_average": {"start": load_at_start, "end": os.getloadavg()[0]},
           "seconds": time.monotonic() - started, "rows": rows, "missed": report.missed(rows),
           "inquiry_import": imported}
    run["notes"] = _notes(run)
    say("")
    say(report.write(run, RESULTS))
    say(f"written to {RESULTS / 'report.md'} and {RESULTS / 'report.json'}")
    return 1 if run["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())
