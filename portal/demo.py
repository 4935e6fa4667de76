"""Demonstration divisions and accounts for `make run`; loading twice changes nothing."""
from datetime import date
from pathlib import Path

from .content import read_divisions_csv
from .auth.operations import create_user, import_divisions
from .auth.queries import division_by_code, user_by_email
from .security import Role

DEMO_ACCOUNTS = [
    ("new.staff@example.org", "Nadia Staff", {Role.STAFF}, "CXD", "fr"),
    ("staff@example.org", "Sam Staff", {Role.STAFF}, "PFR", "en"),
    ("lead@example.org", "Lee Lead", {Role.STAFF, Role.LEAD}, "CXD", "en"),
    ("steward@example.org", "Stella Steward", {Role.STAFF, Role.STEWARD}, "CMO", "en"),
    ("committee@example.org", "Cam Committee", {Role.STAFF, Role.COMMITTEE}, "PE", "en"),
    ("admin@example.org", "Ada Admin", {Role.STAFF, Role.ADMIN}, "TS", "en"),
]


def load_demo(content_dir: Path, password: str) -> list[tuple[str, str, str]]:
    import_divisions(read_divisions_csv(Path(content_dir) / "divisions.csv"))
    listed = []
    for email, name, roles, division_code, language in DEMO_ACCOUNTS:
        division = division_by_code(division_code)
        user = user_by_email(email) or create_user(email, name, password, roles, division,
                                                   date(2026, 9, 1), language)
        listed.append((user.email, ", ".join(sorted(role.value for role in user.roles)),
                       user.division.name_en if user.division else ""))
    return listed
