"""Reads that adoption pages and exports share: phases, periods, the report grid and compliance, each a fixed number
of statements whatever the number of reports or inquiries."""
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import defer, lazyload, undefer

from ..auth.models import Division, User, UserRole
from ..auth.queries import DivisionName, division_names
from ..collation import sort_key
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
    """The city at a glance for one quarter, as the dashboard, its CSV and its PDF show it: the trend up to the
    chosen quarter, and the reports of that quarter, of the quarters after it and of any quarter with reports
    still awaiting review."""

    periods: tuple[ReportingPeriod, ...]
    rows: tuple[DivisionRow, ...]
    grid: dict[tuple[int, int], ReportCell]
    compliance: dict[int, dict[str, Compliance]]
    compliance_period: ReportingPeriod | None
    changes: tuple = ()
    listed: tuple[ReportingPeriod, ...] = ()
    choices: tuple[ReportingPeriod, ...] = ()

    @property
    def chosen(self) -> ReportingPeriod | None:
        """The quarter the dashboard describes: the last of its trend."""
        return self.periods[-1] if self.periods else None

    @property
    def areas(self) -> list[dict]:
        return self.periods[-1].indicators["areas"] if self.periods else []

    def phase_counts(self) -> Counter:
        return Counter((row.phase, row.status) for row in self.rows)

    @cached_property
    def _area_points(self) -> dict[str, list[tuple[str, float | None, int]]]:
        """Per area and quarter: the city's average over the reports handed in that score the area, and how many
        reports that is."""
        handed_in: dict[int, list[dict]] = {}
        for (_division_id, period_id), cell in self.grid.items():
            if cell.handed_in:
                handed_in.setdefault(period_id, []).append(dict(cell.scores))
        points = {}
        for area in self.areas:
            series = []
            for period in self.periods:
                known = [scores[area["key"]] for scores in handed_in.get(period.id, ())
                         if scores.get(area["key"]) is not None]
                series.append((period.name, round(sum(known) / len(known), 1) if known else None, len(known)))
            points[area["key"]] = series
        return points

    def area_trend(self) -> dict[str, list[tuple[str, float | None]]]:
        """The city's average score per area, quarter by quarter, over the reports handed in."""
        return {key: [(name, value) for name, value, _count in series] for key, series in self._area_points.items()}

    def area_reports(self) -> dict[str, list[int]]:
        """How many reports each of area_trend's averages rests on."""
        return {key: [count for _name, _value, count in series] for key, series in self._area_points.items()}

    def handed_in(self, period: ReportingPeriod) -> int:
        """How many reports of the quarter are handed in (awaiting review or accepted)."""
        return sum(1 for row in self.rows if (cell := self.grid.get((row.division.id, period.id))) and cell.handed_in)

    def handed_in_by_quarter(self) -> list[int]:
        return [self.handed_in(period) for period in self.periods]

    def period_name(self, period_id: int) -> str:
        return next(period.name for period in self.choices if period.id == period_id)

    def states_in(self, latest: ReportingPeriod) -> Counter:
        states = Counter()
        for row in self.rows:
            cell = self.grid.get((row.division.id, latest.id))
            states[cell.state.value if cell else "missing"] += 1
            states["late"] += bool(cell and cell.late)
        return states

    def furthest_behind(self) -> list[DivisionRow]:
        """The divisions furthest behind among those with a phase or a report handed in; the divisions with neither
        are named in one line (not_started)."""
        rank = {None: -1, Phase.CRAWL: 0, Phase.WALK: 1, Phase.RUN: 2}
        started = [row for row in self.rows if row.phase is not None or row.latest is not None]
        return sorted(started, key=lambda row: (rank[row.phase], row.latest.overall if row.latest and
                                                row.latest.overall is not None else -1))[:FURTHEST_BEHIND]

    def not_started(self) -> list[DivisionRow]:
        """The divisions with no phase set and no report handed in."""
        return [row for row in self.rows if row.phase is None and row.latest is None]

    def _silent(self, row: DivisionRow) -> bool:
        return (row.phase is None and row.latest is None and row.compliance is None
                and (self.chosen is None or (row.division.id, self.chosen.id) not in self.grid))

    def shown(self) -> list[DivisionRow]:
        """The divisions with a phase, a report or figures."""
        return [row for row in self.rows if not self._silent(row)]

    def silent(self) -> list[DivisionRow]:
        """The divisions with no phase, no report and no figures yet, named in one line rather than a row of "not
        set" and "not available" each."""
        return [row for row in self.rows if self._silent(row)]

    def without_compliance(self) -> list[DivisionRow]:
        """The divisions with no inquiry figures for the compliance quarter, named in one line rather than a row
        of "not available" each."""
        return [row for row in self.rows if row.division.id not in self.compliance]

    def key(self) -> tuple:
        """Everything the dashboard shows: the periods, each division's row, and the marker of reports and
        compliance figures the grid was read under."""
        return (tuple(period.id for period in self.periods), tuple(period.id for period in self.listed),
                self.changes, tuple((*row.key(), row.division.name_en, row.division.name_fr) for row in self.rows))


def _latest_handed_in(grid: dict[tuple[int, int], ReportCell], division_id: int,
                      ordered: list[ReportingPeriod]) -> ReportCell | None:
    for period in reversed(ordered):
        cell = grid.get((division_id, period.id))
        if cell is not None and cell.handed_in:
            return cell
    return None


def _compliance_period_id(window: tuple[int, ...]) -> int | None:
    """The newest quarter of the trend with compliance figures."""
    with_figures = set(db.session.scalars(select(ComplianceFigure.period_id).distinct()
                                          .where(ComplianceFigure.period_id.in_(window))))
    return next((period_id for period_id in reversed(window) if period_id in with_figures), None)


