"""Reads for recognition: a small, fixed number of statements per page, whatever the number of nominations."""
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, extract, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, selectinload, undefer

from ..auth.models import Division, User, UserRole
from ..auth.queries import DivisionName, division_names
from ..collation import by_name
from ..extensions import db
from ..kept import KeptByKey
from ..security import Role
from .models import (SEEN_BY_COMMITTEE, CommitteeMember, Conflict, Cycle, Nomination, NominationState, Nominee,
                     Programme, Score)

_NOMINATIONS, _NOMINEES, _USERS = Nomination.__table__.c, Nominee.__table__.c, User.__table__.c
_DIVISIONS = Division.__table__.c
_CONFLICTS, _SCORES = Conflict.__table__.c, Score.__table__.c


def programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.slug)))


def programme(programme_id: int) -> Programme | None:
    return Programme.by_id(programme_id)


def cycle(cycle_id: int) -> Cycle | None:
    return Cycle.by_id(cycle_id)


def cycles() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).options(selectinload(Cycle.members).selectinload(CommitteeMember.user))
                                   .order_by(Cycle.closes_on.desc(), Cycle.id.desc())))


def open_cycles(today: date) -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).where(Cycle.opens_on <= today, Cycle.closes_on >= today)
                                   .order_by(Cycle.closes_on, Cycle.id)))


def cycles_reviewed_by(user: User) -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).where(Cycle.members.any(user_id=user.id))
                                   .order_by(Cycle.closes_on.desc(), Cycle.id.desc())))


def committee_candidates() -> list[User]:
    """Active people holding the awards committee role, by name."""
    return list(db.session.scalars(select(User).join(UserRole)
                                   .where(UserRole.role == Role.COMMITTEE, User.active.is_(True))
                                   .order_by(by_name(User.full_name), User.id)))


def nomination(nomination_id: int) -> Nomination | None:
    """The nomination with its cycle, nominator and nominees; the nominator's division is not shown, so not read."""
    return db.session.get(Nomination, nomination_id,
                          options=[joinedload(Nomination.nominator).lazyload(User.division)])


_SHOWN = (select(Nomination, exists().where(_CONFLICTS.nomination_id == Nomination.id,
                                             _CONFLICTS.reviewer_id == bindparam("reader_id")))
          .where(Nomination.id == bindparam("nomination_id"))
          .options(lazyload(Nomination.nominator), lazyload(Nomination.nominees), undefer(Nomination.nominator_name),
                   undefer(Nomination.nominee_division_list)))


def nomination_shown(nomination_id: int, reader: User) -> tuple[Nomination | None, bool]:
    """The nomination as its page shows it, with its cycle, the nominator's name and the nominees' divisions (the
    nominees themselves are read as names, `nominees_shown`), and whether the reader declared a conflict on it."""
    found = db.session.execute(_SHOWN, {"nomination_id": nomination_id, "reader_id": reader.id}).one_or_none()
    return (found[0], bool(found[1])) if found else (None, False)


@dataclass(frozen=True)
class NomineeShown:
    user_id: int
    full_name: str
    division: DivisionName | None

    @classmethod
    def of(cls, row) -> "NomineeShown":
        division = DivisionName(row.division_id, row.code, row.name_en, row.name_fr) if row.division_id else None
        return cls(row.user_id, row.full_name, division)


_NOMINEES_SHOWN = (select(_NOMINEES.user_id, _USERS.full_name, _DIVISIONS.id.label("division_id"), _DIVISIONS.code,
                          _DIVISIONS.name_en, _DIVISIONS.name_fr)
                   .join_from(Nominee.__table__, User.__table__, _USERS.id == _NOMINEES.user_id)
                   .outerjoin(Division.__table__, _DIVISIONS.id == _USERS.division_id)
                   .where(_NOMINEES.nomination_id == bindparam("nomination_id")).order_by(_NOMINEES.position))


def nominees_shown(nomination: Nomination) -> list[NomineeShown]:
    """The people nominated, in order, with their present division."""
    rows = db.session.connection().execute(_NOMINEES_SHOWN, {"nomination_id": nomination.id})
    return [NomineeShown.of(row) for row in rows]


def my_nominations(user: User, limit: int = 100) -> list[Nomination]:
    return list(db.session.scalars(select(Nomination).where(Nomination.nominator_id == user.id)
                                   .order_by(Nomination.created_at.desc(), Nomination.id.desc()).limit(limit)))


