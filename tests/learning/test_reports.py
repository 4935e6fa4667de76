"""Leads' and stewards' pages: completion, overdue staff, pass rates, item analysis, CSV, and who sees what."""
import csv
import io
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.learning import tallies
from portal.learning.models import QuestionTally
from tests.conftest import page, sign_in, take_quiz

LONG_AGO = date.today() - timedelta(days=200)


def city(app, factory):
    """CXD: one passed, one overdue, one not yet due; PFR: one who failed once."""
    passed = factory.user(division="CXD", name="Ada Passed", start_date=LONG_AGO)
    take_quiz(app, passed.id, "service-promise", "right")
    factory.user(division="CXD", name="Bea Overdue", start_date=LONG_AGO)
    factory.user(division="CXD", name="Cy New", start_date=date.today())
    failed = factory.user(division="PFR", name="=HYPERLINK(\"http://x\")", start_date=LONG_AGO)
    take_quiz(app, failed.id, "service-promise", "wrong")
    return passed, failed


def cells(row) -> list[str]:
    return [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]


def test_lead_sees_completion_overdue_and_pass_rates_for_their_division(app, client, factory, content):
    city(app, factory)
    sign_in(client, factory.user(roles=("staff", "lead"), division="CXD", start_date=date.today()))
    soup = page(client.get("/learning/report/CXD"))
    promise = cells(soup.select("table.report tbody tr")[0])
    assert promise[0] == "The Service Promise"
    assert promise[1].startswith("25 %") and "(1/4)" in promise[1]
    assert promise[2] == "1"
    assert promise[3].startswith("100 %")
    overdue = {row.th.get_text(strip=True): row.select("td li") for row in soup.select("main table:not(.report) tbody tr")}
    assert list(overdue) == ["Ada Passed", "Bea Overdue"]
    assert len(overdue["Ada Passed"]) == 2 and len(overdue["Bea Overdue"]) == 3
    assert "The Service Promise" not in overdue["Ada Passed"][0].get_text()


def test_the_lead_report_shows_each_change_to_the_overdue_list_at_once(app, client, factory, content):
    """The lead's division report is kept under the learning tallies' mark: a rename, a new e-mail address, a pass,
    a person leaving or a role that takes a module away shows on the next request."""
    from portal.auth.models import User

    city(app, factory)
    sign_in(client, factory.user(roles=("staff", "lead"), division="CXD", start_date=date.today()))

    def overdue() -> dict[str, int]:
        soup = page(client.get("/learning/report/CXD"))
        return {row.th.get_text(strip=True): len(row.select("td li"))
                for row in soup.select("main table:not(.report) tbody tr")}

    assert overdue() == {"Ada Passed": 2, "Bea Overdue": 3}
    with app.app_context():
        bea = db.session.scalar(db.select(User).where(User.full_name == "Bea Overdue"))
        bea.full_name = "Bea Renamed"
        db.session.commit()
        bea_id = bea.id
    assert overdue() == {"Ada Passed": 2, "Bea Renamed": 3}
    take_quiz(app, bea_id, "service-promise", "right")
    assert overdue() == {"Ada Passed": 2, "Bea Renamed": 2}
    with app.app_context():
        db.session.get(User, bea_id).active = False
        db.session.commit()
    assert overdue() == {"Ada Passed": 2}


def test_lead_a_never_sees_division_b(app, client, factory, content):
    city(app, factory)
    factory.division("TS")
    sign_in(client, factory.user(roles=("staff", "lead"), division="CXD"))
    for code in ("PFR", "TS", "pfr", "NOPE", "CXD%00", "../PFR"):
        assert client.get(f"/learning/report/{code}").status_code in (403, 404), code
        assert client.get(f"/learning/report/{code}/export.csv").status_code in (403, 404), code
    report = page(client.get("/learning/report/"))
    assert [row.th.get_text(strip=True) for row in report.select("tbody tr")] == ["Division CXD"]
    exported = list(csv.reader(io.StringIO(client.get("/learning/report/export.csv").get_data(as_text=True))))
    assert [row[0] for row in exported[1:]] == ["CXD"]
    assert client.get("/learning/analysis/").status_code == 403


def test_steward_sees_every_division_and_a_city_total(app, client, factory, content):
    city(app, factory)
    sign_in(client, factory.user(roles=("staff", "steward"), division="CMO"))
    soup = page(client.get("/learning/report/"))
    divisions = [row.th.get_text(strip=True) for row in soup.select("tbody tr")]
    assert divisions == ["Division CMO", "Division CXD", "Division PFR"]
    total = cells(soup.select_one("tfoot tr"))
    assert total[0] == "City-wide" and "(1/5)" in total[1]
    assert client.get("/learning/report/PFR").status_code == 200


