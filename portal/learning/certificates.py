"""Certificate PDFs, one per language, rendered through the one PDF renderer (each kept in its own row)."""
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from ..pdf import render_pdf


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
