"""The learner's journey: modules, lessons, a quiz drawn and graded on the server, results, retakes, and every
way a submission can go wrong."""
import threading

import pytest

from portal.audit import AuditEntry
from portal.extensions import db
from portal.learning.models import Attempt, AttemptQuestion, Option
from portal.promise.models import Attestation
from tests.conftest import messages, page, post_form, sign_in, take_quiz


def start(client, slug="service-promise"):
    response = post_form(client, f"/learning/{slug}/attempts", {}, token_from=f"/learning/{slug}")
    assert response.status_code == 302, messages(response)
    return response.headers["Location"]


def quiz_fields(soup) -> dict[str, list[str]]:
    fields = {}
    for field in soup.select("fieldset.question input"):
        fields.setdefault(field["name"], []).append(field["value"])
    return fields


def answer_key(app, attempt_id) -> dict[str, list[str]]:
    """The numbers of the right choices, worked out from the rows as only the server can."""
    from portal.learning.grading import right_keys
    from portal.learning.queries import published

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        module = published(attempt.version_id)
        return {f"q{drawn.position}": [str(number) for number, choice in enumerate(drawn.choices, start=1)
                                       if choice["key"] in right_keys(module, drawn)] for drawn in attempt.questions}


def submit(client, address, answers):
    token = page(client.get(address)).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(address, data={"csrf_token": token, **answers})


def attempt_id(address) -> int:
    return int(address.rstrip("/").rsplit("/", 1)[1])


def test_my_modules_show_due_dates_and_overdue_state(client, factory, content):
    from datetime import date, timedelta

    sign_in(client, factory.user(start_date=date.today() - timedelta(days=40)))
    soup = page(client.get("/learning/"))
    cards = {card.h2.get_text(strip=True): card.select_one(".module-state").get_text(" ", strip=True)
             for card in soup.select(".module-card")}
    assert list(cards) == ["The Service Promise", "The Service Standards in practice",
                           "The Code of Conduct and staff safety"]
    assert cards["The Service Promise"].startswith("Overdue since")
    assert cards["The Code of Conduct and staff safety"].startswith("Due by")


def test_lessons_come_in_order_with_previous_and_next(client, factory, content):
    sign_in(client, factory.user())
    first = page(client.get("/learning/service-promise/lessons/1"))
    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == "/learning/service-promise/lessons/2"
    last = page(client.get("/learning/service-promise/lessons/4"))
    assert last.select_one("a[rel=prev]")["href"] == "/learning/service-promise/lessons/3"
    assert last.select_one("a[rel=next]")["href"] == "/learning/service-promise#quiz"
    assert client.get("/learning/service-promise/lessons/5").status_code == 404
    assert client.get("/learning/no-such-module").status_code == 404


def test_the_quiz_page_holds_no_answer_key(app, client, factory, content):
    sign_in(client, factory.user())
    address = start(client)
    html = client.get(address).get_data(as_text=True)
    soup = page(client.get(address))
    with app.app_context():
        feedback = [text for option in db.session.scalars(db.select(Option)) for text in option.feedback.values()]
    assert not [text for text in feedback if text in html]
    fields = quiz_fields(soup)
    assert len(fields) == 8
    assert all(values == [str(n) for n in range(1, len(values) + 1)] for values in fields.values())
    assert "correct" not in html.lower() and "right" not in " ".join(
        element.get("class", [""])[0] for element in soup.select("fieldset *") if element.get("class"))


def test_starting_draws_and_stores_the_questions_once(app, client, factory, content):
    sign_in(client, factory.user())
    address = start(client)
    assert start(client) == address
    with app.app_context():
        (attempt,) = db.session.scalars(db.select(Attempt)).all()
        assert len(attempt.questions) == 8 and len({drawn.question_id for drawn in attempt.questions}) == 8


def test_a_right_submission_passes_shows_feedback_and_issues_a_certificate(app, client, factory, content):
    sign_in(client, factory.user())
    address = start(client)
    response = submit(client, address, answer_key(app, attempt_id(address)))
    assert response.status_code == 302
    soup = page(client.get(address))
    assert "You passed with 100 %" in soup.select_one(".result-summary").get_text()
    assert len(soup.select(".result.right")) == 8 and soup.select(".feedback")
    assert page(client.get("/certificates/")).select("tbody tr")


