"""Tally marks: how many times a kind of kept tally has changed, a base module any feature may use.

A page that draws a table from tallies keeps it under the tallies' mark; the mark is raised in the same
transaction as every change to those tallies, so a kept table never outlives the figures it shows."""
from sqlalchemy import String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from .database import DIALECT_INSERTS
from .extensions import db


class TallyMark(db.Model):
    """How many times the tallies of one kind (`question_tallies`, `attestation_tallies`) have changed."""

    __tablename__ = "tally_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    mark: Mapped[int] = mapped_column(default=0)


_MARKS = TallyMark.__table__.c
_READ = select(_MARKS.mark).where(_MARKS.name == bindparam("name"))  # on the table: a plain statement is cheaper


def raise_mark(name: str) -> None:
    """Marks a change to these tallies, in the current transaction."""
    upsert = DIALECT_INSERTS[db.session.get_bind().dialect.name](TallyMark)
    db.session.execute(upsert.values(name=name, mark=1).on_conflict_do_update(
        index_elements=["name"], set_={"mark": TallyMark.mark + 1}))


def current_mark(name: str) -> int:
    return db.session.connection().execute(_READ, {"name": name}).scalar() or 0
