"""Nominating, confidentiality, review and decisions, through the pages people use."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from portal.extensions import db
from tests.conftest import messages, page, post_form, recognition_ids, sign_in

CITATION = "Rewrote the permit letters in plain language <script>alert(1)</script> and calls fell by half."


@pytest.fixture
def city(app, factory, content):
    """A nominator in CXD, a colleague in PFR, a reviewer who chairs (PE) and an open and a closed cycle."""
    nominator = factory.user(division="CXD", name="Nora Nominator")
    colleague = factory.user(division="PFR", name="Colette Côté-Brûlé", language="fr")
    ids = recognition_ids(app, nominator.id, colleague.id)
    return nominator, colleague, ids


def nomination_row(app, nomination_id):
    from portal.recognition.models import Nomination

    with app.app_context():
        found = db.session.get(Nomination, nomination_id)
        return (found.state.value, found.citation, found.category_key, found.revision) if found else None


def save(client, nomination_id, action="save", follow_redirects=False, **fields):
    path = f"/recognition/nominations/{nomination_id}"
    revision = page(client.get(path)).find("input", attrs={"name": "revision"})["value"]
    data = {"category": "fair-and-respectful", "citation": CITATION, "revision": revision, "action": action,
            **fields}
    return post_form(client, path, data, token_from=path, follow_redirects=follow_redirects)


def test_search_finds_a_colleague_by_the_start_of_any_name_without_accents(app, client, city):
    nominator, colleague, ids = city
    sign_in(client, nominator)
    for typed in ("cote", "BRÛ", "colette c", "Côté-Brûlé"):
        found = page(client.get(f"/recognition/cycles/{ids['open_cycle']}/nominate?q={typed}"))
        assert "Colette Côté-Brûlé" in found.select_one(".search-results").get_text(), typed
    nobody = page(client.get(f"/recognition/cycles/{ids['open_cycle']}/nominate?q=zzzz"))
    assert "Nobody found" in nobody.get_text()


def test_search_reads_people_in_name_order_from_the_index(app, city, count_statements):
    from sqlalchemy import event

    from portal.auth.name_search import find_colleagues

    with app.test_request_context():
        sent = []

        def remember(_connection, _cursor, statement, parameters, _context, _many):
            sent.append((statement, parameters))

        db.session.connection()
        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            with count_statements() as counted:
                assert [person.full_name for person in find_colleagues("colette cote")] == ["Colette Côté-Brûlé"]
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        assert counted.count == 1
        if db.engine.dialect.name == "sqlite":
            statement, parameters = sent[-1]
            plan = " ".join(str(row[-1]) for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters))
            assert "USING PRIMARY KEY (prefix=?)" in plan, plan
            assert "SCAN" not in plan and "TEMP B-TREE" not in plan, plan


def test_search_orders_names_without_regard_to_accents_or_case(app, city):
    from portal.auth.operations import create_user
    from portal.auth.name_search import find_colleagues
    from portal.security import Role

    with app.test_request_context():
        for number, name in enumerate(("Zoé Zola", "Eric Zola", "emma Zola", "Émile Zola")):
            create_user(email=f"zola{number}@example.org", full_name=name, password="long password 1",
                        roles={Role.STAFF})
        db.session.commit()
        assert [person.full_name for person in find_colleagues("zola")] == [
            "Émile Zola", "emma Zola", "Eric Zola", "Zoé Zola"]
        assert [person.full_name for person in find_colleagues("zola e")] == ["Émile Zola", "emma Zola", "Eric Zola"]


def test_a_renamed_person_is_found_by_the_new_name_only(app, city):
    from portal.auth.models import User
    from portal.auth.name_search import find_colleagues

    _nominator, colleague, _ids = city
    with app.test_request_context():
        db.session.get(User, colleague.id).full_name = "Colette Lavoie"
        db.session.commit()
        assert [person.id for person in find_colleagues("lavo")] == [colleague.id]
        assert find_colleagues("brule") == []


def test_draft_saved_then_submitted_and_listed_with_its_state(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    assert save(client, ids["nomination"]).status_code == 302
    assert nomination_row(app, ids["nomination"])[:3] == ("draft", CITATION, "fair-and-respectful")
    response = save(client, ids["nomination"], action="submit")
    assert response.status_code == 302
    assert nomination_row(app, ids["nomination"])[0] == "submitted"
    listed = page(client.get("/recognition/")).select_one("table").get_text(" ", strip=True)
    assert "Colette Côté-Brûlé" in listed and "Submitted" in listed


def test_a_citation_over_the_limit_is_refused_with_the_count_and_nothing_changes(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    before = nomination_row(app, ids["nomination"])
    response = save(client, ids["nomination"], action="submit", citation="word " * 301)
    assert response.status_code == 422
    assert any("301 words; the limit is 300" in message for message in messages(response))
    assert nomination_row(app, ids["nomination"]) == before
    assert save(client, ids["nomination"], citation="word\u00a0" * 300).status_code == 302


def test_submitting_without_a_category_keeps_what_was_typed(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    before = nomination_row(app, ids["nomination"])
    response = save(client, ids["nomination"], action="submit", category="")
    assert response.status_code == 422
    assert "Choose a category before you submit." in messages(response)
    assert page(response).select_one("#citation").get_text().strip() == CITATION
    assert nomination_row(app, ids["nomination"]) == before
    unknown = save(client, ids["nomination"], category="not-a-category")
    assert unknown.status_code == 422 and nomination_row(app, ids["nomination"]) == before


def test_nobody_nominates_themselves_an_unknown_person_or_one_person_twice_in_a_category(app, client, city):
    from portal.recognition.models import Nomination

    nominator, colleague, ids = city
    sign_in(client, nominator)
    start = f"/recognition/cycles/{ids['open_cycle']}/nominations"
    token_from = f"/recognition/cycles/{ids['open_cycle']}/nominate"
    for person, expected in ((nominator.id, "cannot nominate yourself"), (999999, "no active staff member")):
        response = post_form(client, start, {"person": person}, token_from=token_from, follow_redirects=True)
        assert any(expected in message for message in messages(response))
    save(client, ids["nomination"], action="submit")
    response = post_form(client, start, {"person": colleague.id}, token_from=token_from)
    second = int(response.headers["Location"].rsplit("/", 1)[1])
    refused = save(client, second, category="fair-and-respectful", follow_redirects=True)
    assert any("already nominated Colette" in message for message in messages(refused)), messages(refused)
    assert nomination_row(app, second)[2] is None
    assert save(client, second, category="simple-and-convenient").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Nomination.id)).where(Nomination.cycle_id == ids["open_cycle"])) == 2


def test_the_database_refuses_the_same_person_twice_from_one_nominator(app, city):
    from sqlalchemy.exc import IntegrityError

    from portal.recognition.models import Nominee

    _nominator, colleague, ids = city
    with app.app_context():
        first = db.session.scalar(select(Nominee).where(Nominee.nomination_id == ids["nomination"]))
        first.category_key = "fair-and-respectful"
        db.session.add(Nominee(nomination_id=ids["others_nomination"], user_id=colleague.id, position=9,
                               cycle_id=first.cycle_id, nominator_id=first.nominator_id,
                               category_key="fair-and-respectful"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_nothing_can_be_submitted_or_changed_once_the_cycle_has_closed(app, client, city):
    from portal.recognition.models import Cycle

    nominator, colleague, ids = city
    sign_in(client, nominator)
    token = f"/recognition/nominations/{ids['nomination']}"
    with app.app_context():
        cycle = db.session.get(Cycle, ids["open_cycle"])
        cycle.closes_on = date.today() - timedelta(days=1)
        db.session.commit()
    response = post_form(client, f"/recognition/cycles/{ids['closed_cycle']}/nominations", {"person": colleague.id},
                         token_from=token, follow_redirects=True)
    assert any("not taking nominations" in message for message in messages(response))
    before = nomination_row(app, ids["nomination"])
    response = post_form(client, token, {"category": "fair-and-respectful", "citation": "x", "revision": before[3],
                                         "action": "submit"}, token_from=token, follow_redirects=True)
    assert any("Only the nominator can change a draft" in message for message in messages(response))
    assert nomination_row(app, ids["nomination"]) == before


def test_withdrawn_until_the_cycle_closes(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    revision = nomination_row(app, ids["nomination"])[3]
    post_form(client, f"{path}/withdraw", {"revision": revision, "confirm_withdrawal": "y"}, token_from=path)
    assert nomination_row(app, ids["nomination"])[0] == "withdrawn"


def test_not_withdrawn_once_the_cycle_has_closed(app, client, city):
    from portal.recognition.models import Cycle

    nominator, _colleague, ids = city
    sign_in(client, nominator)
    save(client, ids["nomination"], action="submit")
    path = f"/recognition/nominations/{ids['nomination']}"
    revision = nomination_row(app, ids["nomination"])[3]
    with app.app_context():
        db.session.get(Cycle, ids["open_cycle"]).closes_on = date.today() - timedelta(days=1)
        db.session.commit()
    response = post_form(client, f"{path}/withdraw", {"revision": revision, "confirm_withdrawal": "y"},
                         token_from=path, follow_redirects=True)
    assert any("can no longer be withdrawn" in message for message in messages(response))
    assert nomination_row(app, ids["nomination"])[0] == "submitted"


def test_a_showcase_filter_out_of_range_shows_every_story(client, city):
    nominator, _colleague, _ids = city
    sign_in(client, nominator)
    for query in ("year=99999", "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96", "division=999999999", "category=%0D%0A"):
        assert client.get(f"/recognition/showcase?{query}").status_code == 200, query


def test_confidential_to_nominator_committee_and_administrators(app, client, factory, city):
    nominator, colleague, ids = city
    others = ids["others_nomination"]
    outsiders = [factory.user(roles=roles, division="TS") for roles in (("staff",), ("staff", "lead"),
                                                                         ("staff", "steward"), ("staff", "committee"))]
    for outsider in outsiders:
        client = app.test_client()
        sign_in(client, outsider)
        assert client.get(f"/recognition/nominations/{others}").status_code == 404
        assert client.get(f"/recognition/nominations/{others + 1000}").status_code == 404
        assert client.get(f"/recognition/review/{ids['closed_cycle']}").status_code == 403
        for listing in ("/recognition/", "/recognition/showcase", "/recognition/awards"):
            assert "Made the permit form simple" not in client.get(listing).get_data(as_text=True)
    admin = factory.user(roles=("staff", "admin"), division="TS")
    client = app.test_client()
    sign_in(client, admin)
    assert "Made the permit form simple" in client.get(f"/recognition/nominations/{others}").get_data(as_text=True)
    assert client.get(f"/recognition/nominations/{ids['nomination']}").status_code == 404


def reviewer_of(app, ids):
    from portal.recognition.models import Cycle

    with app.app_context():
        return db.session.get(Cycle, ids["closed_cycle"]).chair_id


def sign_in_as(client, app, user_id):
    from portal.auth.models import User
    from types import SimpleNamespace
    from tests.conftest import PASSWORD

    with app.app_context():
        email = db.session.get(User, user_id).email
    sign_in(client, SimpleNamespace(email=email, password=PASSWORD))


def test_a_committee_view_is_audited_and_own_division_is_a_conflict(app, client, city):
    from portal.audit import AuditEntry
    from portal.auth.models import User

    _nominator, _colleague, ids = city
    reviewer = reviewer_of(app, ids)
    sign_in_as(client, app, reviewer)
    assert client.get(f"/recognition/nominations/{ids['others_nomination']}").status_code == 200
    with app.app_context():
        viewed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "recognition.nomination_view")).all()
        assert [(entry.actor_id, entry.subject) for entry in viewed] == [(reviewer, f"nomination:{ids['others_nomination']}")]
        person = db.session.get(User, reviewer)
        from portal.auth.queries import division_by_code
        person.division_id = division_by_code("PFR").id
        db.session.commit()
    assert client.get(f"/recognition/nominations/{ids['others_nomination']}").status_code == 404
    assert "Noa Nominee" not in client.get(f"/recognition/review/{ids['closed_cycle']}").get_data(as_text=True)


def test_a_reviewer_in_a_nominees_division_may_not_open_the_nomination(app, client, factory, city):
    """The page reads the nominees' divisions with the nomination, not the nominees: the conflict still holds."""
    from sqlalchemy import update

    from portal.auth.models import User
    from portal.recognition.models import Nominee

    _nominator, _colleague, ids = city
    reviewer = reviewer_of(app, ids)
    sign_in_as(client, app, reviewer)
    path = f"/recognition/nominations/{ids['others_nomination']}"
    assert client.get(path).status_code == 200
    division_id = factory.division("NOM")
    with app.app_context():
        db.session.execute(update(Nominee).where(Nominee.nomination_id == ids["others_nomination"])
                           .values(division_id=division_id))
        db.session.get(User, reviewer).division_id = division_id
        db.session.commit()
    assert client.get(path).status_code == 404
    assert "Noa Nominee" not in client.get(f"/recognition/review/{ids['closed_cycle']}").get_data(as_text=True)


