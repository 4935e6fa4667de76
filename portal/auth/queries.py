"""Reads about people and divisions that every feature shares."""
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from ..extensions import db
from ..security import found_and_allowed
from .models import Division, User


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def all_divisions() -> list[Division]:
    return list(db.session.scalars(select(Division).order_by(Division.name_en)))


@dataclass(frozen=True)
class DivisionName:
    """A division as reports name it: plain columns, not tracked by the session."""

    id: int
    code: str
    name_en: str
    name_fr: str

    def name(self, language: str) -> str:
        return self.name_fr if language == "fr" else self.name_en

    def can_view(self, user: User, area: str) -> bool:
        return user.sees_division(self.id, area)


_DIVISION_NAMES = select(Division.id, Division.code, Division.name_en, Division.name_fr).order_by(Division.name_en)
_DIVISION_NAMES_AMONG = _DIVISION_NAMES.where(Division.id.in_(bindparam("ids", expanding=True)))
_DIVISION_NAME_BY_CODE = _DIVISION_NAMES.where(Division.code == bindparam("code"))


_DIVISION_CODE = select(Division.__table__.c.code).where(Division.__table__.c.id == bindparam("division_id"))


def division_code(division_id: int) -> str | None:
    """A division's code: from the division when the page has already read it, else read as one plain value (a
    link to a person's own division needs no more)."""
    loaded = db.session.identity_map.get(db.session.identity_key(Division, division_id))
    if loaded is not None and "code" in loaded.__dict__:
        return loaded.code
    return db.session.execute(_DIVISION_CODE, {"division_id": division_id}).scalar()


def division_names(division_ids: Iterable[int] | None = None) -> list[DivisionName]:
    """Divisions by English name, all of them or those with these ids."""
    rows = db.session.execute(_DIVISION_NAMES) if division_ids is None else \
        db.session.execute(_DIVISION_NAMES_AMONG, {"ids": list(division_ids)})
    return [DivisionName(*row) for row in rows]


def visible_division_name(code: str, user: User, area: str) -> DivisionName:
    """As visible_division, read as plain columns, for a page that only names the division."""
    row = db.session.execute(_DIVISION_NAME_BY_CODE, {"code": code}).one_or_none()
    return found_and_allowed(DivisionName(*row) if row else None, lambda found: found.can_view(user, area))


_DIVISION_BY_CODE = select(Division).where(Division.code == bindparam("code"))


def division_by_code(code: str) -> Division | None:
    return db.session.execute(_DIVISION_BY_CODE, {"code": code}).scalar_one_or_none()


def visible_division(code: str, user: User, area: str) -> Division:
    """The division with this code if the user may see its figures in `area`: else 404, then 403."""
    return found_and_allowed(division_by_code(code), lambda found: found.can_view(user, area))
