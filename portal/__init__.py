"""The Service Promise Portal."""
import logging

from flask import Flask, current_app, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import check_catalogues, settings_for
from .database import configure_sqlite
from . import templating
from .formatting import FILTERS, reader_language
from .forms import write_attributes_quickly
from .navigation import site_navigation
from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from .security import (PUBLIC, PortalSessionInterface, allow_marked_uploads, apply_security_headers,
                       refuse_another_port, refuse_nul_bytes)
from .signatures import keep_form_token, reuse_form_token
from .urls import BoundedIntegerConverter, PlainTextConverter


def select_language() -> str:
    """The reader's language: theirs when signed in, else the one chosen with the switch, else English."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated:
        return current_user.language
    chosen = session.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    """Canadian English or French (en_CA, fr_CA): translations fall back to en and fr, formats are Canadian."""
    return f"{select_language()}_CA"


def create_app(config: dict | str | None = None) -> Flask:
    """Builds the application from a settings dict, an environment name, or PORTAL_ENV."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(config if isinstance(config, dict) else settings_for(config))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/Toronto")
    check_catalogues(app.config)
    logging.basicConfig(level=logging.INFO)
    app.logger.setLevel(logging.INFO)
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    if app.config.get("TRUSTED_PROXIES"):
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    write_attributes_quickly()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
            configure_sqlite(db.engine)

    from . import models  # noqa: F401  (every model registered for migrations)
    from .adoption import indicators as _adoption  # noqa: F401  (computed indicators register their sources)
    from .adoption.views import bp as adoption_bp
    from .admin.views import bp as admin_bp
    from .learning import indicators as _learning  # noqa: F401
    from .promise import indicators as _promise  # noqa: F401
    from .recognition import indicators as _recognition  # noqa: F401
    from .auth.interrupted import offer_typed, put_typed_into_forms
    from .auth.session import register_user_loader
    from .auth.views import bp as auth_bp
    from .home.views import bp as home_bp
    from .learning.views import bp as learning_bp
    from .pages.views import bp as pages_bp
    from .promise.public import bp as public_bp
    from .promise.views import bp as promise_bp
    from .recognition.views import bp as recognition_bp

    app.url_map.converters.update(int=BoundedIntegerConverter, default=PlainTextConverter,
                                  string=PlainTextConverter)
    register_user_loader(login_manager)
    for blueprint in (home_bp, auth_bp, promise_bp, learning_bp, recognition_bp, adoption_bp, pages_bp, admin_bp,
                      public_bp):
        app.register_blueprint(blueprint)
    app.view_functions["static"].permissions = frozenset({PUBLIC})

    app.before_request_funcs.setdefault(None, []).insert(0, allow_marked_uploads)
    app.before_request_funcs[None].insert(0, refuse_another_port)
    app.before_request(refuse_nul_bytes)
    app.before_request(offer_typed)
    put_typed_into_forms()
    app.before_request(reuse_form_token)
    app.after_request(keep_form_token)
    app.after_request(apply_security_headers)
    app.session_interface = PortalSessionInterface()
    _register_error_handlers(app)
    _register_template_helpers(app)

    from .cli import register_commands
    register_commands(app)
    return app


def _error_message(code: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have permission to see this page."),
        404: _("There is no page at this address."),
        405: _("This page cannot be used that way."),
        413: _("The file or form you sent is too large."),
        429: _("Too many attempts from your address. Wait a few minutes and try again."),
        500: _("Something went wrong on our side. Try again in a moment."),
    }
    return messages.get(code) or messages[500 if code >= 500 else 400]


def _register_error_handlers(app: Flask) -> None:
    def render_error(code: int, message: str | None = None):
        return render_template("errors/error.html", code=code, message=message or _error_message(code)), code

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        from .auth.interrupted import answer_refused_form

        db.session.rollback()
        return answer_refused_form() or render_error(400, _("This form expired or did not come from this site. Go "
                                                            "back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)


def _register_template_helpers(app: Flask) -> None:
    from .learning.views import LEARNER_PAGES, REPORT_PAGES
    from .promise.models import DocumentKind

    @app.context_processor
    def portal_context():
        return {"current_language": reader_language(), "document_kinds": list(DocumentKind),
                "learner_endpoints": LEARNER_PAGES, "learning_report_endpoints": REPORT_PAGES}

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals["site_navigation"] = site_navigation
    templating.install(app)
