"""The Service Promise and the Code of Conduct for the public: open, cacheable pages in English and French,
and the same pages as static files (public_export.py)."""
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..content import INFORMATION_PAGES, InformationPage, load_information_page
from ..security import PUBLIC, requires, shared_cache
from . import queries
from .models import DocumentKind
from .queries import PublishedVersion

bp = Blueprint("public", __name__, url_prefix="/public")
LANGUAGES = {"en": "English", "fr": "Français"}
DOCUMENTS = (DocumentKind.PROMISE, DocumentKind.CODE_OF_CONDUCT)
LANGUAGE = f"<any({', '.join(LANGUAGES)}):lang>"
DOCUMENT = f"<any({', '.join(repr(kind.value) for kind in DOCUMENTS)}):kind>"
INFORMATION = f"<any({', '.join(INFORMATION_PAGES)}):slug>"
MAX_AGE = 3600


@dataclass(frozen=True)
class Links:
    """Where a public page points: the portal's addresses, or (with `up`, the way to the export's folder)
    files next to one another."""

    up: str | None = None

    def page(self, lang: str | None = None, kind: DocumentKind | None = None) -> str:
        if self.up is not None:
            return f"{self.up}{lang}/{kind.value if kind else 'index'}.html" if lang else f"{self.up}index.html"
        if kind:
            return url_for("public.document", lang=lang, kind=kind.value)
        return url_for("public.index", lang=lang) if lang else url_for("public.languages")

    def information(self, lang: str, slug: str) -> str:
        """The help page, the privacy notice or the accessibility statement, in the public pages' layout."""
        if self.up is not None:
            return f"{self.up}{lang}/{slug}.html"
        return url_for("public.information", lang=lang, slug=slug)

    def static(self, filename: str) -> str:
        return url_for("static", filename=filename) if self.up is None else f"{self.up}static/{filename}"


SERVED = Links()


@dataclass(frozen=True)
class LanguageChoice:
    lang: str
    name: str
    city: str
    portal: str
    heading: str
    skip: str
    information: tuple[tuple[str, str], ...]


def published() -> dict[DocumentKind, PublishedVersion]:
    """The current version of each public document that has one."""
    versions = queries.current_versions()
    return {kind: versions[kind] for kind in DOCUMENTS if kind in versions}


def _render(template: str, lang: str, links: Links, **context) -> str:
    with force_locale(f"{lang}_CA"):
        return render_template(template, lang=lang, links=links, languages=LANGUAGES,
                               information_titles=information_titles, **context)


def render_languages(links: Links) -> str:
    """The bilingual page that sends readers to either language."""
    choices = []
    for lang, name in LANGUAGES.items():
        with force_locale(f"{lang}_CA"):
            choices.append(LanguageChoice(lang, name, _("City of Toronto"), _("Service Promise Portal"),
                                          _("Our service commitments"), _("Skip to main content"),
                                          information_titles()))
    return _render("public/languages.html", "en", links, choices=choices)


def render_index(lang: str, versions: dict[DocumentKind, PublishedVersion], links: Links) -> str:
    return _render("public/index.html", lang, links, kind=None, versions=list(versions.values()))


def render_document(lang: str, version: PublishedVersion, links: Links) -> str:
    return _render("public/document.html", lang, links, kind=version.kind, version=version,
                   text=version.text(lang))


def information_titles() -> tuple[tuple[str, str], ...]:
    """Each information page with its link text in the current language, as every page's footer lists them."""
    return (("help", _("Help")), ("privacy", _("Privacy notice")), ("accessibility", _("Accessibility")))


@cache
def _information_page(content_dir: Path, slug: str, lang: str) -> InformationPage:
    return load_information_page(content_dir, slug, lang)


def render_information(lang: str, slug: str, links: Links) -> str:
    page = _information_page(Path(current_app.config["CONTENT_DIR"]), slug, lang)
    return _render("public/information.html", lang, links, kind=None, slug=slug, page=page)


def _not_published(lang: str, kind: DocumentKind | None = None):
    return _render("public/not_published.html", lang, SERVED, kind=kind), 404


def _tagged(html: str):
    """The page with an ETag made from its own bytes, so a new version or a new template both change it."""
    response = make_response(html)
    response.add_etag()
    return response


@bp.route("/")
@requires(PUBLIC)
@shared_cache(MAX_AGE)
def languages():
    return _tagged(render_languages(SERVED))


@bp.route(f"/{LANGUAGE}/")
@requires(PUBLIC)
@shared_cache(MAX_AGE)
def index(lang: str):
    versions = published()
    if not versions:
        return _not_published(lang)
    return _tagged(render_index(lang, versions, SERVED))


@bp.route(f"/{LANGUAGE}/{DOCUMENT}")
@requires(PUBLIC)
@shared_cache(MAX_AGE)
def document(lang: str, kind: str):
    wanted = DocumentKind(kind)
    version = published().get(wanted)
    if version is None:
        return _not_published(lang, wanted)
    return _tagged(render_document(lang, version, SERVED))


@bp.route(f"/{LANGUAGE}/{INFORMATION}")
@requires(PUBLIC)
@shared_cache(MAX_AGE)
def information(lang: str, slug: str):
    return _tagged(render_information(lang, slug, SERVED))
