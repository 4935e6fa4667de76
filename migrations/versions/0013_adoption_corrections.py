"""Adoption: a returned report keeps its first hand-in

A report returned for changes and handed in again had its hand-in day replaced by the later one, so it could look
late though it was first handed in on time. Each such report gets back the day of its first hand-in, as its
revisions keep it (in the portal's time zone). Only reports handed in more than once change. Nothing in the schema
changes.

Downgrade: nothing to undo. The earlier code reads the same column, and the later days were never kept apart.

Revision ID: 0013_adoption_corrections
Revises: 0012_cycle_names
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0013_adoption_corrections'
down_revision = '0012_cycle_names'
branch_labels = None
depends_on = None

PORTAL_ZONE = ZoneInfo("America/Toronto")
REVISIONS = sa.table("report_revisions", sa.column("report_id", sa.Integer), sa.column("state", sa.String),
                     sa.column("created_at", sa.DateTime))
REPORTS = sa.table("quarterly_reports", sa.column("id", sa.Integer), sa.column("submitted_on", sa.Date))


def _day(moment: datetime):
    return moment.replace(tzinfo=UTC).astimezone(PORTAL_ZONE).date()


def upgrade():
    connection = op.get_bind()
    first_hand_ins = connection.execute(
        sa.select(REPORTS.c.id, REPORTS.c.submitted_on, sa.func.min(REVISIONS.c.created_at))
        .join(REVISIONS, REVISIONS.c.report_id == REPORTS.c.id)
        .where(REVISIONS.c.state == "submitted", REPORTS.c.submitted_on.is_not(None))
        .group_by(REPORTS.c.id, REPORTS.c.submitted_on)
        .having(sa.func.count() > 1)).all()  # handed in again: a report handed in once keeps its day as it is
    for report_id, handed_in_on, first in first_hand_ins:
        if _day(first) < handed_in_on:
            connection.execute(sa.update(REPORTS).where(REPORTS.c.id == report_id).values(submitted_on=_day(first)))


def downgrade():
    pass
