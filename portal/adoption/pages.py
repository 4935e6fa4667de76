"""The parts of adoption pages drawn from figures (charts and their tables), kept under the figures they show."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from ..auth.queries import DivisionName, division_code
from ..charts import WIDTH, Bar, Line, bar_chart, for_column_and_phone, line_chart
from ..formatting import reader_language
from ..fragments import render_part_made
from ..kept import KeptByKey
from .inquiry_log import CHANNELS
from .models import Phase, PhaseStatus, ReportState
from . import queries
from .queries import Compliance, Dashboard, DashboardSources, MonthCompliance, ReportCell, dashboard, total
from .titles import channel_title


NAVIGATION_PERMISSIONS = ("adoption.report_all", "adoption.manage", "adoption.submit")
_NAVIGATION = KeptByKey(limit=256)


def adoption_navigation() -> Markup:
    """The adoption pages' own links, drawn once for each page, set of permissions, division and language."""
    allowed = frozenset(permission for permission in NAVIGATION_PERMISSIONS if current_user.can(permission))
    code = division_code(current_user.division_id) \
        if current_user.division_id is not None and "adoption.manage" not in allowed else None
    return _NAVIGATION.get((request.endpoint, allowed, code, reader_language()), lambda: Markup(
        render_template("adoption/_nav.html", allowed=allowed, code=code)))


def indicators_of(period) -> list[dict]:
    return [indicator for area in period.indicators["areas"] for indicator in area["indicators"]]


def _area_lines(areas: list[dict], points: dict[str, list[tuple[str, float | None]]], language: str) -> list[Line]:
    return [Line(area["title"][language], tuple(points[area["key"]])) for area in areas]


def _trend(periods, grid: dict[tuple[int, int], ReportCell], division_id: int, areas: list[dict]) -> dict:
    return {area["key"]: [(period.name, dict(grid[division_id, period.id].scores).get(area["key"])
                           if (division_id, period.id) in grid and grid[division_id, period.id].handed_in else None)
                          for period in periods] for area in areas}


PAPER_BARS = 8


def _drawn(draw, paper: bool) -> Markup:
    return draw(WIDTH) if paper else for_column_and_phone(draw)


def _in_parts(title: str, bars: list[Bar], paper: bool) -> list[Markup]:
    """One chart on screen; on paper, charts of at most PAPER_BARS bars each, so that each fits on a page with its
    text at a size that can be read."""
    if not paper or len(bars) <= PAPER_BARS:
        return [_drawn(lambda width: bar_chart(title, bars, width=width), paper)]
    count = -(-len(bars) // PAPER_BARS)
    size = -(-len(bars) // count)
    return [bar_chart(_("%(title)s (%(first)d to %(last)d of %(count)d)", title=title, first=start + 1,
                        last=min(start + size, len(bars)), count=len(bars)), bars[start:start + size], width=WIDTH)
            for start in range(0, len(bars), size)]


def _dashboard_charts(board: Dashboard, paper: bool) -> dict:
    language = reader_language()
    chosen = board.chosen
    handed_in = board.handed_in(chosen) if chosen else 0
    latest = {key: (points[-1][1], board.area_reports()[key][-1]) for key, points in board.area_trend().items()}

    def area_label(area: dict) -> str:
        reports = latest[area["key"]][1]
        return area["title"][language] if reports == handed_in else ngettext(
            "%(area)s (%(num)d report)", "%(area)s (%(num)d reports)", reports, area=area["title"][language])

    areas = [Bar(area_label(area), latest[area["key"]][0]) for area in board.areas]
    areas_title = _("Average score by action area, %(period)s", period=chosen.name if chosen else "—")
    trend = _area_lines(board.areas, board.area_trend(), language)
    ranked = sorted((row for row in board.rows if row.compliance is not None), key=lambda row: row.compliance)
    return {
        "areas": _drawn(lambda width: bar_chart(areas_title, areas, width=width), paper),
        "trend": _drawn(lambda width: line_chart(_("Average score by action area, quarter by quarter"), trend,
                                                 width=width), paper),
        "compliance": _in_parts(_("Inquiries acknowledged within the standard, by division, lowest first"),
                                [Bar(row.division.name(language), row.compliance) for row in ranked], paper),
    }


def _state_columns() -> list[tuple[str, str]]:
    return [*((state.value, state.title) for state in ReportState), ("missing", _("No report")),
            ("late", _("Handed in late"))]


def dashboard_parts(sources: DashboardSources, paper: bool = False) -> Markup:
    """The dashboard's figures, drawn once for each set of sources and language, for the screen (with the choice
    of quarter) or for paper."""

    def drawn() -> dict:
        board = dashboard(sources, reader_language())
        return {"board": board, "draw": lambda: _dashboard_charts(board, paper), "language": reader_language(),
                "channels": CHANNELS, "channel_title": channel_title, "total": total, "phases": list(Phase),
                "statuses": list(PhaseStatus), "state_columns": _state_columns(), "paper": paper}

    return render_part_made("adoption/_dashboard_parts.html", (sources.key(), paper), drawn)


def _division_charts(division: DivisionName, periods, grid, months: list[MonthCompliance],
                     paper: bool) -> dict[str, Markup]:
    language = reader_language()
    areas = periods[-1].indicators["areas"] if periods else []
    by_channel: dict[str, Compliance] = {}
    for month in months:
        for channel, figure in month.channels:
            by_channel[channel] = by_channel.get(channel, Compliance()) + figure
    trend = _area_lines(areas, _trend(periods, grid, division.id, areas), language)
    channels = [Bar(channel_title(channel), by_channel[channel].rate) for channel in CHANNELS if channel in by_channel]
    return {
        "trend": _drawn(lambda width: line_chart(_("Score by action area, quarter by quarter"), trend, width=width),
                        paper),
        "channels": _drawn(lambda width: bar_chart(_("Inquiries acknowledged within the standard, by channel"),
                                                   channels, width=width), paper),
    }


def division_parts(division: DivisionName, paper: bool = False) -> Markup:
    """The division's charts and tables, drawn once for each set of quarters, reports and figures, and kept: the
    marker of reports and compliance figures moves with every change to either. On paper, each chart is drawn
    once, for the page's width."""
    period_ids = queries.recent_period_ids()

    def drawn() -> dict:
        periods = queries.periods_by_ids(period_ids)
        grid = queries.report_grid(list(period_ids), [division.id])
        months = queries.compliance_by_month(division, list(period_ids[-4:]))
        areas = periods[-1].indicators["areas"] if periods else []
        return {"division": division, "periods": periods, "grid": grid, "months": months, "areas": areas,
                "trend": _trend(periods, grid, division.id, areas), "language": reader_language(),
                "draw": lambda: _division_charts(division, periods, grid, months, paper),
                "channel_title": channel_title, "paper": paper}

    key = (division, period_ids, queries.changes(list(period_ids)), paper)
    return render_part_made("adoption/_division_parts.html", key, drawn)
