"""What `make bench` measures: the bench accounts and the pages each of them requests.

A new feature adds its pages to PAGES (and an account to ACCOUNTS when none of these may see them)."""
from dataclasses import dataclass

from portal.promise.models import DocumentKind
from portal.security import Role

PASSWORD = "bench password 2026"


@dataclass(frozen=True)
class Account:
    email: str
    full_name: str
    roles: frozenset[Role]
    division: str


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    account: str = "steward"


ACCOUNTS = {
    "steward": Account("bench.steward@example.org", "Bench Steward",
                       frozenset({Role.STAFF, Role.STEWARD, Role.ADMIN}), "CXD"),
    "learner": Account("bench.learner@example.org", "Bench Learner", frozenset({Role.STAFF}), "CXD"),
    "lead": Account("bench.lead@example.org", "Bench Lead", frozenset({Role.STAFF, Role.LEAD}), "CXD"),
}
# The learner's quiz in progress is the first attempt the bench city makes.
LEARNER_QUIZ = "/learning/attempts/1"

PAGES = [
    Page("home", "/"),
    *(Page(f"document {kind.value}", f"/{kind.value}") for kind in DocumentKind),
    Page("city attestation report", "/attestation/"),
    Page("division report CXD", "/attestation/CXD"),
    Page("audit log", "/admin/"),
    Page("learning module", "/learning/service-standards", "learner"),
    Page("lesson", "/learning/service-standards/lessons/2", "learner"),
    Page("quiz", LEARNER_QUIZ, "learner"),
    Page("lead learning CXD", "/learning/report/CXD", "lead"),
    Page("item analysis", "/learning/analysis/"),
    Page("question analysis", "/learning/analysis/service-standards"),
]
