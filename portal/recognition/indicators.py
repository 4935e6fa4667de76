"""The recognition figures adoption reports show: nominations made by a division's staff, and nominations naming
them, submitted within the quarter (withdrawn ones left out)."""
from datetime import datetime, time, timedelta

from sqlalchemy import distinct, event, func, select
from sqlalchemy.orm import Session

from ..auth.division_counts import attributes_changed
from ..extensions import db
from ..indicators import Span, Value, provides
from ..marks import current_mark, raise_mark
from .models import NOMINATIONS_MARK, SEEN_BY_COMMITTEE, Nomination, Nominee


def _nominations_mark() -> int:
    return current_mark(NOMINATIONS_MARK)


@event.listens_for(Session, "after_flush")
def _raise_the_mark_with_a_new_state(session: Session, _context) -> None:
    if any(isinstance(obj, Nomination) and (obj in session.new or attributes_changed(obj, "state"))
           for obj in (*session.new, *session.dirty)):
        raise_mark(NOMINATIONS_MARK)


def _within(span: Span):
    starts = datetime.combine(span.starts_on, time.min)
    ends = datetime.combine(span.ends_on + timedelta(days=1), time.min)
    return (Nomination.submitted_at >= starts, Nomination.submitted_at < ends,
            Nomination.state.in_(SEEN_BY_COMMITTEE))


@provides("nominations-made", mark=_nominations_mark)
def nominations_made(span: Span) -> dict[int, Value]:
    counts = dict(db.session.execute(
        select(Nomination.nominator_division_id, func.count())
        .where(Nomination.nominator_division_id.in_(span.division_ids), *_within(span))
        .group_by(Nomination.nominator_division_id)).all())
    return {division_id: counts.get(division_id, 0) for division_id in span.division_ids}


@provides("nominations-received", mark=_nominations_mark)
def nominations_received(span: Span) -> dict[int, Value]:
    counts = dict(db.session.execute(
        select(Nominee.division_id, func.count(distinct(Nominee.nomination_id)))
        .join(Nomination, Nomination.id == Nominee.nomination_id)
        .where(Nominee.division_id.in_(span.division_ids), *_within(span))
        .group_by(Nominee.division_id)).all())
    return {division_id: counts.get(division_id, 0) for division_id in span.division_ids}
