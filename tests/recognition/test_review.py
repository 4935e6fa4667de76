"""The committee: what it sees, the combined score of several reviewers, each reviewer's own scores, the chair's
confirmed decisions, the scoring form's messages, team stories and programmes synced again."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import yaml
from sqlalchemy import select

from portal.extensions import db
from tests.conftest import PASSWORD, csrf_token, messages, page, post_form, sign_in
from tests.recognition.test_nominations import RUBRIC, decide, score

TITLES = {"impact": "Impact on residents or colleagues", "living-the-commitment": "Living the commitment",
          "innovation": "Innovation or going beyond the role", "lasting-change": "Collaboration and lasting change"}


@pytest.fixture
def committee(app, factory, content):
    """A closed cycle chaired by Rae with Remy on its committee (both in TS), and in it, from Nora (CXD): one
    nomination of Nico under review, one of a team (Tess, Theo), a draft and a withdrawn one."""
    from portal.auth.models import User
    from portal.recognition.models import Programme
    from portal.recognition.operations import (CycleSettings, open_cycle, save_draft, start_nomination,
                                               submit_nomination, withdraw_nomination, add_nominee)

    people = SimpleNamespace(
        nora=factory.user(division="CXD", name="Nora Nominator"),
        nico=factory.user(division="PFR", name="Nico Named", language="fr"),
        tess=factory.user(division="PFR", name="Tess Team"),
        theo=factory.user(division="PFR", name="Theo Team"),
        rae=factory.user(roles=("staff", "committee"), division="TS", name="Rae Reviewer"),
        remy=factory.user(roles=("staff", "committee"), division="TS", name="Remy Reviewer"))
    today = date.today()
    with app.test_request_context():
        nora, nico, tess, theo = (db.session.get(User, person.id)
                                  for person in (people.nora, people.nico, people.tess, people.theo))
        award = db.session.scalar(select(Programme).where(Programme.slug == "city-managers-award"))
        cycle = open_cycle(award, CycleSettings("Spring", today, today + timedelta(days=5),
                                                frozenset({people.rae.id, people.remy.id}), people.rae.id,
                                                name_fr="Printemps"), nora)

        def nominated(first, category, citation, submit=True):
            nomination = start_nomination(cycle, nora, first, today)
            save_draft(nomination, category, None, citation, nomination.revision, today)
            if submit:
                submit_nomination(nomination, nomination.revision, today)
            return nomination

        single = nominated(nico, "fair-and-respectful", "Answered every call.")
        team = start_nomination(cycle, nora, tess, today)
        add_nominee(team, theo, team.revision, today)
        save_draft(team, "simple-and-convenient", "Front Desk Team", "Rebuilt the front desk queue.", team.revision,
                   today)
        submit_nomination(team, team.revision, today)
        draft = nominated(nico, "choice-and-accessibility", "Still a draft, never to be seen.", submit=False)
        withdrawn = nominated(nico, "responsive-and-reliable", "Withdrawn and never to be seen.")
        withdraw_nomination(withdrawn, nora, withdrawn.revision, today)
        cycle.opens_on, cycle.closes_on = today - timedelta(days=30), today - timedelta(days=1)
        db.session.commit()
        return SimpleNamespace(people=people, cycle=cycle.id, single=single.id, team=team.id, draft=draft.id,
                               withdrawn=withdrawn.id)


def signed_in(app, person):
    client = app.test_client()
    sign_in(client, SimpleNamespace(email=person.email, password=PASSWORD))
    return client


def nomination_state(app, nomination_id):
    from portal.recognition.models import Nomination

    with app.app_context():
        found = db.session.get(Nomination, nomination_id)
        return found.state.value, found.combined_score, found.reviewer_count


def queued_mail(app) -> int:
    from portal.mailer import OutgoingMail

    with app.app_context():
        return len(db.session.scalars(select(OutgoingMail)).all())


def test_committee_members_never_see_drafts_or_withdrawn_nominations(app, committee):
    rae = signed_in(app, committee.people.rae)
    for state in ("", "draft", "withdrawn", "submitted"):
        listed = page(rae.get(f"/recognition/review/{committee.cycle}?state={state}"))
        names = [row.find("th").a.get_text(strip=True) for row in listed.select("tbody tr")]
        assert "Still a draft" not in listed.get_text() and "Withdrawn and never" not in listed.get_text()
        assert sorted(names) == ["Front Desk Team", "Nico Named"], state
    for hidden in (committee.draft, committee.withdrawn):
        assert rae.get(f"/recognition/nominations/{hidden}").status_code == 404


def test_the_combined_score_of_several_reviewers_is_weighted(app, committee):
    """Weights 35, 30, 20 and 15 on a scale of 5: Rae's 5, 3, 1, 1 make 300 of 500 and Remy's 4, 4, 4, 2 make 370,
    so the combined score is 670 of 1,000, shown as 67 out of 100."""
    first = signed_in(app, committee.people.rae)
    assert score(first, committee.single, dict(zip(RUBRIC, (5, 3, 1, 1)))).status_code == 302
    assert nomination_state(app, committee.single)[1:] == (60.0, 1)
    second = signed_in(app, committee.people.remy)
    assert score(second, committee.single, dict(zip(RUBRIC, (4, 4, 4, 2)))).status_code == 302
    assert nomination_state(app, committee.single)[1:] == (67.0, 2)
    row = next(row for row in page(second.get(f"/recognition/review/{committee.cycle}")).select("tbody tr")
               if row.find("th").a.get_text(strip=True) == "Nico Named")
    assert [cell.get_text(" ", strip=True) for cell in row.find_all("td")] == ["1", "67 2 reviewers", "scored"]
    facts = page(first.get(f"/recognition/nominations/{committee.single}")).select_one(".facts").get_text(" ")
    assert "67 / 100 — 2 reviewers" in " ".join(facts.split())
    assert score(first, committee.single, dict(zip(RUBRIC, (5, 5, 5, 5)))).status_code == 302
    assert nomination_state(app, committee.single)[1:] == (87.0, 2)


def chosen_scores(client, nomination_id) -> dict:
    soup = page(client.get(f"/recognition/nominations/{nomination_id}"))
    return {field["name"]: field["value"] for field in soup.select("form[action$='/scores'] input[type=radio]")
            if field.has_attr("checked")}


def test_one_reviewers_saved_scores_are_never_shown_to_another(app, committee):
    """The scoring choices are kept as page parts; the key names the reviewer, so Remy never gets Rae's."""
    rae, remy = signed_in(app, committee.people.rae), signed_in(app, committee.people.remy)
    assert chosen_scores(remy, committee.single) == {}
    score(rae, committee.single, dict(zip(RUBRIC, (5, 3, 1, 1))))
    assert chosen_scores(rae, committee.single) == {f"criterion_{key}": value
                                                    for key, value in zip(RUBRIC, ("5", "3", "1", "1"))}
    assert chosen_scores(remy, committee.single) == {}
    score(remy, committee.single, dict(zip(RUBRIC, (2, 2, 2, 2))))
    assert chosen_scores(remy, committee.single) == {f"criterion_{key}": "2" for key in RUBRIC}
    assert chosen_scores(rae, committee.single)["criterion_impact"] == "5"


