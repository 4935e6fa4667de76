"""The nominator's draft: finding and adding team members without losing what was typed, the search's limits, the
word count at the limit, withdrawing for good, and naming people again."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.conftest import messages, page, post_form, sign_in
from tests.recognition.test_nominations import CITATION, city, nomination_row, save  # noqa: F401

TYPED = "Stayed late every night of the storm so that no caller waited more than a day for an answer."


def draft_fields(client, path: str) -> dict:
    form = page(client.get(path)).select_one("form#nomination-form")
    return {"revision": form.find("input", attrs={"name": "revision"})["value"], "category": "fair-and-respectful"}


def nominee_ids(app, nomination_id: int) -> list[int]:
    from portal.recognition.models import Nominee

    with app.app_context():
        return list(db.session.scalars(select(Nominee.user_id).where(Nominee.nomination_id == nomination_id)
                                       .order_by(Nominee.position)))


def test_searching_for_a_team_member_keeps_the_citation_typed_so_far(app, client, factory, city):
    nominator, colleague, ids = city
    alma = factory.user(division="PFR", name="Alma Almond")
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    search = post_form(client, path, {**draft_fields(client, path), "citation": TYPED, "q": "alm",
                                      "action": "search"}, token_from=path)
    assert search.status_code == 302
    assert search.headers["Location"].endswith(f"{path}?q=alm#add-person")
    shown = client.get(search.headers["Location"])
    soup = page(shown)
    assert soup.select_one("#citation").get_text().strip() == TYPED
    assert any("what you typed is kept" in message for message in messages(shown))
    assert soup.select_one("details#add-person").has_attr("open")
    add = soup.select_one(f".search-results button[name=person][value='{alma.id}']")
    assert add["form"] == "nomination-form" and add["formaction"] == f"{path}/nominees"
    assert soup.select_one("input#q")["form"] == "nomination-form"
    assert nomination_row(app, ids["nomination"])[1] == TYPED

    more = TYPED + " She also trained two new colleagues."
    added = post_form(client, f"{path}/nominees", {**draft_fields(client, path), "citation": more,
                                                   "team_name": "", "person": alma.id}, token_from=path,
                      follow_redirects=True)
    assert any("Alma Almond was added, and your draft was saved." in message for message in messages(added))
    assert nominee_ids(app, ids["nomination"]) == [colleague.id, alma.id]
    assert nomination_row(app, ids["nomination"])[1] == more
    assert page(added).select_one("#citation").get_text().strip() == more


def test_a_person_who_cannot_be_added_is_refused_and_the_typed_text_stays_on_the_page(app, client, city):
    from portal.recognition.models import Cycle

    nominator, colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    before = nomination_row(app, ids["nomination"])
    with app.app_context():
        chair = db.session.get(Cycle, ids["open_cycle"]).chair_id
    refused = post_form(client, f"{path}/nominees", {**draft_fields(client, path), "citation": TYPED,
                                                     "person": chair}, token_from=path)
    assert refused.status_code == 422
    soup = page(refused)
    assert "is on this cycle's awards committee" in soup.select_one(".error-summary").get_text()
    assert soup.select_one("#citation").get_text().strip() == TYPED
    assert nomination_row(app, ids["nomination"]) == before
    assert nominee_ids(app, ids["nomination"]) == [colleague.id]


def test_naming_the_same_person_twice_in_one_nomination_is_refused(app, client, city):
    nominator, colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    refused = post_form(client, f"{path}/nominees", {**draft_fields(client, path), "citation": TYPED,
                                                     "person": colleague.id}, token_from=path)
    assert refused.status_code == 422
    assert "Colette Côté-Brûlé is already named in this nomination." in messages(refused)
    assert nominee_ids(app, ids["nomination"]) == [colleague.id]


def forbid_searching(monkeypatch):
    import portal.recognition.views as views

    def refuse(*_args, **_kwargs):
        raise AssertionError("a search was run")

    monkeypatch.setattr(views, "find_colleagues", refuse)


@pytest.mark.parametrize("typed", ["a", "é", " b ", "--"])
def test_a_one_letter_search_asks_for_two_letters_and_runs_no_search(app, client, city, monkeypatch, typed):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    forbid_searching(monkeypatch)
    for path in (f"/recognition/cycles/{ids['open_cycle']}/nominate", f"/recognition/nominations/{ids['nomination']}"):
        response = client.get(path, query_string={"q": typed})
        assert response.status_code == 200
        soup = page(response)
        assert soup.select_one("#q-error").get_text(" ", strip=True) == (
            "Error: Type at least two letters of the name, then search again.")
        assert soup.select_one("input#q")["aria-invalid"] == "true"
        assert "q-error" in soup.select_one("input#q")["aria-describedby"]
        assert soup.select_one(".search-results") is None
        assert "Nobody found" not in soup.get_text()


@pytest.fixture
def divisional(app, factory, content):
    """A divisional programme's cycle for CXD, with a colleague in CXD and one of the same name in PFR."""
    from portal.auth.models import User
    from portal.recognition.models import Programme
    from portal.recognition.operations import CycleSettings, open_cycle, start_nomination

    nominator = factory.user(division="CXD", name="Nadia Nominator")
    inside = factory.user(division="CXD", name="Parker Inside")
    outside = factory.user(division="PFR", name="Parker Outside")
    chair = factory.user(roles=("staff", "committee"), division="TS", name="Cy Chair")
    person = factory.user(division="CXD", name="Pia Person")
    division_id = factory.division("CXD")
    today = date.today()
    with app.test_request_context():
        programme = db.session.scalar(select(Programme).where(Programme.slug == "divisional-recognition"))
        cycle = open_cycle(programme, CycleSettings("Fall", today, today + timedelta(days=9), frozenset({chair.id}),
                                                    chair.id, division_id, "Automne"),
                           db.session.get(User, chair.id))
        draft = start_nomination(cycle, db.session.get(User, nominator.id), db.session.get(User, person.id), today)
        db.session.commit()
        return nominator, inside, outside, cycle.id, draft.id


