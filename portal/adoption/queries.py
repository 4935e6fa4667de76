"""Reads that adoption pages and exports share: phases, periods, the report grid and compliance, each a fixed number
of statements whatever the number of reports or inquiries."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import defer, lazyload, undefer

from ..auth.models import Division, User, UserRole
from ..auth.queries import DivisionName, division_names
from ..collation import by_name
from ..extensions import db
from ..indicators import percentage
from ..kept import KeptByKey
from ..security import Role
from . import scoring
from .inquiry_log import CHANNELS
from .models import (HANDED_IN, ComplianceFigure, DivisionPhase, IndicatorSet, InquiryLog, Phase, PhaseChange,
                     PhaseStatus, QuarterlyReport, ReportingPeriod, ReportRevision, ReportState)

TREND_QUARTERS = 12
FURTHEST_BEHIND = 10


def current_indicators() -> IndicatorSet | None:
    return db.session.scalar(select(IndicatorSet).order_by(IndicatorSet.id.desc()).limit(1))


def periods() -> list[ReportingPeriod]:
    """Every reporting period, newest first; each one's indicators are read when first used."""
    return list(db.session.scalars(select(ReportingPeriod).options(defer(ReportingPeriod.indicators))
                                   .order_by(ReportingPeriod.year.desc(), ReportingPeriod.quarter.desc())))


def recent_periods(count: int = TREND_QUARTERS) -> list[ReportingPeriod]:
    """The newest `count` periods, oldest first, as trends read them."""
    return periods_by_ids(recent_period_ids(count))


def with_indicators(ordered: list[ReportingPeriod]) -> list[ReportingPeriod]:
    """The same periods with their indicators read in one statement, for pages that show every quarter's."""
    ids = [found.id for found in ordered]
    loaded = {found.id: found for found in db.session.scalars(
        select(ReportingPeriod).options(undefer(ReportingPeriod.indicators)).where(ReportingPeriod.id.in_(ids)))}
    return [loaded[found_id] for found_id in ids]


def reports_of(division: Division, period_ids: list[int]) -> dict[int, QuarterlyReport]:
    """The division's reports for these periods, by period, in one statement."""
    return {found.period_id: found for found in db.session.scalars(
        select(QuarterlyReport).where(QuarterlyReport.division_id == division.id,
                                      QuarterlyReport.period_id.in_(period_ids)))}


def period(period_id: int) -> ReportingPeriod | None:
    return ReportingPeriod.by_id(period_id)


def report(report_id: int) -> QuarterlyReport | None:
    return QuarterlyReport.by_id(report_id)


_REPORT_FOR = (select(QuarterlyReport)
               .options(lazyload(QuarterlyReport.period), lazyload(QuarterlyReport.division))
               .where(QuarterlyReport.period_id == bindparam("period_id"),
                      QuarterlyReport.division_id == bindparam("division_id")))


def report_for(period_id: int, division_id: int) -> QuarterlyReport | None:
    """The division's report for the period; its period and division are taken from those already read."""
    return db.session.execute(_REPORT_FOR, {"period_id": period_id, "division_id": division_id}).scalar_one_or_none()


def revisions(report: QuarterlyReport) -> list[ReportRevision]:
    return list(db.session.scalars(select(ReportRevision).where(ReportRevision.report_id == report.id)
                                   .order_by(ReportRevision.number)))


def divisions(division_ids=None) -> list[Division]:
    query = select(Division).order_by(Division.name_en)
    if division_ids is not None:
        query = query.where(Division.id.in_(list(division_ids)))
    return list(db.session.scalars(query))


_PHASES = DivisionPhase.__table__.c
_ALL_PHASES = select(_PHASES.division_id, _PHASES.phase, _PHASES.status, _PHASES.changed_at)
_PHASE_OF = _ALL_PHASES.where(_PHASES.division_id == bindparam("division_id"))


def phases() -> dict[int, Row]:
    """Each division's phase, status and when it last changed, by division (plain rows: forty of them)."""
    return {row.division_id: row for row in db.session.execute(_ALL_PHASES)}


def phase_of(division_id: int) -> Row | None:
    """One division's phase, status and when it last changed (a plain row), if it has one."""
    return db.session.execute(_PHASE_OF, {"division_id": division_id}).one_or_none()


_CHANGE_ROWS, _USER_ROWS = PhaseChange.__table__.c, User.__table__.c
_PHASE_HISTORY = (select(_CHANGE_ROWS.phase, _CHANGE_ROWS.status, _CHANGE_ROWS.reason, _CHANGE_ROWS.changed_at,
                         _USER_ROWS.full_name.label("changed_by"))
                  .select_from(PhaseChange.__table__.outerjoin(User.__table__,
                                                               _USER_ROWS.id == _CHANGE_ROWS.changed_by_id))
                  .where(_CHANGE_ROWS.division_id == bindparam("division_id"))
                  .order_by(_CHANGE_ROWS.changed_at.desc(), _CHANGE_ROWS.id.desc()))


