"""The one place that renders PDF. The renderer may not read local files or reach the network."""
import hashlib
from functools import cache
from pathlib import Path

from flask import Response, current_app
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .kept import KeptByKey

STYLESHEET = Path(__file__).parent / "static" / "css" / "pdf.css"


class RefusingFetcher(URLFetcher):
    """Every external resource (file:, http:, data: and the rest) is refused."""

    def fetch(self, url, headers=None):
        raise PermissionError("PDF rendering does not load external resources")


@cache
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _header_scopes(document, _pdf) -> None:
    """Gives each table header cell the scope PDF/UA asks of it. WeasyPrint 70 tags a <th> as TH and reads its scope
    only to pair headers with cells, writing no /Scope; the TH element it made is kept on the cell's box as `mark`.
    A header without scope="row" is a column header, as WeasyPrint pairs it."""
    boxes = [page._page_box for page in document.pages]
    while boxes:
        box = boxes.pop()
        tagged = getattr(box, "mark", None)
        if tagged is not None and box.element_tag == "th":
            tagged["A"]["Scope"] = "/Row" if box.element.get("scope") in ("row", "rowgroup") else "/Column"
        boxes.extend(getattr(box, "children", ()))


def render_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1), so screen readers get headings, lists, the reading order and table headers with
    their scope."""
    fetcher = RefusingFetcher()
    stylesheet = CSS(string=_stylesheet_text(), url_fetcher=fetcher)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1", finisher=_header_scopes)


def pdf_file_response(pdf: bytes, filename: str) -> Response:
    """A PDF already rendered, as a download."""
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(html: str, filename: str) -> Response:
    return pdf_file_response(render_pdf(html), filename)


_KEPT = KeptByKey(32)


def kept_pdf_response(html: str, filename: str) -> Response:
    """As pdf_response, for a report that many readers download unchanged: the PDF is kept per process under a
    digest of its HTML, which holds everything it shows, so the same figures are rendered once."""
    digest = hashlib.blake2b(html.encode(), digest_size=16).digest()
    return pdf_file_response(_KEPT.get(digest, lambda: render_pdf(html)), filename)
