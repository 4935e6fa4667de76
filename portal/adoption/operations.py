"""Every change in adoption: indicators from content, phases, reporting periods, reports, their review, inquiry
logs and reminders.

Each operation checks the state, changes it, records it in the audit log and leaves the commit to the caller; a
refusal raises `Refused` with a message for the person, and nothing is changed."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError

from ..audit import name_actions, record
from ..auth.models import Division, User
from ..database import utcnow
from ..extensions import db
from ..formatting import long_date
from ..indicators import Span, computed_values
from ..refusals import Refused, Stale
from . import scoring
from .inquiry_log import Inquiry as LoggedInquiry
from .inquiry_log import MonthlyFigure, monthly_figures
from .models import (ComplianceFigure, DivisionPhase, IndicatorSet, Inquiry, InquiryLog, Phase, PhaseChange,
                     PhaseStatus, QuarterlyReport, ReportingPeriod, ReportRevision, ReportState)
from .source import IndicatorSetSource

CHANGED_MEANWHILE = _l("Someone else changed this report while you were looking at it. Nothing was saved: here "
                       "it is as it is now, with their changes.")
INSERT_BATCH = 5_000

name_actions({
    "adoption.indicators_sync": _l("Indicators loaded"),
    "adoption.phase_set": _l("Rollout phase changed"),
    "adoption.period_open": _l("Reporting period opened"),
    "adoption.report_save": _l("Quarterly report saved"),
    "adoption.report_submit": _l("Quarterly report submitted"),
    "adoption.report_accept": _l("Quarterly report accepted"),
    "adoption.report_return": _l("Quarterly report returned"),
    "adoption.inquiries_import": _l("Inquiry log imported"),
    "adoption.inquiries_counts": _l("Inquiry counts entered"),
    "adoption.reminders_send": _l("Report reminders sent"),
})


@dataclass(frozen=True)
class IndicatorSyncOutcome:
    slug: str
    label: str
    published: bool


def sync_indicators(source: IndicatorSetSource) -> list[IndicatorSyncOutcome]:
    """Keeps the indicator set when it changed; periods already open keep the set they opened with."""
    known = db.session.scalar(select(IndicatorSet.id).where(IndicatorSet.checksum == source.checksum))
    if known is not None and known == db.session.scalar(select(IndicatorSet.id).order_by(IndicatorSet.id.desc())):
        return [IndicatorSyncOutcome("indicators", "adoption indicators", False)]
    if known is not None:
        db.session.execute(delete(IndicatorSet).where(IndicatorSet.id == known))
    db.session.add(IndicatorSet(definition=source.definition, checksum=source.checksum))
    db.session.flush()
    record("adoption.indicators_sync", "indicators", {"checksum": source.checksum[:12]})
    return [IndicatorSyncOutcome("indicators", "adoption indicators", True)]


def set_phase(division: Division, phase: Phase, status: PhaseStatus, reason: str, steward: User) -> PhaseChange:
    """Moves a division to a phase and status, keeping who changed it, when and why."""
    current = db.session.get(DivisionPhase, division.id)
    if current is not None and (current.phase, current.status) == (phase, status):
        raise Refused(_("%(division)s is already at this phase and status; nothing was changed.",
                        division=division.name_en if steward.language == "en" else division.name_fr))
    now = utcnow()
    if current is None:
        db.session.add(DivisionPhase(division_id=division.id, phase=phase, status=status, changed_at=now))
    else:
        current.phase, current.status, current.changed_at = phase, status, now
    change = PhaseChange(division_id=division.id, phase=phase, status=status, reason=reason,
                         changed_by_id=steward.id, changed_at=now)
    db.session.add(change)
    db.session.flush()
    record("adoption.phase_set", f"division:{division.code}",
           {"phase": phase.value, "status": status.value, "reason": reason})
    return change


def open_period(year: int, quarter: int, due_on: date, steward: User) -> ReportingPeriod:
    """Opens a quarter for reporting with the indicators as they are now."""
    indicators = db.session.scalar(select(IndicatorSet).order_by(IndicatorSet.id.desc()).limit(1))
    if indicators is None:
        raise Refused(_("No indicators are loaded yet. Load the content first (flask content sync)."))
    period = ReportingPeriod(year=year, quarter=quarter, due_on=due_on, indicators=indicators.definition,
                             opened_by_id=steward.id)
    if db.session.scalar(select(ReportingPeriod.id).where(ReportingPeriod.year == year,
                                                          ReportingPeriod.quarter == quarter)) is not None:
        raise Refused(_("%(period)s is already open.", period=period.name))
    if due_on < period.starts_on:
        raise Refused(_("The reports cannot be due before the quarter begins."))
    db.session.add(period)
    db.session.flush()
    record("adoption.period_open", f"period:{period.label}", {"due_on": due_on.isoformat()})
    return period


def computed_for(period: ReportingPeriod, division_ids: Iterable[int]) -> dict[int, dict]:
    """The computed indicators of the period for these divisions, by division and indicator key."""
    wanted = {indicator["key"]: indicator["computed"] for area in period.indicators["areas"]
              for indicator in area["indicators"] if indicator["computed"]}
    ids = tuple(division_ids)
    values = computed_values(wanted.values(), Span(ids, period.starts_on, period.ends_on))
    return {division_id: {key: values[source].get(division_id) for key, source in wanted.items() if source in values}
            for division_id in ids}


def _flush(report: QuarterlyReport) -> None:
    """Writes the change; a change someone else committed first makes this one fail, never overwrite."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Stale(str(CHANGED_MEANWHILE)) from None


