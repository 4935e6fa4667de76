import hmac
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import utcnow
from ..enums import enum_column
from ..extensions import db
from ..security import Role, has_permission


def new_session_token() -> str:
    return secrets.token_hex(16)


class Division(db.Model):
    """A division of the public service; staff belong to one."""

    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))

    def name(self, language: str) -> str:
        return self.name_fr if language == "fr" else self.name_en

    def can_view(self, user: "User", area: str) -> bool:
        """Whether the user may see this division's figures in a reporting area (e.g. `attestation`)."""
        return user.sees_division(self.id, area)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # A division's active staff by name, with what the lists of who still has something to do show.
    __table_args__ = (Index("ix_users_division_listing", "division_id", "active", "full_name", "id", "email",
                            "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    start_date: Mapped[date | None]
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    division = relationship("Division", lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active

    # Set when the account is loaded for a signed-in page (auth/session.py): a frozenset of Role. The rows win
    # while loaded, and any change to them drops it (see _forget_roles_read_with_account).
    roles_read_with_account = None

    @property
    def roles(self) -> frozenset[Role]:
        if self.roles_read_with_account is not None and "role_rows" not in self.__dict__:
            return self.roles_read_with_account
        return frozenset(row.role for row in self.role_rows)

    def can(self, permission: str) -> bool:
        return has_permission(self.roles, permission)

    def visible_division_ids(self, area: str) -> frozenset[int] | None:
        """The divisions whose figures in `area` this user may see: None for every division.

        `<area>.report_all` opens every division; `<area>.report` only the user's own."""
        if self.can(f"{area}.report_all"):
            return None
        if self.can(f"{area}.report") and self.division_id is not None:
            return frozenset({self.division_id})
        return frozenset()

    def sees_division(self, division_id: int, area: str) -> bool:
        visible = self.visible_division_ids(area)
        return visible is None or division_id in visible

    def get_id(self) -> str:
        """The session names the user and the current session token, so rotating it ends sessions."""
        return f"{self.id}:{self.session_token}"

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token, token)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


@event.listens_for(User.role_rows, "append")
@event.listens_for(User.role_rows, "remove")
@event.listens_for(User.role_rows, "bulk_replace")
def _forget_roles_read_with_account(target: User, *_args) -> None:
    target.roles_read_with_account = None


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = enum_column(Role, primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class NamePrefix(db.Model):
    """Every start of every word of a person's name, folded to lowercase ASCII, with the name's sort key (as hex,
    portal/collation.py): the people whose name has a word starting with what was typed are read in name order
    from the key alone."""

    __tablename__ = "name_prefixes"
    __table_args__ = {"sqlite_with_rowid": False}

    prefix: Mapped[str] = mapped_column(String(60).with_variant(String(60, collation="C"), "postgresql"),
                                        primary_key=True)
    sort_name: Mapped[str] = mapped_column(String(200).with_variant(String(200, collation="C"), "postgresql"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
