"""The attestation figure adoption reports show: the share of a division's active staff attested to the current
Service Promise, from the tallies kept with every attestation."""
from ..indicators import Span, Value, percentage, provides
from .models import DocumentKind
from .queries import current_versions, division_summary


@provides("attested-share")
def attested_share(span: Span) -> dict[int, Value]:
    versions = current_versions()
    if DocumentKind.PROMISE not in versions:
        return {}
    return {row.division.id: percentage(row.attested[DocumentKind.PROMISE], row.staff)
            for row in division_summary(versions, span.division_ids)}