def test_a_wrong_submission_fails_and_allows_a_retake_up_to_the_limit(app, client, factory, content):
    sign_in(client, factory.user())
    for number in (1, 2, 3):
        address = start(client, "code-of-conduct")
        key = answer_key(app, attempt_id(address))
        wrong = {name: [next(value for value in values if [value] != key[name])]
                 for name, values in quiz_fields(page(client.get(address))).items()}
        submit(client, address, wrong)
        result = page(client.get(address)).select_one(".result-summary").get_text(" ", strip=True)
        assert "You scored 0 %" in result
    response = post_form(client, "/learning/code-of-conduct/attempts", {}, token_from="/learning/code-of-conduct")
    assert response.status_code == 422
    assert "used all 3 attempts" in " ".join(messages(response))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 3


@pytest.mark.parametrize("answers, expected", [
    ({}, "Question 1: choose"),
    ({"q1": ["9"]}, "Question 1: that answer is not one of the choices. Choose again."),
    ({"q1": ["one"]}, "Question 1: that answer is not one of the choices. Choose again."),
])
def test_bad_answers_are_explained_and_record_nothing(app, client, factory, content, answers, expected):
    sign_in(client, factory.user())
    address = start(client)
    key = answer_key(app, attempt_id(address))
    response = submit(client, address, {**key, **answers} if answers else {})
    assert response.status_code == 422
    shown = messages(response)
    assert any(message.startswith(expected) for message in shown)
    if not answers:
        summary = [link.get_text() for link in page(response).select(".error-summary a")]
        assert [message.split(":")[0] for message in summary] == [f"Question {n}" for n in range(1, len(summary) + 1)]
    assert page(response).select_one(".error-summary a")["href"].startswith("#q")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id(address)).submitted_at is None
        assert not db.session.scalars(db.select(AttemptQuestion).where(AttemptQuestion.chosen.is_not(None))).all()


def test_extra_or_tampered_question_fields_change_nothing(app, client, factory, content):
    sign_in(client, factory.user())
    address = start(client)
    key = answer_key(app, attempt_id(address))
    submit(client, address, {**key, "q99": "1", "q0": "3"})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id(address))
        assert attempt.score == 100 and len(attempt.questions) == 8


def test_someone_elses_attempt_is_refused(app, client, factory, content):
    owner = factory.user()
    theirs = take_quiz(app, owner.id, "service-promise", "none")
    sign_in(client, factory.user())
    assert client.get(f"/learning/attempts/{theirs.id}").status_code == 403
    token = page(client.get("/learning/")).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(f"/learning/attempts/{theirs.id}", data={"csrf_token": token, "q1": "1"})
    assert response.status_code == 403
    assert client.get("/learning/attempts/999999").status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, theirs.id).submitted_at is None


def test_submitting_twice_counts_once(app, client, factory, content):
    sign_in(client, factory.user())
    address = start(client)
    key = answer_key(app, attempt_id(address))
    token = page(client.get(address)).find("input", attrs={"name": "csrf_token"})["value"]
    first = client.post(address, data={"csrf_token": token, **key})
    second = client.post(address, data={"csrf_token": token, **{name: ["1"] for name in key}})
    assert first.status_code == second.status_code == 302
    assert "already submitted" in " ".join(messages(client.get(address)))
    with app.app_context():
        assert db.session.get(Attempt, attempt_id(address)).score == 100
        submits = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "attempt.submit")).all()
        assert len(submits) == 1


def test_two_submissions_at_once_count_once(app, factory, content):
    person = factory.user()
    clients = [app.test_client() for _ in range(2)]
    for client in clients:
        sign_in(client, person)
    address = start(clients[0])
    key = answer_key(app, attempt_id(address))
    tokens = [page(client.get(address)).find("input", attrs={"name": "csrf_token"})["value"] for client in clients]
    barrier, statuses = threading.Barrier(2), []

    def send(client, token):
        barrier.wait()
        statuses.append(client.post(address, data={"csrf_token": token, **key}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    with app.app_context():
        assert len(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "attempt.submit")).all()) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(db.text("certificates"))) == 1


def test_passing_the_promise_module_attests_in_the_learners_language(app, client, factory, content):
    person = factory.user(language="fr")
    sign_in(client, person)
    address = start(client)
    submit(client, address, answer_key(app, attempt_id(address)))
    with app.app_context():
        (attestation,) = db.session.scalars(db.select(Attestation)).all()
        assert (attestation.user_id, attestation.language, attestation.version.document.slug) == \
            (person.id, "fr", "promise")
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
        assert {"attestation.create", "attempt.submit", "certificate.issue"} <= actions
    home = page(client.get("/")).get_text(" ", strip=True)
    assert "Engagement de service" in home or "engagement" in home.lower()


