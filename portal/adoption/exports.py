"""The adoption figures as CSV: the city's report grid, and one division's answers quarter by quarter."""
from datetime import date

from flask_babel import gettext as _

from ..auth.models import Division
from ..csv_export import csv_response
from . import queries, scoring

def _score(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def city_csv(board: queries.Dashboard, language: str):
    areas = board.areas
    header = [_("Division code"), _("Division"), _("Phase"), _("Phase status"), _("Quarter"), _("Report"),
              _("Submitted on"), _("Late"), *(area["title"][language] for area in areas), _("Overall score"),
              _("Acknowledged within the standard (%)")]
    rows = []
    for row in board.rows:
        for period in board.periods:
            cell = board.grid.get((row.division.id, period.id))
            scores = dict(cell.scores) if cell else {}
            rows.append([row.division.code, row.division.name(language), row.phase.title if row.phase else "",
                         row.status.title if row.status else "", period.name,
                         cell.state.title if cell else _("Missing"),
                         cell.submitted_on.isoformat() if cell and cell.submitted_on else "",
                         _("Yes") if cell and cell.late else "",
                         *(_score(scores.get(area["key"])) for area in areas),
                         _score(cell.overall) if cell else "",
                         _score(row.compliance) if period is board.compliance_period else ""])
    return csv_response(f"service-promise-adoption-{date.today().isoformat()}.csv", header, rows)


def _answer_text(indicator: dict, value) -> str:
    if value is None:
        return _("Not available") if indicator["computed"] else ""
    if indicator["kind"] == "yes-no":
        return _("Yes") if value else _("No")
    return f"{value:g}" if isinstance(value, float) else str(value)


def division_csv(division: Division, language: str):
    ordered = queries.with_indicators(queries.recent_periods())
    reports = queries.reports_of(division, [period.id for period in ordered])
    header = [_("Quarter"), _("Report"), _("Action area"), _("Indicator"), _("Value"), _("Target"),
              _("Target met"), _("Evidence")]
    rows = []
    for period in ordered:
        report = reports.get(period.id)
        for area in period.indicators["areas"]:
            for indicator in area["indicators"]:
                answers, computed = (report.answers, report.computed) if report else ({}, {})
                value = scoring.value_of(indicator, answers, computed)
                met = scoring.meets_target(indicator, value)
                rows.append([period.name, report.state.title if report else _("Missing"), area["title"][language],
                             indicator["title"][language], _answer_text(indicator, value),
                             _answer_text(indicator, indicator["target"]) if indicator["target"] is not None else "",
                             "" if met is None else (_("Yes") if met else _("No")),
                             answers.get(indicator["key"], {}).get("evidence", "")])
    return csv_response(f"service-promise-adoption-{division.code}-{date.today().isoformat()}.csv", header, rows)