def my_awards(user: User) -> list[Nomination]:
    """Awards naming this person, newest first."""
    return list(db.session.scalars(
        select(Nomination).join(Nominee, Nominee.nomination_id == Nomination.id)
        .where(Nominee.user_id == user.id, Nomination.state == NominationState.AWARDED)
        .order_by(Nomination.decided_at.desc())))


def state_counts(cycle_ids: list[int]) -> dict[int, dict[NominationState, int]]:
    """How many nominations each cycle has in each state: what a steward may know of a cycle."""
    counts: dict[int, dict[NominationState, int]] = {cycle_id: {} for cycle_id in cycle_ids}
    rows = db.session.execute(select(Nomination.cycle_id, Nomination.state, func.count())
                              .where(Nomination.cycle_id.in_(cycle_ids))
                              .group_by(Nomination.cycle_id, Nomination.state))
    for cycle_id, state, count in rows:
        counts[cycle_id][state] = count
    return counts


def _visible_to(in_a_division: bool):
    """Conditions that leave out what the reviewer may not review: their division, and declared conflicts. Each
    exclusion is one list read once, not a lookup per nomination."""
    conditions = [_NOMINATIONS.id.not_in(select(_CONFLICTS.nomination_id)
                                         .where(_CONFLICTS.reviewer_id == bindparam("reviewer_id")))]
    if in_a_division:
        conditions += [or_(_NOMINATIONS.nominator_division_id.is_(None),
                           _NOMINATIONS.nominator_division_id != bindparam("division_id")),
                       _NOMINATIONS.id.not_in(select(_NOMINEES.nomination_id).where(
                           _NOMINEES.division_id == bindparam("division_id"),
                           _NOMINEES.cycle_id == bindparam("cycle_id")))]
    return and_(*conditions)


def _review_list(in_a_division: bool):
    """Written on the tables, as the list is read on every visit; whether the reviewer scored each is read with it."""
    scored = exists().where(_SCORES.nomination_id == _NOMINATIONS.id, _SCORES.reviewer_id == bindparam("reviewer_id"))
    return (select(_NOMINATIONS.id, _NOMINATIONS.state, _NOMINATIONS.category_key, _NOMINATIONS.team_name,
                   _NOMINATIONS.combined_score, _NOMINATIONS.reviewer_count, scored.label("scored_by_me"))
            .where(_NOMINATIONS.cycle_id == bindparam("cycle_id"),
                   _NOMINATIONS.state.in_(bindparam("states", expanding=True)), _visible_to(in_a_division))
            .order_by(_NOMINATIONS.combined_score.desc().nulls_last(), _NOMINATIONS.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))


_REVIEW_LIST = {in_a_division: _review_list(in_a_division) for in_a_division in (False, True)}
_NOMINEE_NAMES = (select(_NOMINEES.nomination_id, _USERS.full_name).join_from(
                  Nominee.__table__, User.__table__, _USERS.id == _NOMINEES.user_id)
                  .where(_NOMINEES.nomination_id.in_(bindparam("ids", expanding=True)))
                  .order_by(_NOMINEES.nomination_id, _NOMINEES.position))


class ReviewRow(NamedTuple):
    """A line of the committee's list (a tuple: a page makes dozens, and the list is kept under them)."""

    id: int
    rank: int
    state: NominationState
    category_key: str
    team_name: str | None
    names: str
    combined_score: float | None
    reviewer_count: int
    scored_by_me: bool


def review_page(cycle: Cycle, reviewer: User, state: NominationState | None, page: int,
                per_page: int) -> tuple[list[ReviewRow], bool]:
    """The nominations this reviewer may review, best combined score first, one page and whether more follow."""
    states = [state] if state else list(SEEN_BY_COMMITTEE)
    connection = db.session.connection()
    rows = connection.execute(_REVIEW_LIST[reviewer.division_id is not None], {
        "cycle_id": cycle.id, "states": states, "reviewer_id": reviewer.id, "division_id": reviewer.division_id,
        "limit": per_page + 1, "offset": (page - 1) * per_page}).all()
    shown = rows[:per_page]
    names: dict[int, list[str]] = {row[0]: [] for row in shown}
    if names:
        for nomination_id, full_name in connection.execute(_NOMINEE_NAMES, {"ids": list(names)}):
            names[nomination_id].append(full_name)
    first = (page - 1) * per_page
    return [ReviewRow(found, first + number, state, category_key, team_name, ", ".join(names[found]), score, count,
                      bool(scored))
            for number, (found, state, category_key, team_name, score, count, scored) in enumerate(shown, start=1)
            ], len(rows) > per_page