def test_the_scoring_summary_names_each_criterion_missing_or_out_of_range(app, committee):
    from portal.recognition.models import Score

    rae = signed_in(app, committee.people.rae)
    empty = score(rae, committee.single, {})
    assert empty.status_code == 422
    summary = [link.get_text(strip=True) for link in page(empty).select(".error-summary li a")]
    assert summary == [f"Score “{TITLES[key]}” from 1 to 5." for key in RUBRIC]
    assert [link["href"] for link in page(empty).select(".error-summary li a")] == [
        f"#criterion_{key}-0" for key in RUBRIC]
    wrong = score(rae, committee.single, {"impact": "9", "living-the-commitment": "3", "innovation": "x",
                                          "lasting-change": "2"})
    assert wrong.status_code == 422
    assert [link.get_text(strip=True) for link in page(wrong).select(".error-summary li a")] == [
        f"Score “{TITLES['impact']}” from 1 to 5.", f"Score “{TITLES['innovation']}” from 1 to 5."]
    assert page(wrong).select_one("#criterion_lasting-change-1").has_attr("checked")
    with app.app_context():
        assert db.session.scalars(select(Score)).all() == []


def test_the_scoring_summary_is_in_french_for_a_french_reader(app, committee):
    from portal.auth.models import User

    with app.app_context():
        db.session.get(User, committee.people.rae.id).language = "fr"
        db.session.commit()
    rae = signed_in(app, committee.people.rae)
    empty = score(rae, committee.single, {})
    first = page(empty).select_one(".error-summary li a").get_text(strip=True)
    assert first.startswith("Attribuez") and "Retombées pour les résidents" in first and "1 à 5" in first, first


