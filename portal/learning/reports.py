"""Reads for leads' and stewards' pages: completion, overdue staff, pass rates and item analysis. Each reads a
fixed number of statements whatever the number of staff or attempts (one more per module at most)."""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..auth.models import Division, User, UserRole
from ..auth.queries import DivisionName, division_names
from ..collation import by_name
from ..extensions import db
from ..formatting import share
from ..marks import current_mark
from .models import Attempt, Certificate, QuestionTag, QuestionTally
from .division_tallies import FIGURES, LEARNING_TALLIES, anyone_due_name, module_key, read_divisions
from .queries import PublishedModule
from .tallies import QUESTION_TALLIES

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
    division: DivisionName
    figures: dict[str, ModuleFigures]
    overdue_people: int = 0


def _figures(counts: dict[str, int], module: PublishedModule) -> ModuleFigures:
    key = module_key(module)
    return ModuleFigures(overdue=counts[f"overdue:{key}"], **{figure: counts[f"{figure}:{key}"] for figure in FIGURES})


def division_learning(modules: dict[str, PublishedModule], division_ids=None,
                      today: date | None = None) -> list[DivisionLearning]:
    """Completion, overdue staff and pass rates per division and module, for the divisions given (None: all),
    read from the division tallies (three statements)."""
    return learning_of(modules, division_names(division_ids), today)


def learning_of(modules: dict[str, PublishedModule], divisions: list[DivisionName],
                today: date | None = None) -> list[DivisionLearning]:
    """The same for divisions already read, in their order (two statements)."""
    counts = read_divisions(modules, [division.id for division in divisions], today or date.today())
    return [DivisionLearning(division, {slug: _figures(counts[division.id], module) for slug, module in modules.items()},
                             counts[division.id][f"overdue:{anyone_due_name(modules)}"]) for division in divisions]


def city_figures(rows: list[DivisionLearning], modules: dict[str, PublishedModule]) -> dict[str, ModuleFigures]:
    totals = {slug: ModuleFigures() for slug in modules}
    for row in rows:
        for slug, figures in row.figures.items():
            totals[slug] = totals[slug] + figures
    return totals


@dataclass(frozen=True)
class OverduePerson:
    full_name: str
    email: str
    start_date: date
    overdue: tuple[tuple[PublishedModule, date], ...]


def _shape(modules: dict[str, PublishedModule]) -> tuple:
    return tuple((tuple(sorted(module.audience)), module.same_major_ids) for module in modules.values())


@lru_cache(maxsize=32)
def _overdue_people(shape: tuple):
    """Active staff of a division overdue on any module of this shape, a page by name, with whether they are late
    on each module; each module's cut-off start date is a parameter, so the statement is built once per set of
    modules."""
    late = [and_(exists().where(UserRole.user_id == User.id, UserRole.role.in_(audience)),
                 User.start_date < bindparam(f"cutoff_{number}"),
                 ~exists().where(Certificate.user_id == User.id, Certificate.version_id.in_(version_ids)))
            for number, (audience, version_ids) in enumerate(shape)]
    staff = (select(User.id, User.full_name, User.email, User.start_date,
                    *(flag.label(f"late_{number}") for number, flag in enumerate(late)))
             .where(User.division_id == bindparam("division_id"), User.active).subquery())
    flags = [staff.c[f"late_{number}"] for number in range(len(shape))]
    return (select(staff.c.full_name, staff.c.email, staff.c.start_date, *flags)
            .where(or_(*flags)).order_by(by_name(staff.c.full_name), staff.c.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))


def overdue_in_division(division_id: int, modules: dict[str, PublishedModule], page: int, per_page: int,
                        total: int, today: date | None = None) -> list[OverduePerson]:
    """A page of the division's active staff with at least one overdue module, by name; `total` is how many
    there are in all, as the division tallies count them (one statement)."""
    today = today or date.today()
    if not modules or not total:
        return []
    cutoffs = {f"cutoff_{number}": today - timedelta(days=module.due_within_days)
               for number, module in enumerate(modules.values())}
    people = db.session.execute(_overdue_people(_shape(modules)), {
        "division_id": division_id, "limit": per_page, "offset": (page - 1) * per_page, **cutoffs})
    return [OverduePerson(full_name, email, start_date, tuple(
        (module, start_date + timedelta(days=module.due_within_days))
        for module, late in zip(modules.values(), flags) if late))
            for full_name, email, start_date, *flags in people]


@dataclass(frozen=True)
class PersonStatus:
    user: User
    passed_on: dict[str, date]
    attempts: dict[str, int]


def division_people(division: Division, modules: dict[str, PublishedModule]) -> list[PersonStatus]:
    """Every active person of the division with the modules they passed and the attempts they used (3 statements)."""
    people = db.session.scalars(select(User).options(selectinload(User.role_rows))
                                .where(User.division_id == division.id, User.active)
                                .order_by(by_name(User.full_name), User.id)).unique().all()
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
    rows: list[tuple[DivisionName, dict[str, RightShare]]]
    totals: dict[str, RightShare]


_RIGHT_BY_DIVISION_AND_TAG = (
    select(QuestionTally.division_id, QuestionTag.tag, func.sum(QuestionTally.answered),
           func.sum(QuestionTally.answered_right))
    .join(QuestionTag, QuestionTag.question_id == QuestionTally.question_id)
    .where(QuestionTally.question_id.in_(bindparam("ids", expanding=True)))
    .group_by(QuestionTally.division_id, QuestionTag.tag))


def learning_tallies_mark() -> int:
    """Raised with every change to the division learning tallies, and so to a division's list of overdue staff."""
    return current_mark(LEARNING_TALLIES)


def question_tallies_mark() -> int:
    """Raised with every change to the question tallies: what is drawn from them can be kept under it."""
    return current_mark(QUESTION_TALLIES)


def commitment_heat_map(modules: dict[str, PublishedModule], divisions: list[DivisionName]) -> HeatMap:
    """First-attempt answers right in these divisions per commitment or standard, across the current modules
    (one statement)."""
    cells: dict[int, dict[str, RightShare]] = {}
    sums: dict[str, list[int]] = {}
    ids = _question_ids(modules.values())
    if ids:
        for division_id, tag, answered, right in db.session.execute(_RIGHT_BY_DIVISION_AND_TAG, {"ids": ids}):
            cells.setdefault(division_id, {})[tag] = RightShare(answered or 0, right or 0)
            figures = sums.setdefault(tag, [0, 0])
            figures[0] += answered or 0
            figures[1] += right or 0
    tags = tuple(tag for tag in TAG_ORDER if tag in sums) or TAG_ORDER
    totals = {tag: RightShare(*sums.get(tag, (0, 0))) for tag in tags}
    return HeatMap(tags, [(division, cells.get(division.id, {})) for division in divisions], totals)