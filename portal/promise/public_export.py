"""The public pages as static files the City's website team can publish, rendered by the same templates."""
from pathlib import Path

from flask import current_app

from ..content import INFORMATION_PAGES
from .public import (DOCUMENTS, LANGUAGES, Links, published, render_document, render_index, render_information,
                     render_languages)

STYLESHEETS = ("css/portal.css",)


class ExportRefused(Exception):
    """Nothing can be exported, and nothing was written."""


def export_public(directory: Path) -> list[Path]:
    """Writes the language chooser, each language's list, documents and information pages (help, privacy notice,
    accessibility statement), and their stylesheets; returns the files.

    Every page is rendered before the first file is written, so a refusal leaves the directory as it was."""
    if directory.exists() and not directory.is_dir():
        raise ExportRefused(f"{directory} exists and is not a directory")
    versions = published()
    missing = [kind.value for kind in DOCUMENTS if kind not in versions]
    if missing:
        raise ExportRefused(f"not published yet: {', '.join(missing)} (run `flask content sync` first)")
    files: dict[Path, bytes] = {}
    with current_app.test_request_context("/public/"):
        files[Path("index.html")] = render_languages(Links("")).encode()
        for lang in LANGUAGES:
            files[Path(lang, "index.html")] = render_index(lang, versions, Links("../")).encode()
            for kind in DOCUMENTS:
                files[Path(lang, f"{kind.value}.html")] = render_document(lang, versions[kind], Links("../")).encode()
            for slug in INFORMATION_PAGES:
                files[Path(lang, f"{slug}.html")] = render_information(lang, slug, Links("../")).encode()
    for stylesheet in STYLESHEETS:
        files[Path("static", stylesheet)] = Path(current_app.static_folder, stylesheet).read_bytes()
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return [directory / name for name in files]