def phase_history(division) -> list[Row]:
    """The division's phase changes, newest first, with who made them (plain rows)."""
    return list(db.session.execute(_PHASE_HISTORY, {"division_id": division.id}))


def city_timeline(page: int, per_page: int) -> tuple[list[PhaseChange], bool]:
    found = list(db.session.scalars(select(PhaseChange)
                                    .order_by(PhaseChange.changed_at.desc(), PhaseChange.id.desc())
                                    .offset((page - 1) * per_page).limit(per_page + 1)))
    return found[:per_page], len(found) > per_page


@dataclass(frozen=True)
class ReportCell:
    report_id: int
    period_id: int
    state: ReportState
    scores: tuple[tuple[str, float | None], ...]
    submitted_on: date | None
    due_on: date

    @property
    def overall(self) -> float | None:
        return scoring.overall(dict(self.scores))

    @property
    def late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due_on

    @property
    def handed_in(self) -> bool:
        return self.state in HANDED_IN


def report_grid(period_ids: list[int], division_ids=None) -> dict[tuple[int, int], ReportCell]:
    """Each report's state and area scores by (division, period), in one statement."""
    if not period_ids:
        return {}
    query = (select(QuarterlyReport.id, QuarterlyReport.division_id, QuarterlyReport.period_id, QuarterlyReport.state,
                    QuarterlyReport.scores, QuarterlyReport.submitted_on, ReportingPeriod.due_on)
             .join(ReportingPeriod, ReportingPeriod.id == QuarterlyReport.period_id)
             .where(QuarterlyReport.period_id.in_(period_ids)))
    if division_ids is not None:
        query = query.where(QuarterlyReport.division_id.in_(list(division_ids)))
    return {(division_id, period_id): ReportCell(report_id, period_id, state, tuple(sorted((scores or {}).items())),
                                                 submitted_on, due_on)
            for report_id, division_id, period_id, state, scores, submitted_on, due_on in db.session.execute(query)}


@dataclass(frozen=True)
class Compliance:
    received: int = 0
    within_standard: int = 0
    pending: int = 0
    median_minutes: int | None = None

    @property
    def decided(self) -> int:
        return self.received - self.pending

    @property
    def rate(self) -> float | None:
        return percentage(self.within_standard, self.decided)

    def __add__(self, other: "Compliance") -> "Compliance":
        return Compliance(self.received + other.received, self.within_standard + other.within_standard,
                          self.pending + other.pending)


def compliance_by_division(period_ids: list[int], division_ids=None) -> dict[int, dict[str, Compliance]]:
    """Inquiries received, within the standard and pending, by division and channel over these periods."""
    if not period_ids:
        return {}
    query = (select(ComplianceFigure.division_id, ComplianceFigure.channel, func.sum(ComplianceFigure.received),
                    func.sum(ComplianceFigure.within_standard), func.sum(ComplianceFigure.pending))
             .where(ComplianceFigure.period_id.in_(period_ids))
             .group_by(ComplianceFigure.division_id, ComplianceFigure.channel))
    if division_ids is not None:
        query = query.where(ComplianceFigure.division_id.in_(list(division_ids)))
    found: dict[int, dict[str, Compliance]] = {}
    for division_id, channel, received, within, pending in db.session.execute(query):
        found.setdefault(division_id, {})[channel] = Compliance(int(received), int(within), int(pending))
    return found


def total(by_channel: dict[str, Compliance]) -> Compliance:
    return sum(by_channel.values(), Compliance())


@dataclass(frozen=True)
class MonthCompliance:
    month: date
    channels: tuple[tuple[str, Compliance], ...]

    @property
    def total(self) -> Compliance:
        return sum((figure for _channel, figure in self.channels), Compliance())


def compliance_by_month(division: Division, period_ids: list[int]) -> list[MonthCompliance]:
    """One division's figures by month and channel, with the median time to acknowledge where a log gave it."""
    if not period_ids:
        return []
    months: dict[date, dict[str, Compliance]] = {}
    for month, channel, received, within, pending, median in db.session.execute(
            select(ComplianceFigure.month, ComplianceFigure.channel, ComplianceFigure.received,
                   ComplianceFigure.within_standard, ComplianceFigure.pending, ComplianceFigure.median_minutes)
            .where(ComplianceFigure.division_id == division.id, ComplianceFigure.period_id.in_(period_ids))
            .order_by(ComplianceFigure.month)):
        months.setdefault(month, {})[channel] = Compliance(received, within, pending, median)
    return [MonthCompliance(month, tuple((channel, channels[channel]) for channel in CHANNELS if channel in channels))
            for month, channels in months.items()]


