"""Division learning tallies kept with every change, so lead and steward reports read figures instead of counting.

A flush that submits an attempt, issues a certificate, adds a person, changes a person's division, start date,
active flag, roles, name or e-mail address (which the lead's list of overdue staff shows) marks the divisions
concerned, and a new module version marks every division; they are counted again before the commit
(portal/auth/division_counts.py), which raises the learning tallies' mark. Bulk SQL that bypasses the ORM calls
`refresh_all()` itself."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from ..auth.division_counts import (EVERY_DIVISION, attributes_changed, keep_counts, locked_divisions,
                                    moved_divisions)
from ..auth.models import User, UserRole
from ..extensions import db
from ..marks import raise_mark
from .models import Attempt, Certificate, LearningDue, LearningTally, ModuleVersion
from .queries import PublishedModule, current_modules

LEARNING_TALLIES = "learning_tallies"
FIGURES = ("staff", "completed", "submitted", "passed", "first_attempts", "first_passed")


def module_key(module: PublishedModule) -> str:
    return f"{module.module_id}:{module.major}"


def anyone_due_name(modules: dict[str, PublishedModule]) -> str:
    return "any:" + "|".join(module_key(module) for module in modules.values())


@dataclass
class DivisionCount:
    """One division's tallies as counted from the rows: figures by name, and due dates by name."""

    figures: dict[str, int]
    dues: dict[str, Counter] = field(default_factory=dict)

    def overdue(self, name: str, today: date) -> int:
        return sum(count for due_on, count in self.dues.get(name, Counter()).items() if due_on < today)


def count_divisions(modules: dict[str, PublishedModule], division_ids: list[int]) -> dict[int, DivisionCount]:
    """Counts the learning figures of these divisions from staff, roles, certificates and attempts (four reads)."""
    counted = {division_id: DivisionCount({f"{figure}:{module_key(module)}": 0 for module in modules.values()
                                           for figure in FIGURES}) for division_id in division_ids}
    if not modules or not division_ids:
        return counted
    staff = and_(User.active, User.division_id.in_(division_ids))
    roles: dict[int, set[str]] = {}
    for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role)
                                            .join(User, User.id == UserRole.user_id).where(staff)):
        roles.setdefault(user_id, set()).add(role.value)
    key_of = {version_id: module_key(module) for module in modules.values() for version_id in module.same_major_ids}
    passed = {(user_id, key_of[version_id]) for user_id, version_id in db.session.execute(
        select(Certificate.user_id, Certificate.version_id).join(User, User.id == Certificate.user_id)
        .where(staff, Certificate.version_id.in_(list(key_of))))}
    audiences = [(module, module_key(module)) for module in modules.values()]
    anyone = anyone_due_name(modules)
    for user_id, division_id, start_date in db.session.execute(
            select(User.id, User.division_id, User.start_date).where(staff)):
        division, first_due = counted[division_id], None
        for module, key in audiences:
            if module.audience.isdisjoint(roles.get(user_id, ())):
                continue
            division.figures[f"staff:{key}"] += 1
            if (user_id, key) in passed:
                division.figures[f"completed:{key}"] += 1
            elif start_date is not None:
                due = start_date + timedelta(days=module.due_within_days)
                division.dues.setdefault(key, Counter())[due] += 1
                first_due = due if first_due is None else min(first_due, due)
        if first_due is not None:
            division.dues.setdefault(anyone, Counter())[first_due] += 1
    first = Attempt.number == 1
    for division_id, version_id, *values in db.session.execute(
            select(User.division_id, Attempt.version_id, func.count(Attempt.id), func.sum(Attempt.passed.cast(db.Integer)),
                   func.sum(first.cast(db.Integer)), func.sum(and_(first, Attempt.passed).cast(db.Integer)))
            .join(User, User.id == Attempt.user_id)
            .where(staff, Attempt.submitted_at.is_not(None), Attempt.version_id.in_(list(key_of)))
            .group_by(User.division_id, Attempt.version_id)):
        for figure, value in zip(FIGURES[2:], values):
            counted[division_id].figures[f"{figure}:{key_of[version_id]}"] += value or 0
    return counted


