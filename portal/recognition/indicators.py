"""The recognition figures adoption reports show: nominations made by a division's staff, and nominations naming
them, submitted within the quarter (withdrawn ones left out)."""
from datetime import datetime, time, timedelta

from sqlalchemy import distinct, func, select

from ..extensions import db
from ..indicators import Span, Value, provides
from .models import SEEN_BY_COMMITTEE, Nomination, Nominee


def _within(span: Span):
    starts = datetime.combine(span.starts_on, time.min)
    ends = datetime.combine(span.ends_on + timedelta(days=1), time.min)
    return (Nomination.submitted_at >= starts, Nomination.submitted_at < ends,
            Nomination.state.in_(SEEN_BY_COMMITTEE))


@provides("nominations-made")
def nominations_made(span: Span) -> dict[int, Value]:
    counts = dict(db.session.execute(
        select(Nomination.nominator_division_id, func.count())
        .where(Nomination.nominator_division_id.in_(span.division_ids), *_within(span))
        .group_by(Nomination.nominator_division_id)).all())
    return {division_id: counts.get(division_id, 0) for division_id in span.division_ids}


@provides("nominations-received")
def nominations_received(span: Span) -> dict[int, Value]:
    counts = dict(db.session.execute(
        select(Nominee.division_id, func.count(distinct(Nominee.nomination_id)))
        .join(Nomination, Nomination.id == Nominee.nomination_id)
        .where(Nominee.division_id.in_(span.division_ids), *_within(span))
        .group_by(Nominee.division_id)).all())
    return {division_id: counts.get(division_id, 0) for division_id in span.division_ids}
