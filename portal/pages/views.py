"""The pages about the portal itself, open to everyone: help, the privacy notice, the accessibility statement."""
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, render_template

from ..content import InformationPage, load_information_page
from ..formatting import reader_language
from ..security import PUBLIC, requires

bp = Blueprint("pages", __name__)


@cache
def _page(content_dir: Path, slug: str, language: str) -> InformationPage:
    return load_information_page(content_dir, slug, language)


def _show(slug: str):
    page = _page(current_app.config["CONTENT_DIR"], slug, reader_language())
    return render_template("pages/page.html", page=page, slug=slug)


@bp.route("/help")
@requires(PUBLIC)
def help_page():
    return _show("help")


@bp.route("/privacy")
@requires(PUBLIC)
def privacy():
    return _show("privacy")


@bp.route("/accessibility")
@requires(PUBLIC)
def accessibility():
    return _show("accessibility")
