from flask import has_request_context, request
from flask_login import current_user

from ..auth.models import UserRole
from ..extensions import db
from ..security import Role
from .models import AuditEntry, Division


def _current_actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def record(action: str, subject: str = "", details: dict | None = None, actor_id: int | None = None) -> AuditEntry:
    """Appends an audit entry: who (the signed-in user unless named), what, when and from where."""
    entry = AuditEntry(
        action=action,
        subject=subject[:255],
        details=details or {},
        actor_id=actor_id if actor_id is not None else _current_actor_id(),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def set_roles(user, roles: set[Role], actor_id: int | None = None) -> bool:
    """Gives a user exactly these roles; records the change. Returns whether anything changed."""
    before = set(user.roles)
    if before == roles:
        return False
    user.role_rows = [row for row in user.role_rows if row.role in roles]
    user.role_rows.extend(UserRole(role=role) for role in sorted(roles - before))
    db.session.flush()
    record("roles.change", f"user:{user.id}",
           {"email": user.email, "before": sorted(before), "after": sorted(roles)}, actor_id=actor_id)
    return True


def import_divisions(rows: list[dict[str, str]]) -> tuple[int, int]:
    """Creates or renames divisions by code; returns (created, updated)."""
    existing = {division.code: division for division in db.session.scalars(db.select(Division))}
    created = updated = 0
    for row in rows:
        division = existing.get(row["code"])
        if division is None:
            db.session.add(Division(code=row["code"], name_en=row["name_en"], name_fr=row["name_fr"]))
            created += 1
        elif (division.name_en, division.name_fr) != (row["name_en"], row["name_fr"]):
            division.name_en, division.name_fr = row["name_en"], row["name_fr"]
            updated += 1
    db.session.flush()
    if created or updated:
        record("divisions.import", "divisions", {"created": created, "updated": updated})
    return created, updated
