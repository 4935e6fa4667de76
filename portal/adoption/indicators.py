"""The service-standard figure adoption reports show: the share of the quarter's inquiries acknowledged within the
standard, from the division's latest inquiry log or typed counts."""
from sqlalchemy import func, select

from ..extensions import db
from ..indicators import Span, Value, percentage, provides
from .models import ComplianceFigure, InquiryLog

_NEWEST_LOG = select(func.max(InquiryLog.__table__.c.id))


def _compliance_mark() -> int | None:
    """Figures are only ever replaced from a new inquiry log, whose id is higher than any before it."""
    return db.session.connection().execute(_NEWEST_LOG).scalar()


@provides("standard-compliance", mark=_compliance_mark)
def standard_compliance(span: Span) -> dict[int, Value]:
    found = {division_id: percentage(int(within), int(received) - int(pending))
             for division_id, received, within, pending in db.session.execute(
                 select(ComplianceFigure.division_id, func.sum(ComplianceFigure.received),
                        func.sum(ComplianceFigure.within_standard), func.sum(ComplianceFigure.pending))
                 .where(ComplianceFigure.division_id.in_(span.division_ids),
                        ComplianceFigure.month >= span.starts_on, ComplianceFigure.month <= span.ends_on)
                 .group_by(ComplianceFigure.division_id))}
    return {division_id: found.get(division_id) for division_id in span.division_ids}