@pytest.mark.sqlite
def test_a_committee_view_is_noted_in_one_statement_outside_a_locking_transaction(app, client, city):
    """On SQLite the note of who looked holds the write lock only while its insert runs: no BEGIN IMMEDIATE."""
    from sqlalchemy import event

    _nominator, _colleague, ids = city
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's write lock only")
        engine = db.engine
    sign_in_as(client, app, reviewer_of(app, ids))
    sent = []

    def remember(_connection, _cursor, statement, _parameters, _context, _many):
        sent.append(" ".join(statement.split())[:40])

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(f"/recognition/nominations/{ids['others_nomination']}").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert any(statement.startswith("INSERT INTO audit_entries") for statement in sent)
    assert "BEGIN IMMEDIATE" not in sent


def test_committee_views_at_the_same_time_each_wait_their_turn_to_be_audited(app, city):
    """Opening a nomination writes an audit entry on a GET; many at once must queue for the write, not fail."""
    from concurrent.futures import ThreadPoolExecutor

    from portal.audit import AuditEntry

    _nominator, _colleague, ids = city
    reviewer = reviewer_of(app, ids)
    clients = [app.test_client() for _ in range(6)]
    for client in clients:
        sign_in_as(client, app, reviewer)
    path = f"/recognition/nominations/{ids['others_nomination']}"
    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = list(pool.map(lambda client: [client.get(path).status_code for _ in range(8)], clients))
    assert statuses == [[200] * 8] * len(clients)
    with app.app_context():
        viewed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "recognition.nomination_view"))
        assert len(viewed.all()) == 6 * 8


