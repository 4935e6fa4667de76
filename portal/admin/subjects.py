"""What an audit entry is about, in words and with a link where there is a page for it."""
from dataclasses import dataclass
from typing import Protocol

from flask import url_for
from flask_babel import gettext as _

from ..formatting import reader_language
from ..learning.queries import PublishedModule
from ..promise.models import DocumentKind
from ..numbers import LARGEST_ID, number_or_none, parse_number


@dataclass(frozen=True)
class Subject:
    text: str
    url: str | None = None


class Person(Protocol):
    id: int
    full_name: str
    email: str


@dataclass(frozen=True)
class Named:
    """What the subjects of a page of the log name, read once for the page: people by id (`user:6`) and by
    e-mail address, current modules by slug, and award programmes' titles by slug."""

    people_by_id: dict[int, Person]
    people_by_email: dict[str, Person]
    modules: dict[str, PublishedModule]
    programmes: dict[str, dict[str, str]]

    def key(self) -> tuple:
        """Everything named that a page of the log may show, for the key of its kept table."""
        return (tuple(map(tuple, self.people_by_id.values())), tuple(map(tuple, self.people_by_email.values())),
                tuple((slug, module.id) for slug, module in self.modules.items()),
                tuple((slug, tuple(sorted(title.items()))) for slug, title in self.programmes.items()))


def _person(user: Person) -> Subject:
    return Subject(f"{user.full_name} ({user.email})", url_for("admin.user_roles", user_id=user.id))


def _document(reference: str) -> Subject:
    slug, _at, label = reference.partition("@")
    try:
        kind = DocumentKind(slug)
        major, minor = (parse_number(part) for part in label.split("."))
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


def record_number(reference: str) -> int | None:
    """The id a subject names (`user:6`), if it is one a table can hold: ASCII digits, at most LARGEST_ID."""
    return number_or_none(reference, 0, LARGEST_ID)


def describe(subject: str, named: Named) -> Subject:
    """The subject in words, with a link where there is a page for it."""
    kind, _sep, reference = subject.partition(":")
    number = record_number(reference)
    if kind == "user" and number is not None:
        user = named.people_by_id.get(number)
        return _person(user) if user else Subject(_("Account %(number)s (removed)", number=reference))
    if kind == "document" and reference:
        return _document(reference)
    if kind == "module" and reference:
        return _module(reference, named.modules)
    if subject in named.people_by_email:
        return _person(named.people_by_email[subject])
    if kind == "programme" and reference in named.programmes:
        return Subject(named.programmes[reference].get(reader_language()) or reference)
    if kind == "cycle" and number is not None:
        return Subject(_("Award cycle %(number)s", number=reference))
    if kind == "nomination" and number is not None:
        return Subject(_("Nomination %(number)s", number=reference),
                       url_for("recognition.nomination", nomination_id=number))
    if subject == "divisions":
        return Subject(_("Divisions"))
    if subject == "indicators":
        return Subject(_("Adoption indicators"))
    if subject == "reminders":
        return Subject(_("Report reminders"))
    if kind == "division" and reference:
        return Subject(_("Division %(code)s", code=reference), url_for("adoption.division", code=reference))
    if kind == "report" and number is not None:
        return Subject(_("Quarterly report %(number)s", number=reference),
                       url_for("adoption.revisions", report_id=number))
    if kind == "period" and reference:
        return Subject(_("Reporting period %(period)s", period=reference))
    return Subject(subject)
