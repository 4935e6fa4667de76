"""Division tallies kept with every change: who counts as staff, and who has attested to what.

Any flush that adds an attestation, adds a person, or changes a person's division, active flag or what the
division's list shows of them marks the divisions concerned, which are counted again before the commit
(portal/auth/division_counts.py). Bulk SQL that bypasses the ORM calls `refresh_all()` itself."""
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..auth.division_counts import (EVERY_DIVISION, attributes_changed, keep_counts, locked_divisions,
                                    moved_divisions)
from ..auth.models import User
from ..extensions import db
from .models import Attestation, DivisionTally, DocumentVersion
from ..marks import raise_mark
from .queries import ATTESTATION_TALLIES, count_division_attestations, current_versions, tally_names

# What a division's list of who still has to attest shows of a person: a change to it counts as a change to the
# division's tallies, so that the list, kept under their mark, shows it at once.
LISTED = ("full_name", "email", "start_date")


def refresh(division_ids: set[int] | None) -> None:
    """Counts the tallies of these divisions (None: all of them) again, under a lock on their rows."""
    ids = locked_divisions(division_ids)
    if not ids:
        return
    versions = current_versions()
    names = tally_names(versions)
    rows = []
    for summary in count_division_attestations(versions, ids):
        counts = {"staff": summary.staff, "all": summary.attested_all,
                  **{kind.value: summary.attested[kind] for kind in versions}}
        rows += [DivisionTally(division_id=summary.division.id, name=names[what], count=count)
                 for what, count in counts.items()]
    db.session.execute(delete(DivisionTally).where(DivisionTally.division_id.in_(ids)))
    db.session.add_all(rows)
    db.session.flush()
    raise_mark(ATTESTATION_TALLIES)


def refresh_all() -> None:
    refresh(None)


def _changed(session: Session) -> tuple[set[int], set[int]] | str:
    divisions, attesters = set(), set()
    for obj in session.new:
        if isinstance(obj, DocumentVersion):
            return EVERY_DIVISION
        if isinstance(obj, Attestation):
            attesters.add(obj.user_id)
        elif isinstance(obj, User):
            divisions.add(obj.division_id)
    for obj in session.dirty:
        if isinstance(obj, User) and attributes_changed(obj, "division_id", "active", *LISTED):
            divisions |= moved_divisions(obj)
    return divisions, attesters


keep_counts("attestation_tallies", _changed, refresh)