def test_a_scenario_question_shows_the_drawn_moment_and_the_clocks_deadlines(app, client, factory, content):
    from portal.learning.queries import current_modules

    person = factory.user()
    with app.app_context():
        module = current_modules()["service-standards"]
        scenario_ids = {qid for qid, question in module.questions.items() if question.scenario}
    for seed in range(1, 30):
        quiz = take_quiz(app, person.id, "service-standards", "none", seed=seed)
        with app.app_context():
            drawn = db.session.get(Attempt, quiz.id).questions
            if any(question.question_id in scenario_ids for question in drawn):
                break
            db.session.delete(db.session.get(Attempt, quiz.id))
            db.session.commit()
    sign_in(client, person)
    soup = page(client.get(f"/learning/attempts/{quiz.id}"))
    legends = " ".join(legend.get_text(" ", strip=True) for legend in soup.select("legend"))
    assert "{received}" not in legends and " at " in legends and ("a.m." in legends or "p.m." in legends)


def use_every_attempt(app, person_id: int, slug: str = "code-of-conduct") -> int:
    """Three failed attempts; the last one's id."""
    return [take_quiz(app, person_id, slug, "wrong", seed=seed) for seed in (1, 2, 3)][-1].id


def contacts(soup) -> list[tuple[str, str]]:
    return [(item.get_text(" ", strip=True), item.a["href"]) for item in soup.select("ul.contacts li")]


@pytest.mark.parametrize("language, advice", [
    ("en", "Write to one of your divisional leads about what happens next:"),
    ("fr", "Écrivez à l'une ou l'un de vos responsables divisionnaires pour savoir quelle est la suite\u202f:")])
def test_out_of_attempts_names_the_divisional_leads_to_write_to(app, client, factory, content, language, advice):
    person = factory.user(division="CXD", language=language)
    factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead", email="lee@example.org")
    factory.user(roles=("staff", "lead"), division="CXD", name="Ana Able", email="ana@example.org")
    factory.user(roles=("staff", "lead"), division="CXD", name="Ina Gone", email="ina@example.org", active=False)
    factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks", email="pat@example.org")
    factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward", email="stella@example.org")
    last = use_every_attempt(app, person.id)
    sign_in(client, person)
    expected = [("Ana Able, ana@example.org", "mailto:ana@example.org"),
                ("Lee Lead, lee@example.org", "mailto:lee@example.org")]
    module_page = page(client.get("/learning/code-of-conduct"))
    result_page = page(client.get(f"/learning/attempts/{last}"))
    refused = post_form(client, "/learning/code-of-conduct/attempts", {}, token_from="/learning/code-of-conduct")
    assert refused.status_code == 422
    for soup in (module_page, result_page, page(refused)):
        assert contacts(soup) == expected
        text = soup.select_one("main").get_text(" ", strip=True)
        assert advice in text and "can tell you what to do next" not in text


def test_out_of_attempts_without_a_divisional_lead_names_the_stewards(app, client, factory, content):
    person = factory.user(division="PFR")
    factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead", email="lee@example.org")
    factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward", email="stella@example.org")
    use_every_attempt(app, person.id)
    sign_in(client, person)
    soup = page(client.get("/learning/code-of-conduct"))
    assert contacts(soup) == [("Stella Steward, stella@example.org", "mailto:stella@example.org")]
    assert "write to the programme's steward about what happens next:" in soup.select_one("main").get_text(" ")


def test_out_of_attempts_with_nobody_named_says_to_ask_a_manager(app, client, factory, content):
    person = factory.user(roles=("staff", "lead"), division="PFR")
    use_every_attempt(app, person.id)
    sign_in(client, person)
    soup = page(client.get("/learning/code-of-conduct"))
    assert contacts(soup) == []
    assert "so ask your manager about what happens next." in soup.select_one("main").get_text(" ")