def test_the_chair_confirms_a_decision_before_it_is_recorded_and_e_mailed(app, committee):
    rae = signed_in(app, committee.people.rae)
    score(rae, committee.single, dict(zip(RUBRIC, (4, 4, 4, 4))))
    path = f"/recognition/nominations/{committee.single}"
    form = page(rae.get(path)).select_one("form[action$='/decision']")
    assert form.select_one("input[type=checkbox][name=confirm_decision]") is not None
    assert form.select_one("[name=confirm_unscored]") is None
    unconfirmed = decide(rae, committee.single, "awarded", "Lasting change.", confirm_decision=None)
    assert unconfirmed.status_code == 422
    assert ("Tick the box to confirm the decision: it cannot be changed afterwards."
            in page(unconfirmed).select_one(".error-summary").get_text())
    assert nomination_state(app, committee.single)[0] == "submitted" and queued_mail(app) == 0
    decided = decide(rae, committee.single, "awarded", "Lasting change.", confirm_unscored=None)
    assert decided.status_code == 200 and nomination_state(app, committee.single)[0] == "awarded"
    assert queued_mail(app) == 2


def test_a_nomination_nobody_scored_is_decided_only_on_purpose(app, committee):
    rae = signed_in(app, committee.people.rae)
    path = f"/recognition/nominations/{committee.team}"
    shown = page(rae.get(path))
    assert "No reviewer has scored this nomination yet." in shown.get_text()
    assert shown.select_one("form[action$='/decision'] input[type=checkbox][name=confirm_unscored]") is not None
    refused = decide(rae, committee.team, "not_awarded", "Not this time.", confirm_unscored=None)
    assert refused.status_code == 422
    assert any("No reviewer has scored this nomination. Tick the box" in message for message in messages(refused))
    assert nomination_state(app, committee.team)[0] == "submitted" and queued_mail(app) == 0
    decide(rae, committee.team, "not_awarded", "Not this time.")
    assert nomination_state(app, committee.team)[0] == "not_awarded"


def consent(app, person, nomination_id, agree):
    client = signed_in(app, person)
    return post_form(client, f"/recognition/awards/{nomination_id}/consent", {"agree": agree},
                     token_from="/recognition/awards")


def on_showcase(app, person) -> bool:
    return "Rebuilt the front desk queue." in signed_in(app, person).get("/recognition/showcase").get_data(
        as_text=True)


def test_a_team_story_is_shown_only_while_everyone_named_agrees(app, committee):
    """The rule (operations.give_consent): the story is shown once every person named has said yes, and leaves
    the showcase as soon as one of them says no."""
    rae = signed_in(app, committee.people.rae)
    decide(rae, committee.team, "awarded", "A calmer front desk for everyone.")
    tess, theo, nora = committee.people.tess, committee.people.theo, committee.people.nora
    assert not on_showcase(app, nora)
    consent(app, tess, committee.team, "yes")
    assert not on_showcase(app, nora)
    awards = page(signed_in(app, tess).get("/recognition/awards")).select_one(".facts").get_text(" ", strip=True)
    assert "Not yet: waiting for the others named to agree" in awards
    consent(app, theo, committee.team, "no")
    assert not on_showcase(app, nora)
    consent(app, theo, committee.team, "yes")
    assert on_showcase(app, nora)
    consent(app, tess, committee.team, "no")
    assert not on_showcase(app, nora)


