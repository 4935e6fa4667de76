"""Reading and checking the award programmes in content/awards: texts, categories and the weighted rubric."""
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..content import LANGUAGES, Checker, ContentError, read_mapping, render_markdown
from .models import Scope

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
FIELDS = ("title", "summary", "scope", "citation_word_limit", "eligibility", "categories", "rubric")
COMMITMENTS = range(1, 7)
FEWEST_CATEGORIES, MOST_CATEGORIES = 3, 6
FEWEST_CRITERIA, MOST_CRITERIA = 3, 5


@dataclass(frozen=True)
class ProgrammeSource:
    slug: str
    scope: Scope
    definition: dict

    @property
    def checksum(self) -> str:
        return hashlib.sha256(json.dumps([self.scope.value, self.definition], sort_keys=True).encode()).hexdigest()


def _keyed(check: Checker, items, where: str, fewest: int, most: int) -> list[dict]:
    if not isinstance(items, list) or not fewest <= len(items) <= most:
        check.fail(where, f"must list {fewest} to {most} entries")
        return []
    seen, found = set(), []
    for number, item in enumerate(items, start=1):
        place = f"{where} {number}"
        if not isinstance(item, dict):
            check.fail(place, "must be a mapping")
            continue
        key = item.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            check.fail(place, f"key {key!r} must be lowercase letters, digits and hyphens")
        elif key in seen:
            check.fail(place, f"key {key!r} is used twice")
        seen.add(key)
        found.append(item)
    return found


def _categories(check: Checker, items) -> list[dict]:
    categories = []
    for item in _keyed(check, items, "categories", FEWEST_CATEGORIES, MOST_CATEGORIES):
        where = f"category {item.get('key')}"
        commitment = item.get("commitment")
        if isinstance(commitment, bool) or commitment not in COMMITMENTS:
            check.fail(where, f"commitment must be one of the six commitments (1 to 6), not {commitment!r}")
        categories.append({"key": item.get("key"), "commitment": commitment,
                           "title": check.texts(item.get("title"), f"{where} title"),
                           "description": check.texts(item.get("description"), f"{where} description")})
    return categories


def _rubric(check: Checker, rubric) -> dict:
    if not isinstance(rubric, dict):
        check.fail("rubric", "needs a scale and criteria")
        return {}
    scale = check.number(rubric, "scale", 3, 10)
    criteria = []
    for item in _keyed(check, rubric.get("criteria"), "criteria", FEWEST_CRITERIA, MOST_CRITERIA):
        where = f"criterion {item.get('key')}"
        weight = item.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            check.fail(where, f"weight must be a whole-number percentage from 1 to 100, not {weight!r}")
            weight = 0
        criteria.append({"key": item.get("key"), "weight": weight,
                         "title": check.texts(item.get("title"), f"{where} title"),
                         "guidance": check.texts(item.get("guidance"), f"{where} guidance")})
    total = sum(criterion["weight"] for criterion in criteria)
    if criteria and total != 100:
        check.fail("rubric", f"the criteria's weights add up to {total}, not 100")
    return {"scale": scale, "criteria": criteria}


def load_programme(folder: Path, problems: list[str]) -> ProgrammeSource | None:
    path = folder / "programme.yaml"
    meta, check = read_mapping(path, problems, "programme's fields")
    if meta is None:
        return None
    missing = [name for name in FIELDS if name not in meta]
    if missing:
        check.fail("", f"missing {', '.join(missing)}")
        return None
    if not KEY.match(folder.name):
        check.fail("", f"folder name {folder.name!r} must be lowercase letters, digits and hyphens")
    try:
        scope = Scope(meta["scope"])
    except ValueError:
        check.fail("scope", f"must be city or division, not {meta['scope']!r}")
        scope = Scope.CITY
    eligibility = check.texts(meta["eligibility"], "eligibility")
    definition = {
        "title": check.texts(meta["title"], "title"),
        "summary": check.texts(meta["summary"], "summary"),
        "citation_word_limit": check.number(meta, "citation_word_limit", 50, 1000),
        "eligibility_html": {language: render_markdown(eligibility.get(language, "")) for language in LANGUAGES},
        "categories": _categories(check, meta["categories"]),
        "rubric": _rubric(check, meta["rubric"]),
    }
    return ProgrammeSource(folder.name, scope, definition) if check.clean else None


def load_programmes(content_dir: Path) -> list[ProgrammeSource]:
    """Every programme in content/awards, or ContentError listing every problem of every file."""
    root = Path(content_dir) / "awards"
    problems: list[str] = []
    folders = sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []
    if not folders:
        problems.append(f"{root}: no award programmes")
    programmes = [load_programme(folder, problems) for folder in folders]
    if problems:
        raise ContentError(problems)
    return [programme for programme in programmes if programme is not None]
