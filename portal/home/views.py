from datetime import date

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..formatting import reader_language
from ..learning import queries as learning_queries
from ..promise import queries as promise_queries
from ..security import PUBLIC, requires

bp = Blueprint("home", __name__)


@bp.route("/")
@requires("content.read")
def index():
    statuses = promise_queries.status_for(current_user, promise_queries.current_versions())
    learning = learning_queries.progress_for(current_user, learning_queries.current_modules())
    return render_template("home/index.html", statuses=statuses,
                           outstanding=[status for status in statuses if not status.done],
                           modules_to_do=[item for item in learning if not item.passed], learning=learning,
                           language=reader_language(), today=date.today())


@bp.route("/healthz")
@requires(PUBLIC)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
