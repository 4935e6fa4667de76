from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import ParsedOnceJSON, utcnow
from ..enums import TitledEnum, enum_column
from ..extensions import db
from ..formatting import reader_language
from ..kept import kept

_QUARTER_NAMES: dict[tuple[int, int, str], str] = kept({})


class Phase(TitledEnum):
    CRAWL = "crawl"
    WALK = "walk"
    RUN = "run"

    @classmethod
    def titles(cls) -> dict:
        return {cls.CRAWL: _l("Crawl"), cls.WALK: _l("Walk"), cls.RUN: _l("Run")}

    @property
    def purpose(self) -> str:
        return str({Phase.CRAWL: _l("Consult staff internally"),
                    Phase.WALK: _l("Share with Members of Council and build leadership support"),
                    Phase.RUN: _l("Implement with the public")}[self])


class PhaseStatus(TitledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @classmethod
    def titles(cls) -> dict:
        return {cls.NOT_STARTED: _l("Not started"), cls.IN_PROGRESS: _l("In progress"),
                cls.COMPLETE: _l("Complete")}


class ReportState(TitledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @classmethod
    def titles(cls) -> dict:
        return {cls.DRAFT: _l("Draft"), cls.SUBMITTED: _l("Awaiting review"), cls.ACCEPTED: _l("Accepted"),
                cls.RETURNED: _l("Returned for changes")}


EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
HANDED_IN = (ReportState.SUBMITTED, ReportState.ACCEPTED)


class IndicatorSet(db.Model):
    """The indicators of content/indicators as last loaded; a period copies them when it opens."""

    __tablename__ = "indicator_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON)
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class DivisionPhase(db.Model):
    """Where a division is in the rollout now; every change is also kept in `phase_changes`."""

    __tablename__ = "division_phases"

    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"), primary_key=True)
    phase: Mapped[Phase] = enum_column(Phase)
    status: Mapped[PhaseStatus] = enum_column(PhaseStatus)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    division = relationship("Division", lazy="joined")


class PhaseChange(db.Model):
    __tablename__ = "phase_changes"
    __table_args__ = (Index("ix_phase_changes_division_at", "division_id", "changed_at"),
                      Index("ix_phase_changes_at", "changed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    phase: Mapped[Phase] = enum_column(Phase)
    status: Mapped[PhaseStatus] = enum_column(PhaseStatus)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    division = relationship("Division", lazy="joined")
    changed_by = relationship("User", lazy="joined")


class ReportingPeriod(db.Model):
    """A quarter that divisions report on, with the indicator set as it was when the period opened."""

    __tablename__ = "reporting_periods"
    __table_args__ = (UniqueConstraint("year", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    quarter: Mapped[int]
    due_on: Mapped[date]
    indicators: Mapped[dict] = mapped_column(ParsedOnceJSON)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def ends_on(self) -> date:
        following = date(self.year + 1, 1, 1) if self.quarter == 4 else date(self.year, 3 * self.quarter + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        """The quarter as the audit log and file names keep it: 2026 Q3."""
        return f"{self.year} Q{self.quarter}"

    @property
    def name(self) -> str:
        """The quarter in the reader's language: 2026 Q3, T3 2026 (written once per process and language, as
        charts and tables name each quarter dozens of times)."""
        key = (self.year, self.quarter, reader_language())
        if key not in _QUARTER_NAMES:
            _QUARTER_NAMES[key] = _("%(year)s Q%(quarter)s", year=str(self.year), quarter=self.quarter)
        return _QUARTER_NAMES[key]

    @property
    def months(self) -> list[date]:
        return [date(self.year, 3 * self.quarter - 2 + offset, 1) for offset in range(3)]

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on

    def indicator(self, key: str) -> dict | None:
        return next((found for area in self.indicators["areas"] for found in area["indicators"]
                     if found["key"] == key), None)


class QuarterlyReport(db.Model):
    """A division's report for a period. `revision` grows with every change, so a save made from a page that
    was already out of date is refused rather than overwriting someone else's."""

    __tablename__ = "quarterly_reports"
    __table_args__ = (UniqueConstraint("period_id", "division_id"),
                      Index("ix_quarterly_reports_division", "division_id", "period_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"))
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    state: Mapped[ReportState] = enum_column(ReportState, default=ReportState.DRAFT)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    computed: Mapped[dict] = mapped_column(JSON, default=dict)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    # The day it was first handed in: handed in again after a return, it keeps this day, so it is not made late.
    submitted_on: Mapped[date | None] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    period: Mapped[ReportingPeriod] = relationship(lazy="joined")
    division = relationship("Division", lazy="joined")
    revisions: Mapped[list["ReportRevision"]] = relationship(
        lazy="select", cascade="all, delete-orphan", order_by="ReportRevision.number", back_populates="report")

    __mapper_args__ = {"version_id_col": revision}

    def is_late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.period.due_on

    def can_view(self, user) -> bool:
        return self.division.can_view(user, "adoption")

    def can_edit(self, user) -> bool:
        return (self.state in EDITABLE and user.is_authenticated and user.can("adoption.submit")
                and user.division_id == self.division_id)

    def can_submit(self, user) -> bool:
        return self.can_edit(user)

    def can_review(self, user) -> bool:
        return self.state is ReportState.SUBMITTED and user.is_authenticated and user.can("adoption.manage")

    can_accept = can_review
    can_return = can_review


class ReportRevision(db.Model):
    """What a report said at one save, submission, acceptance or return, kept for comparison."""

    __tablename__ = "report_revisions"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("quarterly_reports.id", ondelete="CASCADE"))
    number: Mapped[int]
    state: Mapped[ReportState] = enum_column(ReportState)
    answers: Mapped[dict] = mapped_column(JSON)
    computed: Mapped[dict] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[QuarterlyReport] = relationship(back_populates="revisions")
    author = relationship("User", lazy="joined")


class InquiryLog(db.Model):
    """One upload of a division's inquiry log for a period, or counts typed instead; the newest replaces the
    figures of the ones before it."""

    __tablename__ = "inquiry_logs"
    __table_args__ = (Index("ix_inquiry_logs_division_period", "division_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"))
    filename: Mapped[str | None] = mapped_column(String(200))
    rows: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by = relationship("User", lazy="joined")


class Inquiry(db.Model):
    __tablename__ = "inquiries"
    __table_args__ = (Index("ix_inquiries_log", "log_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("inquiry_logs.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    channel: Mapped[str] = mapped_column(String(20))
    around_the_clock: Mapped[bool]
    within_standard: Mapped[bool]
    minutes_to_acknowledge: Mapped[int | None]


class ComplianceFigure(db.Model):
    """Service-standard figures of one division, month and channel, from its latest log for the period."""

    __tablename__ = "compliance_figures"
    __table_args__ = (Index("ix_compliance_figures_division_month", "division_id", "month"),
                      Index("ix_compliance_figures_period", "period_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("divisions.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"))
    log_id: Mapped[int] = mapped_column(ForeignKey("inquiry_logs.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    received: Mapped[int]
    acknowledged: Mapped[int]
    within_standard: Mapped[int]
    pending: Mapped[int]
    median_minutes: Mapped[int | None]


class ReminderSent(db.Model):
    """A reminder e-mailed to a lead about a period's report, at most once a day."""

    __tablename__ = "reminders_sent"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"), primary_key=True)
    sent_on: Mapped[date] = mapped_column(Date, primary_key=True)
