"""A division's rollout phase and status as stewards change them and everyone reads them."""
import pytest

from portal.extensions import db
from tests.conftest import adoption_ids, page, post_form, sign_in


@pytest.fixture
def city(app, factory, content):
    lead = factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead")
    other = factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks")
    steward = factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward")
    return lead, steward, adoption_ids(app, lead.id, other.id, steward.id)


def test_a_change_of_status_alone_is_recorded_and_shown(app, client, city):
    """The phase stays Crawl and only its status moves to complete: a change of its own, kept with who and why,
    on the division's timeline, in its current phase, and in the city's list of changes."""
    from portal.adoption.models import DivisionPhase, PhaseChange

    lead, steward, ids = city
    sign_in(client, steward)
    path = f"/adoption/divisions/{ids['division']}/phase"
    for status, reason in (("in_progress", "Consultation under way."), ("complete", "Staff consulted.")):
        response = post_form(client, path, {"phase": "crawl", "status": status, "reason": reason}, token_from=path)
        assert response.status_code == 302

    with app.app_context():
        changes = [(change.phase.value, change.status.value, change.reason) for change in
                   db.session.scalars(db.select(PhaseChange).order_by(PhaseChange.id))]
        current = db.session.scalar(db.select(DivisionPhase))
        assert (current.phase.value, current.status.value) == ("crawl", "complete")
    assert changes == [("crawl", "in_progress", "Consultation under way."), ("crawl", "complete", "Staff consulted.")]

    lead_client = app.test_client()
    sign_in(lead_client, lead)
    shown = page(lead_client.get(f"/adoption/divisions/{ids['division']}"))
    assert " ".join(shown.select_one("p.lead").get_text(" ", strip=True).split()).startswith(
        "Rollout phase: Crawl (complete)")
    timeline = [" ".join(item.get_text(" ", strip=True).split()) for item in shown.select("#timeline-title ~ ol li")]
    assert [item.split(",")[0].strip() for item in timeline] == ["Crawl — complete", "Crawl — in progress"]
    assert "Staff consulted." in timeline[0] and "Stella Steward" in timeline[0]
    city_changes = page(client.get("/adoption/timeline")).select("tbody tr")
    assert [row("td")[1].get_text(strip=True) for row in city_changes] == ["Crawl (complete)", "Crawl (in progress)"]
