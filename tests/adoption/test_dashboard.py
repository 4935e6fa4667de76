"""Phases, the dashboard, its exports and reminders, as stewards and leads see them."""
import csv
import io
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
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


def _quarter_before(year: int, quarter: int, back: int) -> tuple[int, int]:
    number = year * 4 + quarter - 1 - back
    return number // 4, number % 4 + 1


def quarters(app, steward_id: int, current_id: int, back: int = 1) -> list[int]:
    """The reporting periods of the `back` quarters before the current one (already due), oldest first, and the
    current quarter's, which the `city` fixture opened."""
    from portal.adoption.operations import open_period
    from portal.auth.models import User

    today = date.today()
    current = (today.year, (today.month - 1) // 3 + 1)
    with app.test_request_context():
        steward = db.session.get(User, steward_id)
        opened = []
        for step in range(back, 0, -1):
            year, quarter = _quarter_before(*current, step)
            due_on = min(today - timedelta(days=1), date(year, 3 * quarter - 2, 1) + timedelta(days=100))
            opened.append(open_period(year, quarter, due_on, steward).id)
        db.session.commit()
        return [*opened, current_id]


def hand_in(app, period_id: int, codes, factory, answers=None, submit: bool = True) -> None:
    """Each division's lead hands in a report for the period (made on the day the quarter was due)."""
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import save_report
    from portal.auth.models import User

    people = [factory.user(roles=("staff", "lead"), division=code) for code in codes]
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, period_id)
        for person in people:
            lead = db.session.get(User, person.id)
            save_report(period, lead.division, answers or {"staff-briefings-held": {"value": 3}}, None, lead, submit,
                        period.due_on)
        db.session.commit()


def chosen_quarter(soup) -> str:
    return soup.find("select", attrs={"name": "period"}).find("option", selected=True).get_text(strip=True)


def test_the_dashboard_opens_on_the_latest_quarter_due_and_says_how_many_reports_each_average_rests_on(
        app, client, city, factory):
    """An early report for the quarter in progress does not become the city's average."""
    _lead, _other, steward, ids = city
    due, in_progress = quarters(app, steward.id, ids["period"])
    hand_in(app, due, ("PE", "TS", "SPEC"), factory)
    hand_in(app, in_progress, ("CMO",), factory, {"staff-briefings-held": {"value": 0}})
    sign_in(client, steward)
    soup = page(client.get("/adoption/"))
    with app.test_request_context():
        from portal.adoption.models import ReportingPeriod
        due_name, current_name = (db.session.get(ReportingPeriod, found).name for found in (due, in_progress))
    bar_chart = soup.find(id="areas-title").find_next("svg")
    assert bar_chart.title.get_text() == f"Average score by action area, {due_name}"
    assert chosen_quarter(soup).startswith(due_name)
    assert f"Figures for {due_name}" in soup.find(class_="quarter-shown").get_text(" ", strip=True)
    assert "3 of 6 divisions have handed in" in soup.find(class_="quarter-shown").get_text(" ", strip=True)
    trend = soup.find("caption", string="Average score by action area, quarter by quarter").find_parent("table")
    columns = [cell.get_text(strip=True) for cell in trend.thead.find_all("th")]
    rows = {row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in trend.tbody.find_all("tr")}
    assert columns[1] == "Reports handed in" and list(rows) == [due_name]
    assert rows[due_name][0] == "3"
    listed = [row.th.get_text(strip=True) for row in soup.find(id="latest-title").find_next("table").tbody("tr")]
    assert listed == [current_name, due_name]
    link = soup.find("a", string="Download as PDF")
    assert link["href"] == "/adoption/pdf"


