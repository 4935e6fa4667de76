"""Reads about people and divisions that every feature shares."""
from sqlalchemy import select

from ..extensions import db
from ..security import found_and_allowed
from .models import Division, User


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def all_divisions() -> list[Division]:
    return list(db.session.scalars(select(Division).order_by(Division.name_en)))


def division_by_code(code: str) -> Division | None:
    return db.session.scalar(select(Division).where(Division.code == code))


def visible_division(code: str, user: User, area: str) -> Division:
    """The division with this code if the user may see its figures in `area`: else 404, then 403."""
    return found_and_allowed(division_by_code(code), lambda found: found.can_view(user, area))