def _seed_drawing_a_multiple_choice(app, slug: str) -> int:
    """A seed whose draw holds a question with two or more right options."""
    import random
    from datetime import date

    from portal.learning.drawing import draw_questions
    from portal.learning.models import QuestionKind
    from portal.learning.queries import current_modules

    with app.app_context():
        module = current_modules()[slug]
        for seed in range(1, 200):
            drawn = draw_questions(module, random.Random(seed), date.today())
            if any(module.questions[item.question_id].kind is QuestionKind.MULTIPLE
                   and sum(option.correct for option in module.questions[item.question_id].options.values()) >= 2
                   for item in drawn):
                return seed
    raise AssertionError("no draw holds a multiple-choice question with several right options")


def answer_some_right(app, person_id: int, right: int, partly_right_multiple: bool, slug="service-standards") -> int:
    """An attempt answered with `right` questions right, then, if asked, a multiple-choice question with only
    one of its right options ticked, and the rest wrong; its id."""
    import random

    from portal.auth.models import User
    from portal.learning.grading import right_keys
    from portal.learning.models import QuestionKind
    from portal.learning.operations import start_attempt, submit_attempt
    from portal.learning.queries import current_modules

    seed = _seed_drawing_a_multiple_choice(app, slug)
    with app.test_request_context():
        user = db.session.get(User, person_id)
        module = current_modules()[slug]
        attempt = start_attempt(user, module, random.Random(seed))
        questions = list(attempt.questions)
        partial = next(drawn for drawn in questions if module.questions[drawn.question_id].kind is QuestionKind.MULTIPLE
                       and len(right_keys(module, drawn)) >= 2)
        others = [drawn for drawn in questions if drawn is not partial]
        chosen = {partial.position: sorted(right_keys(module, partial))[:1]} if partly_right_multiple else {}
        for number, drawn in enumerate(others if partly_right_multiple else questions):
            keys = sorted(right_keys(module, drawn))
            wrong = [choice["key"] for choice in drawn.choices if choice["key"] not in keys][:1]
            chosen[drawn.position] = keys if number < right else wrong
        submit_attempt(user, attempt, module, chosen, "en")
        db.session.commit()
        return attempt.id


def summary(client, attempt: int) -> str:
    return page(client.get(f"/learning/attempts/{attempt}")).select_one(".result-summary").get_text(" ", strip=True)


def test_a_score_exactly_at_the_pass_mark_passes(app, client, factory, content):
    """The Standards quiz asks 75 %: six of eight right is exactly that."""
    person = factory.user()
    attempt = answer_some_right(app, person.id, right=6, partly_right_multiple=False)
    sign_in(client, person)
    shown = summary(client, attempt)
    assert "You passed with 75 %." in shown and "6 of 8 answers right" in shown
    with app.app_context():
        stored = db.session.get(Attempt, attempt)
        assert (stored.score, stored.passed) == (75, True)
        assert db.session.scalar(db.select(db.func.count()).select_from(db.text("certificates"))) == 1


@pytest.mark.parametrize("right, score, verdict", [
    (7, 87, "You passed with 87 %."),
    (5, 62, "You scored 62 %. You need 75 % to pass."),
])
def test_a_partly_right_multiple_choice_earns_nothing_and_scores_round_down(app, client, factory, content, right,
                                                                            score, verdict):
    """No partial credit: a multiple-choice question is right only with every right option and no wrong one.
    7 of 8 is 87.5 %, shown as 87 (never rounded up to 88); 5 of 8 is 62.5 %, shown as 62."""
    person = factory.user()
    attempt = answer_some_right(app, person.id, right=right, partly_right_multiple=True)
    sign_in(client, person)
    shown = summary(client, attempt)
    assert verdict in shown and f"{right} of 8 answers right" in shown
    soup = page(client.get(f"/learning/attempts/{attempt}"))
    partly = [item for item in soup.select(".result") if len(item.select(".choice-right")) >= 2
              and len(item.select(".choice-chosen")) == 1 and item.select_one(".choice-chosen.choice-right")]
    assert partly and all("wrong" in item["class"] and item.select_one(".verdict").get_text(strip=True) == "Not right"
                          for item in partly)
    with app.app_context():
        assert db.session.get(Attempt, attempt).score == score


def test_scores_are_whole_per_cents_rounded_down():
    from portal.learning.grading import score

    assert [score(6, 8), score(7, 8), score(5, 8), score(2, 3), score(8, 8), score(0, 8), score(0, 0)] == \
        [75, 87, 62, 66, 100, 0, 0]


