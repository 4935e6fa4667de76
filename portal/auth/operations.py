import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import mailer
from ..audit import AuditEntry, name_actions, record
from ..database import utcnow
from ..extensions import db
from ..security import Role
from .models import Division, User, UserRole, new_session_token
from .queries import normalize_email, user_by_email

name_actions({
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.sign_in_refused": _l("Sign-in refused: too many failures"),
    "auth.sign_out": _l("Signed out"),
    "auth.password_change": _l("Password changed"),
    "auth.password_change_failed": _l("Wrong current password given"),
    "auth.password_reset_requested": _l("Password reset asked for"),
    "auth.password_reset": _l("Password reset"),
    "users.create": _l("Account created"),
    "roles.change": _l("Roles changed"),
    "divisions.import": _l("Divisions imported"),
})

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
RESET_SALT = "password-reset"


class SignInOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, in the user's language, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_PASSWORD_LENGTH)
    if email and password.strip().lower() == normalize_email(email):
        return _("Do not use your e-mail address as your password.")
    return None


FRESH_START_ACTIONS = ("auth.sign_in", "auth.password_reset")


@cache
def _unknown_account_hash() -> str:
    """A hash to check passwords against when no account matches, so both paths do the same work."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _recent_failures(email: str) -> int:
    """Failed sign-ins in the lock-out window since the last sign-in or completed password reset."""
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["LOGIN_ACCOUNT_WINDOW_MINUTES"])
    last_success = db.session.scalar(
        select(func.max(AuditEntry.occurred_at))
        .where(AuditEntry.action.in_(FRESH_START_ACTIONS), AuditEntry.subject == email,
               AuditEntry.occurred_at >= since))
    return db.session.scalar(
        select(func.count(AuditEntry.id))
        .where(AuditEntry.action == "auth.sign_in_failed", AuditEntry.subject == email,
               AuditEntry.occurred_at >= max(since, last_success or since)))


def sign_in(email: str, password: str) -> SignInResult:
    """Checks a password, refusing an account after repeated failures; records the attempt."""
    email = normalize_email(email)
    if _recent_failures(email) >= current_app.config["LOGIN_ACCOUNT_MAX_FAILURES"]:
        record("auth.sign_in_refused", email, {"reason": "too many failures"})
        return SignInResult(SignInOutcome.LOCKED)
    user = user_by_email(email)
    password_matches = check_password_hash(user.password_hash if user else _unknown_account_hash(), password)
    if user is None or not user.active or not password_matches:
        record("auth.sign_in_failed", email, actor_id=user.id if user else None)
        return SignInResult(SignInOutcome.INVALID)
    record("auth.sign_in", email, actor_id=user.id)
    return SignInResult(SignInOutcome.SIGNED_IN, user)


def end_sessions(user: User) -> None:
    """Every session cookie issued to the user stops working."""
    user.session_token = new_session_token()
    db.session.flush()


def sign_out(user: User) -> None:
    end_sessions(user)
    record("auth.sign_out", user.email, actor_id=user.id)


def change_password(user: User, current_password: str, new_password: str) -> bool:
    """Replaces the password when the current one is right, ending every other session; records either way."""
    if not user.check_password(current_password):
        record("auth.password_change_failed", user.email, actor_id=user.id)
        return False
    user.set_password(new_password)
    end_sessions(user)
    record("auth.password_change", user.email, actor_id=user.id)
    return True


def set_language(user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        db.session.flush()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset link was sent to, if the link is genuine, unexpired and unused."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data.get("user"), int) else None
    if user is None or not user.active or data.get("password") != _password_fingerprint(user):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Queues an e-mail with a single-use reset link when the address belongs to an active account. Any other
    address costs the same work: the message is written for a stand-in account, then not queued."""
    user = user_by_email(email)
    record("auth.password_reset_requested", normalize_email(email), actor_id=user.id if user else None)
    known = user is not None and user.active
    recipient = user if known else User(id=0, email=normalize_email(email), full_name="", language="en",
                                        password_hash=_unknown_account_hash())
    subject, body = _reset_message(recipient)
    if known:
        mailer.queue(subject, [user.email], body)


def _reset_message(user: User) -> tuple[str, str]:
    link = url_for("auth.reset_password", token=reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(user.language):
        subject = _("Reset your Service Promise Portal password")
        body = render_template("auth/reset_email.txt", user=user, link=link, minutes=minutes)
    return subject, body


def reset_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    end_sessions(user)
    record("auth.password_reset", user.email, actor_id=user.id)


def create_user(email: str, full_name: str, password: str, roles: set[Role], division: Division | None = None,
                start_date: date | None = None, language: str = "en") -> User:
    """Creates an account; raises ValueError with a clear message for bad input."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise ValueError(f"{email!r} is not an e-mail address")
    if user_by_email(email) is not None:
        raise ValueError(f"an account for {email} already exists")
    if not full_name.strip():
        raise ValueError("a full name is required")
    if language not in current_app.config["LANGUAGES"]:
        raise ValueError(f"language must be one of {', '.join(current_app.config['LANGUAGES'])}")
    problem = password_problem(password, email)
    if problem:
        raise ValueError(problem)
    user = User(email=email, full_name=full_name.strip(), division=division, start_date=start_date,
                language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("users.create", f"user:{user.id}", {"email": email})
    set_roles(user, roles or {Role.STAFF})
    return user


def set_roles(user: User, roles: set[Role], actor_id: int | None = None) -> bool:
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
    existing = {division.code: division for division in db.session.scalars(select(Division))}
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
