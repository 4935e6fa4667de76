"""No address tells anyone that a nomination exists, or whom it names: for every nomination route, a nomination
the reader may not see answers exactly as one that does not exist, and nothing changes."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.conftest import PASSWORD, csrf_token, messages, page, sign_in

CITATION = "Kept the pool open all summer for the day camps, with a schedule every family could read."


def _open_then_close(cycle, today):
    cycle.opens_on, cycle.closes_on = today - timedelta(days=30), today - timedelta(days=1)


def build_world(app, factory) -> SimpleNamespace:
    """Nora nominates Nico (PFR) in every state: a draft, a submitted and a withdrawn nomination in an open cycle;
    one under review, one not awarded and one awarded in a closed one. Rae chairs both cycles' committee, and Cole
    sits on it from Nico's division; Ada administers; Sam is anyone."""
    from portal.auth.models import User
    from portal.recognition.models import NominationState, Programme
    from portal.recognition.operations import (CycleSettings, decide_nomination, open_cycle, save_draft,
                                               start_nomination, submit_nomination, withdraw_nomination)

    people = SimpleNamespace(
        nora=factory.user(division="CXD", name="Nora Nominator"),
        nico=factory.user(division="PFR", name="Nico Named"),
        also=factory.user(division="PFR", name="Alma Also"),
        rae=factory.user(roles=("staff", "committee"), division="TS", name="Rae Reviewer"),
        cole=factory.user(roles=("staff", "committee"), division="PFR", name="Cole Committee"),
        ada=factory.user(roles=("staff", "admin"), division="TS", name="Ada Admin"),
        sam=factory.user(division="TS", name="Sam Someone"))
    today = date.today()
    ids = {}
    with app.test_request_context():
        nora, nico, rae, also = (db.session.get(User, person.id) for person in (people.nora, people.nico, people.rae,
                                                                                people.also))
        award = db.session.scalar(select(Programme).where(Programme.slug == "city-managers-award"))
        committee = frozenset({people.rae.id, people.cole.id})
        opened = open_cycle(award, CycleSettings("Open", today - timedelta(days=5), today + timedelta(days=5),
                                                 committee, people.rae.id, name_fr="Ouvert"), rae)
        closed = open_cycle(award, CycleSettings("Closed", today, today + timedelta(days=5), committee,
                                                 people.rae.id, name_fr="Clos"), rae)

        def nominated(cycle, category, state):
            nomination = start_nomination(cycle, nora, nico, today)
            save_draft(nomination, category, None, CITATION, nomination.revision, today)
            if state is not NominationState.DRAFT:
                submit_nomination(nomination, nomination.revision, today)
            if state is NominationState.WITHDRAWN:
                withdraw_nomination(nomination, nora, nomination.revision, today)
            return nomination

        ids["draft"] = nominated(opened, "fair-and-respectful", NominationState.DRAFT).id
        ids["submitted"] = nominated(opened, "simple-and-convenient", NominationState.SUBMITTED).id
        ids["withdrawn"] = nominated(opened, "choice-and-accessibility", NominationState.WITHDRAWN).id
        review = nominated(closed, "fair-and-respectful", NominationState.SUBMITTED)
        refused = nominated(closed, "simple-and-convenient", NominationState.SUBMITTED)
        awarded = nominated(closed, "choice-and-accessibility", NominationState.SUBMITTED)
        _open_then_close(closed, today)
        db.session.flush()
        decide_nomination(refused, rae, False, "Others had a wider impact.", refused.revision, today)
        decide_nomination(awarded, rae, True, "Lasting change.", awarded.revision, today)
        ids.update(review=review.id, not_awarded=refused.id, awarded=awarded.id, also=also.id)
        db.session.commit()
        ids["missing"] = max(ids[key] for key in ("draft", "submitted", "withdrawn", "review", "not_awarded",
                                                   "awarded")) + 1000
    return SimpleNamespace(people=people, ids=ids)


@pytest.fixture
def world(app, factory, content):
    return build_world(app, factory)


def signed_in(app, person):
    client = app.test_client()
    sign_in(client, SimpleNamespace(email=person.email, password=PASSWORD))
    return client


def current_revision(app, nomination_id: int) -> int:
    from portal.recognition.models import Nomination

    with app.app_context():
        found = db.session.get(Nomination, nomination_id)
        return found.revision if found else 1


