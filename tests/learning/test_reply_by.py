"""The reply-by calculator: the deadline, with the days skipped and why, in both languages."""
from tests.conftest import page, sign_in


def answer(client, **query):
    response = client.get("/reply-by", query_string=query)
    return response, page(response)


def test_the_civic_holiday_weekend_is_explained(client, factory):
    sign_in(client, factory.user())
    response, soup = answer(client, received_on="2026-07-31", received_at="16:40")
    assert response.status_code == 200
    assert soup.select_one("#answer-title").get_text() == "Acknowledge by Thursday, August 6, 2026 at 8:30 a.m."
    steps = [step.get_text(" ", strip=True) for step in soup.select(".reasoning > li")]
    assert "after offices closed" in steps[1] and steps[1].endswith("Tuesday, August 4, 2026 at 8:30 a.m.")
    skipped = [day.get_text(" ", strip=True) for day in soup.select(".reasoning > li > ul > li")]
    assert skipped == ["Saturday, August 1, 2026: weekend", "Sunday, August 2, 2026: weekend",
                       "Monday, August 3, 2026: Civic Holiday"]
    counted = next(step for step in steps if step.startswith("Business days counted:"))
    assert counted == "Business days counted: Wednesday, August 5, 2026; Thursday, August 6, 2026."


def test_around_the_clock_counts_real_hours_across_the_change_of_the_clocks(client, factory):
    sign_in(client, factory.user())
    _response, soup = answer(client, received_on="2026-10-31", received_at="22:00", around_the_clock="y")
    assert soup.select_one("#answer-title").get_text() == "Acknowledge by Monday, November 2, 2026 at 9:00 p.m."
    assert "clocks change" in soup.select_one(".reasoning").get_text()


def test_in_french(client, factory):
    sign_in(client, factory.user(language="fr"))
    _response, soup = answer(client, received_on="2026-12-24", received_at="12:00")
    title = soup.select_one("#answer-title").get_text()
    assert "mercredi 30 décembre 2026 à 12 h 00" in title
    assert "Jour de Noël" in soup.select_one(".reasoning").get_text()


def test_bad_input_is_explained_and_answers_nothing(client, factory):
    sign_in(client, factory.user())
    for query in ({"received_on": "2026-02-30", "received_at": "10:00"}, {"received_on": "", "received_at": ""},
                  {"received_on": "1800-01-01", "received_at": "10:00"}, {"received_on": "2026-01-05", "received_at": "25:99"}):
        response, soup = answer(client, **query)
        assert response.status_code == 422, query
        assert soup.select_one(".error-summary") and soup.select_one(".answer") is None
