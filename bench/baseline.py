"""The bare Flask application `make bench` compares the portal with (`gunicorn bench.baseline:app`).

It renders a Jinja page (a layout, a table, escaping, url_for) from rows held in memory, with as many rows
as make the page BENCH_BASELINE_BYTES long, so that it is about the size of the portal's pages."""
import os
from datetime import date, timedelta

from flask import Flask, render_template

SECTIONS = ["To do", "Service Promise", "Service Standards", "Code of Conduct", "Reports", "Administration"]

app = Flask(__name__)


def _rows(count: int) -> list[dict]:
    return [{"code": f"D{n:04d}", "name": f"Division n° {n} — Services d'été & <hiver>", "staff": 40 + n * 7 % 900,
             "share": n * 37 % 1000 / 10, "since": date(2025, 1, 6) + timedelta(days=n % 365)} for n in range(count)]


def _render(rows: list[dict], section: int = 1) -> str:
    return render_template("baseline/page.html", rows=rows, sections=SECTIONS, section=section)


def _rows_for(size: int) -> list[dict]:
    with app.test_request_context("/1"):
        empty = len(_render([]).encode())
        per_row = (len(_render(_rows(100)).encode()) - empty) / 100
    return _rows(max(1, round((size - empty) / per_row)))


@app.route("/<int:section>")
def page(section: int):
    return _render(ROWS, section)


ROWS = _rows_for(int(os.environ.get("BENCH_BASELINE_BYTES", "20000")))
