"""Reading and checking the adoption indicators in content/indicators: one file per action area."""
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..content import Checker, ContentError, read_mapping

AREAS = ("communication", "learning", "recognition", "performance")
KINDS = ("yes-no", "count", "percentage", "text")
COMPUTED = {"attested-share": "percentage", "onboarding-completion": "percentage", "nominations-made": "count",
            "nominations-received": "count", "standard-compliance": "percentage"}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
AREA_FIELDS = ("title", "summary", "indicators")
REQUIRED = ("key", "kind", "evidence", "title", "help")
FIELDS = (*REQUIRED, "target", "computed")
FEWEST, MOST = 4, 7
TARGETS = {"yes-no": "true or false", "count": "a whole number of 0 or more", "percentage": "a number from 0 to 100"}


@dataclass(frozen=True)
class IndicatorSetSource:
    """The indicators of the four action areas, in order, as a period copies them."""

    definition: dict

    @property
    def checksum(self) -> str:
        return hashlib.sha256(json.dumps(self.definition, sort_keys=True).encode()).hexdigest()


def _target_fits(kind: str, target) -> bool:
    if kind == "yes-no":
        return isinstance(target, bool)
    if kind == "count":
        return isinstance(target, int) and not isinstance(target, bool) and target >= 0
    return isinstance(target, (int, float)) and not isinstance(target, bool) and 0 <= target <= 100


def _target(check: Checker, where: str, kind, item: dict):
    if kind == "text":
        if "target" in item:
            check.fail(where, "a text indicator has no target")
        return None
    if "target" not in item:
        check.fail(where, "missing target")
    elif kind in TARGETS and not _target_fits(kind, item["target"]):
        check.fail(where, f"the target of a {kind} indicator must be {TARGETS[kind]}, not {item['target']!r}")
    return item.get("target")


def _computed(check: Checker, where: str, kind, computed, used: dict[str, str]):
    if computed is None:
        return None
    if not isinstance(computed, str) or computed not in COMPUTED:
        check.fail(where, f"computed must be one of {', '.join(COMPUTED)}, not {computed!r}")
    elif kind in KINDS and COMPUTED[computed] != kind:
        check.fail(where, f"computed {computed} is a {COMPUTED[computed]} indicator, not a {kind} one")
    elif computed in used:
        check.fail(where, f"computed {computed} is already used by {used[computed]}")
    else:
        used[computed] = f"{check.path.name} {where}"
    return computed


def _indicator(check: Checker, number: int, item, keys: dict[str, str], used: dict[str, str]) -> dict | None:
    if not isinstance(item, dict):
        check.fail(f"indicator {number}", "must be a mapping")
        return None
    key = item.get("key")
    where = f"indicator {key}" if isinstance(key, str) and KEY.match(key) else f"indicator {number}"
    missing = [name for name in REQUIRED if name not in item]
    unknown = sorted(str(name) for name in item if name not in FIELDS)
    if missing:
        check.fail(where, f"missing {', '.join(missing)}")
    if unknown:
        check.fail(where, f"unknown field {', '.join(unknown)}")
    if missing:
        return None
    if not isinstance(key, str) or not KEY.match(key):
        check.fail(where, f"key {key!r} must be lowercase letters, digits and hyphens")
    elif key in keys:
        check.fail(where, f"key {key!r} is used twice (also {keys[key]})")
    else:
        keys[key] = f"{check.path.name} indicator {number}"
    kind = item["kind"]
    if kind not in KINDS:
        check.fail(where, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(item["evidence"], bool):
        check.fail(where, f"evidence must be true or false, not {item['evidence']!r}")
    return {"key": key, "kind": kind, "target": _target(check, where, kind, item),
            "computed": _computed(check, where, kind, item.get("computed"), used),
            "evidence": item["evidence"],
            "title": check.texts(item["title"], f"{where} title"),
            "help": check.texts(item["help"], f"{where} help")}


def load_area(path: Path, problems: list[str], keys: dict[str, str], used: dict[str, str]) -> dict | None:
    """One action area's file; every problem goes to problems, naming the file and where."""
    meta, check = read_mapping(path, problems, "action area's title, summary and indicators")
    if meta is None:
        return None
    missing = [name for name in AREA_FIELDS if name not in meta]
    unknown = sorted(str(name) for name in meta if name not in AREA_FIELDS)
    if unknown:
        check.fail("", f"unknown field {', '.join(unknown)}")
    if missing:
        check.fail("", f"missing {', '.join(missing)}")
        return None
    items = meta["indicators"]
    if not isinstance(items, list) or not FEWEST <= len(items) <= MOST:
        check.fail("indicators", f"must list {FEWEST} to {MOST} indicators")
        items = []
    area = {"key": path.stem, "title": check.texts(meta["title"], "title"),
            "summary": check.texts(meta["summary"], "summary"),
            "indicators": [_indicator(check, number, item, keys, used) for number, item in enumerate(items, start=1)]}
    return area if check.clean else None


def load_indicators(content_dir: Path) -> IndicatorSetSource:
    """The four action areas of content/indicators, or ContentError listing every problem of every file."""
    root = Path(content_dir) / "indicators"
    problems: list[str] = []
    expected = [f"{area}.yaml" for area in AREAS]
    extra = sorted(path.name for path in root.glob("*.y*ml") if path.name not in expected) if root.is_dir() else []
    for name in extra:
        problems.append(f"{root / name}: not an action area; the files are {', '.join(expected)}")
    keys: dict[str, str] = {}
    used: dict[str, str] = {}
    areas = [load_area(root / f"{area}.yaml", problems, keys, used) for area in AREAS]
    if problems:
        raise ContentError(problems)
    return IndicatorSetSource({"areas": areas})
