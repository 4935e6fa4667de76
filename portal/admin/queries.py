from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, bindparam, cast, func, literal, or_, select
from sqlalchemy.orm import selectinload

from ..audit import AuditEntry
from ..auth.models import User
from ..collation import by_name
from ..extensions import db
from ..learning.queries import current_modules
from ..recognition import queries as recognition_queries
from .subjects import Named, record_number


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    person: str | None = None
    start: date | None = None
    end: date | None = None


def _start_of(day: date) -> datetime:
    """Midnight of a day in the portal's time zone, as the naive UTC time entries are stored in."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


# The log is only read, and read often: its statements are written on the tables, as plain SQL costs less to run.
_ENTRIES, _USERS = AuditEntry.__table__.c, User.__table__.c


def _filtered(query, chosen: AuditFilter):
    if chosen.action:
        query = query.where(_ENTRIES.action == chosen.action)
    if chosen.person:
        wanted = chosen.person.strip().lower()
        matching = or_(func.lower(_USERS.email).contains(wanted, autoescape=True),
                       func.lower(_USERS.full_name).contains(wanted, autoescape=True))
        accounts = select(literal("user:") + cast(_USERS.id, String)).where(matching)
        query = query.where(or_(_ENTRIES.actor_id.in_(select(_USERS.id).where(matching)),
                                _ENTRIES.subject.in_(accounts),
                                func.lower(_ENTRIES.subject).contains(wanted, autoescape=True)))
    if chosen.start:
        query = query.where(_ENTRIES.occurred_at >= _start_of(chosen.start))
    if chosen.end:
        query = query.where(_ENTRIES.occurred_at < _start_of(chosen.end + timedelta(days=1)))
    return query


_ACTORS = User.__table__.alias("actor")
_LISTED = (select(_ENTRIES.id, _ENTRIES.occurred_at, _ENTRIES.action, _ENTRIES.subject, _ENTRIES.ip_address,
                  _ACTORS.c.full_name.label("actor_name"), _ACTORS.c.email.label("actor_email"))
           .select_from(AuditEntry.__table__.outerjoin(_ACTORS, _ENTRIES.actor_id == _ACTORS.c.id)))


def _listed(chosen: AuditFilter):
    """Entries as plain rows with their actor's name and e-mail, newest first: the log is only read, so no entry,
    account or division is built and tracked."""
    return _filtered(_LISTED, chosen).order_by(_ENTRIES.id.desc())


_PAGE_OF_ALL = _listed(AuditFilter()).limit(bindparam("limit")).offset(bindparam("offset"))


def audit_page(chosen: AuditFilter, page: int, per_page: int) -> tuple[list, bool]:
    """One page of entries, and whether an older page exists (no count of the whole log)."""
    bounds = {"limit": per_page + 1, "offset": (page - 1) * per_page}
    if chosen == AuditFilter():
        entries = db.session.execute(_PAGE_OF_ALL, bounds).all()
    else:
        entries = db.session.execute(_listed(chosen).limit(bounds["limit"]).offset(bounds["offset"])).all()
    return list(entries[:per_page]), len(entries) > per_page


def audit_entries(chosen: AuditFilter):
    """Every entry the filter keeps, read in batches (for the CSV export)."""
    return db.session.execute(_listed(chosen).execution_options(yield_per=1000))


_PEOPLE = select(_USERS.id, _USERS.full_name, _USERS.email).where(
    or_(_USERS.id.in_(bindparam("ids", expanding=True)), _USERS.email.in_(bindparam("emails", expanding=True))))


def named_in(entries: list) -> Named:
    """The people (id, name, e-mail) that entries' subjects name by id (`user:6`) or e-mail address, in one query;
    the current modules and programmes' titles only when a subject names one."""
    ids = {record_number(entry.subject[5:]) for entry in entries if entry.subject.startswith("user:")} - {None}
    emails = {entry.subject for entry in entries if "@" in entry.subject}
    people = db.session.execute(_PEOPLE, {"ids": list(ids), "emails": list(emails)}).all() if ids or emails else []
    modules = current_modules() if any(entry.subject.startswith("module:") for entry in entries) else {}
    programmes = {found.slug: found.definition["title"] for found in recognition_queries.programme_definitions()} \
        if any(entry.subject.startswith("programme:") for entry in entries) else {}
    return Named({person.id: person for person in people}, {person.email: person for person in people}, modules,
                 programmes)


def users_page(page: int, per_page: int) -> tuple[list[User], int]:
    users = db.session.scalars(select(User).options(selectinload(User.role_rows))
                               .order_by(by_name(User.full_name), User.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return list(users), db.session.scalar(select(func.count(User.id)))