def test_a_divisional_programme_lists_only_the_staff_of_its_division(app, client, divisional):
    nominator, inside, outside, cycle_id, draft_id = divisional
    sign_in(client, nominator)
    for path in (f"/recognition/cycles/{cycle_id}/nominate?q=parker", f"/recognition/nominations/{draft_id}?q=parker"):
        soup = page(client.get(path))
        listed = [name.get_text(strip=True) for name in soup.select(".search-results .person-name")]
        assert listed == ["Parker Inside"], path
        assert "Only staff of Division CXD are listed" in soup.select_one("#q-hint").get_text()
    nobody = page(client.get(f"/recognition/cycles/{cycle_id}/nominate?q=outside"))
    assert "No active staff member of Division CXD" in nobody.select_one(".search-results").get_text()


def test_a_city_wide_programme_lists_staff_of_every_division(app, client, city, factory):
    nominator, _colleague, ids = city
    factory.user(division="CXD", name="Parker Inside")
    factory.user(division="PFR", name="Parker Outside")
    sign_in(client, nominator)
    soup = page(client.get(f"/recognition/cycles/{ids['open_cycle']}/nominate?q=parker"))
    assert [name.get_text(strip=True) for name in soup.select(".search-results .person-name")] == [
        "Parker Inside", "Parker Outside"]


def withdraw(client, path: str, revision, **fields):
    return post_form(client, f"{path}/withdraw", {"revision": revision, **fields}, token_from=path)


def test_withdrawing_asks_to_confirm_that_it_is_for_good(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    form = page(client.get(path)).select_one("form[action$='/withdraw']")
    assert form.select_one("input[type=checkbox][name=confirm_withdrawal]") is not None
    assert "cannot be submitted again" in form.get_text()
    revision = nomination_row(app, ids["nomination"])[3]
    refused = withdraw(client, path, revision)
    assert refused.status_code == 422
    assert ("Tick the box to confirm that you want to withdraw this nomination for good."
            in page(refused).select_one(".error-summary").get_text())
    assert page(refused).select_one("#confirm_withdrawal")["aria-invalid"] == "true"
    assert nomination_row(app, ids["nomination"])[0] == "draft"
    assert withdraw(client, path, revision, confirm_withdrawal="y").status_code == 302
    assert nomination_row(app, ids["nomination"])[0] == "withdrawn"


def start(client, cycle_id: int, person_id: int):
    return post_form(client, f"/recognition/cycles/{cycle_id}/nominations", {"person": person_id},
                     token_from=f"/recognition/cycles/{cycle_id}/nominate")


def test_someone_can_be_nominated_again_after_a_withdrawal(app, client, city):
    nominator, colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    save(client, ids["nomination"], action="submit")
    withdraw(client, path, nomination_row(app, ids["nomination"])[3], confirm_withdrawal="y")
    assert nomination_row(app, ids["nomination"])[0] == "withdrawn"
    again = start(client, ids["open_cycle"], colleague.id)
    assert again.status_code == 302
    second = int(again.headers["Location"].rsplit("/", 1)[1])
    assert save(client, second, action="submit").status_code == 302
    assert nomination_row(app, second)[:3] == ("submitted", CITATION, "fair-and-respectful")
    assert nomination_row(app, ids["nomination"])[0] == "withdrawn"


def words(count: int, joiner: str = " ") -> str:
    return joiner.join(f"word{number}" for number in range(count))


def test_a_citation_of_exactly_the_word_limit_is_submitted(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    assert save(client, ids["nomination"], action="submit", citation=words(300)).status_code == 302
    assert nomination_row(app, ids["nomination"])[0] == "submitted"


def test_words_joined_by_a_no_break_space_count_as_two(app, client, city):
    from portal.recognition.citation import SEPARATORS, word_count

    assert word_count("service\u00a0promise") == 2
    assert word_count("service\u202fpromise") == 2
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    over = save(client, ids["nomination"], action="submit", citation=words(301, "\u00a0"))
    assert over.status_code == 422
    assert any("301 words; the limit is 300" in message for message in messages(over))
    assert nomination_row(app, ids["nomination"])[0] == "draft"
    area = page(client.get(f"/recognition/nominations/{ids['nomination']}")).select_one("#citation")
    assert area["data-word-separators"] == SEPARATORS and "\\u00a0" in SEPARATORS
    assert save(client, ids["nomination"], action="submit", citation=words(300, "\u00a0")).status_code == 302
    assert nomination_row(app, ids["nomination"])[0] == "submitted"


def test_saving_a_draft_from_a_stale_page_is_refused(app, client, city):
    nominator, _colleague, ids = city
    sign_in(client, nominator)
    path = f"/recognition/nominations/{ids['nomination']}"
    stale = draft_fields(client, path)
    assert save(client, ids["nomination"], citation="Saved from the newer page.").status_code == 302
    refused = post_form(client, path, {**stale, "citation": "Saved from the older page.", "action": "save"},
                        token_from=path, follow_redirects=True)
    assert ("Someone else changed this nomination while you were looking at it. Nothing was saved: here it is as "
            "it is now." in messages(refused))
    assert nomination_row(app, ids["nomination"])[1] == "Saved from the newer page."
    assert page(refused).select_one("#citation").get_text().strip() == "Saved from the newer page."
