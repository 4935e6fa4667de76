"""Extensions created without an app; create_app() binds them."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Select, bindparam, select
from sqlalchemy.orm import DeclarativeBase


class PortalCSRFProtect(CSRFProtect):
    """CSRF checks where a malformed Referer header is refused like a missing one, not a server error."""

    def protect(self, *args, **kwargs):
        try:
            return super().protect(*args, **kwargs)
        except ValueError:
            self._error_response("The referrer header is malformed.")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })

    @classmethod
    def by_id(cls, row_id: int):
        """The row with this id, or None, read with a statement built once per model: a page's first read of a row
        it names in its address (Session.get builds and keys a new statement every time)."""
        statement = _BY_ID.get(cls)
        if statement is None:
            statement = _BY_ID[cls] = select(cls).where(cls.id == bindparam("row_id"))
        return db.session.execute(statement, {"row_id": row_id}).scalar_one_or_none()


_BY_ID: dict[type, Select] = {}


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = PortalCSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Endpoints whose reading is limited too, such as looking up a certificate's verification code.
LIMITED_READS: set[str] = set()


@limiter.request_filter
def _reading_is_not_limited() -> bool:
    """Form submissions are limited (sign-in, password reset), and the few lookups named in LIMITED_READS;
    other pages are read without the check."""
    return request.method in ("GET", "HEAD", "OPTIONS") and request.endpoint not in LIMITED_READS
