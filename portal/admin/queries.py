from sqlalchemy import func, select

from ..audit import AuditEntry
from ..auth.models import User
from ..extensions import db


def audit_page(page: int, per_page: int, action: str | None = None) -> tuple[list[AuditEntry], int]:
    """Newest entries first, optionally of one action; with the total count."""
    query = select(AuditEntry)
    count = select(func.count(AuditEntry.id))
    if action:
        query = query.where(AuditEntry.action == action)
        count = count.where(AuditEntry.action == action)
    entries = db.session.scalars(query.order_by(AuditEntry.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)).all()
    return list(entries), db.session.scalar(count)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def users_page(page: int, per_page: int) -> tuple[list[User], int]:
    users = db.session.scalars(select(User).order_by(User.full_name, User.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
    return list(users), db.session.scalar(select(func.count(User.id)))