_MY_SCORES = select(_SCORES.criterion_key, _SCORES.score).where(_SCORES.nomination_id == bindparam("nomination_id"),
                                                                _SCORES.reviewer_id == bindparam("reviewer_id"))


def my_scores(nomination: Nomination, reviewer: User) -> dict[str, int]:
    return dict(db.session.connection().execute(_MY_SCORES, {"nomination_id": nomination.id,
                                                             "reviewer_id": reviewer.id}).all())


@dataclass(frozen=True)
class Story:
    id: int
    programme_title: dict
    cycle_name: dict
    category: dict
    team_name: str | None
    names: str
    divisions: dict
    citation: str
    language: str
    decided_at: datetime

    def key(self) -> tuple:
        """Everything the showcase shows of the story, for the key of its kept list."""
        return (self.id, tuple(self.programme_title.items()), tuple(self.cycle_name.items()),
                tuple(self.category.items()),
                self.team_name, self.names, tuple(self.divisions.items()), self.citation, self.language,
                self.decided_at)


@dataclass(frozen=True)
class ShowcaseFilter:
    division: int | None = None
    category: str | None = None
    year: int | None = None


_PROGRAMMES = Programme.__table__.c
_PROGRAMME_KEYS = select(_PROGRAMMES.id, _PROGRAMMES.slug, _PROGRAMMES.checksum).order_by(_PROGRAMMES.slug)
_DEFINITIONS = select(_PROGRAMMES.id, _PROGRAMMES.definition).where(
    _PROGRAMMES.id.in_(bindparam("ids", expanding=True)))
_definitions = KeptByKey(limit=64)


@dataclass(frozen=True)
class ProgrammeDefinition:
    id: int
    slug: str
    definition: dict


def programme_definitions() -> list[ProgrammeDefinition]:
    """Every programme's definition, by slug: read as id, slug and checksum, the definitions themselves kept in
    each process under their checksum and read again only when a sync changes one."""
    keys = db.session.execute(_PROGRAMME_KEYS).all()
    found = {key.id: _definitions.peek((key.id, key.checksum)) for key in keys}
    unknown = [programme_id for programme_id, definition in found.items() if definition is None]
    if unknown:
        checksums = {key.id: key.checksum for key in keys}
        for programme_id, definition in db.session.execute(_DEFINITIONS, {"ids": unknown}):
            found[programme_id] = definition
            _definitions.put((programme_id, checksums[programme_id]), definition)
    return [ProgrammeDefinition(key.id, key.slug, found[key.id]) for key in keys]


# The showcase's statements are written on the tables: they run on every visit.
_CYCLES = Cycle.__table__.c
_DECIDED_IN = extract("year", _NOMINATIONS.decided_at)
_STORY_YEARS = (select(_DECIDED_IN).distinct().where(_NOMINATIONS.story_published.is_(True))
                .order_by(_DECIDED_IN.desc()))


def showcase_choices(definitions: list[ProgrammeDefinition]) -> tuple[list[DivisionName], list[tuple[str, dict]],
                                                                      list[int]]:
    """What the showcase can be filtered by: divisions, programme categories and years with stories."""
    categories = [(f"{found.slug}:{category['key']}", category["title"])
                  for found in definitions for category in found.definition["categories"]]
    years = [int(year) for year in db.session.connection().execute(_STORY_YEARS).scalars()]
    return division_names(), categories, years


def _stories_statement(by_division: bool, by_category: bool, by_year: bool):
    query = (select(_NOMINATIONS.id, _CYCLES.programme_id, _CYCLES.name_en, _CYCLES.name_fr,
                    _NOMINATIONS.category_key, _NOMINATIONS.team_name, _NOMINATIONS.citation, _NOMINATIONS.language,
                    _NOMINATIONS.decided_at)
             .join_from(Nomination.__table__, Cycle.__table__, _CYCLES.id == _NOMINATIONS.cycle_id)
             .where(_NOMINATIONS.story_published.is_(True)))
    if by_division:
        query = query.where(exists().where(_NOMINEES.nomination_id == _NOMINATIONS.id,
                                           _NOMINEES.division_id == bindparam("division")))
    if by_category:
        programme = select(_PROGRAMMES.id).where(_PROGRAMMES.slug == bindparam("slug"))
        query = query.where(_CYCLES.programme_id.in_(programme), _NOMINATIONS.category_key == bindparam("category"))
    if by_year:
        query = query.where(_NOMINATIONS.decided_at >= bindparam("year_starts"),
                            _NOMINATIONS.decided_at < bindparam("year_ends"))
    return (query.order_by(_NOMINATIONS.decided_at.desc(), _NOMINATIONS.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))