def test_a_quarter_is_chosen_with_a_form_that_needs_no_script_and_a_bad_choice_is_refused(app, client, city, factory):
    _lead, _other, steward, ids = city
    due, in_progress = quarters(app, steward.id, ids["period"])
    hand_in(app, in_progress, ("CMO",), factory)
    sign_in(client, steward)
    form = page(client.get("/adoption/")).find("select", attrs={"name": "period"}).find_parent("form")
    assert form["method"] == "get" and form["action"] == "/adoption/" and form.find("button", type="submit")
    assert form.find("label", attrs={"for": "period"}).get_text(strip=True) == "Quarter"
    soup = page(client.get(f"/adoption/?period={in_progress}"))
    with app.test_request_context():
        from portal.adoption.models import ReportingPeriod
        current_name = db.session.get(ReportingPeriod, in_progress).name
    assert chosen_quarter(soup).startswith(current_name)
    assert "1 of 3 divisions has handed in its report" in soup.find(class_="quarter-shown").get_text(" ", strip=True)
    assert soup.find("a", string="Download as PDF")["href"] == f"/adoption/pdf?period={in_progress}"
    assert soup.find("a", string="Download as CSV")["href"] == f"/adoption/export.csv?period={in_progress}"
    assert client.get(f"/adoption/pdf?period={due}").status_code == 200
    with app.test_request_context():
        due_name = db.session.get(ReportingPeriod, due).name
    quarters_in_csv = {row[4] for row in csv.reader(io.StringIO(client.get("/adoption/export.csv").text))}
    assert due_name in quarters_in_csv and current_name not in quarters_in_csv
    chosen_csv = client.get(f"/adoption/export.csv?period={in_progress}").text
    assert current_name in {row[4] for row in csv.reader(io.StringIO(chosen_csv))}
    for bad in ("abc", "99999", "-1", f"{due}.0", f" {due}", "\u0663", "1" * 400, f"{due}&period=x"):
        for path in ("/adoption/", "/adoption/pdf", "/adoption/export.csv"):
            response = client.get(path, query_string={"period": bad})
            assert response.status_code == 400, (path, bad)
            assert "There is no reporting period with that number" in page(response).h1.get_text()


def test_no_quarter_with_reports_awaiting_review_is_left_out(app, client, city, factory):
    """Even one older than the twelve quarters of the trend."""
    _lead, _other, steward, ids = city
    opened = quarters(app, steward.id, ids["period"], back=14)
    hand_in(app, opened[0], ("PE",), factory)
    hand_in(app, opened[5], ("TS",), factory, submit=False)
    sign_in(client, steward)
    soup = page(client.get("/adoption/"))
    with app.test_request_context():
        from portal.adoption.models import ReportingPeriod
        names = [db.session.get(ReportingPeriod, found).name for found in opened]
    table = soup.find(id="latest-title").find_next("table")
    columns = [cell.get_text(strip=True) for cell in table.thead.find_all("th")]
    rows = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in table.tbody.find_all("tr")}
    assert list(rows) == [names[-1], names[-2], names[0]]
    assert rows[names[0]][columns.index("Awaiting review") - 1] == "1"


def landmarks(soup) -> list[tuple[str, str]]:
    """Each landmark's role and accessible name, as a screen reader lists them."""
    found = []
    for element in soup.find_all(True):
        role = element.get("role") or {"nav": "navigation", "main": "main", "aside": "complementary"}.get(
            element.name)
        if element.name in ("section", "form") and (element.get("aria-label") or element.get("aria-labelledby")):
            role = "region" if element.name == "section" else "form"
        if role not in ("region", "navigation", "main", "complementary", "form", "search", "banner",
                        "contentinfo"):
            continue
        labelled = element.get("aria-labelledby")
        name = " ".join(soup.find(id=ident).get_text(" ", strip=True) for ident in labelled.split()) if labelled \
            else element.get("aria-label", "")
        found.append((role, name))
    return found


def test_every_landmark_of_the_dashboard_has_its_own_name(app, client, city, factory):
    _lead, _other, steward, ids = city
    due, _in_progress = quarters(app, steward.id, ids["period"])
    hand_in(app, due, ("PE",), factory)
    sign_in(client, steward)
    for language in ("en", "fr"):
        post_form(client, "/language", {"language": language, "next": "/adoption/"}, token_from="/adoption/")
        found = landmarks(page(client.get("/adoption/")))
        assert len(found) > 8
        assert len(set(found)) == len(found), [item for item in found if found.count(item) > 1]


