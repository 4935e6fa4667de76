"""Award programmes as content: checked whole, in both languages, with weights that add up; all or nothing."""
import shutil

import pytest
import yaml
from sqlalchemy import func, select

from portal.extensions import db
from portal.recognition.source import load_programmes

PROGRAMME = "awards/city-managers-award/programme.yaml"


@pytest.fixture
def content_copy(app, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    return copy


def change(content_dir, edit) -> None:
    path = content_dir / PROGRAMME
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_both_programmes_load_with_categories_tied_to_commitments(app):
    programmes = {found.slug: found for found in load_programmes(app.config["CONTENT_DIR"])}
    assert sorted(programmes) == ["city-managers-award", "divisional-recognition"]
    city = programmes["city-managers-award"].definition
    assert sorted(category["commitment"] for category in city["categories"]) == [1, 2, 3, 4, 5, 6]
    assert sum(criterion["weight"] for criterion in city["rubric"]["criteria"]) == 100
    assert programmes["divisional-recognition"].scope.value == "division"


@pytest.mark.parametrize("edit, expected", [
    (lambda data: data["rubric"]["criteria"][0].update(weight=36), "weights add up to 101, not 100"),
    (lambda data: data["categories"][0]["title"].pop("fr"), "category fair-and-respectful title: the fr text is missing"),
    (lambda data: data["categories"][1].update(commitment=7), "commitment must be one of the six commitments"),
    (lambda data: data["categories"][1].update(key="fair-and-respectful"), "is used twice"),
    (lambda data: data.update(citation_word_limit=0), "citation_word_limit: must be a whole number from 50 to 1000"),
    (lambda data: data.pop("rubric"), "missing rubric"),
])
def test_a_broken_programme_is_refused_naming_the_file_and_the_problem(content_copy, edit, expected):
    from portal.content import ContentError

    change(content_copy, edit)
    with pytest.raises(ContentError) as refused:
        load_programmes(content_copy)
    assert any(PROGRAMME in problem and expected in problem for problem in refused.value.problems), \
        refused.value.problems


def test_sync_with_a_broken_programme_loads_nothing(app, content_copy, monkeypatch):
    from portal.recognition.models import Programme

    change(content_copy, lambda data: data["rubric"]["criteria"][0].update(weight=10))
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_copy)
    result = app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code != 0 and "weights add up to 75, not 100" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Programme.id))) == 0