def _keep_revision(report: QuarterlyReport, author: User, comment: str | None = None) -> None:
    number = len(report.revisions) + 1
    report.revisions.append(ReportRevision(number=number, state=report.state, answers=report.answers,
                                           computed=report.computed, comment=comment, author_id=author.id))


def save_report(period: ReportingPeriod, division: Division, answers: dict, revision: int | None, lead: User,
                submit: bool, today: date) -> QuarterlyReport:
    """Saves a division's answers as a draft, or hands the report in; computed figures are read at that moment. A
    report returned and handed in again keeps the day of its first hand-in, by which lateness is judged."""
    report = db.session.scalar(select(QuarterlyReport).where(QuarterlyReport.period_id == period.id,
                                                             QuarterlyReport.division_id == division.id))
    if report is None:
        if revision is not None:
            raise Stale(str(CHANGED_MEANWHILE))
        report = QuarterlyReport(period=period, division=division, period_id=period.id, division_id=division.id,
                                 state=ReportState.DRAFT, answers={}, computed={}, scores={}, revisions=[])
        db.session.add(report)
    elif revision != report.revision:
        raise Stale(str(CHANGED_MEANWHILE))
    if not report.can_edit(lead):
        raise Refused(_("This report is %(state)s and cannot be changed now.", state=report.state.title.lower()))
    report.answers = answers
    report.computed = computed_for(period, [division.id])[division.id]
    report.scores = scoring.area_scores(period, answers, report.computed)
    report.updated_at, report.updated_by_id = utcnow(), lead.id
    if submit:
        report.state, report.submitted_at = ReportState.SUBMITTED, utcnow()
        report.submitted_on = report.submitted_on or today
    _keep_revision(report, lead)
    _flush(report)
    record("adoption.report_submit" if submit else "adoption.report_save", f"report:{report.id}",
           {"period": period.label, "division": division.code})
    return report