def test_an_attempt_already_claimed_is_not_graded_again(app, factory, content):
    """The claim itself requires "not yet submitted": a second submission that got past the page's check (a
    second tab, a racing request) changes neither the stored result nor the counts."""
    from portal.auth.models import User
    from portal.learning.grading import right_keys
    from portal.learning.models import QuestionTally
    from portal.learning.operations import submit_attempt
    from portal.learning.queries import current_modules

    person = factory.user()
    quiz = take_quiz(app, person.id, "service-promise", "right")
    with app.test_request_context():
        user = db.session.get(User, person.id)
        module = current_modules()["service-promise"]
        attempt = db.session.get(Attempt, quiz.id)
        wrong = {drawn.position: [choice["key"] for choice in drawn.choices
                                  if choice["key"] not in right_keys(module, drawn)][:1] for drawn in attempt.questions}
        assert submit_attempt(user, attempt, module, wrong, "en") is False
        db.session.commit()
    with app.app_context():
        stored = db.session.get(Attempt, quiz.id)
        assert (stored.score, stored.passed) == (100, True)
        assert all(drawn.correct for drawn in stored.questions)
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1
        assert db.session.scalar(db.select(db.func.sum(QuestionTally.answered))) == 8
        assert db.session.scalar(db.select(db.func.sum(QuestionTally.answered_right))) == 8
        submits = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "attempt.submit")).all()
        assert len(submits) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(db.text("certificates"))) == 1


def test_answer_options_are_shuffled_for_each_draw(app, content):
    """Single and multiple choice options come in a drawn order, not the bank's; true or false keeps its order."""
    import random
    from datetime import date

    from portal.learning.drawing import draw_questions
    from portal.learning.models import QuestionKind
    from portal.learning.queries import current_modules

    orders: dict[int, set[tuple[str, ...]]] = {}
    with app.app_context():
        module = current_modules()["service-promise"]
        for seed in range(40):
            for drawn in draw_questions(module, random.Random(seed), date.today()):
                orders.setdefault(drawn.question_id, set()).add(tuple(choice["key"] for choice in drawn.choices))
    shuffled = [question_id for question_id, seen in orders.items()
                if module.questions[question_id].kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)]
    assert shuffled
    for question_id in shuffled:
        bank_order = tuple(module.questions[question_id].options)
        assert all(sorted(order) == sorted(bank_order) for order in orders[question_id])
        assert orders[question_id] - {bank_order}, f"question {question_id} always shows its options in bank order"
    for question_id, seen in orders.items():
        if module.questions[question_id].kind is QuestionKind.TRUE_FALSE:
            assert seen == {tuple(module.questions[question_id].options)}


def test_a_retake_shows_its_own_questions_not_the_first_attempts(app, client, factory, content):
    """An open attempt's questions are kept under the attempt; kept under the module alone, a retake would show
    the questions, options and order drawn for the first attempt."""
    from portal.learning.queries import published
    from portal.learning.quiz import quiz_view

    sign_in(client, factory.user())
    first = start(client, "code-of-conduct")
    first_shown = page(client.get(first))
    key = answer_key(app, attempt_id(first))
    wrong = {name: [next(value for value in values if [value] != key[name])]
             for name, values in quiz_fields(first_shown).items()}
    submit(client, first, wrong)
    retake = start(client, "code-of-conduct")
    assert retake != first
    shown = page(client.get(retake))

    def questions(soup) -> list[tuple[str, list[str]]]:
        return [(fieldset.legend.get_text(" ", strip=True),
                 [label.get_text(" ", strip=True) for label in fieldset.select("label")])
                for fieldset in soup.select("fieldset.question")]

    with app.test_request_context():
        expected = {}
        for number in (attempt_id(first), attempt_id(retake)):
            attempt = db.session.get(Attempt, number)
            expected[number] = [(question.prompt, [choice.label for choice in question.choices])
                                for question in quiz_view(attempt, published(attempt.version_id), "en")]
    drawn_first, drawn_again = expected[attempt_id(first)], expected[attempt_id(retake)]
    assert drawn_first != drawn_again
    assert [labels for _legend, labels in questions(shown)] == [labels for _prompt, labels in drawn_again]
    assert len(questions(shown)) == len(drawn_again)
    assert all(prompt in legend for (legend, _labels), (prompt, _choices) in zip(questions(shown), drawn_again))
    assert not shown.select("fieldset.question input[checked]")
    assert not shown.select(".feedback, .result, .choice-chosen")
