"""Quarterly reports through the pages leads and stewards use: drafts, bad input, submission, review, revisions,
two people editing at once, and one division's lead guessing another's addresses."""
import csv
import io
from datetime import date

import pytest

from portal.extensions import db
from tests.conftest import adoption_ids, messages, page, post_form, sign_in


@pytest.fixture
def city(app, factory, content):
    lead = factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead")
    other = factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks")
    steward = factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward")
    return lead, other, steward, adoption_ids(app, lead.id, other.id, steward.id)


def report_row(app, report_id):
    from portal.adoption.models import QuarterlyReport

    with app.app_context():
        found = db.session.get(QuarterlyReport, report_id)
        return found.state.value, found.answers, found.computed, found.revision, len(found.revisions)


def form_path(ids, division=None):
    return f"/adoption/reports/{ids['period']}/{division or ids['division']}"


def complete_answers(app, ids) -> dict:
    from portal.adoption.models import ReportingPeriod

    with app.app_context():
        period = db.session.get(ReportingPeriod, ids["period"])
        answers = {}
        for area in period.indicators["areas"]:
            for indicator in area["indicators"]:
                if indicator["computed"]:
                    continue
                value = {"yes-no": "yes", "count": "4", "percentage": "85,5", "text": "Huddles every week."}
                answers[f"value-{indicator['key']}"] = value[indicator["kind"]]
        return answers


def send(client, ids, action="save", division=None, **fields):
    path = form_path(ids, division)
    revision = page(client.get(path)).find("input", attrs={"name": "revision"})["value"]
    return post_form(client, path, {"revision": revision, "action": action, **fields}, token_from=path)


@pytest.mark.parametrize("field, value, expected", [
    ("value-staff-briefings-held", "-3", "cannot be negative"),
    ("value-staff-briefings-held", "three", "whole number"),
    ("value-managers-trained", "150", "percentage from 0 to 100"),
    ("value-managers-trained", "lots", "percentage from 0 to 100"),
    ("value-divisional-website-updated", "maybe", "Not a valid choice"),
])
def test_bad_figures_are_refused_with_a_message_and_nothing_is_written(app, client, city, field, value, expected):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    before = report_row(app, ids["report"])
    response = send(client, ids, **{field: value})
    assert response.status_code == 422
    assert any(expected in message for message in messages(response)), messages(response)
    assert page(response).select_one(".error-summary") is not None
    assert report_row(app, ids["report"]) == before