def test_division_csv_neutralises_formulas(app, client, factory, content):
    city(app, factory)
    sign_in(client, factory.user(roles=("staff", "steward"), division="CMO"))
    response = client.get("/learning/report/PFR/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in names
    header = rows[0]
    assert header[:3] == ["Name", "E-mail address", "Start date"]
    status = rows[names.index("'=HYPERLINK(\"http://x\")") + 1][header.index("The Service Promise: status")]
    assert status == "Overdue"


def test_item_analysis_counts_first_attempts_by_question_and_commitment(app, client, factory, content):
    passed, failed = city(app, factory)
    take_quiz(app, failed.id, "service-promise", "right", seed=2)
    with app.app_context():
        answered = db.session.scalar(db.select(db.func.sum(QuestionTally.answered)))
        right = db.session.scalar(db.select(db.func.sum(QuestionTally.answered_right)))
    assert (answered, right) == (16, 8)
    sign_in(client, factory.user(roles=("staff", "steward"), division="CMO"))
    soup = page(client.get("/learning/analysis/"))
    heat = {cells(row)[0]: cells(row)[1:] for row in soup.select("table.heat-map tbody tr")}
    assert set(heat) == {"Division CXD", "Division PFR", "Division CMO"}
    assert all(cell in ("100 %", "— no answers yet") for cell in heat["Division CXD"])
    assert all(cell in ("0 %", "— no answers yet") for cell in heat["Division PFR"])
    assert "100 %" in heat["Division CXD"] and all("%" in cell or "—" in cell for cell in heat["Division CMO"])
    questions = page(client.get("/learning/analysis/service-promise")).select("tbody tr")
    assert len(questions) >= 12
    drawn = [cells(row) for row in questions if cells(row)[3] != "0"]
    assert len(drawn) <= 16 and all(row[2] in ("0 %", "50 %", "100 %") for row in drawn)


def test_the_analysis_pages_show_each_first_attempt_and_recount_at_once(app, client, factory, content):
    """Both pages are kept under the question tallies' mark: a counted first attempt, or a count made again from
    the answers, shows on the next request."""
    from portal.auth.models import User

    person = factory.user(division="CXD", start_date=LONG_AGO)
    factory.user(division="PFR")
    sign_in(client, factory.user(roles=("staff", "steward"), division="CMO"))

    def heat_map() -> dict[str, list[str]]:
        soup = page(client.get("/learning/analysis/"))
        return {cells(row)[0]: cells(row)[1:] for row in soup.select("table.heat-map tbody tr")}

    def answers() -> int:
        return sum(int(cells(row)[3]) for row in page(client.get("/learning/analysis/service-promise")).select("tbody tr"))

    assert "100 %" not in heat_map()["Division CXD"] and answers() == 0
    take_quiz(app, person.id, "service-promise", "right")
    assert "100 %" in heat_map()["Division CXD"] and answers() == 8
    with app.app_context():
        db.session.get(User, person.id).division_id = factory.division("PFR")
        db.session.commit()
        tallies.refresh_all()
        db.session.commit()
    after = heat_map()
    assert "100 %" not in after["Division CXD"] and "100 %" in after["Division PFR"]


def test_tallies_counted_again_from_the_rows_agree(app, factory, content):
    city(app, factory)
    with app.app_context():
        kept = sorted(db.session.execute(db.select(QuestionTally.division_id, QuestionTally.question_id,
                                                   QuestionTally.answered, QuestionTally.answered_right)).all())
        tallies.refresh_all()
        recounted = sorted(db.session.execute(db.select(QuestionTally.division_id, QuestionTally.question_id,
                                                        QuestionTally.answered, QuestionTally.answered_right)).all())
        db.session.rollback()
    assert kept == recounted and kept


@pytest.mark.parametrize("path, role", [("/learning/report/CXD", "lead"), ("/learning/report/", "steward"),
                                        ("/learning/analysis/", "steward"),
                                        ("/learning/analysis/service-standards", "steward"),
                                        ("/learning/", "staff"), ("/learning/service-standards", "staff")])
def test_statements_do_not_grow_with_staff_or_attempts(app, client, factory, content, count_statements, path, role):
    viewer = factory.user(roles=sorted({"staff", role}), division="CXD")
    sign_in(client, viewer)

    def statements() -> int:
        client.get(path)
        with count_statements() as counted:
            assert client.get(path).status_code == 200
        return counted.count

    city(app, factory)
    few = statements()
    for number in range(12):
        person = factory.user(division=("CXD", "PFR", "TS")[number % 3], start_date=LONG_AGO)
        take_quiz(app, person.id, ("service-promise", "code-of-conduct")[number % 2],
                  ("right", "wrong")[number % 2], seed=number)
    assert statements() == few


class Today(date):
    """A clock whose day the test turns over."""

    day = date.today()

    @classmethod
    def today(cls):
        return cls.day


def test_overdue_figures_change_at_midnight_with_nothing_else_changed(app, client, factory, content, monkeypatch):
    """The lead's report is kept under the learning mark and the day: whoever falls due today is not overdue yet,
    and is overdue from the next day on, although no tally changed overnight."""
    monkeypatch.setattr("portal.learning.views.date", Today)
    monkeypatch.setattr("portal.learning.reports.date", Today)
    first_day = Today.day
    factory.user(division="CXD", name="Dee Due", start_date=first_day - timedelta(days=30))
    sign_in(client, factory.user(roles=("staff", "lead"), division="CXD", start_date=first_day))

    def figures() -> tuple[str, list[str], str]:
        division = page(client.get("/learning/report/CXD"))
        promise = cells(division.select("table.report tbody tr")[0])
        overdue = [row.th.get_text(strip=True) for row in division.select("main table:not(.report) tbody tr")]
        city_row = cells(page(client.get("/learning/report/")).select("tbody tr")[0])
        return promise[2], overdue, city_row[2]

    assert figures() == ("0", [], "0")
    assert figures() == ("0", [], "0")
    monkeypatch.setattr(Today, "day", first_day + timedelta(days=1))
    assert figures() == ("1", ["Dee Due"], "1")
