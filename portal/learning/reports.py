"""Reads for leads' and stewards' pages: completion, overdue staff, pass rates and item analysis. Each reads a
fixed number of statements whatever the number of staff or attempts (one more per module at most)."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..auth.models import Division, User, UserRole
from ..extensions import db
from ..formatting import share
from .models import Attempt, Certificate, QuestionTag, QuestionTally
from .queries import PublishedModule

TAG_ORDER = tuple([f"promise-{n}" for n in range(1, 7)] + [f"standard-{n}" for n in range(1, 5)])


@dataclass(frozen=True)
class ModuleFigures:
    staff: int = 0
    completed: int = 0
    overdue: int = 0
    submitted: int = 0
    passed: int = 0
    first_attempts: int = 0
    first_passed: int = 0

    @property
    def completion(self):
        return share(self.completed, self.staff)

    @property
    def pass_rate(self):
        return share(self.passed, self.submitted)

    @property
    def first_pass_rate(self):
        return share(self.first_passed, self.first_attempts)

    def __add__(self, other: "ModuleFigures") -> "ModuleFigures":
        return ModuleFigures(*(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__))


@dataclass(frozen=True)
class DivisionLearning:
    division: Division
    figures: dict[str, ModuleFigures]


def _in_audience(module: PublishedModule):
    return exists().where(UserRole.user_id == User.id, UserRole.role.in_(sorted(module.audience)))


def _passed(module: PublishedModule):
    return exists().where(Certificate.user_id == User.id, Certificate.version_id.in_(module.same_major_ids))


def _overdue(module: PublishedModule, today: date):
    return and_(_in_audience(module), User.start_date < today - timedelta(days=module.due_within_days),
                ~_passed(module))


def _staff_where(division_ids):
    condition = User.active
    return condition if division_ids is None else and_(condition, User.division_id.in_(list(division_ids)))


def division_learning(modules: dict[str, PublishedModule], division_ids=None,
                      today: date | None = None) -> list[DivisionLearning]:
    """Completion, overdue staff and pass rates per division and module, for the divisions given (None: all)."""
    today = today or date.today()
    divisions_query = select(Division).order_by(Division.name_en)
    if division_ids is not None:
        divisions_query = divisions_query.where(Division.id.in_(list(division_ids)))
    divisions = db.session.scalars(divisions_query).all()
    counts: dict[tuple[int, str], dict[str, int]] = {}
    if modules:
        per_module = [column for module in modules.values() for column in (
            func.sum(case((_in_audience(module), 1), else_=0)),
            func.sum(case((_overdue(module, today), 1), else_=0)))]
        for division_id, *values in db.session.execute(select(User.division_id, *per_module)
                                                       .where(_staff_where(division_ids)).group_by(User.division_id)):
            for index, slug in enumerate(modules):
                counts.setdefault((division_id, slug), {}).update(staff=values[2 * index] or 0,
                                                                 overdue=values[2 * index + 1] or 0)
        slug_of = {version_id: module.slug for module in modules.values() for version_id in module.same_major_ids}
        for division_id, version_id, completed in db.session.execute(
                select(User.division_id, Certificate.version_id, func.count(Certificate.id))
                .join(User, User.id == Certificate.user_id)
                .where(_staff_where(division_ids), Certificate.version_id.in_(list(slug_of)))
                .group_by(User.division_id, Certificate.version_id)):
            figures = counts.setdefault((division_id, slug_of[version_id]), {})
            figures["completed"] = figures.get("completed", 0) + completed
        first = Attempt.number == 1
        for division_id, version_id, submitted, passed, first_attempts, first_passed in db.session.execute(
                select(User.division_id, Attempt.version_id, func.count(Attempt.id),
                       func.sum(case((Attempt.passed, 1), else_=0)), func.sum(case((first, 1), else_=0)),
                       func.sum(case((and_(first, Attempt.passed), 1), else_=0)))
                .join(User, User.id == Attempt.user_id)
                .where(_staff_where(division_ids), Attempt.submitted_at.is_not(None),
                       Attempt.version_id.in_(list(slug_of)))
                .group_by(User.division_id, Attempt.version_id)):
            figures = counts.setdefault((division_id, slug_of[version_id]), {})
            for name, value in (("submitted", submitted), ("passed", passed), ("first_attempts", first_attempts),
                                ("first_passed", first_passed)):
                figures[name] = figures.get(name, 0) + (value or 0)
    return [DivisionLearning(division, {slug: ModuleFigures(**counts.get((division.id, slug), {}))
                                        for slug in modules}) for division in divisions]


def city_figures(rows: list[DivisionLearning], modules: dict[str, PublishedModule]) -> dict[str, ModuleFigures]:
    totals = {slug: ModuleFigures() for slug in modules}
    for row in rows:
        for slug, figures in row.figures.items():
            totals[slug] = totals[slug] + figures
    return totals


@dataclass(frozen=True)
class OverduePerson:
    user: User
    overdue: tuple[tuple[PublishedModule, date], ...]


def _any_overdue(modules: dict[str, PublishedModule], today: date):
    return or_(*(_overdue(module, today) for module in modules.values()))


def overdue_in_division(division: Division, modules: dict[str, PublishedModule], page: int, per_page: int | None,
                        today: date | None = None) -> tuple[list[OverduePerson], int]:
    """Active staff of the division with at least one overdue module, by name, a page at a time, and how many
    there are in all (three statements)."""
    today = today or date.today()
    if not modules:
        return [], 0
    where = and_(User.division_id == division.id, User.active, _any_overdue(modules, today))
    total = db.session.scalar(select(func.count(User.id)).where(where))
    query = select(User).options(selectinload(User.role_rows)).where(where).order_by(User.full_name, User.id)
    if per_page:
        query = query.limit(per_page).offset((page - 1) * per_page)
    people = db.session.scalars(query).unique().all()
    passed = set(db.session.execute(select(Certificate.user_id, Certificate.version_id).where(
        Certificate.user_id.in_([person.id for person in people]))).all()) if people else set()
    listed = []
    for person in people:
        late = tuple((module, module.due_for(person)) for module in modules.values()
                     if module.is_for(person) and module.due_for(person) and module.due_for(person) < today
                     and not any((person.id, version_id) in passed for version_id in module.same_major_ids))
        listed.append(OverduePerson(person, late))
    return listed, total


@dataclass(frozen=True)
class PersonStatus:
    user: User
    passed_on: dict[str, date]
    attempts: dict[str, int]


def division_people(division: Division, modules: dict[str, PublishedModule]) -> list[PersonStatus]:
    """Every active person of the division with the modules they passed and the attempts they used (3 statements)."""
    people = db.session.scalars(select(User).options(selectinload(User.role_rows))
                                .where(User.division_id == division.id, User.active)
                                .order_by(User.full_name, User.id)).unique().all()
    slug_of = {version_id: module.slug for module in modules.values() for version_id in module.same_major_ids}
    passed: dict[int, dict[str, date]] = {}
    attempts: dict[int, dict[str, int]] = {}
    if slug_of:
        for user_id, version_id, issued in db.session.execute(
                select(Certificate.user_id, Certificate.version_id, Certificate.issued_at)
                .join(User, User.id == Certificate.user_id)
                .where(User.division_id == division.id, Certificate.version_id.in_(list(slug_of)))):
            passed.setdefault(user_id, {})[slug_of[version_id]] = issued.date()
        for user_id, version_id, count in db.session.execute(
                select(Attempt.user_id, Attempt.version_id, func.count(Attempt.id))
                .join(User, User.id == Attempt.user_id)
                .where(User.division_id == division.id, Attempt.version_id.in_(list(slug_of)))
                .group_by(Attempt.user_id, Attempt.version_id)):
            mine = attempts.setdefault(user_id, {})
            mine[slug_of[version_id]] = mine.get(slug_of[version_id], 0) + count
    return [PersonStatus(person, passed.get(person.id, {}), attempts.get(person.id, {})) for person in people]


@dataclass(frozen=True)
class RightShare:
    answered: int
    right: int

    @property
    def share(self):
        return share(self.right, self.answered)

    @property
    def percent(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None


def _question_ids(modules) -> list[int]:
    return [question_id for module in modules for question_id in module.questions]


def question_analysis(module: PublishedModule) -> dict[int, RightShare]:
    """How often each question of the module was answered right on first attempts (one statement)."""
    rows = db.session.execute(select(QuestionTally.question_id, func.sum(QuestionTally.answered),
                                     func.sum(QuestionTally.answered_right))
                              .where(QuestionTally.question_id.in_(list(module.questions)))
                              .group_by(QuestionTally.question_id)).all()
    found = {question_id: RightShare(answered or 0, right or 0) for question_id, answered, right in rows}
    return {question_id: found.get(question_id, RightShare(0, 0)) for question_id in module.questions}


@dataclass(frozen=True)
class HeatMap:
    tags: tuple[str, ...]
    rows: list[tuple[Division, dict[str, RightShare]]]
    totals: dict[str, RightShare]


def commitment_heat_map(modules: dict[str, PublishedModule]) -> HeatMap:
    """First-attempt answers right per division and per commitment or standard, across the current modules
    (two statements)."""
    divisions = db.session.scalars(select(Division).order_by(Division.name_en)).all()
    cells: dict[int, dict[str, RightShare]] = {}
    ids = _question_ids(modules.values())
    if ids:
        for division_id, tag, answered, right in db.session.execute(
                select(QuestionTally.division_id, QuestionTag.tag, func.sum(QuestionTally.answered),
                       func.sum(QuestionTally.answered_right))
                .join(QuestionTag, QuestionTag.question_id == QuestionTally.question_id)
                .where(QuestionTally.question_id.in_(ids))
                .group_by(QuestionTally.division_id, QuestionTag.tag)):
            cells.setdefault(division_id, {})[tag] = RightShare(answered or 0, right or 0)
    used = {tag for row in cells.values() for tag in row}
    tags = tuple(tag for tag in TAG_ORDER if tag in used) or TAG_ORDER
    totals = {tag: RightShare(sum(row.get(tag, RightShare(0, 0)).answered for row in cells.values()),
                              sum(row.get(tag, RightShare(0, 0)).right for row in cells.values())) for tag in tags}
    return HeatMap(tags, [(division, cells.get(division.id, {})) for division in divisions], totals)