_STORIES = {(division, category, year): _stories_statement(division, category, year)
            for division in (False, True) for category in (False, True) for year in (False, True)}
_STORY_PEOPLE = (select(_NOMINEES.nomination_id, _USERS.full_name, _DIVISIONS.name_en, _DIVISIONS.name_fr)
                 .join_from(Nominee.__table__, User.__table__, _USERS.id == _NOMINEES.user_id)
                 .outerjoin(Division.__table__, _DIVISIONS.id == _NOMINEES.division_id)
                 .where(_NOMINEES.nomination_id.in_(bindparam("ids", expanding=True)))
                 .order_by(_NOMINEES.nomination_id, _NOMINEES.position))


def stories(chosen: ShowcaseFilter, page: int, per_page: int,
            definitions: list[ProgrammeDefinition]) -> tuple[list[Story], bool]:
    """Awarded nominations whose nominees all agreed, newest first, one page and whether more follow."""
    slug, _colon, key = (chosen.category or "").partition(":")
    statement = _STORIES[(chosen.division is not None, bool(chosen.category), chosen.year is not None)]
    connection = db.session.connection()
    rows = connection.execute(statement, {
        "division": chosen.division, "slug": slug, "category": key,
        "year_starts": datetime(chosen.year, 1, 1) if chosen.year is not None else None,
        "year_ends": datetime(chosen.year + 1, 1, 1) if chosen.year is not None else None,
        "limit": per_page + 1, "offset": (page - 1) * per_page}).all()
    shown = rows[:per_page]
    people: dict[int, list[tuple[str, str, str]]] = {row.id: [] for row in shown}
    if people:
        for nomination_id, full_name, name_en, name_fr in connection.execute(_STORY_PEOPLE, {"ids": list(people)}):
            people[nomination_id].append((full_name, name_en or "", name_fr or ""))
    by_id = {found.id: found.definition for found in definitions}
    found = []
    for row in shown:
        definition = by_id.get(row.programme_id, {})
        category = next((item for item in definition.get("categories", ()) if item["key"] == row.category_key), None)
        named = people[row.id]
        divisions = {language: ", ".join(dict.fromkeys(person[index] for person in named if person[index]))
                     for language, index in (("en", 1), ("fr", 2))}
        found.append(Story(row.id, definition.get("title", {}), {"en": row.name_en, "fr": row.name_fr},
                           category["title"] if category else {},
                           row.team_name, ", ".join(person[0] for person in named), divisions, row.citation,
                           row.language, row.decided_at))
    return found, len(rows) > per_page


@dataclass(frozen=True)
class DivisionCycleCounts:
    cycle: Cycle
    made_by: int
    made_for: int
    awarded_for: int


def division_counts(division: Division) -> list[DivisionCycleCounts]:
    """Per cycle: nominations made by the division's staff and naming its staff (submitted or later, not
    withdrawn), and awards to its staff."""
    made_by = dict(db.session.execute(
        select(Nomination.cycle_id, func.count()).where(Nomination.nominator_division_id == division.id,
                                                        Nomination.state.in_(SEEN_BY_COMMITTEE))
        .group_by(Nomination.cycle_id)).all())
    named = (select(Nominee.cycle_id, Nomination.state, func.count(func.distinct(Nominee.nomination_id)))
             .join(Nomination, Nomination.id == Nominee.nomination_id)
             .where(Nominee.division_id == division.id, Nomination.state.in_(SEEN_BY_COMMITTEE))
             .group_by(Nominee.cycle_id, Nomination.state))
    made_for: dict[int, int] = {}
    awarded: dict[int, int] = {}
    for cycle_id, state, count in db.session.execute(named):
        made_for[cycle_id] = made_for.get(cycle_id, 0) + count
        if state is NominationState.AWARDED:
            awarded[cycle_id] = count
    shown = cycles()
    return [DivisionCycleCounts(found, made_by.get(found.id, 0), made_for.get(found.id, 0), awarded.get(found.id, 0))
            for found in shown if found.division_id in (None, division.id)]


