"""Adoption pages keep what they draw (figures under their sources, links under who reads them): whatever is kept,
a change shows at once, and no reader is given what was drawn for another."""
import re

from tests.conftest import page, post_form, sign_in
from tests.adoption.test_reports import city, complete_answers, form_path, send  # noqa: F401  (city: a fixture)


def dashboard_states(client) -> dict[str, str]:
    """The dashboard's count of reports in each state for the quarter it shows, by column."""
    table = page(client.get("/adoption/")).find(id="latest-title").find_next("table")
    columns = [cell.get_text(strip=True) for cell in table.thead("th")]
    return dict(zip(columns, (cell.get_text(strip=True) for cell in table.tbody.tr(["th", "td"]))))


def division_report(client, code: str) -> tuple[str, str]:
    """The division page's report for the quarter: its state, and its overall score."""
    row = page(client.get(f"/adoption/divisions/{code}")).find(id="reports-title").find_next("table").tbody.tr
    cells = [" ".join(cell.get_text(" ", strip=True).split()).replace("\u00a0", " ") for cell in row("td")]
    return cells[1], cells[-1]


def test_a_report_saved_or_reviewed_shows_at_once_on_the_dashboard_and_the_division_page(app, client, city,
                                                                                         factory):
    lead, _other, steward, ids = city
    newcomer = factory.user(roles=("staff", "lead"), division="PE", name="Nia Newlead")
    sign_in(client, steward)
    before = dashboard_states(client)
    assert (before["Draft"], before["Awaiting review"]) == ("2", "0")
    assert division_report(client, "PE") == ("no report", "not available")
    assert division_report(client, ids["division"]) == ("Draft", "not available")

    lead_client, newcomer_client = app.test_client(), app.test_client()
    sign_in(newcomer_client, newcomer)
    assert send(newcomer_client, ids, division="PE", **{"value-staff-briefings-held": "2"}).status_code == 302
    saved = dashboard_states(client)
    assert (saved["Draft"], int(saved["No report"])) == ("3", int(before["No report"]) - 1)
    assert division_report(client, "PE") == ("Draft", "not available")

    sign_in(lead_client, lead)
    answers = complete_answers(app, ids)
    assert send(lead_client, ids, action="submit", **answers).status_code == 302
    assert (dashboard_states(client)["Draft"], dashboard_states(client)["Awaiting review"]) == ("2", "1")
    state, first_score = division_report(client, ids["division"])
    assert state == "Awaiting review" and re.fullmatch(r"[0-9.]+ %", first_score), first_score

    def review(decision: str) -> None:
        path = form_path(ids)
        revision = page(client.get(path)).find("form", action=re.compile("/review$")).find(
            "input", attrs={"name": "revision"})["value"]
        assert post_form(client, f"/adoption/reports/{ids['report']}/review",
                         {"revision": revision, "decision": decision, "comment": "Count the huddles."},
                         token_from=path).status_code == 302

    review("return")
    assert (dashboard_states(client)["Awaiting review"], dashboard_states(client)["Returned for changes"]) == ("0",
                                                                                                            "1")
    assert division_report(client, ids["division"]) == ("Returned for changes", "not available")

    assert send(lead_client, ids, action="submit", **{**answers, "value-staff-briefings-held": "1"}).status_code == 302
    review("accept")
    states = dashboard_states(client)
    assert (states["Returned for changes"], states["Awaiting review"], states["Accepted"]) == ("0", "0", "1")
    state, score = division_report(client, ids["division"])
    assert state == "Accepted" and re.fullmatch(r"[0-9.]+ %", score) and score != first_score, (score, first_score)


def adoption_links(client, path: str) -> list[str]:
    """Every link on the page that names a division in its address."""
    return sorted({link["href"] for link in page(client.get(path)).select("a[href]")
                   if re.search(r"/(divisions|reports/\d+|attestation|learning/report|recognition/report)/[A-Z]",
                                link["href"])})


def test_one_divisions_lead_is_never_given_another_divisions_links(app, client, city):
    """The adoption pages' own links are drawn once and kept: each lead, on the same pages one after the other and
    in either order, gets only links to their own division."""
    lead, other, _steward, ids = city
    clients = {}
    for person, code in ((lead, ids["division"]), (other, ids["other_division"])):
        clients[code] = app.test_client()
        sign_in(clients[code], person)
    mine, theirs = ids["division"], ids["other_division"]
    pages = {code: [f"/adoption/divisions/{code}", f"/adoption/divisions/{code}/inquiries",
                    f"/adoption/reports/{ids['period']}/{code}", "/adoption/"]
             for code in (mine, theirs)}
    for first, second in ((mine, theirs), (theirs, mine), (mine, theirs)):
        for number in range(len(pages[mine])):
            for code in (first, second):
                found = adoption_links(clients[code], pages[code][number])
                assert found, pages[code][number]
                stranger = theirs if code == mine else mine
                assert not [link for link in found if f"/{stranger}" in link], (code, pages[code][number], found)
                assert f"/adoption/divisions/{code}" in found


def briefings_shown(client, path: str) -> str:
    return page(client.get(path)).find("input", attrs={"name": "value-staff-briefings-held"}).get("value", "")


def test_what_a_lead_typed_into_an_expired_form_goes_back_to_them_alone(app, client, city, factory, monkeypatch):
    """The report's fields are a kept part; what one lead typed and never saved must not become it."""
    lead, other, _steward, ids = city
    colleague = factory.user(roles=("staff", "lead"), division="CXD", name="Cole Colead")
    path = form_path(ids)
    sign_in(client, lead)
    revision = page(client.get(path)).find("input", attrs={"name": "revision"})["value"]
    token = page(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    refused = client.post(path, data={"csrf_token": token, "revision": revision, "action": "save",
                                      "value-staff-briefings-held": "77"},
                          headers={"Origin": "http://localhost", "Referer": f"http://localhost{path}"})
    monkeypatch.undo()
    assert refused.status_code == 303
    assert briefings_shown(client, path) == "77"
    colleague_client, other_client = app.test_client(), app.test_client()
    sign_in(colleague_client, colleague)
    sign_in(other_client, other)
    assert briefings_shown(colleague_client, path) == ""
    assert briefings_shown(other_client, form_path(ids, "PFR")) == ""
    assert briefings_shown(client, path) == ""