@pytest.fixture
def content_copy(app, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    monkeypatch.setitem(app.config, "CONTENT_DIR", copy)
    return copy


def test_a_programme_synced_again_shows_its_new_definition_at_once(app, committee, content_copy):
    rae = signed_in(app, committee.people.rae)
    before = page(rae.get("/recognition/showcase")).select_one("select#category").get_text()
    assert "Fairness, dignity and respect" in before
    path = content_copy / "awards" / "city-managers-award" / "programme.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["categories"][0]["title"]["en"] = "Fair, respectful and kind"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    after = page(rae.get("/recognition/showcase")).select_one("select#category").get_text()
    assert "Fair, respectful and kind" in after and "Fairness, dignity and respect" not in after

    today = date.today()
    with app.test_request_context():
        draft = nomination_in_a_new_cycle(committee, today)
        db.session.commit()
        draft_id = draft.id
    nominator = signed_in(app, committee.people.nora)
    labels = [label.get_text(strip=True) for label in
              page(nominator.get(f"/recognition/nominations/{draft_id}")).select("fieldset label")]
    assert "Fair, respectful and kind" in labels


def nomination_in_a_new_cycle(committee, today):
    """Nora's draft naming Nico in an Autumn cycle of the city-wide award opened today, reviewed by Rae alone."""
    from portal.auth.models import User
    from portal.recognition.models import Programme
    from portal.recognition.operations import CycleSettings, open_cycle, start_nomination

    award = db.session.scalar(select(Programme).where(Programme.slug == "city-managers-award"))
    nora, nico = (db.session.get(User, person.id) for person in (committee.people.nora, committee.people.nico))
    cycle = open_cycle(award, CycleSettings("Autumn", today, today + timedelta(days=5),
                                            frozenset({committee.people.rae.id}), committee.people.rae.id,
                                            name_fr="Automne"), nora)
    return start_nomination(cycle, nora, nico, today)


def test_a_programme_change_reaches_the_scoring_form_of_a_cycle_opened_after_it(app, committee, content_copy):
    """The rubric's choices are kept as parts under the rubric itself: a new rubric draws new choices."""
    from portal.recognition.operations import save_draft, submit_nomination

    rae = signed_in(app, committee.people.rae)
    assert TITLES["impact"] in page(rae.get(f"/recognition/nominations/{committee.single}")).select_one(
        "form[action$='/scores'] legend").get_text()
    path = content_copy / "awards" / "city-managers-award" / "programme.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rubric"]["criteria"][0]["title"]["en"] = "Difference made for residents"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["content", "sync"]).exit_code == 0
    today = date.today()
    with app.test_request_context():
        nomination = nomination_in_a_new_cycle(committee, today)
        cycle = nomination.cycle
        save_draft(nomination, "fair-and-respectful", None, "Answered the calls.", nomination.revision, today)
        submit_nomination(nomination, nomination.revision, today)
        cycle.opens_on, cycle.closes_on = today - timedelta(days=9), today - timedelta(days=1)
        db.session.commit()
        nomination_id = nomination.id
    legend = page(rae.get(f"/recognition/nominations/{nomination_id}")).select_one("form[action$='/scores'] legend")
    assert "Difference made for residents" in legend.get_text()
    assert TITLES["impact"] in page(rae.get(f"/recognition/nominations/{committee.single}")).select_one(
        "form[action$='/scores'] legend").get_text()


def test_the_review_list_keeps_score_reviewers_and_the_readers_part_together(app, committee):
    """On a phone the list has four narrow columns: category and state sit under the name, and the number of
    reviewers under the combined score."""
    rae = signed_in(app, committee.people.rae)
    table = page(rae.get(f"/recognition/review/{committee.cycle}")).select_one("table.review")
    assert [cell.get_text(strip=True) for cell in table.select("thead th")] == [
        "Rank", "Nominated", "Combined score", "You"]
    row = table.select_one("tbody tr")
    assert row.select_one("th .state") is not None and row.select_one("th .review-meta .hint") is not None
    assert [cell.get_text(" ", strip=True) for cell in row.find_all("td")][1:] == ["— 0 reviewers", "to score"]