def everything(app) -> tuple:
    """What a refused request must leave as it was."""
    from portal.audit import AuditEntry
    from portal.mailer import OutgoingMail
    from portal.recognition.models import Conflict, Nomination, Nominee, Score

    with app.app_context():
        return (db.session.execute(select(Nomination.id, Nomination.state, Nomination.revision, Nomination.citation,
                                          Nomination.category_key, Nomination.story_published)
                                   .order_by(Nomination.id)).all(),
                db.session.execute(select(Nominee.nomination_id, Nominee.user_id, Nominee.consent)
                                   .order_by(Nominee.id)).all(),
                db.session.scalar(select(func.count()).select_from(Score)),
                db.session.scalar(select(func.count()).select_from(Conflict)),
                db.session.scalar(select(func.count()).select_from(OutgoingMail)),
                db.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action.like("recognition.%"))))


def filled(route: str, revision: int, person_id: int) -> dict:
    """A form that would change the nomination if the reader were allowed to."""
    return {
        "save": {"category": "knowledgeable-and-professional", "citation": "Changed by someone else.",
                 "revision": revision, "action": "submit", "q": "alma"},
        "add": {"category": "", "citation": "Changed by someone else.", "revision": revision, "person": person_id},
        "remove": {"person": person_id, "revision": revision},
        "withdraw": {"revision": revision, "confirm_withdrawal": "y"},
        "scores": {"revision": revision, **{f"criterion_{key}": "5" for key in
                                            ("impact", "living-the-commitment", "innovation", "lasting-change")}},
        "conflict": {},
        "shortlist": {"revision": revision},
        "decision": {"revision": revision, "outcome": "awarded", "reason": "Because.", "confirm_decision": "y",
                     "confirm_unscored": "y"},
        "consent": {"agree": ""},
        "consent-yes": {"agree": "yes"},
    }[route]


POSTS = {
    "save": "/recognition/nominations/{id}",
    "add": "/recognition/nominations/{id}/nominees",
    "remove": "/recognition/nominations/{id}/nominees/remove",
    "withdraw": "/recognition/nominations/{id}/withdraw",
    "scores": "/recognition/nominations/{id}/scores",
    "conflict": "/recognition/nominations/{id}/conflict",
    "shortlist": "/recognition/nominations/{id}/shortlist",
    "decision": "/recognition/nominations/{id}/decision",
    "consent": "/recognition/awards/{id}/consent",
    "consent-yes": "/recognition/awards/{id}/consent",
}
GETS = ("/recognition/nominations/{id}", "/recognition/nominations/{id}?q=alma")

# Who may not see which nomination: named but not the nominator, a committee member from the nominee's division,
# the chair on drafts and withdrawn ones, an administrator on a draft, and anyone else.
HIDDEN = {
    "nico": ("draft", "submitted", "withdrawn", "review", "not_awarded", "awarded"),
    "cole": ("draft", "submitted", "withdrawn", "review", "not_awarded", "awarded"),
    "rae": ("draft", "withdrawn"),
    "ada": ("draft",),
    "sam": ("draft", "submitted", "withdrawn", "review", "not_awarded", "awarded"),
}


def answer(response) -> tuple:
    return response.status_code, response.headers.get("Location"), response.get_data()


@pytest.mark.parametrize("who", sorted(HIDDEN))
def test_every_nomination_route_answers_a_hidden_nomination_as_a_missing_one(app, world, who):
    person = getattr(world.people, who)
    client = signed_in(app, person)
    token = csrf_token(client, "/recognition/")
    before = everything(app)
    compared = 0
    for route, path in POSTS.items():
        if route.startswith("consent"):
            continue
        for kind in HIDDEN[who]:
            nomination_id = world.ids[kind]
            revision = current_revision(app, nomination_id)
            for data in (filled(route, revision, world.ids["also"]), {}):
                hidden = client.post(path.format(id=nomination_id), data={"csrf_token": token, **data})
                missing = client.post(path.format(id=world.ids["missing"]), data={"csrf_token": token, **data})
                assert answer(hidden) == answer(missing), (who, route, kind, data)
                assert hidden.status_code in (403, 404), (who, route, kind)  # 403: the route is not for the role
                compared += 1
    for path in GETS:
        for kind in HIDDEN[who]:
            hidden, missing = (client.get(path.format(id=world.ids[key])) for key in (kind, "missing"))
            assert answer(hidden) == answer(missing), (who, path, kind)
            assert hidden.status_code == 404
            compared += 1
    assert everything(app) == before
    assert compared > 0


