"""Certificate PDFs, one per language, rendered through the one PDF renderer and kept together.

A certificate's kept file (`CertificateFile.pdf`) is either one PDF, in the language the certificate was issued in,
or a ZIP archive holding `en.pdf` and `fr.pdf` once the second language has been rendered."""
import io
import zipfile

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from ..pdf import render_pdf

LANGUAGES = ("en", "fr")


def address_known() -> bool:
    """Whether a full address can be built: during a request, or from SERVER_NAME (a command run without it, such as
    the demo in development, cannot)."""
    return has_request_context() or bool(current_app.config.get("SERVER_NAME"))


def verification_address(code: str) -> str:
    """The full address of the certificate's verify page, on the portal's own host name (SERVER_NAME)."""
    return url_for("learning.verify_code", code=code, _external=True,
                   _scheme=current_app.config["PREFERRED_URL_SCHEME"])


def render_certificate(certificate, user, module, language: str) -> bytes:
    with force_locale(language):
        html = render_template("learning/certificate_pdf.html", certificate=certificate, person=user,
                               title=module.title[language], label=module.label, current_language=language,
                               address=verification_address(certificate.code))
    return render_pdf(html)


def kept_pdfs(stored: bytes | None, issued_in: str) -> dict[str, bytes]:
    """The PDFs a kept file holds, by language."""
    if not stored:
        return {}
    if stored.startswith(b"%PDF"):
        return {issued_in: stored}
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        return {language: archive.read(f"{language}.pdf") for language in LANGUAGES
                if f"{language}.pdf" in archive.namelist()}


def kept_file(pdfs: dict[str, bytes]) -> bytes:
    """What to keep for these PDFs: the PDF itself when there is one, else an archive of them (not compressed
    again: a PDF already is)."""
    if len(pdfs) == 1:
        return next(iter(pdfs.values()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for language in sorted(pdfs):
            archive.writestr(f"{language}.pdf", pdfs[language])
    return buffer.getvalue()
