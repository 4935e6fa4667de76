"""Sending e-mail: through SMTP when MAIL_SERVER is set, otherwise into the log (development)."""
from flask import current_app
from flask_mail import Message

from .extensions import mail


def send(subject: str, recipients: list[str], body: str) -> None:
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.info("E-mail not sent (no MAIL_SERVER) to %s: %s\n%s", ", ".join(recipients), subject, body)
        return
    mail.send(Message(subject=subject, recipients=recipients, body=body))