_FIGURES = KeptByKey(32)
# Read on every view of the dashboard, so written on the tables: plain statements cost less to run.
_REPORTS, _LOGS, _PERIODS = QuarterlyReport.__table__, InquiryLog.__table__.c, ReportingPeriod.__table__.c
_IN_PERIODS = _REPORTS.c.period_id.in_(bindparam("period_ids", expanding=True))
_CHANGES = select(select(func.count()).select_from(_REPORTS).where(_IN_PERIODS).scalar_subquery(),
                  select(func.coalesce(func.sum(_REPORTS.c.revision), 0)).where(_IN_PERIODS).scalar_subquery(),
                  select(func.coalesce(func.max(_LOGS.id), 0)).scalar_subquery())
_ALL_CHANGES = select(select(func.count()).select_from(_REPORTS).scalar_subquery(),
                      select(func.coalesce(func.sum(_REPORTS.c.revision), 0)).scalar_subquery(),
                      select(func.coalesce(func.max(_LOGS.id), 0)).scalar_subquery())
_RECENT_PERIOD_IDS = (select(_PERIODS.id).order_by(_PERIODS.year.desc(), _PERIODS.quarter.desc())
                      .limit(bindparam("count")))
_ALL_PERIODS = select(_PERIODS.id, _PERIODS.due_on).order_by(_PERIODS.year.desc(), _PERIODS.quarter.desc())
_AWAITING_REVIEW = select(QuarterlyReport.period_id).where(QuarterlyReport.state == ReportState.SUBMITTED).distinct()


def changes(period_ids: list[int]) -> tuple:
    """What moves whenever a report or the compliance figures of these periods change, in one statement: every
    change to a report raises its revision, and figures are only ever replaced from a new inquiry log, whose id is
    higher than any before it (logs are never deleted; the figures' own ids may be reused once deleted)."""
    return tuple(db.session.execute(_CHANGES, {"period_ids": list(period_ids)}).one())


def _city_figures(window: tuple[int, ...], later: tuple[int, ...]) -> tuple:
    awaiting = frozenset(db.session.scalars(_AWAITING_REVIEW))
    grid = report_grid(sorted({*window, *later, *awaiting}))
    compliance_id = _compliance_period_id(window)
    compliance = compliance_by_division([compliance_id]) if compliance_id else {}
    return awaiting, grid, compliance, compliance_id


@dataclass(frozen=True)
class DashboardSources:
    """What the dashboard is drawn from, read in four light statements: every quarter with its due date (newest
    first), the divisions, their phases and the marker of every report and compliance figure; and the quarter
    chosen. Together they name everything it shows."""

    periods: tuple[tuple[int, date], ...]
    chosen_id: int | None
    divisions: tuple[DivisionName, ...]
    phases: dict[int, Row]
    changes: tuple

    @property
    def period_ids(self) -> tuple[int, ...]:
        return tuple(period_id for period_id, _due_on in self.periods)

    def _at(self) -> int:
        return self.period_ids.index(self.chosen_id)

    def window(self) -> tuple[int, ...]:
        """The chosen quarter and up to eleven before it, oldest first, as the trend shows them."""
        if self.chosen_id is None:
            return ()
        return tuple(reversed(self.period_ids[self._at():self._at() + TREND_QUARTERS]))

    def later(self) -> tuple[int, ...]:
        """The quarters after the chosen one, newest first."""
        return self.period_ids[:self._at()] if self.chosen_id is not None else ()

    def choose(self, period_id: int | None) -> "DashboardSources":
        return replace(self, chosen_id=period_id)

    def key(self) -> tuple:
        return (self.periods, self.chosen_id, self.changes, self.divisions,
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


def dashboard_sources(today: date | None = None) -> DashboardSources:
    """The sources, on the latest quarter whose reports were due before today (the first quarter when none is
    due yet): a quarter still in progress would show the averages of its few early reports."""
    today = today or date.today()
    periods = tuple((period_id, due_on) for period_id, due_on in db.session.execute(_ALL_PERIODS))
    chosen = next((period_id for period_id, due_on in periods if due_on < today),
                  periods[-1][0] if periods else None)
    return DashboardSources(periods, chosen, tuple(division_names()), phases(),
                            tuple(db.session.execute(_ALL_CHANGES).one()))


def dashboard(sources: DashboardSources | None = None, language: str = "en") -> Dashboard:
    """The dashboard from its sources, its divisions in the order of their names in `language`; the report grid
    and the chosen quarter's compliance are read again only when a report or figure changed (six statements, or
    ten)."""
    sources = sources or dashboard_sources()
    choices, current = periods_by_ids(sources.period_ids), sources.phases
    by_id = {period.id: period for period in choices}
    window, later = sources.window(), sources.later()
    awaiting, grid, compliance, compliance_id = _FIGURES.get((sources.periods, sources.chosen_id, sources.changes),
                                                             lambda: _city_figures(window, later))
    ordered = [by_id[period_id] for period_id in window]
    listed = tuple(period for period in choices
                   if period.id in later or period.id == sources.chosen_id or period.id in awaiting)
    return Dashboard(tuple(ordered), tuple(
        DivisionRow(division, current[division.id].phase if division.id in current else None,
                    current[division.id].status if division.id in current else None,
                    _latest_handed_in(grid, division.id, ordered),
                    total(compliance[division.id]).rate if division.id in compliance else None)
        for division in sorted(sources.divisions, key=lambda division: sort_key(division.name(language)))),
        grid, compliance, by_id.get(compliance_id), sources.changes, listed,
        tuple(choices))


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