def whole_city(app, factory, period_id: int, with_figures: int) -> list[str]:
    """The forty divisions of content/divisions.csv, the first `with_figures` of them with inquiry counts typed for
    the period; their codes."""
    import csv
    from pathlib import Path

    from portal.adoption.inquiry_log import CHANNELS, figures_from_counts
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import enter_counts
    from portal.auth.models import User

    rows = list(csv.DictReader(Path(app.config["CONTENT_DIR"], "divisions.csv").open(encoding="utf-8")))
    for row in rows:
        factory.division(row["code"], row["name_en"], row["name_fr"])
    leads = [factory.user(roles=("staff", "lead"), division=row["code"]) for row in rows[:with_figures]]
    if not leads:
        return [row["code"] for row in rows]
    with app.test_request_context():
        period = db.session.get(ReportingPeriod, period_id)
        for index, person in enumerate(leads):
            lead = db.session.get(User, person.id)
            enter_counts(lead.division, period, [figures_from_counts(period.starts_on, channel, 100, 60 + index)
                                                 for channel in CHANNELS], lead)
        db.session.commit()
    return [row["code"] for row in rows]


def test_divisions_without_inquiry_figures_are_named_in_one_line(app, client, city, factory):
    _lead, _other, steward, ids = city
    due, _in_progress = quarters(app, steward.id, ids["period"])
    codes = whole_city(app, factory, due, with_figures=30)
    sign_in(client, steward)
    soup = page(client.get("/adoption/"))
    table = soup.find("caption", string="Compliance by division and channel").find_parent("table")
    assert len(table.tbody.find_all("tr")) == 30
    assert not [row for row in table.tbody("tr") if "not available" in row.get_text()]
    section = soup.find(id="compliance-title").find_parent("section")
    line = section.find(class_="not-available").get_text(" ", strip=True)
    assert line.startswith("No inquiry figures for") and "from 10 divisions:" in line
    with app.app_context():
        from portal.auth.queries import division_by_code
        missing = [division_by_code(code).name_en for code in codes[30:]]
    assert all(name in line for name in missing)
    chart = soup.find(id="compliance-title").find_next("svg")
    assert "Not available" not in chart.desc.get_text()


SVG = "{http://www.w3.org/2000/svg}"


def pdf_layout(html: str):
    """The PDF as WeasyPrint lays it out with the portal's print stylesheet."""
    from weasyprint import CSS, HTML

    from portal.pdf import STYLESHEET, RefusingFetcher

    fetcher = RefusingFetcher()
    return HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)])


def boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def structure(pdf: PdfReader):
    """Every element of the PDF's structure tree."""
    pending = [pdf.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        element = pending.pop().get_object()
        yield element
        kids = element.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object()
            if hasattr(kid, "get") and kid.get("/S"):
                pending.append(kid)


def test_the_city_pdf_is_laid_out_for_paper(app, client, city, factory, monkeypatch):
    """Charts drawn at a size that can be read (the forty divisions' chart in parts that fit a page), headings kept
    with what follows them, header cells with their scope, no table that is only a caption, and one line for the
    divisions without figures."""
    import portal.adoption.views as views
    from portal.adoption.pages import PAPER_BARS

    _lead, _other, steward, ids = city
    due, _in_progress = quarters(app, steward.id, ids["period"])
    whole_city(app, factory, due, with_figures=36)
    hand_in(app, due, ("PE", "TS", "SPEC"), factory)
    sign_in(client, steward)
    rendered = []
    drawn = views.kept_pdf_response
    monkeypatch.setattr(views, "kept_pdf_response", lambda html, name: rendered.append(html) or drawn(html, name))
    for language in ("en", "fr"):
        post_form(client, "/language", {"language": language, "next": "/adoption/"}, token_from="/adoption/")
        response = client.get("/adoption/pdf")
        assert response.status_code == 200
        pdf = PdfReader(io.BytesIO(response.data))
        elements = list(structure(pdf))
        headers = [element for element in elements if element.get("/S") == "/TH"]
        assert headers and all(header["/A"].get("/Scope") in ("/Row", "/Column") for header in headers)
        assert {header["/A"]["/Scope"] for header in headers} == {"/Row", "/Column"}
        for table in (element for element in elements if element.get("/S") == "/Table"):
            kids = table["/K"]
            parts = {kid.get_object().get("/S") for kid in (kids if isinstance(kids, list) else [kids])}
            assert parts & {"/THead", "/TBody", "/TR"}, parts
        nothing = {"not available", "no report", "not set", "non disponible", "aucun rapport", "non définie"}
        for row in BeautifulSoup(rendered[-1], "html.parser").select("tbody tr"):
            assert {cell.get_text(" ", strip=True) for cell in row("td")} - nothing, row.get_text(" ", strip=True)
        if language == "fr":
            continue
        layout = pdf_layout(rendered[-1])
        charts = 0
        for number, page_ in enumerate(layout.pages, 1):
            found = [box for box in boxes(page_._page_box) if box.element is not None]
            for svg in (box for box in found if box.element_tag.endswith("svg")):
                _x, _y, width, height = (float(part) for part in svg.element.get("viewBox").split())
                scale = min(svg.width / width, svg.height / height)
                smallest = min(float(text.get("font-size")) for text in svg.element.iter(f"{SVG}text")
                               if text.get("font-size"))
                assert smallest * scale >= 12, (number, svg.element.find(f"{SVG}title").text, smallest * scale)
                charts += 1
            flow = [box.element_tag for box in found if box.element_tag in ("h1", "h2", "caption", "p", "figure",
                                                                             "table", "tr")]
            assert flow and flow[-1] not in ("h1", "h2", "caption") and flow[-2:] != ["h2", "p"], (number, flow[-3:])
        assert charts == 2 + -(-36 // PAPER_BARS)


def test_a_pdf_is_rendered_once_for_the_same_figures_and_again_when_they_change(app, client, city, factory,
                                                                               monkeypatch):
    import portal.pdf

    _lead, _other, steward, ids = city
    due, _in_progress = quarters(app, steward.id, ids["period"])
    hand_in(app, due, ("PE",), factory)
    sign_in(client, steward)
    rendered = []
    render = portal.pdf.render_pdf
    monkeypatch.setattr(portal.pdf, "render_pdf", lambda html: rendered.append(html) or render(html))
    first, again = (client.get("/adoption/pdf").data for _time in range(2))
    division = [client.get(f"/adoption/divisions/{ids['division']}/pdf").data for _time in range(2)]
    assert first == again and division[0] == division[1] and len(rendered) == 2
    hand_in(app, due, ("TS",), factory)
    changed = client.get("/adoption/pdf").data
    assert len(rendered) == 3 and changed != first
    assert "2 of 5 divisions have handed in" in rendered[-1] and "1 of 4 divisions has handed in" in rendered[0]


def test_divisions_are_listed_in_the_order_of_their_names_in_the_readers_language(app, client, city, factory):
    from portal.collation import sort_key

    _lead, _other, steward, ids = city
    due, _in_progress = quarters(app, steward.id, ids["period"])
    whole_city(app, factory, due, with_figures=40)
    sign_in(client, steward)
    for language in ("en", "fr"):
        post_form(client, "/language", {"language": language, "next": "/adoption/"}, token_from="/adoption/")
        soup = page(client.get("/adoption/"))
        for title in ("divisions-title", "compliance-title"):
            names = [row.th.get_text(strip=True) for row in soup.find(id=title).find_next("table").tbody("tr")]
            assert len(names) == 40 and names == sorted(names, key=sort_key), (language, title)
