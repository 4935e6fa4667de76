"""The attestation figure adoption reports show: the share of a division's active staff attested to the current
Service Promise, from the tallies kept with every attestation."""
from ..indicators import Span, Value, percentage, provides
from .models import DocumentKind
from .queries import current_versions, division_summary, tallies_mark


def _attestation_mark() -> tuple:
    return tallies_mark(), tuple((kind.value, version.id) for kind, version in current_versions().items())


@provides("attested-share", mark=_attestation_mark)
def attested_share(span: Span) -> dict[int, Value]:
    versions = current_versions()
    if DocumentKind.PROMISE not in versions:
        return {}
    return {row.division.id: percentage(row.attested[DocumentKind.PROMISE], row.staff)
            for row in division_summary(versions, span.division_ids)}
