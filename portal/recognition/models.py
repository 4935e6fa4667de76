from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, cast, false, func, select, text
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..auth.models import User
from ..database import ParsedOnceJSON, utcnow
from ..enums import TitledEnum, enum_column
from ..extensions import db
from ..security import Role


class Scope(TitledEnum):
    CITY = "city"
    DIVISION = "division"

    @classmethod
    def titles(cls) -> dict:
        return {cls.CITY: _l("City-wide"), cls.DIVISION: _l("Divisional")}


class NominationState(TitledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    WITHDRAWN = "withdrawn"

    @classmethod
    def titles(cls) -> dict:
        return {cls.DRAFT: _l("Draft"), cls.SUBMITTED: _l("Submitted"), cls.SHORTLISTED: _l("Shortlisted"),
                cls.AWARDED: _l("Awarded"), cls.NOT_AWARDED: _l("Not awarded"), cls.WITHDRAWN: _l("Withdrawn")}


UNDER_REVIEW = (NominationState.SUBMITTED, NominationState.SHORTLISTED)
DECIDED = (NominationState.AWARDED, NominationState.NOT_AWARDED)
SEEN_BY_COMMITTEE = (*UNDER_REVIEW, *DECIDED)
# Raised with every change of a nomination's state, so figures counted from the states can be kept under it.
NOMINATIONS_MARK = "nominations"


class Programme(db.Model):
    """An award programme as defined in content/awards: texts, categories and rubric in `definition`."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    scope: Mapped[Scope] = enum_column(Scope)
    definition: Mapped[dict] = mapped_column(JSON)
    checksum: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Cycle(db.Model):
    """One round of a programme: when nominations are taken, who reviews them, and the programme's categories
    and rubric as they were when the cycle opened."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_fr: Mapped[str] = mapped_column(String(80))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    definition: Mapped[dict] = mapped_column(ParsedOnceJSON)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    division = relationship("Division")
    members: Mapped[list["CommitteeMember"]] = relationship(cascade="all, delete-orphan", back_populates="cycle")

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def is_closed(self, today: date) -> bool:
        return today > self.closes_on

    @property
    def member_ids(self) -> frozenset[int]:
        """The committee: read with the cycle as one list (`member_list`), or from its rows once they are loaded."""
        if "members" in self.__dict__:
            return frozenset(member.user_id for member in self.members)
        return frozenset(int(found) for found in (self.member_list or "").split(",") if found)

    def is_reviewer(self, user) -> bool:
        return user.is_authenticated and Role.COMMITTEE in user.roles and user.id in self.member_ids

    def is_chair(self, user) -> bool:
        return self.is_reviewer(user) and user.id == self.chair_id

    def can_review(self, user) -> bool:
        return self.is_reviewer(user)

    def can_manage(self, user) -> bool:
        return user.is_authenticated and user.can("recognition.manage")

    def name(self, language: str) -> str:
        return self.name_fr if language == "fr" else self.name_en

    def title(self, language: str) -> str:
        return f"{self.definition['title'][language]} — {self.name(language)}"

    def category(self, key: str) -> dict | None:
        return next((found for found in self.definition["categories"] if found["key"] == key), None)

    def category_titles(self, language: str) -> dict[str, str]:
        return {found["key"]: found["title"][language] for found in self.definition["categories"]}


class CommitteeMember(db.Model):
    __tablename__ = "committee_members"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)

    cycle: Mapped[Cycle] = relationship(back_populates="members")
    user = relationship("User")


# The committee's user ids read with the cycle in the same statement, for the permission checks of every page.
Cycle.member_list = column_property(
    select(func.aggregate_strings(cast(CommitteeMember.user_id, String), ","))
    .where(CommitteeMember.cycle_id == Cycle.id).correlate_except(CommitteeMember).scalar_subquery())


