"""Phases, the dashboard, its exports and reminders, as stewards and leads see them."""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.extensions import db
from tests.conftest import adoption_ids, messages, page, post_form, sign_in


@pytest.fixture
def city(app, factory, content):
    lead = factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead")
    other = factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks", language="fr")
    steward = factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward")
    return lead, other, steward, adoption_ids(app, lead.id, other.id, steward.id)


def test_a_phase_change_is_kept_with_who_when_and_why(app, client, city):
    lead, _other, steward, ids = city
    sign_in(client, steward)
    path = f"/adoption/divisions/{ids['division']}/phase"
    missing = post_form(client, path, {"phase": "walk", "status": "in_progress", "reason": ""}, token_from=path)
    assert missing.status_code == 422
    for phase in ("crawl", "walk"):
        response = post_form(client, path, {"phase": phase, "status": "in_progress", "reason": f"Now {phase}."},
                             token_from=path)
        assert response.status_code == 302
    same = post_form(client, path, {"phase": "walk", "status": "in_progress", "reason": "Again."}, token_from=path)
    assert same.status_code == 422 and any("already" in message for message in messages(same))
    timeline = page(client.get(f"/adoption/divisions/{ids['division']}")).select("ol.plain li")
    assert [item.get_text(" ", strip=True).split(",")[0].strip() for item in timeline] == ["Walk — in progress",
                                                                                  "Crawl — in progress"]
    assert "Now walk." in timeline[0].get_text() and "Stella Steward" in timeline[0].get_text()
    client.post("/logout")
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    assert lead_client.get(path).status_code == 403


def test_the_dashboard_reads_a_fixed_number_of_statements_whatever_the_reports(app, client, city, factory,
                                                                              count_statements):
    """Read afresh after a change and from the kept figures otherwise; neither grows with the reports."""
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import save_report
    from portal.auth.models import User

    _lead, _other, steward, ids = city
    sign_in(client, steward)
    client.get("/")

    def statements() -> tuple[int, int]:
        counted = []
        for _time in range(2):
            with count_statements() as counter:
                assert client.get("/adoption/").status_code == 200
            counted.append(counter.count)
        return tuple(counted)

    few = statements()
    assert awaiting_review(client) == 0
    people = [factory.user(roles=("staff", "lead"), division=code) for code in ("PE", "TS", "SPEC")]
    with app.test_request_context():
        for person in people:
            lead = db.session.get(User, person.id)
            save_report(db.session.get(ReportingPeriod, ids["period"]), lead.division,
                        {"staff-briefings-held": {"value": 3}}, None, lead, True, date.today())
        db.session.commit()
    many = statements()
    assert many == few and few[1] < few[0]
    assert awaiting_review(client) == 3


def awaiting_review(client) -> int:
    """The current quarter's count of reports awaiting review, as the dashboard shows it."""
    table = page(client.get("/adoption/")).find(id="latest-title").find_next("table")
    columns = [cell.get_text(strip=True) for cell in table.thead.find_all("th")]
    first = table.tbody.find("tr")
    cells = [cell.get_text(strip=True) for cell in first.find_all(["th", "td"])]
    return int(cells[columns.index("Awaiting review")])


def test_not_available_is_shown_for_figures_without_a_source_never_zero(app, client, city):
    lead, _other, _steward, ids = city
    sign_in(client, lead)
    shown = page(client.get(f"/adoption/reports/{ids['period']}/{ids['division']}"))
    computed = [block.get_text(" ", strip=True) for block in shown.select(".computed")]
    compliance = next(text for text in computed if "within" in text.lower())
    assert "Not available" in compliance and "0 %" not in compliance


def test_the_city_exports_are_csv_and_a_tagged_pdf_in_the_readers_language(app, client, city):
    _lead, _other, steward, _ids = city
    sign_in(client, steward)
    csv_response = client.get("/adoption/export.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    pdf = PdfReader(io.BytesIO(client.get("/adoption/pdf").data))
    assert "/StructTreeRoot" in pdf.trailer["/Root"]
    assert "Service Promise adoption" in pdf.pages[0].extract_text()


def test_reminders_go_once_a_day_to_leads_still_owing_and_through_the_outbox(app, city, smtp, cli, monkeypatch):
    from portal.adoption.models import ReportingPeriod

    lead, other, _steward, ids = city
    monkeypatch.setitem(app.config, "SERVER_NAME", "portal.example.org")
    with app.app_context():
        db.session.get(ReportingPeriod, ids["period"]).due_on = date.today() + timedelta(days=3)
        db.session.commit()
    first = cli("reminders", "send")
    assert first.exit_code == 0, first.output
    assert "2 queued" in first.output
    second = cli("reminders", "send")
    assert "0 queued" in second.output
    received = smtp.wait(2)
    by_address = {message["To"]: message for _recipients, message in received}
    assert set(by_address) == {lead.email, other.email}
    assert "Rappel" in by_address[other.email]["Subject"]
    body = by_address[lead.email].get_payload(decode=True).decode()
    assert f"://portal.example.org/adoption/reports/{ids['period']}/{ids['division']}" in body


def test_reminders_need_the_portals_address(app, city, cli, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    result = cli("reminders", "send")
    assert result.exit_code != 0 and "SERVER_NAME" in result.output