@pytest.mark.parametrize("who", ["nico", "cole", "rae", "sam"])
def test_consent_answers_only_for_an_award_naming_the_reader(app, world, who):
    """The consent form was an oracle: an empty choice answered "Choose yes or no" for any nomination naming the
    reader, drafts included. Now only an award naming them gets past the door."""
    person = getattr(world.people, who)
    client = signed_in(app, person)
    token = csrf_token(client, "/recognition/")
    before = everything(app)
    for route in ("consent", "consent-yes"):
        path = POSTS[route]
        missing = client.post(path.format(id=world.ids["missing"]),
                              data={"csrf_token": token, **filled(route, 1, 0)})
        assert missing.status_code == 404
        for kind in ("draft", "submitted", "withdrawn", "review", "not_awarded") + (() if who == "nico" else
                                                                                   ("awarded",)):
            hidden = client.post(path.format(id=world.ids[kind]), data={"csrf_token": token, **filled(route, 1, 0)})
            assert answer(hidden) == answer(missing), (who, route, kind)
    assert everything(app) == before


def test_the_person_awarded_still_gives_or_refuses_consent(app, world):
    from portal.recognition.models import Nominee

    client = signed_in(app, world.people.nico)
    path = f"/recognition/awards/{world.ids['awarded']}/consent"
    empty = client.post(path, data={"csrf_token": csrf_token(client, "/recognition/awards"), "agree": ""},
                        follow_redirects=True)
    assert "Choose yes or no." in messages(empty)
    client.post(path, data={"csrf_token": csrf_token(client, "/recognition/awards"), "agree": "yes"})
    with app.app_context():
        assert db.session.scalar(select(Nominee.consent).where(Nominee.nomination_id == world.ids["awarded"])) is True


def test_consent_on_a_nomination_that_was_not_awarded_is_refused(app, world):
    from portal.recognition.models import Nomination, Nominee

    client = signed_in(app, world.people.nico)
    token = csrf_token(client, "/recognition/awards")
    for kind in ("not_awarded", "review", "draft"):
        response = client.post(f"/recognition/awards/{world.ids[kind]}/consent",
                               data={"csrf_token": token, "agree": "yes"})
        assert response.status_code == 404, kind
    with app.app_context():
        assert db.session.scalar(select(Nominee.consent).where(Nominee.nomination_id == world.ids["not_awarded"])) \
            is None
        assert db.session.get(Nomination, world.ids["not_awarded"]).story_published is False
    awards = page(client.get("/recognition/awards"))
    assert [form["action"] for form in awards.select("main form[action*='/consent']")] == [
        f"/recognition/awards/{world.ids['awarded']}/consent"]


def test_a_hidden_nomination_is_refused_before_its_form_is_read(app, world):
    """A malformed form sent for a nomination the reader may not see is answered 404, never 422 or a message
    that would tell the form was looked at."""
    client = signed_in(app, world.people.cole)
    token = csrf_token(client, "/recognition/")
    malformed = {"revision": "-1", "citation": "x" * 30000, "person": "abc", "agree": "maybe", "criterion_impact": "9",
                 "outcome": "²"}
    for route, path in POSTS.items():
        response = client.post(path.format(id=world.ids["review"]), data={"csrf_token": token, **malformed})
        assert response.status_code == 404, route


def test_what_a_reader_may_see_still_opens(app, world):
    """The nominator, the committee (not from the nominee's division) and an administrator keep their access."""
    checks = [(world.people.nora, "draft", 200), (world.people.nora, "withdrawn", 200),
              (world.people.rae, "review", 200), (world.people.rae, "submitted", 200),
              (world.people.ada, "review", 200), (world.people.ada, "withdrawn", 200)]
    for person, kind, status in checks:
        client = signed_in(app, person)
        assert client.get(f"/recognition/nominations/{world.ids[kind]}").status_code == status, (person.name, kind)


def test_a_former_committee_member_can_no_longer_open_the_cycle(app, world):
    from portal.recognition.models import Nomination
    from portal.recognition.operations import CycleSettings, change_cycle
    from portal.recognition.queries import cycle

    rae = signed_in(app, world.people.rae)
    with app.app_context():
        cycle_id = db.session.get(Nomination, world.ids["review"]).cycle_id
    review = f"/recognition/review/{cycle_id}"
    nomination = f"/recognition/nominations/{world.ids['review']}"
    assert rae.get(review).status_code == 200 and rae.get(nomination).status_code == 200
    with app.test_request_context():
        found = cycle(cycle_id)
        change_cycle(found, CycleSettings(found.name_en, found.opens_on, found.closes_on,
                                          frozenset({world.people.cole.id}), world.people.cole.id,
                                          name_fr=found.name_fr))
        db.session.commit()
    assert rae.get(review).status_code == 403
    assert rae.get(nomination).status_code == 404
    listed = page(rae.get("/recognition/")).get_text(" ", strip=True)
    assert "Cycles you review" not in listed or "Closed" not in listed
