"""Certificate PDFs, rendered in the learner's language through the one PDF renderer."""
from flask import render_template
from flask_babel import force_locale

from ..pdf import render_pdf


def render_certificate(certificate, user, module) -> bytes:
    language = certificate.language
    with force_locale(language):
        html = render_template("learning/certificate_pdf.html", certificate=certificate, person=user,
                               title=module.title[language], label=module.label, current_language=language)
    return render_pdf(html)
