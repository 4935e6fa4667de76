"""Modules as content: what sync checks, what it refuses, and versions that keep their attempts."""
import shutil

import pytest
import yaml

from portal.content import ContentError
from portal.extensions import db
from portal.learning.models import Attempt, ModuleVersion, Question
from portal.learning.operations import sync_modules
from portal.learning.queries import current_modules
from portal.learning.source import load_modules
from tests.conftest import take_quiz


@pytest.fixture
def modules_dir(app, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    return copy


def edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(content_dir) -> list[str]:
    with pytest.raises(ContentError) as refused:
        load_modules(content_dir)
    return refused.value.problems


def test_the_three_modules_are_whole(app):
    modules = {module.slug: module for module in load_modules(app.config["CONTENT_DIR"])}
    assert set(modules) == {"service-promise", "service-standards", "code-of-conduct"}
    for module in modules.values():
        assert len(module.questions) >= 12 and len(module.lessons) >= 3
        assert all(question.tags for question in module.questions)
    assert modules["service-promise"].attests == "promise"
    assert any(question.scenario for question in modules["service-standards"].questions)


def test_a_question_without_a_right_answer_is_refused_naming_the_file(modules_dir):
    bank = modules_dir / "modules" / "code-of-conduct" / "questions.yaml"
    edit_yaml(bank, lambda questions: [option.update(correct=False) for option in questions[0]["options"]])
    (problem,) = problems_of(modules_dir)
    assert str(bank) in problem and "has no right answer" in problem


@pytest.mark.parametrize("change, expected", [
    (lambda meta: meta.update(pass_mark=120), "pass_mark: must be a whole number from 1 to 100"),
    (lambda meta: meta["title"].pop("fr"), "title: the fr text is missing"),
    (lambda meta: meta.update(audience=["mayor"]), "audience: names roles"),
    (lambda meta: meta.update(questions_per_attempt=400), "questions_per_attempt"),
    (lambda meta: meta.update(version="one"), "version must look like 2.0"),
])
def test_broken_settings_are_refused(modules_dir, change, expected):
    path = modules_dir / "modules" / "service-promise" / "module.yaml"
    edit_yaml(path, change)
    problems = problems_of(modules_dir)
    assert any(str(path) in problem and expected in problem for problem in problems), problems


@pytest.mark.parametrize("change, expected", [
    (lambda questions: questions[0].update(tags=["promise-9"]), "unknown tag promise-9"),
    (lambda questions: questions[0]["prompt"].pop("en"), "prompt: the en text is missing"),
    (lambda questions: questions[1].update(key=questions[0]["key"]), "the key is used twice"),
    (lambda questions: questions[0].update(kind="essay"), "kind must be one of"),
])
def test_broken_questions_are_refused(modules_dir, change, expected):
    path = modules_dir / "modules" / "service-promise" / "questions.yaml"
    edit_yaml(path, change)
    problems = problems_of(modules_dir)
    assert any(str(path) in problem and expected in problem for problem in problems), problems


def test_a_scenario_needs_feedback_for_every_mistake_it_can_offer(modules_dir):
    path = modules_dir / "modules" / "service-standards" / "questions.yaml"

    def drop_feedback(questions):
        scenario = next(question for question in questions if question["kind"] == "scenario")
        scenario["feedback"].pop(sorted(key for key in scenario["feedback"] if key != "right")[0])

    edit_yaml(path, drop_feedback)
    assert any("feedback" in problem and "missing" in problem for problem in problems_of(modules_dir))


def test_a_missing_lesson_translation_is_refused(modules_dir):
    lesson = next((modules_dir / "modules" / "code-of-conduct" / "lessons").iterdir())
    (lesson / "fr.md").unlink()
    (problem,) = problems_of(modules_dir)
    assert str(lesson / "fr.md") in problem


def test_sync_with_a_broken_module_loads_nothing(app, cli, modules_dir, monkeypatch):
    edit_yaml(modules_dir / "modules" / "code-of-conduct" / "module.yaml", lambda meta: meta.update(pass_mark=0))
    monkeypatch.setitem(app.config, "CONTENT_DIR", modules_dir)
    result = cli("content", "sync")
    assert result.exit_code != 0 and "nothing was changed" in result.output and "pass_mark" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ModuleVersion.id))) == 0


def test_a_changed_module_is_a_new_version_and_attempts_stay_with_theirs(app, factory, content, modules_dir):
    person = factory.user()
    first = take_quiz(app, person.id, "code-of-conduct", "wrong")
    path = modules_dir / "modules" / "code-of-conduct" / "module.yaml"
    edit_yaml(path, lambda meta: meta.update(version="1.1", change="minor", pass_mark=70))
    with app.app_context():
        with pytest.raises(ContentError):
            edit_yaml(path, lambda meta: meta.update(version="1.0"))
            sync_modules(load_modules(modules_dir))
        db.session.rollback()
        edit_yaml(path, lambda meta: meta.update(version="1.1"))
        outcomes = {outcome.slug: outcome.published for outcome in sync_modules(load_modules(modules_dir))}
        db.session.commit()
        assert outcomes == {"code-of-conduct": True, "service-promise": False, "service-standards": False}
        current = current_modules()["code-of-conduct"]
        assert (current.label, current.pass_mark) == ("1.1", 70)
        attempt = db.session.get(Attempt, first.id)
        assert attempt.version_id != current.id
        old_questions = set(db.session.scalars(db.select(Question.id).where(Question.version_id == attempt.version_id)))
        assert {drawn.question_id for drawn in attempt.questions} <= old_questions
