"""Counts kept per division, counted again just before any commit that changed what they count.

A feature names what changes its counts: given a flush, `changed` returns the divisions concerned, the people
whose divisions are concerned, or EVERY_DIVISION. Just before the transaction commits, `refresh` counts those
divisions again from the rows themselves, with the division rows locked first (`locked_divisions`), so two
transactions in one division take turns and the second counts what the first committed."""
from collections.abc import Callable, Iterable

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from .models import Division, User

EVERY_DIVISION = "every division"


def locked_divisions(division_ids: Iterable[int] | None) -> list[int]:
    """The ids of these divisions (None: all of them), their rows locked until the transaction ends."""
    locked = select(Division.id).order_by(Division.id).with_for_update()
    if division_ids is not None:
        locked = locked.where(Division.id.in_(list(division_ids)))
    return list(db.session.scalars(locked))


def attributes_changed(obj, *names: str) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def moved_divisions(person: User) -> set[int]:
    """The divisions a changed person left and joins."""
    return {*(inspect(person).attrs.division_id.history.deleted or ()), person.division_id}


def keep_counts(name: str, changed: Callable[[Session], tuple[set[int], set[int]] | str],
                refresh: Callable[[set[int] | None], None]) -> None:
    """Keeps the counts `name` with every commit (see the module's description)."""
    pending_key = f"{name}_pending"

    def note(session: Session, _context) -> None:
        found = changed(session)
        pending = session.info.setdefault(pending_key, set())
        if found == EVERY_DIVISION or pending == EVERY_DIVISION:
            session.info[pending_key] = EVERY_DIVISION
            return
        divisions, people = found
        if people:
            divisions = divisions | set(session.scalars(select(User.division_id).where(User.id.in_(people))))
        pending.update(division for division in divisions if division is not None)

    def count_again(session: Session) -> None:
        session.flush()
        pending = session.info.pop(pending_key, None)
        if pending:
            refresh(None if pending == EVERY_DIVISION else pending)

    def forget(session: Session) -> None:
        session.info.pop(pending_key, None)

    event.listen(Session, "after_flush", note)
    event.listen(Session, "before_commit", count_again)
    event.listen(Session, "after_rollback", forget)
