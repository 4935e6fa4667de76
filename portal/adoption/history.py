"""Adoption as it stands after a year of the rollout, for the demo: every division at a phase with the changes that
led there, a lead in each division, four quarters of reports in every state, the current quarter open, and inquiry
figures for each quarter (the Customer Experience Division's from a real log of individual inquiries)."""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import Division, User, UserRole
from ..clock import TORONTO
from ..extensions import db
from ..security import Role
from . import scoring
from .inquiry_log import figures_from_counts, read_inquiry_log
from .models import (DivisionPhase, IndicatorSet, InquiryLog, Phase, PhaseChange, PhaseStatus, QuarterlyReport,
                     ReportingPeriod, ReportRevision, ReportState)
from .operations import computed_for, import_inquiry_log, replace_figures

QUARTERS_BACK = 4
DUE_AFTER_QUARTER_DAYS = 31
CHANNEL_SHARE = {"phone": 0.38, "email": 0.3, "in-person": 0.1, "online": 0.15, "mail": 0.03, "social-media": 0.04}
REASONS = {
    (Phase.CRAWL, PhaseStatus.IN_PROGRESS): "Staff consultation sessions have begun in every section.",
    (Phase.CRAWL, PhaseStatus.COMPLETE): "Consultation finished; staff feedback summarised for the management team.",
    (Phase.WALK, PhaseStatus.IN_PROGRESS): "Briefing notes for Members of Council are being prepared with the "
                                           "General Manager.",
    (Phase.WALK, PhaseStatus.COMPLETE): "Council briefings held; leadership has endorsed the public launch.",
    (Phase.RUN, PhaseStatus.IN_PROGRESS): "The Service Promise and standards are posted at counters and online.",
    (Phase.RUN, PhaseStatus.COMPLETE): "Public-facing standards in place and measured every quarter.",
}
STEPS = [(Phase.CRAWL, PhaseStatus.IN_PROGRESS), (Phase.CRAWL, PhaseStatus.COMPLETE),
         (Phase.WALK, PhaseStatus.IN_PROGRESS), (Phase.WALK, PhaseStatus.COMPLETE),
         (Phase.RUN, PhaseStatus.IN_PROGRESS), (Phase.RUN, PhaseStatus.COMPLETE)]
RETURN_COMMENT = ("The briefing count looks lower than last quarter's minutes show; please check it and add the "
                  "evidence for the website update.")
TEXTS = {
    "learning-needs": "Front-counter staff asked for a refresher on de-escalation and the Code of Conduct.",
    "recognition-highlight": "Our call-centre team was recognised for answering every storm inquiry on time.",
    "service-user-changes": "Permit applicants now get an acknowledgement the same day, with a named contact.",
}


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarters(today: date) -> list[tuple[int, int]]:
    year, quarter = _quarter_of(today)
    found = []
    for _step in range(QUARTERS_BACK + 1):
        found.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return list(reversed(found))


def _leads(chance: random.Random, divisions: list[Division], lead: User) -> None:
    """One divisional lead in each division (Lee Lead in the Customer Experience Division)."""
    for division in divisions:
        if division.id == lead.division_id:
            continue
        staff = list(db.session.scalars(select(User).where(User.division_id == division.id, User.active.is_(True))
                                        .order_by(User.id).limit(20)))
        if staff:
            chosen = chance.choice(staff)
            if Role.LEAD not in chosen.roles:
                chosen.role_rows.append(UserRole(role=Role.LEAD))