def test_submitting_needs_every_answer_and_keeps_what_was_typed(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    response = send(client, ids, action="submit", **{"value-staff-briefings-held": "7"})
    assert response.status_code == 422
    assert any("before submitting" in message for message in messages(response))
    assert page(response).find("input", attrs={"name": "value-staff-briefings-held"})["value"] == "7"
    assert report_row(app, ids["report"])[0] == "draft"


def test_the_form_shows_each_saved_answer_and_computed_figure_at_once(app, client, city):
    """The fields of a saved report are kept under its answers and computed figures: a new answer, or an
    attestation that changes a computed figure, shows on the next request."""
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import computed_for
    from portal.auth.models import Division, User
    from portal.promise.models import Attestation, DocumentKind
    from portal.promise.queries import current_versions

    lead, _other, _steward, ids = city
    sign_in(client, lead)

    def shown(name: str) -> str:
        return page(client.get(form_path(ids))).find("input", attrs={"name": name})["value"]

    assert send(client, ids, **{"value-staff-briefings-held": "7"}).status_code == 302
    assert shown("value-staff-briefings-held") == "7"
    assert send(client, ids, **{"value-staff-briefings-held": "8"}).status_code == 302
    assert shown("value-staff-briefings-held") == "8"

    def attested() -> float | None:
        with app.app_context():
            division = db.session.scalar(db.select(Division).where(Division.code == ids["division"]))
            period = db.session.get(ReportingPeriod, ids["period"])
            return computed_for(period, [division.id])[division.id]["staff-attested"]

    before, text = attested(), page(client.get(form_path(ids))).get_text(" ", strip=True)
    with app.app_context():
        promise = current_versions()[DocumentKind.PROMISE]
        for person in db.session.scalars(db.select(User).where(User.full_name == "Lee Lead")):
            db.session.add(Attestation(user_id=person.id, version_id=promise.id, language="en"))
        db.session.commit()
    assert attested() != before
    assert page(client.get(form_path(ids))).get_text(" ", strip=True) != text


def test_a_draft_is_saved_then_submitted_with_computed_figures_fixed_and_scores(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    answers = complete_answers(app, ids)
    assert send(client, ids, **answers).status_code == 302
    assert send(client, ids, action="submit", **answers).status_code == 302
    state, stored, computed, _revision, revisions = report_row(app, ids["report"])
    assert state == "submitted"
    assert stored["managers-trained"] == {"value": 85.5}
    assert stored["divisional-website-updated"] == {"value": True}
    assert computed["nominations-made"] == 0
    assert computed["acknowledged-within-standard"] is None
    assert revisions == 3
    shown = page(client.get(form_path(ids))).get_text(" ", strip=True)
    assert "Not available" in shown and "Awaiting review" in shown
    assert page(client.get(form_path(ids))).find("form", class_="report-form") is None


def test_the_steward_returns_with_a_comment_the_lead_corrects_and_the_revisions_compare(app, client, city):
    lead, _other, steward, ids = city
    sign_in(client, lead)
    answers = complete_answers(app, ids)
    send(client, ids, action="submit", **answers)
    client.post("/logout", data={})
    lead_client, client = client, app.test_client()
    sign_in(client, steward)
    path = form_path(ids)
    revision = page(client.get(path)).find("input", attrs={"name": "revision"})["value"]
    review = f"/adoption/reports/{ids['report']}/review"
    refused = post_form(client, review, {"revision": revision, "decision": "return", "comment": " "}, token_from=path)
    assert refused.status_code == 422 and report_row(app, ids["report"])[0] == "submitted"
    post_form(client, review, {"revision": revision, "decision": "return", "comment": "Check the briefings."},
              token_from=path)
    assert report_row(app, ids["report"])[0] == "returned"
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    assert "Check the briefings." in page(lead_client.get(path)).get_text()
    send(lead_client, ids, action="submit", **{**answers, "value-staff-briefings-held": "9"})
    state, stored, *_rest, revisions = report_row(app, ids["report"])
    assert state == "submitted" and stored["staff-briefings-held"] == {"value": 9} and revisions == 4
    compared = page(lead_client.get(f"/adoption/reports/{ids['report']}/revisions?from=2&to=4"))
    changed = [row.th.get_text(strip=True) for row in compared.select("tr.changed")]
    assert changed == ["Staff briefings on the Service Promise"]


def form_values(form) -> dict:
    """What a browser would send from this form as it is shown (text, the checked choices, hidden fields; a
    browser drops the line break that starts a text area)."""
    values = {}
    for element in form.find_all(["input", "textarea"]):
        name = element.get("name")
        if not name or (element.get("type") in ("radio", "checkbox") and not element.has_attr("checked")):
            continue
        text = element.get_text() if element.name == "textarea" else element.get("value", "")
        values[name] = text.removeprefix("\r\n").removeprefix("\n") if element.name == "textarea" else text
    return values


def compared(response) -> dict[str, list[str]]:
    """The conflict page's table: each differing indicator with the answer typed and the answer saved."""
    table = page(response).find(id="compare-title").find_next("table")
    return {row.th.get_text(strip=True): [" ".join(cell.get_text(" ", strip=True).split()) for cell in row("td")]
            for row in table.tbody("tr")}


def second_lead_on_the_form(app, client, city, factory):
    """The lead signed in on `client`, and a second lead of the division who has the report form open: the ids,
    the second lead's client, the form's address and the revision their page shows."""
    lead, _other, _steward, ids = city
    colleague = factory.user(roles=("staff", "lead"), division="CXD", name="Second Lead")
    sign_in(client, lead)
    second = app.test_client()
    sign_in(second, colleague)
    path = form_path(ids)
    return ids, second, path, page(second.get(path)).find("input", attrs={"name": "revision"})["value"]


def test_the_second_of_two_people_editing_sees_both_versions_and_loses_nothing(app, client, city, factory):
    """Two people (or two tabs) saving the same report: the second save is not written; the page shows what they
    typed, still in the form, beside the report as it was saved meanwhile, and saving the form again keeps it."""
    ids, second, path, stale = second_lead_on_the_form(app, client, city, factory)
    assert send(client, ids, **{"value-staff-briefings-held": "5", "value-learning-needs": "Scripts for calls.",
                                "value-divisional-website-updated": "no"}).status_code == 302
    saved = report_row(app, ids["report"])
    typed = {"revision": stale, "action": "save", "value-staff-briefings-held": "1",
             "value-divisional-website-updated": "yes", "value-learning-needs": "Scripts for calls.",
             "evidence-divisional-website-updated": "The page went live in May."}
    response = post_form(second, path, typed, token_from=path)

    assert response.status_code == 409
    assert report_row(app, ids["report"]) == saved
    shown = page(response)
    assert shown.title.get_text().startswith("Error:")
    summary = shown.select_one(".error-summary")
    assert "This report was saved while you were editing it" in summary.get_text(" ", strip=True)
    assert summary.find("a")["href"] == "#compare-title"
    assert compared(response) == {"Staff briefings on the Service Promise": ["1 (target 3)", "5 (target 3)"],
                                  "Divisional website updated with the Service Promise": [
                                      "Yes Evidence: The page went live in May.", "No"]}
    assert "Saved by Lee Lead" in shown.find(id="compare-title").find_next("p").get_text()
    form = shown.select_one("form.report-form")
    kept = form_values(form)
    assert {name: kept[name] for name in typed if name not in ("revision", "action")} == {
        name: value for name, value in typed.items() if name not in ("revision", "action")}
    assert kept["revision"] == str(saved[3])

    assert post_form(second, path, {**kept, "action": "save"}, token_from=path).status_code == 302
    state, answers, *_rest = report_row(app, ids["report"])
    assert answers["staff-briefings-held"] == {"value": 1}
    assert answers["divisional-website-updated"] == {"value": True, "evidence": "The page went live in May."}


def test_a_report_handed_in_meanwhile_shows_what_was_typed_beside_it_and_is_not_changed(app, client, city, factory):
    ids, second, path, stale = second_lead_on_the_form(app, client, city, factory)
    assert send(client, ids, action="submit", **complete_answers(app, ids)).status_code == 302
    handed_in = report_row(app, ids["report"])
    response = post_form(second, path, {"revision": stale, "action": "save", "value-staff-briefings-held": "12"},
                         token_from=path)
    assert response.status_code == 409
    assert report_row(app, ids["report"]) == handed_in
    assert "can no longer be changed" in page(response).select_one(".error-summary").get_text(" ", strip=True)
    assert compared(response)["Staff briefings on the Service Promise"] == ["12 (target 3)", "4 (target 3)"]
    assert page(response).select_one("form.report-form") is None
    current = str(handed_in[3])
    assert post_form(second, path, {"revision": current, "action": "save", "value-staff-briefings-held": "12"},
                     token_from=path).status_code == 403


def test_a_lead_cannot_read_or_write_another_divisions_report_by_guessing(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    other = ids["other_division"]
    before = report_row(app, ids["other_report"])
    assert client.get(form_path(ids, other)).status_code == 403
    assert client.get(f"/adoption/reports/{ids['other_report']}/revisions").status_code == 403
    assert client.get(f"/adoption/divisions/{other}").status_code == 403
    assert client.get(f"/adoption/divisions/{other}/export.csv").status_code == 403
    assert client.get(f"/adoption/divisions/{other}/pdf").status_code == 403
    assert client.get(f"/adoption/divisions/{other}/inquiries").status_code == 403
    token_from = form_path(ids)
    assert post_form(client, form_path(ids, other), {"action": "save", "value-staff-briefings-held": "1"},
                     token_from=token_from).status_code == 403
    assert post_form(client, f"/adoption/reports/{ids['other_report']}/review",
                     {"revision": "1", "decision": "accept"}, token_from=token_from).status_code == 403
    assert client.get("/adoption/reports/999999/revisions").status_code == 404
    assert client.get(f"/adoption/reports/{ids['period']}/NOPE").status_code == 404
    assert report_row(app, ids["other_report"]) == before


def test_a_period_keeps_the_indicators_it_opened_with(app, client, city):
    from portal.adoption.operations import sync_indicators
    from portal.adoption.source import IndicatorSetSource, load_indicators

    lead, _other, _steward, ids = city
    with app.app_context():
        changed = load_indicators(app.config["CONTENT_DIR"]).definition
        changed["areas"][0]["indicators"][0]["title"]["en"] = "A renamed indicator"
        sync_indicators(IndicatorSetSource(changed))
        db.session.commit()
    sign_in(client, lead)
    shown = page(client.get(form_path(ids))).get_text(" ", strip=True)
    assert "A renamed indicator" not in shown and "Divisional website" in shown


def test_the_division_export_neutralises_formulas(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    send(client, ids, **{"evidence-divisional-website-updated": "=HYPERLINK(\"http://example.org\")",
                         "value-divisional-website-updated": "yes"})
    response = client.get(f"/adoption/divisions/{ids['division']}/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    evidence = [row[-1] for row in rows if row[-1].startswith("'=")]
    assert evidence == ["'=HYPERLINK(\"http://example.org\")"]


def test_the_operation_itself_refuses_a_lead_writing_another_divisions_report(app, city):
    from datetime import date

    from portal.adoption.models import QuarterlyReport
    from portal.adoption.operations import Refused, save_report
    from portal.auth.models import User

    lead, _other, _steward, ids = city
    before = report_row(app, ids["other_report"])
    with app.test_request_context():
        report = db.session.get(QuarterlyReport, ids["other_report"])
        with pytest.raises(Refused):
            save_report(report.period, report.division, {}, report.revision, db.session.get(User, lead.id), False,
                        date.today())
        db.session.rollback()
    assert report_row(app, ids["other_report"]) == before


def test_the_division_export_reads_a_fixed_number_of_statements(app, client, city, count_statements):
    from portal.adoption.operations import open_period
    from portal.auth.models import User

    lead, _other, steward, ids = city
    sign_in(client, lead)
    path = f"/adoption/divisions/{ids['division']}/export.csv"
    client.get(path)
    with count_statements() as one_quarter:
        client.get(path)
    with app.test_request_context():
        for quarter in (1, 2, 3):
            open_period(2024, quarter, date(2024, 12, 31), db.session.get(User, steward.id))
        db.session.commit()
    with count_statements() as four_quarters:
        rows = list(csv.reader(io.StringIO(client.get(path).get_data(as_text=True).lstrip("\ufeff"))))
    assert four_quarters.count == one_quarter.count
    assert {row[0] for row in rows[1:]} == {"2024 Q1", "2024 Q2", "2024 Q3", ids_period_name(app, ids)}


def ids_period_name(app, ids) -> str:
    from portal.adoption.models import ReportingPeriod

    with app.test_request_context():
        return db.session.get(ReportingPeriod, ids["period"]).name


def test_kept_computed_figures_move_with_nominations_and_inquiry_counts_at_once(app, city, factory):
    """Computed figures are kept under their sources' marks: a nomination submitted or withdrawn, and counts
    entered, change them on the next reading."""
    from portal.adoption.inquiry_log import MonthlyFigure
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import computed_for, enter_counts
    from portal.auth.models import User
    from portal.recognition.models import Programme
    from portal.recognition.operations import (CycleSettings, open_cycle, save_draft, start_nomination,
                                               submit_nomination, withdraw_nomination)

    lead, other, _steward, ids = city
    committee = factory.user(roles=("staff", "committee"), division="CMO", name="Cam Committee")
    today = date.today()

    def figures(person_id: int) -> dict:
        with app.test_request_context():
            period = db.session.get(ReportingPeriod, ids["period"])
            division_id = db.session.get(User, person_id).division_id
            return computed_for(period, [division_id])[division_id]

    assert (figures(lead.id)["nominations-made"], figures(other.id)["nominations-received"]) == (0, 0)
    assert figures(lead.id)["acknowledged-within-standard"] is None
    with app.test_request_context():
        nominator, nominee, chair = (db.session.get(User, person.id) for person in (lead, other, committee))
        award = db.session.scalar(db.select(Programme).where(Programme.slug == "city-managers-award"))
        cycle = open_cycle(award, CycleSettings("Now", today, today, frozenset({chair.id}), chair.id), chair)
        nomination = start_nomination(cycle, nominator, nominee, today)
        save_draft(nomination, "simple-and-convenient", None, "Kept every promise.", nomination.revision, today)
        submit_nomination(nomination, nomination.revision, today)
        db.session.commit()
        nomination_id = nomination.id
    assert (figures(lead.id)["nominations-made"], figures(other.id)["nominations-received"]) == (1, 1)
    with app.test_request_context():
        from portal.recognition.models import Nomination

        found = db.session.get(Nomination, nomination_id)
        withdraw_nomination(found, found.nominator, found.revision, today)
        db.session.commit()
    assert (figures(lead.id)["nominations-made"], figures(other.id)["nominations-received"]) == (0, 0)
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, ids["period"])
        person = db.session.get(User, lead.id)
        month = period.starts_on
        enter_counts(person.division, period, [MonthlyFigure(month, "email", 10, 10, 8, 0, None)], person)
        db.session.commit()
    assert figures(lead.id)["acknowledged-within-standard"] == 80.0


HOSTILE_NUMBERS = ["9" * 5_000, "-" + "9" * 5_000, "²", "٣", "１２", "1e400", "-1"]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS, ids=["5000-digits", "minus-5000-digits", "superscript-two",
                                                        "arabic-indic-three", "fullwidth-twelve", "exponent", "negative"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_hostile_numbers_in_the_report_get_the_portals_own_message(app, client, city, factory, value, language):
    """Neither Python's digit limit nor its messages reach the lead: each count and percentage gets the portal's
    message in the reader's language, and nothing is written."""
    lead, _other, _steward, ids = city
    if language == "fr":
        lead = factory.user(roles=("staff", "lead"), division="CXD", name="Léa Leclerc", language="fr")
    sign_in(client, lead)
    before = report_row(app, ids["report"])
    response = send(client, ids, **{"value-staff-briefings-held": value, "value-managers-trained": value})
    assert response.status_code == 422
    shown = page(response)
    errors = {element["id"]: element.get_text(" ", strip=True) for element in shown.select("p.error")}
    count, share = errors["value-staff-briefings-held-error"], errors["value-managers-trained-error"]
    expected = {"en": ("whole number of 0 or more", "cannot be negative", "larger than any division could count",
                       "percentage from 0 to 100"),
                "fr": ("nombre entier", "négative", "dépasse", "pourcentage de 0 à 100")}[language]
    assert any(words in count for words in expected[:3]), count
    assert expected[3] in share, share
    text = shown.get_text(" ", strip=True)
    assert "Exceeds the limit" not in text and "4300" not in text
    assert shown.select_one(".error-summary") is not None
    assert report_row(app, ids["report"]) == before


@pytest.mark.parametrize("query", ["from=%C2%B2", "from=%D9%A3&to=%C2%B2", "from=" + "9" * 5_000, "to=-1",
                                   "from=-" + "9" * 5_000, "from=0&to=99", "from=%EF%BC%91"])
def test_revisions_compared_by_hostile_numbers_fall_back_to_the_latest_two(app, client, city, query):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    for figure in ("1", "2"):
        assert send(client, ids, **{"value-staff-briefings-held": figure}).status_code == 302
    response = client.get(f"/adoption/reports/{ids['report']}/revisions?{query}")
    assert response.status_code == 200
    shown = page(response)
    assert [option["value"] for option in shown.select("#from option[selected], #to option[selected]")] == ["2", "3"]


class Day(date):
    """date, with today() set by the test."""

    chosen = date.today()

    @classmethod
    def today(cls) -> date:
        return cls.chosen


def handed_in_late(client, paths: list[str]) -> list[str]:
    """Every mention of lateness on these pages: the tags beside reports and the report's own facts."""
    return [" ".join(element.get_text(" ", strip=True).split()) for path in paths
            for element in page(client.get(path)).select(".tag, .facts dd")
            if "late" in element.get_text().lower()]


def test_a_report_returned_and_handed_in_again_keeps_its_first_hand_in_day(app, client, city, monkeypatch):
    from datetime import datetime, time, timedelta

    from portal.adoption import operations, views
    from portal.adoption.models import QuarterlyReport, ReportingPeriod

    lead, other, steward, ids = city
    due = date.today() - timedelta(days=20)
    with app.app_context():
        db.session.get(ReportingPeriod, ids["period"]).due_on = due
        db.session.commit()
    monkeypatch.setattr(views, "date", Day)

    def on(day: date):
        Day.chosen = day
        monkeypatch.setattr(operations, "utcnow", lambda: datetime.combine(day, time(15)))

    sign_in(client, lead)
    answers = complete_answers(app, ids)
    on(due - timedelta(days=1))
    assert send(client, ids, action="submit", **answers).status_code == 302
    steward_client = app.test_client()
    sign_in(steward_client, steward)
    on(due + timedelta(days=2))
    path = form_path(ids)
    revision = page(steward_client.get(path)).find("input", attrs={"name": "revision"})["value"]
    assert post_form(steward_client, f"/adoption/reports/{ids['report']}/review",
                     {"revision": revision, "decision": "return", "comment": "Add the huddles."},
                     token_from=path).status_code == 302
    on(due + timedelta(days=5))
    assert send(client, ids, action="submit", **answers).status_code == 302

    with app.app_context():
        report = db.session.get(QuarterlyReport, ids["report"])
        assert (report.state.value, report.submitted_on, report.is_late()) == ("submitted", due - timedelta(days=1),
                                                                             False)
    assert handed_in_late(steward_client, ["/adoption/", f"/adoption/divisions/{ids['division']}", path]) == []
    facts = page(steward_client.get(path)).select_one(".facts").get_text(" ", strip=True)
    assert "Handed in on " + long_day(app, due - timedelta(days=1)) in facts
    assert "Handed in again on " + long_day(app, due + timedelta(days=5)) in facts
    assert late_count(steward_client) == 0

    other_client = app.test_client()
    sign_in(other_client, other)
    assert send(other_client, ids, action="submit", division=ids["other_division"], **answers).status_code == 302
    assert late_count(steward_client) == 1
    rows = {row.th.get_text(strip=True): row.get_text(" ", strip=True)
            for row in page(steward_client.get(f"/adoption/periods/{ids['period']}")).select("tbody tr")}
    assert "late" in rows["Division PFR"] and "late" not in rows["Division CXD"]
    assert "late" in page(steward_client.get(form_path(ids, ids["other_division"]))).select_one(".facts").get_text()


def long_day(app, day: date) -> str:
    from portal.formatting import long_date

    with app.test_request_context():
        return long_date(day)


def late_count(client) -> int:
    """The chosen quarter's count of reports handed in late, as the dashboard shows it."""
    table = page(client.get("/adoption/")).find(id="latest-title").find_next("table")
    columns = [cell.get_text(strip=True) for cell in table.thead.find_all("th")]
    cells = [cell.get_text(strip=True) for cell in table.tbody.find("tr").find_all(["th", "td"])]
    return int(cells[columns.index("Handed in late")])


def test_the_upgrade_gives_a_report_handed_in_again_its_first_day_back(app, city):
    """Migration 0013 sets the day a returned report was first handed in back from its revisions (in Toronto
    time), and leaves a report handed in once as it is, even where its day in Toronto differs from the day stored."""
    from datetime import datetime

    from flask_migrate import downgrade, upgrade

    from portal.adoption.models import QuarterlyReport, ReportRevision, ReportState
    from portal.config import BASE_DIR

    _lead, _other, _steward, ids = city
    migrations = str(BASE_DIR / "migrations")
    with app.app_context():
        report, other = (db.session.get(QuarterlyReport, ids[key]) for key in ("report", "other_report"))
        for found, steps in ((report, [("submitted", datetime(2026, 7, 31, 3, 30)),
                                       ("returned", datetime(2026, 8, 2, 14, 0)),
                                       ("submitted", datetime(2026, 8, 6, 14, 0))]),
                             (other, [("submitted", datetime(2026, 8, 4, 1, 30))])):  # 21:30 the 3rd, Toronto
            for number, (state, moment) in enumerate(steps, start=len(found.revisions) + 1):
                db.session.add(ReportRevision(report_id=found.id, number=number, state=ReportState(state),
                                              answers={}, computed={}, created_at=moment))
            found.state, found.submitted_on = ReportState.SUBMITTED, steps[-1][1].date()
        db.session.commit()
        downgrade(directory=migrations, revision="0012_cycle_names")
        upgrade(directory=migrations)
        db.session.expire_all()
        assert db.session.get(QuarterlyReport, ids["report"]).submitted_on == date(2026, 7, 30)
        assert db.session.get(QuarterlyReport, ids["other_report"]).submitted_on == date(2026, 8, 4)


def review_revision(client, ids) -> str:
    return page(client.get(form_path(ids))).find("form", action=f"/adoption/reports/{ids['report']}/review").find(
        "input", attrs={"name": "revision"})["value"]


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_a_review_from_a_page_out_of_date_is_refused_with_the_usual_message(app, client, city, factory, decision):
    """A steward decides on the report as their page showed it: another steward's decision meanwhile, or the
    report returned and handed in again meanwhile (awaiting review as before), makes the decision refused with the
    usual message, and nothing changes."""
    lead, _other, steward, ids = city
    colleague = factory.user(roles=("staff", "steward"), division="CMO", name="Sam Second")
    sign_in(client, lead)
    answers = complete_answers(app, ids)
    assert send(client, ids, action="submit", **answers).status_code == 302
    first, second = app.test_client(), app.test_client()
    sign_in(first, steward)
    sign_in(second, colleague)
    review = f"/adoption/reports/{ids['report']}/review"
    decided = {"decision": decision, "comment": "Looks right." if decision == "accept" else "Add the huddles."}

    def refused(stale: str) -> None:
        before = report_row(app, ids["report"])
        response = post_form(first, review, {"revision": stale, **decided}, token_from=form_path(ids),
                             follow_redirects=True)
        assert any("Someone else changed this report while you were looking at it" in message
                   for message in messages(response)), messages(response)
        assert report_row(app, ids["report"]) == before

    def returned_by_colleague() -> None:
        assert post_form(second, review, {"revision": review_revision(second, ids), "decision": "return",
                                          "comment": "Count the huddles."}, token_from=form_path(ids)).status_code == 302

    stale = review_revision(first, ids)
    returned_by_colleague()
    refused(stale)
    assert report_row(app, ids["report"])[0] == "returned"

    assert send(client, ids, action="submit", **answers).status_code == 302
    stale = review_revision(first, ids)
    returned_by_colleague()
    assert send(client, ids, action="submit", **{**answers, "value-team-huddles-held": "8"}).status_code == 302
    assert report_row(app, ids["report"])[0] == "submitted"
    refused(stale)


KNOWN_ANSWERS = {
    # Communication: website yes (met), briefings 2 of 3, council yes (met), variations no, conduct yes (met); and
    # staff attested, computed: 0 % of 90 → 3 of 6 met.
    "value-divisional-website-updated": "yes", "value-staff-briefings-held": "2",
    "value-promise-shared-with-council": "yes", "value-standard-variations-stated": "no",
    "value-code-of-conduct-displayed": "yes",
    # Learning: managers 80 % of 80 (met), huddles 6 of 6 (met), material yes (met); onboarding, computed: 0 % of
    # 90; the text is not judged → 3 of 4.
    "value-managers-trained": "80", "value-team-huddles-held": "6", "value-divisional-material-developed": "yes",
    "value-learning-needs": "Scripts for phone calls.",
    # Performance: posted yes (met), tools no, conversations 74.9 % of 75; compliance has no source yet and is
    # left out, not counted as a miss → 1 of 3.
    "value-service-standards-posted": "yes", "value-divisional-tools-used": "no",
    "value-performance-conversations": "74,9", "value-service-user-changes": "Longer opening hours.",
    # Recognition: programme yes (met), stories 1 of 1 (met); nominations made 0 of 5 and received 0 of 3,
    # computed → 2 of 4.
    "value-promise-in-recognition-programme": "yes", "value-success-stories-shared": "1",
    "value-recognition-highlight": "A thank-you wall.",
}


def test_area_scores_of_a_known_report_are_the_share_of_targets_met(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    assert send(client, ids, action="submit", **KNOWN_ANSWERS).status_code == 302
    from portal.adoption.models import QuarterlyReport

    with app.app_context():
        report = db.session.get(QuarterlyReport, ids["report"])
        computed, scores = report.computed, report.scores
    assert computed == {"staff-attested": 0.0, "onboarding-completed": 0.0, "acknowledged-within-standard": None,
                        "nominations-made": 0, "nominations-received": 0}
    assert scores == {"communication": 50.0, "learning": 75.0, "performance": 33.3, "recognition": 50.0}

    shown = page(client.get(form_path(ids)))
    headings = [" ".join(heading.get_text(" ", strip=True).split()).replace("\u00a0", " ")
                for heading in shown.select("section h2[id^=area-]")]
    assert headings == ["Communication — 50 %", "Learning — 75 %", "Recognition — 50 %", "Performance — 33.3 %"]
    division = page(client.get(f"/adoption/divisions/{ids['division']}"))
    quarter = division.find(id="reports-title").find_next("table").tbody.tr
    assert quarter("td")[-1].get_text(strip=True).replace("\u00a0", " ") == "52.1 %"
    trend = division.find(id="trend-title").find_next("table")
    row = next(row for row in trend.tbody("tr") if row.th.get_text(strip=True) == quarter.th.get_text(strip=True))
    assert [cell.get_text(strip=True).replace("\u00a0", " ") for cell in row("td")] == ["50 %", "75 %", "50 %",
                                                                                       "33.3 %"]


def test_a_revision_sent_for_a_report_that_does_not_exist_is_refused_with_a_message(app, client, city, factory):
    """A made-up revision for a division with no report yet: the portal's message, nothing written, never a 5xx."""
    from portal.adoption.models import QuarterlyReport

    _lead, _other, _steward, ids = city
    newcomer = factory.user(roles=("staff", "lead"), division="PE", name="Nia Newlead")
    sign_in(client, newcomer)
    path = form_path(ids, "PE")
    response = post_form(client, path, {"revision": "7", "action": "save", "value-staff-briefings-held": "2"},
                         token_from=path)
    assert response.status_code == 422
    assert any("Someone else changed this report" in message for message in messages(response))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(QuarterlyReport.id))) == 2
