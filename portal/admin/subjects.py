"""What an audit entry is about, in words and with a link where there is a page for it."""
from dataclasses import dataclass
from typing import Protocol

from flask import url_for
from flask_babel import gettext as _

from ..formatting import reader_language
from ..learning.queries import PublishedModule
from ..promise.models import DocumentKind


@dataclass(frozen=True)
class Subject:
    text: str
    url: str | None = None


class Person(Protocol):
    id: int
    full_name: str
    email: str


def _person(user: Person) -> Subject:
    return Subject(f"{user.full_name} ({user.email})", url_for("admin.user_roles", user_id=user.id))


def _document(reference: str) -> Subject:
    slug, _at, label = reference.partition("@")
    try:
        kind = DocumentKind(slug)
        major, minor = (int(part) for part in label.split("."))
    except ValueError:
        return Subject(reference)
    return Subject(_("%(title)s, version %(version)s", title=kind.title, version=label),
                   url_for("promise.version", kind=kind, major=major, minor=minor))


def _module(reference: str, modules: dict[str, PublishedModule]) -> Subject:
    slug, _at, label = reference.partition("@")
    module = modules.get(slug)
    if module is None:
        return Subject(reference)
    return Subject(_("%(title)s, version %(version)s", title=module.title[reader_language()], version=label),
                   url_for("learning.module", slug=slug))


def names_module(subject: str) -> bool:
    return subject.startswith("module:")


def describe(subject: str, users_by_id: dict[int, Person], users_by_email: dict[str, Person],
             modules: dict[str, PublishedModule]) -> Subject:
    """The subject in words, with the people and current modules it may name (see names_module)."""
    kind, _sep, reference = subject.partition(":")
    if kind == "user" and reference.isdigit():
        user = users_by_id.get(int(reference))
        return _person(user) if user else Subject(_("Account %(number)s (removed)", number=reference))
    if kind == "document" and reference:
        return _document(reference)
    if kind == "module" and reference:
        return _module(reference, modules)
    if subject in users_by_email:
        return _person(users_by_email[subject])
    if subject == "divisions":
        return Subject(_("Divisions"))
    if subject == "indicators":
        return Subject(_("Adoption indicators"))
    if subject == "reminders":
        return Subject(_("Report reminders"))
    if kind == "division" and reference:
        return Subject(_("Division %(code)s", code=reference), url_for("adoption.division", code=reference))
    if kind == "report" and reference.isdigit():
        return Subject(_("Quarterly report %(number)s", number=reference),
                       url_for("adoption.revisions", report_id=int(reference)))
    if kind == "period" and reference:
        return Subject(_("Reporting period %(period)s", period=reference))
    return Subject(subject)