def _phases(chance: random.Random, divisions: list[Division], steward: User, today: date) -> dict[int, int]:
    """Each division's steps through the phases over the last eighteen months; returns how far each got."""
    reached = {}
    for division in divisions:
        steps = chance.choices(range(1, len(STEPS) + 1), weights=(2, 3, 5, 4, 5, 2))[0]
        moment = datetime.combine(today - timedelta(days=540), time(10), TORONTO)
        for phase, status in STEPS[:steps]:
            moment += timedelta(days=chance.randint(30, 540 // steps))
            db.session.add(PhaseChange(division_id=division.id, phase=phase, status=status,
                                       reason=REASONS[phase, status], changed_by_id=steward.id,
                                       changed_at=moment.replace(tzinfo=None)))
        db.session.add(DivisionPhase(division_id=division.id, phase=STEPS[steps - 1][0], status=STEPS[steps - 1][1],
                                     changed_at=moment.replace(tzinfo=None)))
        reached[division.id] = steps
    return reached


def _answer(chance: random.Random, indicator: dict, strength: float) -> dict:
    kind, target = indicator["kind"], indicator["target"]
    if kind == "yes-no":
        return {"value": chance.random() < strength}
    if kind == "count":
        return {"value": max(0, round((target or 3) * chance.uniform(strength - 0.3, strength + 0.5)))}
    if kind == "percentage":
        return {"value": round(min(100.0, max(0.0, chance.gauss(100 * strength, 8))), 1)}
    return {"value": TEXTS.get(indicator["key"], "Work continues as planned.")}


def _answers(chance: random.Random, period: ReportingPeriod, strength: float) -> dict:
    answers = {}
    for area in period.indicators["areas"]:
        for indicator in area["indicators"]:
            if not indicator["computed"]:
                answers[indicator["key"]] = _answer(chance, indicator, strength)
                if indicator["evidence"] and chance.random() < 0.6:
                    answers[indicator["key"]]["evidence"] = "Minutes and the intranet page are on the shared drive."
    return answers


def _report(period: ReportingPeriod, division: Division, state: ReportState, answers: dict, computed: dict,
            handed_in: date | None, author: User, steward: User) -> QuarterlyReport:
    report = QuarterlyReport(period=period, division=division, state=state, answers=answers, computed=computed,
                             scores=scoring.area_scores(period, answers, computed), updated_by_id=author.id,
                             submitted_on=handed_in,
                             submitted_at=datetime.combine(handed_in, time(14)) if handed_in else None)
    states = [ReportState.DRAFT] + ([ReportState.SUBMITTED] if handed_in else [])
    if state in (ReportState.ACCEPTED, ReportState.RETURNED):
        states.append(state)
        report.reviewed_by_id = steward.id
        report.review_comment = RETURN_COMMENT if state is ReportState.RETURNED else None
    report.revisions = [ReportRevision(number=number, state=step, answers=answers, computed=computed,
                                       author_id=steward.id if step in (ReportState.ACCEPTED, ReportState.RETURNED)
                                       else author.id,
                                       comment=report.review_comment if step is ReportState.RETURNED else None)
                        for number, step in enumerate(states, start=1)]
    return report


def _state(chance: random.Random, latest: bool, own: bool) -> ReportState | None:
    if own:
        return ReportState.SUBMITTED if latest else ReportState.ACCEPTED
    if not latest:
        return ReportState.ACCEPTED if chance.random() < 0.93 else ReportState.SUBMITTED
    return chance.choices([ReportState.ACCEPTED, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.DRAFT, None],
                          weights=(45, 25, 8, 10, 12))[0]


def _counts(chance: random.Random, division: Division, period: ReportingPeriod, strength: float, lead: User) -> None:
    volume = chance.randint(150, 2500)
    figures = []
    for month in period.months:
        for channel, share in CHANNEL_SHARE.items():
            received = round(volume * share * chance.uniform(0.8, 1.2))
            if received:
                within = round(received * min(1.0, max(0.4, chance.gauss(0.6 + 0.35 * strength, 0.05))))
                figures.append(figures_from_counts(month, channel, received, within))
    log = InquiryLog(division_id=division.id, period_id=period.id, filename=None,
                     rows=sum(figure.received for figure in figures), uploaded_by_id=lead.id)
    db.session.add(log)
    db.session.flush()
    replace_figures(division, period, log, figures)


def inquiry_log_text(chance: random.Random, starts_on: date, ends_on: date, count: int) -> str:
    """A division's inquiry log as a lead would export it: most acknowledged within a day, some late."""
    lines = ["received_at,acknowledged_at,channel,around_the_clock"]
    span = (ends_on - starts_on).days + 1
    for _number in range(count):
        received = datetime.combine(starts_on + timedelta(days=chance.randrange(span)),
                                    time(chance.randint(7, 18), chance.randrange(60)))
        around_the_clock = chance.random() < 0.15
        delay = timedelta(hours=chance.choice((1, 3, 6, 20, 26, 44, 70, 100)), minutes=chance.randrange(60))
        channel = chance.choices(list(CHANNEL_SHARE), weights=list(CHANNEL_SHARE.values()))[0]
        lines.append(f"{received:%Y-%m-%d %H:%M},{received + delay:%Y-%m-%d %H:%M},{channel},"
                     f"{'yes' if around_the_clock else 'no'}")
    return "\n".join(lines) + "\n"


def load_adoption(chance: random.Random, today: date, steward: User, lead: User) -> None:
    indicators = db.session.scalar(select(IndicatorSet).order_by(IndicatorSet.id.desc()).limit(1))
    if indicators is None:
        return
    divisions = list(db.session.scalars(select(Division).order_by(Division.code)))
    _leads(chance, divisions, lead)
    reached = _phases(chance, divisions, steward, today)
    quarters = _quarters(today)
    periods = []
    for year, quarter in quarters:
        period = ReportingPeriod(year=year, quarter=quarter, indicators=indicators.definition, opened_by_id=steward.id,
                                 due_on=date(year, 1, 1))
        period.due_on = period.ends_on + timedelta(days=DUE_AFTER_QUARTER_DAYS)
        period.opened_at = datetime.combine(period.starts_on, time(9))
        db.session.add(period)
        periods.append(period)
    db.session.flush()
    leads = {person.division_id: person for person in db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == Role.LEAD))}
    for number, period in enumerate(periods):
        current = number == len(periods) - 1
        computed = computed_for(period, [division.id for division in divisions])
        for division in divisions:
            author = leads.get(division.id, lead)
            strength = min(0.95, 0.35 + 0.1 * reached[division.id] + 0.04 * number + chance.uniform(-0.1, 0.1))
            own = division.id == lead.division_id
            if current:
                if own:
                    db.session.add(_report(period, division, ReportState.DRAFT, _answers(chance, period, strength),
                                           computed[division.id], None, author, steward))
                continue
            state = _state(chance, number == len(periods) - 2, own)
            if number < len(periods) - 1 and not (own and number == len(periods) - 2):
                _counts(chance, division, period, strength, author)
            if state is None:
                continue
            handed_in = None if state is ReportState.DRAFT else period.due_on + timedelta(
                days=chance.choice((-20, -12, -5, -1, 0, 3, 9)))
            db.session.add(_report(period, division, state, _answers(chance, period, strength),
                                   computed[division.id], handed_in, author, steward))
    db.session.flush()
    latest = periods[-2]
    own = db.session.get(Division, lead.division_id)
    log = read_inquiry_log(inquiry_log_text(chance, latest.starts_on, latest.ends_on, 2400).encode(),
                           datetime.combine(today, time(12), TORONTO))
    import_inquiry_log(own, latest, "cxd-inquiries.csv", log, lead)
