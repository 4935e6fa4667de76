"""The bench city's adoption: 40 divisions × 12 quarters of reports, phases, and inquiry logs of 25 inquiries per
member of staff (1,000,000 at 40,000 staff) with their figures by month and channel; and the timed import of a
100,000-row log through the real checks and operation, reported in rows per second."""
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from flask import Flask
from sqlalchemy import insert, select

from portal.adoption import scoring
from portal.adoption.history import inquiry_log_text
from portal.adoption.inquiry_log import CHANNELS, check_upload, monthly_figures, read_inquiry_log
from portal.adoption.models import (ComplianceFigure, DivisionPhase, IndicatorSet, Inquiry, InquiryLog, Phase,
                                    PhaseStatus, QuarterlyReport, ReportingPeriod, ReportState)
from portal.adoption.operations import import_inquiry_log, sync_indicators
from portal.adoption.source import load_indicators
from portal.auth.models import Division, User
from portal.clock import TORONTO
from portal.config import BASE_DIR
from portal.extensions import db

from .pages import ACCOUNTS, IMPORT_PERIOD

QUARTERS = 12
INQUIRIES_PER_STAFF = 25
BATCH = 20_000
IMPORT_ROWS = 100_000


def _periods(definition: dict, today: date) -> list[ReportingPeriod]:
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _step in range(QUARTERS):
        period = ReportingPeriod(year=year, quarter=quarter, indicators=definition, due_on=today)
        period.due_on = period.ends_on + timedelta(days=31)
        found.append(period)
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    found.reverse()
    db.session.add_all(found)
    db.session.flush()
    return found


def _answers(rng: random.Random, definition: dict) -> dict:
    values = {"yes-no": lambda: rng.random() < 0.7, "count": lambda: rng.randint(0, 8),
              "percentage": lambda: round(rng.uniform(40, 100), 1), "text": lambda: "Huddles every week."}
    return {indicator["key"]: {"value": values[indicator["kind"]]()} for area in definition["areas"]
            for indicator in area["indicators"] if not indicator["computed"]}


def _inquiry_rows(rng: random.Random, log_id: int, period: ReportingPeriod, count: int) -> list[dict]:
    span = (period.ends_on - period.starts_on).days + 1
    rows = []
    for _number in range(count):
        received = datetime.combine(period.starts_on + timedelta(days=rng.randrange(span)),
                                    clock_time(rng.randint(7, 18), rng.randrange(60)))
        minutes = rng.choice((30, 90, 300, 1300, 2000, 3000))
        rows.append({"log_id": log_id, "received_at": received,
                     "acknowledged_at": received + timedelta(minutes=minutes),
                     "channel": rng.choice(CHANNELS), "around_the_clock": False, "within_standard": minutes < 2000,
                     "minutes_to_acknowledge": min(minutes, 960)})
    return rows


def insert_adoption(rng: random.Random, staff: int, today: date) -> int:
    """Phases, 480 reports and the inquiry logs; returns the number of inquiries."""
    sync_indicators(load_indicators(BASE_DIR / "content"))
    definition = db.session.scalar(select(IndicatorSet.definition).order_by(IndicatorSet.id.desc()).limit(1))
    divisions = list(db.session.scalars(select(Division).order_by(Division.id)))
    periods = _periods(definition, today)
    steps = [(phase, status) for phase in Phase for status in PhaseStatus]
    db.session.execute(insert(DivisionPhase), [
        {"division_id": division.id, "phase": phase, "status": status}
        for division, (phase, status) in zip(divisions, (rng.choice(steps) for _ in divisions))])
    lead_id, lead_division = db.session.execute(select(User.id, User.division_id)
                                                .where(User.email == ACCOUNTS["lead"].email)).one()
    reports = []
    for period in periods:
        for division in divisions:
            answers = _answers(rng, definition)
            draft = period is periods[-1] and division.id == lead_division
            reports.append({"period_id": period.id, "division_id": division.id,
                            "state": ReportState.DRAFT if draft else ReportState.ACCEPTED,
                            "answers": answers, "computed": {}, "scores": scoring.area_scores(period, answers, {}),
                            "submitted_on": period.due_on - timedelta(days=rng.randint(-5, 20)),
                            "updated_by_id": lead_id})
    db.session.execute(insert(QuarterlyReport), reports)
    total = staff * INQUIRIES_PER_STAFF
    per_log = max(1, total // (len(periods) * len(divisions)))
    for period in periods:
        for division in divisions:
            log_id = db.session.execute(insert(InquiryLog).values(
                division_id=division.id, period_id=period.id, filename="bench.csv", rows=per_log,
                uploaded_by_id=lead_id).returning(InquiryLog.id)).scalar_one()
            rows = _inquiry_rows(rng, log_id, period, per_log)
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(Inquiry), rows[start:start + BATCH])
            db.session.execute(insert(ComplianceFigure), [
                {"division_id": division.id, "period_id": period.id, "log_id": log_id, "month": figure.month,
                 "channel": figure.channel, "received": figure.received, "acknowledged": figure.acknowledged,
                 "within_standard": figure.within_standard, "pending": figure.pending,
                 "median_minutes": figure.median_minutes}
                for figure in _figures(rows)])
    return per_log * len(periods) * len(divisions)


def _figures(rows: list[dict]):
    from portal.adoption.inquiry_log import Inquiry as Read

    return monthly_figures(Read(row["received_at"].replace(tzinfo=TORONTO), row["acknowledged_at"].replace(
        tzinfo=TORONTO), row["channel"], False, row["within_standard"], False, row["minutes_to_acknowledge"])
        for row in rows)


def time_import(app: Flask) -> dict:
    """Checks, reads and imports a 100,000-row log for the lead's division, as the upload page does."""
    with app.test_request_context():
        lead = db.session.scalar(select(User).where(User.email == ACCOUNTS["lead"].email))
        period = db.session.get(ReportingPeriod, IMPORT_PERIOD)
        data = inquiry_log_text(random.Random(1), period.starts_on, period.ends_on, IMPORT_ROWS).encode()
        started = time.perf_counter()
        check_upload("inquiries.csv", "text/csv", data)
        rows = read_inquiry_log(data, datetime.now(TORONTO))
        read = time.perf_counter()
        import_inquiry_log(lead.division, period, "inquiries.csv", rows, lead)
        db.session.commit()
        done = time.perf_counter()
    return {"rows": IMPORT_ROWS, "bytes": len(data), "read_seconds": read - started,
            "import_seconds": done - read, "rows_per_second": IMPORT_ROWS / (done - started)}