def refresh(division_ids: set[int] | None, today: date | None = None) -> None:
    """Counts the tallies of these divisions (None: all of them) again, under a lock on their rows.

    Days already past are kept as one row dated yesterday: from today on, they are all overdue alike."""
    ids = locked_divisions(division_ids)
    if not ids:
        return
    counted = count_divisions(current_modules(), ids)
    db.session.execute(delete(LearningTally).where(LearningTally.division_id.in_(ids)))
    db.session.execute(delete(LearningDue).where(LearningDue.division_id.in_(ids)))
    tallies = [{"division_id": division_id, "name": name, "count": count}
               for division_id, division in counted.items() for name, count in division.figures.items()]
    yesterday = (today or date.today()) - timedelta(days=1)
    dues = []
    for division_id, division in counted.items():
        for name, days in division.dues.items():
            folded = Counter()
            for due_on, count in days.items():
                folded[max(due_on, yesterday)] += count
            dues += [{"division_id": division_id, "name": name, "due_on": due_on, "count": count}
                     for due_on, count in folded.items()]
    connection = db.session.connection()
    if tallies:
        connection.execute(insert(LearningTally.__table__), tallies)
    if dues:
        connection.execute(insert(LearningDue.__table__), dues)
    raise_mark(LEARNING_TALLIES)


def refresh_all() -> None:
    refresh(None)


_TALLIES = (select(LearningTally.division_id, LearningTally.name, LearningTally.count)
            .where(LearningTally.division_id.in_(bindparam("ids", expanding=True)),
                   LearningTally.name.in_(bindparam("names", expanding=True))))
_OVERDUE = (select(LearningDue.division_id, LearningDue.name, func.sum(LearningDue.count))
            .where(LearningDue.division_id.in_(bindparam("ids", expanding=True)),
                   LearningDue.name.in_(bindparam("names", expanding=True)), LearningDue.due_on < bindparam("today"))
            .group_by(LearningDue.division_id, LearningDue.name))


def read_divisions(modules: dict[str, PublishedModule], division_ids: list[int], today: date) -> dict[int, dict[str, int]]:
    """Each division's figures by name, with `overdue:<due name>` as of today for every name of `LearningDue`
    (two reads). A division whose tallies were never counted is counted from the rows instead."""
    names = [f"{figure}:{module_key(module)}" for module in modules.values() for figure in FIGURES]
    due_names = [module_key(module) for module in modules.values()] + [anyone_due_name(modules)]
    found: dict[int, dict[str, int]] = {}
    for division_id, name, count in db.session.execute(_TALLIES, {"ids": list(division_ids), "names": names}):
        found.setdefault(division_id, {})[name] = count
    complete = [division_id for division_id, figures in found.items() if len(figures) == len(names)]
    figures = {division_id: dict(found[division_id], **{f"overdue:{name}": 0 for name in due_names})
               for division_id in complete}
    if complete:
        for division_id, name, count in db.session.execute(
                _OVERDUE, {"ids": complete, "names": due_names, "today": today}):
            figures[division_id][f"overdue:{name}"] = count
    missing = [division_id for division_id in division_ids if division_id not in figures]
    for division_id, division in count_divisions(modules, missing).items():
        figures[division_id] = dict(division.figures, **{f"overdue:{name}": division.overdue(name, today)
                                                          for name in due_names})
    return figures


def _changed(session: Session) -> tuple[set[int], set[int]] | str:
    divisions, people = set(), set()
    for obj in session.new:
        if isinstance(obj, ModuleVersion):
            return EVERY_DIVISION
        if isinstance(obj, User):
            divisions.add(obj.division_id)
        elif isinstance(obj, (Certificate, UserRole)):
            people.add(obj.user_id)
    people.update(obj.user_id for obj in session.deleted if isinstance(obj, UserRole))
    for obj in session.dirty:
        if isinstance(obj, User) and attributes_changed(obj, "division_id", "active", "start_date", "full_name",
                                                          "email"):
            divisions |= moved_divisions(obj)
        elif isinstance(obj, Attempt) and attributes_changed(obj, "score", "passed"):
            people.add(obj.user_id)
    return divisions, people


keep_counts("learning_tallies", _changed, refresh)