def review_report(report: QuarterlyReport, accept: bool, comment: str, revision: int, steward: User) -> None:
    """Accepts a submitted report, or returns it to the division with a comment saying what to change."""
    if revision != report.revision:
        raise Stale(str(CHANGED_MEANWHILE))
    if not report.can_review(steward):
        raise Refused(_("Only a report awaiting review can be accepted or returned."))
    if not accept and not comment.strip():
        raise Refused(_("Say what the division should change before returning the report."))
    report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
    report.reviewed_at, report.reviewed_by_id, report.review_comment = utcnow(), steward.id, comment.strip() or None
    _keep_revision(report, steward, report.review_comment)
    _flush(report)
    record("adoption.report_accept" if accept else "adoption.report_return", f"report:{report.id}",
           {"period": report.period.label, "division": report.division.code})


def replace_figures(division: Division, period: ReportingPeriod, log: InquiryLog,
                     figures: list[MonthlyFigure]) -> None:
    older = select(InquiryLog.id).where(InquiryLog.division_id == division.id, InquiryLog.period_id == period.id,
                                        InquiryLog.id != log.id)
    db.session.execute(delete(ComplianceFigure).where(ComplianceFigure.log_id.in_(older)))
    db.session.execute(delete(Inquiry).where(Inquiry.log_id.in_(older)))
    db.session.add_all(ComplianceFigure(division_id=division.id, period_id=period.id, log_id=log.id,
                                        month=figure.month, channel=figure.channel, received=figure.received,
                                        acknowledged=figure.acknowledged, within_standard=figure.within_standard,
                                        pending=figure.pending, median_minutes=figure.median_minutes)
                       for figure in figures)
    db.session.flush()


def outside_period(period: ReportingPeriod, inquiries: list[LoggedInquiry]) -> int:
    return sum(not period.starts_on <= inquiry.received_at.date() <= period.ends_on for inquiry in inquiries)


def import_inquiry_log(division: Division, period: ReportingPeriod, filename: str,
                       inquiries: list[LoggedInquiry], lead: User) -> InquiryLog:
    """Keeps a checked inquiry log and its figures by month and channel, replacing the period's earlier ones."""
    outside = outside_period(period, inquiries)
    if outside:
        raise Refused(ngettext("%(num)s inquiry was received outside %(period)s (%(starts)s to %(ends)s). Upload "
                               "one quarter's inquiries at a time; nothing was imported.",
                               "%(num)s inquiries were received outside %(period)s (%(starts)s to %(ends)s). "
                               "Upload one quarter's inquiries at a time; nothing was imported.", outside,
                               period=period.name, starts=long_date(period.starts_on),
                               ends=long_date(period.ends_on)))
    log = InquiryLog(division_id=division.id, period_id=period.id, filename=filename[:200], rows=len(inquiries),
                     uploaded_by_id=lead.id)
    db.session.add(log)
    db.session.flush()
    rows = [{"log_id": log.id, "received_at": inquiry.received_at, "acknowledged_at": inquiry.acknowledged_at,
             "channel": inquiry.channel, "around_the_clock": inquiry.around_the_clock,
             "within_standard": inquiry.within_standard, "minutes_to_acknowledge": inquiry.minutes_to_acknowledge}
            for inquiry in inquiries]
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(Inquiry.__table__.insert(), rows[start:start + INSERT_BATCH])
    replace_figures(division, period, log, monthly_figures(inquiries))
    record("adoption.inquiries_import", f"division:{division.code}",
           {"period": period.label, "rows": len(inquiries), "file": filename[:200]})
    return log


def enter_counts(division: Division, period: ReportingPeriod, figures: list[MonthlyFigure], lead: User) -> InquiryLog:
    """Keeps counts typed in place of a log (no median: the times are not known), replacing earlier figures."""
    if any(not period.starts_on <= figure.month <= period.ends_on for figure in figures):
        raise Refused(_("Counts can only be entered for the months of %(period)s.", period=period.name))
    log = InquiryLog(division_id=division.id, period_id=period.id, filename=None,
                     rows=sum(figure.received for figure in figures), uploaded_by_id=lead.id)
    db.session.add(log)
    db.session.flush()
    replace_figures(division, period, log, figures)
    record("adoption.inquiries_counts", f"division:{division.code}",
           {"period": period.label, "received": log.rows})
    return log