_LOG_ROWS = InquiryLog.__table__.c
_LATEST_LOGS = (select(_LOG_ROWS.filename, _LOG_ROWS.rows, _LOG_ROWS.uploaded_at,
                       _USER_ROWS.full_name.label("uploaded_by"))
                .select_from(InquiryLog.__table__.outerjoin(User.__table__, _USER_ROWS.id == _LOG_ROWS.uploaded_by_id))
                .where(_LOG_ROWS.division_id == bindparam("division_id"))
                .order_by(_LOG_ROWS.uploaded_at.desc(), _LOG_ROWS.id.desc()).limit(bindparam("limit")))


def latest_logs(division, limit: int = 8) -> list[Row]:
    """The division's latest uploads and typed counts, with who made them (plain rows)."""
    return list(db.session.execute(_LATEST_LOGS, {"division_id": division.id, "limit": limit}))


@dataclass(frozen=True)
class DivisionRow:
    division: Division
    phase: Phase | None
    status: PhaseStatus | None
    latest: ReportCell | None
    compliance: float | None

    def key(self) -> tuple:
        return (self.division.id, self.phase, self.status, self.latest, self.compliance)


@dataclass(frozen=True)
class Dashboard:
    """The city at a glance, as the dashboard, its CSV and its PDF show it."""

    periods: tuple[ReportingPeriod, ...]
    rows: tuple[DivisionRow, ...]
    grid: dict[tuple[int, int], ReportCell]
    compliance: dict[int, dict[str, Compliance]]
    compliance_period: ReportingPeriod | None
    changes: tuple = ()

    @property
    def areas(self) -> list[dict]:
        return self.periods[-1].indicators["areas"] if self.periods else []

    def phase_counts(self) -> Counter:
        return Counter((row.phase, row.status) for row in self.rows)

    def area_trend(self) -> dict[str, list[tuple[str, float | None]]]:
        """The city's average score per area, quarter by quarter, over the reports handed in."""
        trend = {}
        for area in self.areas:
            points = []
            for period in self.periods:
                values = [dict(cell.scores).get(area["key"]) for (division_id, period_id), cell in self.grid.items()
                          if period_id == period.id and cell.handed_in]
                known = [value for value in values if value is not None]
                points.append((period.name, round(sum(known) / len(known), 1) if known else None))
            trend[area["key"]] = points
        return trend

    @property
    def reported_period(self) -> ReportingPeriod | None:
        """The newest quarter with a report handed in, which the latest scores describe."""
        handed_in = {period_id for (_division_id, period_id), cell in self.grid.items() if cell.handed_in}
        return next((period for period in reversed(self.periods) if period.id in handed_in), None)

    def states_in(self, latest: ReportingPeriod) -> Counter:
        states = Counter()
        for row in self.rows:
            cell = self.grid.get((row.division.id, latest.id))
            states[cell.state.value if cell else "missing"] += 1
            states["late"] += bool(cell and cell.late)
        return states

    def furthest_behind(self) -> list[DivisionRow]:
        rank = {None: -1, Phase.CRAWL: 0, Phase.WALK: 1, Phase.RUN: 2}
        return sorted(self.rows, key=lambda row: (rank[row.phase], row.latest.overall if row.latest and
                                                  row.latest.overall is not None else -1,
                                                  row.division.name_en))[:FURTHEST_BEHIND]

    def key(self) -> tuple:
        """Everything the dashboard shows: the periods, each division's row, and the marker of reports and
        compliance figures the grid was read under."""
        return (tuple(period.id for period in self.periods), self.changes,
                tuple((*row.key(), row.division.name_en, row.division.name_fr) for row in self.rows))


def _latest_handed_in(grid: dict[tuple[int, int], ReportCell], division_id: int,
                      ordered: list[ReportingPeriod]) -> ReportCell | None:
    for period in reversed(ordered):
        cell = grid.get((division_id, period.id))
        if cell is not None and cell.handed_in:
            return cell
    return None


def _compliance_period(ordered: list[ReportingPeriod]) -> ReportingPeriod | None:
    with_figures = set(db.session.scalars(select(ComplianceFigure.period_id).distinct()
                                          .where(ComplianceFigure.period_id.in_([p.id for p in ordered]))))
    return next((period for period in reversed(ordered) if period.id in with_figures), None)


_FIGURES = KeptByKey(32)
# Read on every view of the dashboard, so written on the tables: plain statements cost less to run.
_REPORTS, _LOGS, _PERIODS = QuarterlyReport.__table__, InquiryLog.__table__.c, ReportingPeriod.__table__.c
_IN_PERIODS = _REPORTS.c.period_id.in_(bindparam("period_ids", expanding=True))
_CHANGES = select(select(func.count()).select_from(_REPORTS).where(_IN_PERIODS).scalar_subquery(),
                  select(func.coalesce(func.sum(_REPORTS.c.revision), 0)).where(_IN_PERIODS).scalar_subquery(),
                  select(func.coalesce(func.max(_LOGS.id), 0)).scalar_subquery())
