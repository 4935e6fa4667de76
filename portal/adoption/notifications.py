"""Adoption's e-mails: reminders to divisional leads whose report is not handed in, through the mail outbox."""
from datetime import date, timedelta

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import mailer
from ..audit import record
from ..auth.models import User, UserRole
from ..extensions import db
from ..security import Role
from .models import HANDED_IN, QuarterlyReport, ReminderSent, ReportingPeriod

REMIND_FROM_DAYS_BEFORE_DUE = 14
REMIND_UNTIL_DAYS_AFTER_DUE = 60


def periods_to_remind(today: date) -> list[ReportingPeriod]:
    """Periods due within two weeks, or overdue by less than two months."""
    return list(db.session.scalars(select(ReportingPeriod).where(
        ReportingPeriod.due_on <= today + timedelta(days=REMIND_FROM_DAYS_BEFORE_DUE),
        ReportingPeriod.due_on >= today - timedelta(days=REMIND_UNTIL_DAYS_AFTER_DUE))
        .order_by(ReportingPeriod.due_on)))


def _leads_owing(period: ReportingPeriod, today: date) -> list[User]:
    handed_in = select(QuarterlyReport.division_id).where(QuarterlyReport.period_id == period.id,
                                                          QuarterlyReport.state.in_(HANDED_IN))
    reminded = select(ReminderSent.user_id).where(ReminderSent.period_id == period.id, ReminderSent.sent_on == today)
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.LEAD, User.active.is_(True), User.division_id.is_not(None),
               User.division_id.not_in(handed_in), User.id.not_in(reminded))
        .order_by(User.id)))


def send_reminders(today: date) -> int:
    """Queues one reminder per lead and period still owed, at most once a day however often it runs."""
    sent = 0
    for period in periods_to_remind(today):
        for lead in _leads_owing(period, today):
            division = lead.division
            with force_locale(lead.language):
                body = render_template("adoption/reminder.txt", lead=lead, period=period, today=today,
                                       division=division.name(lead.language),
                                       link=url_for("adoption.report_form", period_id=period.id,
                                                    code=division.code, _external=True))
                mailer.queue(_("Reminder: your division's quarterly Service Promise report for %(period)s",
                               period=period.name), [lead.email], body)
            db.session.add(ReminderSent(user_id=lead.id, period_id=period.id, sent_on=today))
            sent += 1
    if sent:
        db.session.flush()
        record("adoption.reminders_send", "reminders", {"sent": sent, "day": today.isoformat()})
    return sent