def score(client, nomination_id, values, revision=None):
    path = f"/recognition/nominations/{nomination_id}"
    soup = page(client.get(path))
    revision = revision or soup.select_one("form[action$='/scores'] input[name=revision]")["value"]
    data = {"revision": revision, **{f"criterion_{key}": value for key, value in values.items()}}
    return post_form(client, f"{path}/scores", data, token_from=path)


RUBRIC = ("impact", "living-the-commitment", "innovation", "lasting-change")


def test_scores_combine_by_weight_and_a_declared_conflict_removes_them(app, client, city):
    _nominator, _colleague, ids = city
    sign_in_as(client, app, reviewer_of(app, ids))
    partial = score(client, ids["others_nomination"], dict(zip(RUBRIC[:3], (5, 3, 1))))
    assert partial.status_code == 422
    refused = page(partial)
    assert "Score “Collaboration and lasting change” from 1 to 5." in refused.select_one(".error-summary").get_text()
    assert refused.select_one("input[name=criterion_impact][value='5']").has_attr("checked")
    with app.app_context():
        from portal.recognition.models import Score

        assert db.session.scalar(select(db.func.count()).select_from(Score)) == 0
    assert score(client, ids["others_nomination"], dict(zip(RUBRIC, (5, 3, 1, 1)))).status_code == 302
    listed = page(client.get(f"/recognition/review/{ids['closed_cycle']}")).select_one("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in listed.find_all(["td", "th"])]
    assert cells[2:4] == ["60 1 reviewer", "scored"]
    path = f"/recognition/nominations/{ids['others_nomination']}"
    post_form(client, f"{path}/conflict", {}, token_from=path)
    assert client.get(path).status_code == 404
    with app.app_context():
        from portal.recognition.models import Nomination, Score

        assert db.session.scalar(select(db.func.count()).select_from(Score)) == 0
        assert db.session.get(Nomination, ids["others_nomination"]).reviewer_count == 0


def test_the_review_list_ranks_by_combined_score_with_unscored_last_page_after_page(app, client, city, monkeypatch):
    from portal.recognition.models import Nomination, NominationState

    nominator, _colleague, ids = city
    with app.app_context():
        for team, combined in (("Team unscored", None), ("Team sixty A", 60.0), ("Team eighty", 80.0),
                               ("Team sixty B", 60.0), ("Team twelve", 12.5)):
            db.session.add(Nomination(cycle_id=ids["closed_cycle"], nominator_id=nominator.id, team_name=team,
                                      category_key="simple-and-convenient", citation="Kept the counter open.",
                                      state=NominationState.SUBMITTED, combined_score=combined,
                                      reviewer_count=0 if combined is None else 1))
        db.session.commit()
    sign_in_as(client, app, reviewer_of(app, ids))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    shown = []
    for number in (1, 2):
        rows = page(client.get(f"/recognition/review/{ids['closed_cycle']}?page={number}")).select("tbody tr")
        shown += [(row.find("th").a.get_text(strip=True), row.find_all("td")[0].get_text(strip=True)) for row in rows]
    assert [team for team, _rank in shown] == ["Team eighty", "Team sixty A", "Team sixty B", "Team twelve",
                                               "Noa Nominee", "Team unscored"]
    assert [rank for _team, rank in shown] == ["1", "2", "3", "4", "5", "6"]


def decide(client, nomination_id, outcome, reason, revision=None, **confirmations):
    """The chair's decision, confirmed (and confirmed although nobody scored it) unless told otherwise."""
    path = f"/recognition/nominations/{nomination_id}"
    soup = page(client.get(path))
    revision = revision or soup.select_one("form[action$='/decision'] input[name=revision]")["value"]
    confirmed = {"confirm_decision": "y", "confirm_unscored": "y", **confirmations}
    data = {"outcome": outcome, "reason": reason, "revision": revision,
            **{name: value for name, value in confirmed.items() if value is not None}}
    return post_form(client, f"{path}/decision", data, token_from=path, follow_redirects=True)


def test_the_chair_decides_once_and_a_stale_page_is_refused(app, client, city):
    from portal.mailer import OutgoingMail

    _nominator, _colleague, ids = city
    sign_in_as(client, app, reviewer_of(app, ids))
    stale = nomination_row(app, ids["others_nomination"])[3]
    missing = decide(client, ids["others_nomination"], "awarded", "")
    assert missing.status_code == 422 and nomination_row(app, ids["others_nomination"])[0] == "submitted"
    decide(client, ids["others_nomination"], "awarded", "Lasting change for residents.")
    assert nomination_row(app, ids["others_nomination"])[0] == "awarded"
    again = decide(client, ids["others_nomination"], "not_awarded", "Changed my mind.", revision=stale)
    assert nomination_row(app, ids["others_nomination"])[0] == "awarded"
    assert any("Someone else changed" in message for message in messages(again)), messages(again)
    with app.app_context():
        queued = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        assert len(queued) == 2
        assert any("Lasting change for residents." in message.body for message in queued)


def test_two_changes_from_the_same_page_the_second_is_refused(app, city):
    from portal.auth.models import User
    from portal.recognition.models import Nomination
    from portal.recognition.operations import Refused, shortlist_nomination

    _nominator, _colleague, ids = city
    with app.test_request_context():
        chair = db.session.get(User, reviewer_of(app, ids))
        nomination = db.session.get(Nomination, ids["others_nomination"])
        seen = nomination.revision
        shortlist_nomination(nomination, chair, seen, date.today())
        db.session.commit()
        with pytest.raises(Refused, match="Someone else changed"):
            shortlist_nomination(nomination, chair, seen, date.today())
        db.session.rollback()


def test_decisions_are_told_in_each_persons_language_and_sent_once(app, client, city, smtp):
    from portal.auth.models import User
    from portal.recognition.models import Nominee

    _nominator, colleague, ids = city
    with app.app_context():
        nominee = db.session.scalar(select(Nominee).where(Nominee.nomination_id == ids["others_nomination"]))
        db.session.get(User, nominee.user_id).language = "fr"
        db.session.get(User, colleague.id).language = "en"
        db.session.commit()
    sign_in_as(client, app, reviewer_of(app, ids))
    decide(client, ids["others_nomination"], "awarded", "Lasting change <b>for</b> residents.")
    runner = app.test_cli_runner()
    runner.invoke(args=["mail", "send"])
    runner.invoke(args=["mail", "send"])
    received = smtp.wait(2)
    assert len(received) == 2
    from email.header import decode_header, make_header

    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("fr"):
        french = gettext("News about your nomination for recognition")
    assert french != "News about your nomination for recognition"
    subjects = sorted(str(make_header(decode_header(message["Subject"]))) for _to, message in received)
    assert subjects == sorted(["Decision on your nomination", french])


def test_a_story_is_shown_once_everyone_named_agrees_and_filters_by_division_and_year(app, client, city):
    from portal.auth.models import Division
    from portal.recognition.models import Nominee

    _nominator, _colleague, ids = city
    sign_in_as(client, app, reviewer_of(app, ids))
    decide(client, ids["others_nomination"], "awarded", "Lasting change.")
    client = app.test_client()
    with app.app_context():
        nominee = db.session.scalar(select(Nominee).where(Nominee.nomination_id == ids["others_nomination"]))
        nominee.division_id = nominee_division = db.session.scalar(select(Division.id).order_by(Division.id))
        nominee_id = nominee.user_id
        db.session.commit()
    assert nominee_division is not None
    sign_in_as(client, app, nominee_id)
    assert "Made the permit form simple" not in client.get("/recognition/showcase").get_data(as_text=True)
    post_form(client, f"/recognition/awards/{ids['others_nomination']}/consent", {"agree": "yes"},
              token_from="/recognition/awards")
    assert "Made the permit form simple" in client.get("/recognition/showcase").get_data(as_text=True)
    year = date.today().year
    assert "Made the permit form simple" in client.get(f"/recognition/showcase?year={year}").get_data(as_text=True)
    assert "Made the permit form simple" not in client.get(f"/recognition/showcase?year={year - 1}").get_data(
        as_text=True)
    assert "Made the permit form simple" not in client.get("/recognition/showcase?division=999").get_data(as_text=True)
    assert "Made the permit form simple" in client.get(
        f"/recognition/showcase?division={nominee_division}").get_data(as_text=True)
    category = "city-managers-award:simple-and-convenient"
    assert "Made the permit form simple" in client.get(f"/recognition/showcase?category={category}").get_data(
        as_text=True)
    assert "Made the permit form simple" not in client.get(
        "/recognition/showcase?category=city-managers-award:fair-and-respectful").get_data(as_text=True)


def test_citations_are_escaped_on_every_page(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    save(client, ids["nomination"])
    body = client.get(f"/recognition/nominations/{ids['nomination']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_a_lead_sees_counts_made_by_and_for_their_division(app, client, factory, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    save(client, ids["nomination"], action="submit")
    client = app.test_client()
    lead = factory.user(roles=("staff", "lead"), division="CXD")
    sign_in(client, lead)
    assert client.get("/recognition/report/").headers["Location"].endswith("/recognition/report/CXD")
    rows = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in page(client.get("/recognition/report/CXD")).select("tbody tr")}
    assert rows["City Manager's Award for Service Excellence — Open"] == ["1", "0", "0"]
    assert client.get("/recognition/report/PFR").status_code == 403