_RECENT_PERIOD_IDS = (select(_PERIODS.id).order_by(_PERIODS.year.desc(), _PERIODS.quarter.desc())
                      .limit(bindparam("count")))


def changes(period_ids: list[int]) -> tuple:
    """What moves whenever a report or the compliance figures of these periods change, in one statement: every
    change to a report raises its revision, and figures are only ever replaced from a new inquiry log, whose id is
    higher than any before it (logs are never deleted; the figures' own ids may be reused once deleted)."""
    return tuple(db.session.execute(_CHANGES, {"period_ids": list(period_ids)}).one())


def _city_figures(ordered: list[ReportingPeriod]) -> tuple:
    grid = report_grid([period.id for period in ordered])
    compliance_period = _compliance_period(ordered)
    compliance = compliance_by_division([compliance_period.id]) if compliance_period else {}
    return grid, compliance, compliance_period.id if compliance_period else None


@dataclass(frozen=True)
class DashboardSources:
    """What the dashboard is drawn from, read in four light statements: the newest twelve quarters, the divisions,
    their phases and the marker of reports and compliance figures. Together they name everything it shows."""

    period_ids: tuple[int, ...]
    divisions: tuple[DivisionName, ...]
    phases: dict[int, Row]
    changes: tuple

    def key(self) -> tuple:
        return (self.period_ids, self.changes, self.divisions,
                tuple(sorted((division_id, tuple(row)) for division_id, row in self.phases.items())))


def recent_period_ids(count: int = TREND_QUARTERS) -> tuple[int, ...]:
    """The ids of the newest `count` periods, oldest first, in one plain statement."""
    return tuple(reversed(db.session.execute(_RECENT_PERIOD_IDS, {"count": count}).scalars().all()))


def periods_by_ids(period_ids: tuple[int, ...]) -> list[ReportingPeriod]:
    """These periods in this order; each one's indicators are read when first used."""
    found = {period.id: period for period in db.session.scalars(
        select(ReportingPeriod).options(defer(ReportingPeriod.indicators))
        .where(ReportingPeriod.id.in_(period_ids)))}
    return [found[period_id] for period_id in period_ids]


def dashboard_sources() -> DashboardSources:
    """The sources, oldest quarter first."""
    period_ids = recent_period_ids()
    return DashboardSources(period_ids, tuple(division_names()), phases(), changes(list(period_ids)))


def dashboard(sources: DashboardSources | None = None) -> Dashboard:
    """The dashboard from its sources; the report grid and the newest quarter's compliance are read again only
    when a report or figure changed (five statements, or eight)."""
    sources = sources or dashboard_sources()
    ordered, current = periods_by_ids(sources.period_ids), sources.phases
    grid, compliance, compliance_id = _FIGURES.get((sources.period_ids, sources.changes),
                                                   lambda: _city_figures(ordered))
    compliance_period = next((period for period in ordered if period.id == compliance_id), None)
    return Dashboard(tuple(ordered), tuple(
        DivisionRow(division, current[division.id].phase if division.id in current else None,
                    current[division.id].status if division.id in current else None,
                    _latest_handed_in(grid, division.id, ordered),
                    total(compliance[division.id]).rate if division.id in compliance else None)
        for division in sources.divisions), grid, compliance, compliance_period, sources.changes)


@dataclass(frozen=True)
class NetworkRow:
    division: Division
    leads: tuple[User, ...]
    phase: DivisionPhase | None
    latest: ReportCell | None
    latest_period: str | None


def network() -> list[NetworkRow]:
    """Each division's leads, phase and latest report, for the stewards who keep the network (four statements)."""
    ordered = recent_periods()
    grid = report_grid([period.id for period in ordered])
    labels = {period.id: period.name for period in ordered}
    leads: dict[int, list[User]] = {}
    for lead in db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                   .where(UserRole.role == Role.LEAD, User.active.is_(True))
                                   .order_by(by_name(User.full_name), User.id)):
        leads.setdefault(lead.division_id, []).append(lead)
    current = phases()
    found = []
    for division in divisions():
        latest = next((grid[division.id, period.id] for period in reversed(ordered)
                       if (division.id, period.id) in grid), None)
        found.append(NetworkRow(division, tuple(leads.get(division.id, ())), current.get(division.id), latest,
                                labels[latest.period_id] if latest else None))
    return found


def period_status(period: ReportingPeriod) -> list[tuple[Division, ReportCell | None]]:
    grid = report_grid([period.id])
    return [(division, grid.get((division.id, period.id))) for division in divisions()]
