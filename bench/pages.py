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
    "committee": Account("bench.committee@example.org", "Bench Committee", frozenset({Role.STAFF, Role.COMMITTEE}),
                         "CMO"),
}
# The learner's quiz in progress is the first attempt the bench city makes.
LEARNER_QUIZ = "/learning/attempts/1"
# The cycle in review, its first nomination and the cycle open for nominations (bench/recognition.py).
REVIEW_CYCLE, NOMINATION, OPEN_CYCLE = 1, 1, 3
# Twelve quarters, oldest first (bench/adoption.py): the lead's draft is in the newest, the timed import goes into
# the one before it.
REPORT_PERIOD, IMPORT_PERIOD = 12, 11

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
    Page("committee review list", f"/recognition/review/{REVIEW_CYCLE}", "committee"),
    Page("nomination", f"/recognition/nominations/{NOMINATION}", "committee"),
    Page("showcase", "/recognition/showcase", "learner"),
    Page("staff search", f"/recognition/cycles/{OPEN_CYCLE}/nominate?q=trem", "learner"),
    Page("adoption dashboard", "/adoption/"),
    Page("adoption division CXD", "/adoption/divisions/CXD", "lead"),
    Page("adoption report form", f"/adoption/reports/{REPORT_PERIOD}/CXD", "lead"),
]
