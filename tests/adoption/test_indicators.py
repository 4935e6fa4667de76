"""Adoption indicators as content: four action areas, checked whole, in both languages; all or nothing."""
import shutil

import pytest
import yaml

from portal.adoption.source import AREAS, COMPUTED, load_indicators
from portal.config import Config
from portal.content import ContentError


@pytest.fixture
def content_copy(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(Config.CONTENT_DIR / "indicators", copy / "indicators")
    return copy


def change(content_dir, area, edit) -> None:
    path = content_dir / "indicators" / f"{area}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def refused(content_dir) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_indicators(content_dir)
    return error.value.problems


def typed(data, kind) -> dict:
    return next(item for item in data["indicators"] if item["kind"] == kind and "computed" not in item)


def test_the_four_areas_load_in_order_with_every_computed_indicator():
    source = load_indicators(Config.CONTENT_DIR)
    areas = source.definition["areas"]
    assert [area["key"] for area in areas] == list(AREAS)
    indicators = [indicator for area in areas for indicator in area["indicators"]]
    computed = {indicator["computed"]: indicator["kind"] for indicator in indicators if indicator["computed"]}
    assert computed == COMPUTED
    assert all(4 <= len(area["indicators"]) <= 7 for area in areas)
    assert len({indicator["key"] for indicator in indicators}) == len(indicators)
    assert all(indicator["target"] is None for indicator in indicators if indicator["kind"] == "text")
    assert all(area["title"]["fr"] and area["summary"]["fr"] for area in areas)


def test_the_checksum_follows_the_content(content_copy):
    before = load_indicators(content_copy).checksum
    assert load_indicators(content_copy).checksum == before
    change(content_copy, "learning", lambda data: typed(data, "count").update(target=7))
    assert load_indicators(content_copy).checksum != before


@pytest.mark.parametrize("area, edit, expected", [
    ("communication", lambda data: data["indicators"][0].pop("help"),
     "indicator divisional-website-updated: missing help"),
    ("learning", lambda data: data.pop("summary"), "missing summary"),
    ("learning", lambda data: typed(data, "count").pop("target"), "missing target"),
    ("recognition", lambda data: data["indicators"][0]["title"].pop("fr"), "title: the fr text is missing"),
    ("performance", lambda data: data["summary"].pop("en"), "summary: the en text is missing"),
    ("performance", lambda data: data["indicators"][1].update(kind="rating"), "kind must be one of"),
    ("communication", lambda data: typed(data, "yes-no").update(target="yes"), "must be true or false, not 'yes'"),
    ("communication", lambda data: typed(data, "count").update(target=True), "must be a whole number of 0 or more"),
    ("learning", lambda data: typed(data, "count").update(target=-1), "must be a whole number of 0 or more"),
    ("learning", lambda data: typed(data, "count").update(target=2.5), "must be a whole number of 0 or more"),
    ("learning", lambda data: typed(data, "percentage").update(target=101), "must be a number from 0 to 100"),
    ("performance", lambda data: typed(data, "percentage").update(target=-0.5), "must be a number from 0 to 100"),
    ("performance", lambda data: typed(data, "percentage").update(target="75%"), "must be a number from 0 to 100"),
    ("recognition", lambda data: typed(data, "text").update(target="a story"), "a text indicator has no target"),
    ("recognition", lambda data: data["indicators"][1].update(computed="stories-told"), "computed must be one of"),
    ("performance", lambda data: typed(data, "percentage").update(computed="nominations-made"),
     "computed nominations-made is a count indicator, not a percentage one"),
    ("learning", lambda data: typed(data, "percentage").update(computed="onboarding-completion"),
     "computed onboarding-completion is already used"),
    ("recognition", lambda data: data["indicators"][2].update(key="nominations-made"), "is used twice"),
    ("communication", lambda data: data["indicators"][0].update(key="Website_Updated"),
     "key 'Website_Updated' must be lowercase letters, digits and hyphens"),
    ("learning", lambda data: data.update(indicators=data["indicators"][:3]), "indicators: must list 4 to 7"),
    ("communication", lambda data: data["indicators"].extend(
        dict(item, key=f"extra-{number}") for number, item in enumerate(data["indicators"][:2])),
     "indicators: must list 4 to 7"),
    ("performance", lambda data: data["indicators"][0].update(evidence="yes"), "evidence must be true or false"),
    ("recognition", lambda data: data["indicators"][0].update(evidance=True), "unknown field evidance"),
])
def test_a_broken_area_is_refused_naming_the_file_and_the_problem(content_copy, area, edit, expected):
    change(content_copy, area, edit)
    problems = refused(content_copy)
    assert any(f"{area}.yaml" in problem and expected in problem for problem in problems), problems


def test_a_key_used_in_two_files_is_refused(content_copy):
    change(content_copy, "performance", lambda data: data["indicators"][1].update(key="divisional-website-updated"))
    problems = refused(content_copy)
    assert any("performance.yaml" in problem and "is used twice (also communication.yaml indicator 1)" in problem
               for problem in problems), problems


def test_a_missing_area_file_is_refused(content_copy):
    (content_copy / "indicators" / "recognition.yaml").unlink()
    assert any("recognition.yaml: file is missing" in problem for problem in refused(content_copy))


def test_an_extra_area_file_is_refused(content_copy):
    shutil.copy(content_copy / "indicators" / "learning.yaml", content_copy / "indicators" / "outreach.yaml")
    assert any("outreach.yaml: not an action area" in problem for problem in refused(content_copy))


def test_every_problem_of_every_file_is_listed(content_copy):
    change(content_copy, "communication", lambda data: data["indicators"][0].update(evidence=None))
    change(content_copy, "performance", lambda data: data["title"].pop("fr"))
    problems = refused(content_copy)
    assert any("communication.yaml" in problem and "evidence must be true or false" in problem for problem in problems)
    assert any("performance.yaml: title: the fr text is missing" in problem for problem in problems), problems