class Nomination(db.Model):
    """A nomination of one person or a team in a cycle's category, confidential to its nominator, the cycle's
    committee and administrators. `revision` grows with every change, so a change made from a page that was
    already out of date is refused."""

    __tablename__ = "nominations"
    __table_args__ = (Index("ix_nominations_cycle_state_score", "cycle_id", "state", "combined_score"),
                      Index("ix_nominations_nominator", "nominator_id", "created_at"),
                      Index("ix_nominations_story", "story_published", "decided_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    nominator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    nominator_division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    category_key: Mapped[str | None] = mapped_column(String(60))
    team_name: Mapped[str | None] = mapped_column(String(120))
    citation: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="en")
    state: Mapped[NominationState] = enum_column(NominationState, default=NominationState.DRAFT)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    combined_score: Mapped[float | None]
    reviewer_count: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    story_published: Mapped[bool] = mapped_column(default=False, server_default=false())

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    nominator = relationship("User", lazy="joined", foreign_keys=[nominator_id])
    nominees: Mapped[list["Nominee"]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     order_by="Nominee.position", back_populates="nomination")

    __mapper_args__ = {"version_id_col": revision}

    @property
    def nominee_ids(self) -> frozenset[int]:
        return frozenset(nominee.user_id for nominee in self.nominees)

    @property
    def division_ids(self) -> frozenset[int]:
        """The divisions of the nominator and of everyone nominated, as they were when it was written: from the
        nominees once they are loaded, else from the list read with the nomination (`nominee_division_list`)."""
        if "nominees" in self.__dict__:
            nominated = [nominee.division_id for nominee in self.nominees]
        else:
            nominated = [int(found) for found in (self.nominee_division_list or "").split(",") if found]
        return frozenset(found for found in (self.nominator_division_id, *nominated) if found is not None)

    def conflicts_with(self, user, declared: bool) -> bool:
        """A reviewer is in conflict when they declared one, or share a division with nominator or nominee."""
        return declared or (user.division_id is not None and user.division_id in self.division_ids)

    def can_view(self, user, declared_conflict: bool = False) -> bool:
        if not user.is_authenticated:
            return False
        if user.id == self.nominator_id:
            return True
        if Role.ADMIN in user.roles:
            return self.state is not NominationState.DRAFT
        return (self.state in SEEN_BY_COMMITTEE and self.cycle.is_reviewer(user)
                and not self.conflicts_with(user, declared_conflict))

    def can_edit(self, user, today: date) -> bool:
        return (user.is_authenticated and user.id == self.nominator_id and self.state is NominationState.DRAFT
                and self.cycle.is_open(today))

    def can_withdraw(self, user, today: date) -> bool:
        return (user.is_authenticated and user.id == self.nominator_id and self.cycle.is_open(today)
                and self.state in (NominationState.DRAFT, NominationState.SUBMITTED))

    def can_score(self, user, today: date, declared_conflict: bool = False) -> bool:
        return (self.cycle.is_closed(today) and self.state in UNDER_REVIEW and self.cycle.is_reviewer(user)
                and not self.conflicts_with(user, declared_conflict))

    def can_decide(self, user, today: date, declared_conflict: bool = False) -> bool:
        return self.can_score(user, today, declared_conflict) and self.cycle.is_chair(user)

    def can_consent(self, user) -> bool:
        """Only the people named in an award choose whether its story is shown."""
        return (user.is_authenticated and self.state is NominationState.AWARDED
                and user.id in self.nominee_ids)

    def names(self) -> str:
        return ", ".join(nominee.user.full_name for nominee in self.nominees)

# The committee's list in its order, read a page at a time without sorting the cycle (SQLite, which puts NULLs
# last in a descending index; PostgreSQL puts them first there, so it sorts the cycle's rows it finds by the index).
Index("ix_nominations_ranking", Nomination.cycle_id, Nomination.combined_score.desc(), Nomination.id)


class Nominee(db.Model):
    """A person named in a nomination. Cycle, category and nominator are repeated here so the database itself
    refuses the same person twice from one nominator in one category and cycle (withdrawn ones aside)."""

    __tablename__ = "nominees"
    __table_args__ = (UniqueConstraint("nomination_id", "user_id"),
                      Index("uq_nominees_once_per_category", "cycle_id", "category_key", "nominator_id", "user_id",
                            unique=True, sqlite_where=text("withdrawn = 0 AND category_key IS NOT NULL"),
                            postgresql_where=text("NOT withdrawn AND category_key IS NOT NULL")),
                      Index("ix_nominees_division_cycle", "division_id", "cycle_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    position: Mapped[int]
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    nominator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category_key: Mapped[str | None] = mapped_column(String(60))
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    consent: Mapped[bool | None]

    nomination: Mapped[Nomination] = relationship(back_populates="nominees")
    user = relationship("User", lazy="joined", foreign_keys=[user_id])


# The nominees' divisions read with the nomination in the same statement, for the permission checks of a page that
# does not load the nominees themselves; and the nominator's name, for the page that shows no more of them.
Nomination.nominee_division_list = column_property(
    select(func.aggregate_strings(cast(Nominee.division_id, String), ","))
    .where(Nominee.nomination_id == Nomination.id).correlate_except(Nominee).scalar_subquery(), deferred=True)
Nomination.nominator_name = column_property(
    select(User.full_name).where(User.id == Nomination.nominator_id).correlate_except(User).scalar_subquery(),
    deferred=True)


class Score(db.Model):
    __tablename__ = "scores"

    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    criterion_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    score: Mapped[int]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conflict(db.Model):
    """A reviewer's declaration that they should not review a nomination."""

    __tablename__ = "conflicts"

    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)
