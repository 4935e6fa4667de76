"""Command-line tasks: content sync, divisions import, user creation, demo data and sending e-mail."""
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .auth.operations import create_user, import_divisions, set_roles
from .auth.queries import division_by_code, user_by_email
from .content import ContentError, check_information_pages, read_divisions_csv
from .extensions import db
from .mailer import deliver_pending, deliver_queued, retry, sending_is_off
from .security import Role

DEMO_PASSWORD = "service-promise-demo"


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _parse_roles(text: str) -> set[Role]:
    names = {name.strip().lower() for name in text.split(",") if name.strip()}
    unknown = names - {role.value for role in Role}
    if unknown or not names:
        _fail(f"unknown role(s): {', '.join(sorted(unknown)) or '(none given)'}; "
              f"choose from {', '.join(role.value for role in Role)}")
    return {Role(name) for name in names}


def register_commands(app: Flask) -> None:
    content = AppGroup("content", help="Published content.")
    users = AppGroup("users", help="Accounts and roles.")
    divisions = AppGroup("divisions", help="Divisions of the public service.")
    demo = AppGroup("demo", help="Demonstration data.")
    outbox = AppGroup("mail", help="Outgoing e-mail.")
    reminders = AppGroup("reminders", help="Reminders to divisional leads about their quarterly reports.")

    @content.command("sync")
    def content_sync():
        """Load content/ (documents, learning modules, award programmes, indicators); unchanged files are left alone."""
        from .adoption.operations import sync_indicators
        from .adoption.source import load_indicators
        from .learning.operations import sync_modules
        from .learning.source import load_modules
        from .promise.operations import sync_content
        from .recognition.operations import sync_programmes
        from .recognition.source import load_programmes

        content_dir = current_app.config["CONTENT_DIR"]
        try:
            check_information_pages(content_dir)
            modules = load_modules(content_dir)
            programmes = load_programmes(content_dir)
            indicators = load_indicators(content_dir)
            outcomes = [(outcome, "") for outcome in sync_content(content_dir)]
            outcomes += [(outcome, "module ") for outcome in sync_modules(modules)]
            outcomes += [(outcome, "") for outcome in sync_programmes(programmes)]
            outcomes += [(outcome, "") for outcome in sync_indicators(indicators)]
        except ContentError as error:
            _fail("content not loaded; nothing was changed:\n  " + "\n  ".join(error.problems))
        db.session.commit()
        for outcome, kind in outcomes:
            state = "published" if outcome.published else "unchanged"
            click.echo(f"{kind}{outcome.slug} {outcome.label}: {state}")

    @content.command("export-public")
    @click.argument("directory", type=click.Path(path_type=Path))
    def content_export_public(directory: Path):
        """Write the public Service Promise and Code of Conduct pages, in English and French, as static HTML."""
        from .promise.public_export import ExportRefused, export_public

        try:
            written = export_public(directory)
        except ExportRefused as error:
            _fail(f"{error}; nothing was written")
        for path in written:
            click.echo(f"wrote {path}")

    @divisions.command("import")
    @click.argument("path", type=click.Path(path_type=Path))
    def divisions_import(path: Path):
        """Create or rename divisions from a CSV file with columns code,name_en,name_fr."""
        try:
            created, updated = import_divisions(read_divisions_csv(path))
        except ValueError as error:
            _fail(f"{error}; nothing was imported")
        db.session.commit()
        click.echo(f"divisions: {created} created, {updated} updated")

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--roles", default="staff", show_default=True, help="Comma-separated: " +
                  ", ".join(role.value for role in Role))
    @click.option("--division", "division_code", default=None, help="Division code")
    @click.option("--start-date", default=None, help="YYYY-MM-DD")
    @click.option("--language", default="en", type=click.Choice(["en", "fr"]))
    @click.password_option()
    def users_create(email, full_name, roles, division_code, start_date, language, password):
        """Create a local account."""
        division = None
        if division_code:
            division = division_by_code(division_code) or _fail(f"there is no division with code {division_code}")
        try:
            started = date.fromisoformat(start_date) if start_date else None
        except ValueError:
            _fail(f"start date {start_date!r} is not a date in the form YYYY-MM-DD")
        try:
            user = create_user(email, full_name, password, _parse_roles(roles), division, started, language)
        except ValueError as error:
            _fail(str(error))
        db.session.commit()
        click.echo(f"created {user.email} with roles {', '.join(sorted(user.roles))}")

    @users.command("roles")
    @click.argument("email")
    @click.argument("roles")
    def users_roles(email, roles):
        """Give an account exactly these comma-separated roles."""
        user = user_by_email(email) or _fail(f"there is no account for {email}")
        changed = set_roles(user, _parse_roles(roles))
        db.session.commit()
        click.echo(f"{user.email}: {', '.join(sorted(user.roles))}" + ("" if changed else " (unchanged)"))

    @demo.command("load")
    @click.option("--address", default="http://127.0.0.1:5000", show_default=True,
                  help="Where the portal is served, to print how to sign in.")
    def demo_load(address):
        """Divisions and one demo account per role; existing data is kept."""
        from .demo import DemoRefused, load_demo

        try:
            accounts = load_demo(current_app.config["CONTENT_DIR"], DEMO_PASSWORD)
        except DemoRefused as refusal:
            _fail(str(refusal))
        db.session.commit()
        click.echo("\nService Promise Portal — demo accounts (password for all: %s)" % DEMO_PASSWORD)
        for email, roles, division in accounts:
            click.echo(f"  {email:<34} {roles:<28} {division}")
        click.echo(f"\nOpen {address.rstrip('/')}/login and sign in with one of them.\n")

    @outbox.command("send")
    @click.option("--limit", default=100, show_default=True, help="Most messages sent in one run.")
    def mail_send(limit):
        """Send the e-mail that is due; safe to run from cron every minute, even two runs at once."""
        delivery = deliver_pending(limit=limit)
        if sending_is_off():
            click.echo(f"mail: sending is off (MAIL_DISABLED=true, or no MAIL_SERVER); {delivery.waiting} waiting "
                       "in the outbox")
            return
        click.echo(f"mail: {delivery.sent} sent, {delivery.retried} to retry later, {delivery.failed} failed, "
                   f"{delivery.waiting} waiting")
        if delivery.stuck:
            click.echo(f"mail: {len(delivery.stuck)} left half-sent by a sender that stopped (ids "
                       f"{', '.join(map(str, delivery.stuck))}); they may have gone out, so they are not sent again "
                       "by themselves: check the mail server's log, then `flask mail retry ID ...` to send them",
                       err=True)

    @reminders.command("send")
    def reminders_send():
        """E-mail the divisional leads whose quarterly report is due within two weeks or overdue; safe to run from
        cron: nobody gets the same reminder twice in a day."""
        from .adoption.notifications import send_reminders

        if not current_app.config.get("SERVER_NAME"):
            _fail("set SERVER_NAME to the portal's address (for example portal.example.org) so the links in the "
                  "reminders lead to it; nothing was sent")
        sent = send_reminders(date.today())
        db.session.commit()
        deliver_queued()
        click.echo(f"reminders: {sent} queued")

    @outbox.command("retry")
    @click.argument("message_ids", nargs=-1, type=int, required=True)
    def mail_retry(message_ids):
        """Send failed or half-sent messages again, with a fresh count of attempts."""
        changed = retry(list(message_ids))
        click.echo(f"mail: {len(changed)} due again" + (f" (ids {', '.join(map(str, changed))})" if changed else ""))
        skipped = sorted(set(message_ids) - set(changed))
        if skipped:
            click.echo(f"mail: not changed (no such message, sent, waiting, or being sent right now): "
                       f"{', '.join(map(str, skipped))}", err=True)

    for group in (content, users, divisions, demo, outbox, reminders):
        app.cli.add_command(group)
