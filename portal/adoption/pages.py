"""The parts of adoption pages drawn from figures (charts and their tables), kept under the figures they show."""
from flask_babel import gettext as _
from markupsafe import Markup

from ..auth.models import Division
from ..charts import Bar, Line, bar_chart, line_chart
from ..formatting import reader_language
from ..fragments import render_part, render_part_made
from .inquiry_log import CHANNELS
from .models import Phase, PhaseStatus, ReportState
from .queries import Compliance, Dashboard, DashboardSources, MonthCompliance, ReportCell, dashboard, total
from .titles import channel_title


def indicators_of(period) -> list[dict]:
    return [indicator for area in period.indicators["areas"] for indicator in area["indicators"]]


def _area_lines(areas: list[dict], points: dict[str, list[tuple[str, float | None]]], language: str) -> list[Line]:
    return [Line(area["title"][language], tuple(points[area["key"]])) for area in areas]


def _trend(periods, grid: dict[tuple[int, int], ReportCell], division_id: int, areas: list[dict]) -> dict:
    return {area["key"]: [(period.name, dict(grid[division_id, period.id].scores).get(area["key"])
                           if (division_id, period.id) in grid and grid[division_id, period.id].handed_in else None)
                          for period in periods] for area in areas}


def _dashboard_charts(board: Dashboard) -> dict[str, Markup]:
    language = reader_language()
    trend = board.area_trend()
    reported = board.reported_period
    position = board.periods.index(reported) if reported else -1
    latest = {key: points[position][1] for key, points in trend.items()}
    ranked = sorted(board.rows, key=lambda row: (row.compliance is None, row.compliance or 0))
    return {
        "areas": bar_chart(_("Average score by action area, %(period)s", period=reported.name if reported else "—"),
                           [Bar(area["title"][language], latest[area["key"]] if reported else None)
                            for area in board.areas]),
        "trend": line_chart(_("Average score by action area, quarter by quarter"),
                            _area_lines(board.areas, trend, language)),
        "compliance": bar_chart(_("Inquiries acknowledged within the standard, by division, lowest first"),
                                [Bar(row.division.name(language), row.compliance) for row in ranked]),
    }


def _state_columns() -> list[tuple[str, str]]:
    return [*((state.value, state.title) for state in ReportState), ("missing", _("No report")),
            ("late", _("Handed in late"))]


def dashboard_parts(sources: DashboardSources) -> Markup:
    """The dashboard's figures, drawn once for each set of sources and language."""

    def drawn() -> dict:
        board = dashboard(sources)
        return {"board": board, "draw": lambda: _dashboard_charts(board), "language": reader_language(),
                "channels": CHANNELS, "channel_title": channel_title, "total": total, "phases": list(Phase),
                "statuses": list(PhaseStatus), "state_columns": _state_columns()}

    return render_part_made("adoption/_dashboard_parts.html", sources.key(), drawn)


def _division_charts(division: Division, periods, grid, months: list[MonthCompliance]) -> dict[str, Markup]:
    language = reader_language()
    areas = periods[-1].indicators["areas"] if periods else []
    by_channel: dict[str, Compliance] = {}
    for month in months:
        for channel, figure in month.channels:
            by_channel[channel] = by_channel.get(channel, Compliance()) + figure
    return {
        "trend": line_chart(_("Score by action area, quarter by quarter"),
                            _area_lines(areas, _trend(periods, grid, division.id, areas), language)),
        "channels": bar_chart(_("Inquiries acknowledged within the standard, by channel"),
                              [Bar(channel_title(channel), by_channel[channel].rate)
                               for channel in CHANNELS if channel in by_channel]),
    }


def division_parts(division: Division, periods, grid, months: list[MonthCompliance]) -> Markup:
    key = (division.id, division.name_en, division.name_fr, tuple(period.id for period in periods),
           tuple(sorted(grid.items())), tuple(months))
    areas = periods[-1].indicators["areas"] if periods else []
    return render_part("adoption/_division_parts.html", key, division=division, periods=periods, grid=grid,
                       months=months, areas=areas, trend=_trend(periods, grid, division.id, areas), draw=lambda: _division_charts(division, periods, grid, months),
                       language=reader_language(), channel_title=channel_title)
