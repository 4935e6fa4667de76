"""Division tallies kept with every change: who counts as staff, and who has attested to what.

Any flush that adds an attestation, adds a person, or changes a person's division or active flag marks the
divisions concerned; just before the transaction commits, their tallies are counted again from the rows
themselves. The division rows are locked first, so two transactions in one division take turns and the
second counts what the first committed. Bulk SQL that bypasses the ORM calls `refresh_all()` itself."""
from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session

from ..auth.models import Division, User
from ..extensions import db
from .models import Attestation, DivisionTally, DocumentVersion
from .queries import count_division_attestations, current_versions, tally_names

PENDING = "attestation_tallies_pending"
EVERY_DIVISION = "every division"


def refresh(division_ids: set[int] | None) -> None:
    """Counts the tallies of these divisions (None: all of them) again, under a lock on their rows."""
    locked = select(Division.id).order_by(Division.id).with_for_update()
    if division_ids is not None:
        locked = locked.where(Division.id.in_(division_ids))
    ids = list(db.session.scalars(locked))
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


def refresh_all() -> None:
    refresh(None)


def _mark(session: Session, divisions) -> None:
    pending = session.info.setdefault(PENDING, set())
    if divisions == EVERY_DIVISION:
        session.info[PENDING] = EVERY_DIVISION
    elif pending != EVERY_DIVISION:
        pending.update(division for division in divisions if division is not None)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    divisions, attesters = set(), set()
    for obj in session.new:
        if isinstance(obj, Attestation):
            attesters.add(obj.user_id)
        elif isinstance(obj, User):
            divisions.add(obj.division_id)
        elif isinstance(obj, DocumentVersion):
            _mark(session, EVERY_DIVISION)
    for obj in session.dirty:
        if isinstance(obj, User):
            state = inspect(obj)
            moved, left_or_joined = state.attrs.division_id.history, state.attrs.active.history
            if moved.has_changes() or left_or_joined.has_changes():
                divisions.update(moved.deleted or ())
                divisions.add(obj.division_id)
    if attesters:
        divisions.update(session.scalars(select(User.division_id).where(User.id.in_(attesters))))
    if divisions:
        _mark(session, divisions)


@event.listens_for(Session, "before_commit")
def _count_again(session: Session) -> None:
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        refresh(None if pending == EVERY_DIVISION else pending)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
