"""Every page of the portal, once: who may open it, and whether it is an HTML page that people read.

The route × role table, the accessibility scan, the phone-width check and the French check all read this
list, and tests/test_routes.py fails when a GET route of the application has no entry here."""
from dataclasses import dataclass, field
from string import Formatter

ROLES = ("anonymous", "staff", "lead", "steward", "committee", "admin")

SIGNED_IN = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}
ANYONE = dict.fromkeys(ROLES, 200)
VISITORS = {**dict.fromkeys(ROLES, 302), "anonymous": 200}
ATTESTATION_REPORT = {"anonymous": 302, "staff": 403, "lead": 200, "steward": 200, "committee": 403, "admin": 403}
LEARNING_REPORT = ATTESTATION_REPORT
LEARNING_ANALYSIS = {"anonymous": 302, "staff": 403, "lead": 403, "steward": 200, "committee": 403, "admin": 403}
RECOGNITION_REVIEW = {"anonymous": 302, "staff": 403, "lead": 403, "steward": 403, "committee": 200, "admin": 403}
RECOGNITION_MANAGE = LEARNING_ANALYSIS
CONFIDENTIAL = {"anonymous": 302, "staff": 404, "lead": 404, "steward": 404, "committee": 200, "admin": 200}
RECOGNITION_DIVISIONS = {"anonymous": 302, "staff": 403, "lead": 302, "steward": 200, "committee": 403, "admin": 403}
ADOPTION_DIVISION = ATTESTATION_REPORT
ADOPTION_CITY = RECOGNITION_DIVISIONS
ADOPTION_MANAGE = LEARNING_ANALYSIS
ADOPTION_SUBMIT = {"anonymous": 302, "staff": 403, "lead": 200, "steward": 403, "committee": 403, "admin": 403}
ADMIN = {"anonymous": 302, "staff": 403, "lead": 403, "steward": 403, "committee": 403, "admin": 200}


@dataclass(frozen=True)
class Page:
    path: str
    access: dict[str, int]
    html: bool = True
    ids: tuple[str, ...] = field(default=())
    language: str | None = None  # the page's own language, whatever the reader chose (public pages)

    def url(self, ids: dict[str, int]) -> str:
        """The address, with `{name}` placeholders filled from the ids of the sample data."""
        return self.path.format(**ids)

    @property
    def placeholders(self) -> set[str]:
        return {name for _text, name, _spec, _conversion in Formatter().parse(self.path) if name}


PAGES = [
    Page("/", SIGNED_IN),
    Page("/promise", SIGNED_IN),
    Page("/standards", SIGNED_IN),
    Page("/code-of-conduct", SIGNED_IN),
    Page("/promise/history", SIGNED_IN),
    Page("/standards/versions/2.0", SIGNED_IN),
    Page("/code-of-conduct/pdf", SIGNED_IN, html=False),
    Page("/account/password", SIGNED_IN),
    Page("/attestation/", ATTESTATION_REPORT),
    Page("/attestation/CXD", ATTESTATION_REPORT),
    Page("/attestation/export.csv", ATTESTATION_REPORT, html=False),
    Page("/attestation/CXD/export.csv", ATTESTATION_REPORT, html=False),
    Page("/learning/", SIGNED_IN),
    Page("/learning/service-promise", SIGNED_IN),
    Page("/learning/service-standards/lessons/2", SIGNED_IN),
    Page("/learning/attempts/{attempt}", SIGNED_IN),
    Page("/learning/attempts/{result}", SIGNED_IN),
    Page("/certificates/", SIGNED_IN),
    Page("/certificates/{certificate}.pdf", SIGNED_IN, html=False),
    Page("/certificates/verify", ANYONE),
    Page("/certificates/verify/{code}", ANYONE),
    Page("/reply-by", SIGNED_IN),
    Page("/reply-by?received_on=2026-07-31&received_at=16:40", SIGNED_IN),
    Page("/learning/report/", LEARNING_REPORT),
    Page("/learning/report/CXD", LEARNING_REPORT),
    Page("/learning/report/export.csv", LEARNING_REPORT, html=False),
    Page("/learning/report/CXD/export.csv", LEARNING_REPORT, html=False),
    Page("/learning/analysis/", LEARNING_ANALYSIS),
    Page("/learning/analysis/service-standards", LEARNING_ANALYSIS),
    Page("/recognition/", SIGNED_IN),
    Page("/recognition/showcase", SIGNED_IN),
    Page("/recognition/showcase?year=2026&category=city-managers-award:simple-and-convenient", SIGNED_IN),
    Page("/recognition/awards", SIGNED_IN),
    Page("/recognition/cycles/{open_cycle}/nominate", SIGNED_IN),
    Page("/recognition/cycles/{open_cycle}/nominate?q=person", SIGNED_IN),
    Page("/recognition/nominations/{nomination}", SIGNED_IN),
    Page("/recognition/nominations/{nomination}?q=no", SIGNED_IN),
    Page("/recognition/nominations/{others_nomination}", CONFIDENTIAL),
    Page("/recognition/review/{closed_cycle}", RECOGNITION_REVIEW),
    Page("/recognition/cycles/", RECOGNITION_MANAGE),
    Page("/recognition/cycles/new", RECOGNITION_MANAGE),
    Page("/recognition/cycles/{closed_cycle}/edit", RECOGNITION_MANAGE),
    Page("/recognition/report/", RECOGNITION_DIVISIONS),
    Page("/recognition/report/CXD", ATTESTATION_REPORT),
    Page("/adoption/", ADOPTION_CITY),
    Page("/adoption/divisions/CXD", ADOPTION_DIVISION),
    Page("/adoption/divisions/PFR", ADOPTION_MANAGE),
    Page("/adoption/divisions/CXD/phase", ADOPTION_MANAGE),
    Page("/adoption/divisions/CXD/inquiries", ADOPTION_SUBMIT),
    Page("/adoption/divisions/CXD/export.csv", ADOPTION_DIVISION, html=False),
    Page("/adoption/divisions/CXD/pdf", ADOPTION_DIVISION, html=False),
    Page("/adoption/reports/{adoption_period}/CXD", ADOPTION_DIVISION),
    Page("/adoption/reports/{adoption_period}/PFR", ADOPTION_MANAGE),
    Page("/adoption/reports/{adoption_report}/revisions", ADOPTION_DIVISION),
    Page("/adoption/periods/", ADOPTION_MANAGE),
    Page("/adoption/periods/{adoption_period}", ADOPTION_MANAGE),
    Page("/adoption/network", ADOPTION_MANAGE),
    Page("/adoption/timeline", ADOPTION_MANAGE),
    Page("/adoption/export.csv", ADOPTION_MANAGE, html=False),
    Page("/adoption/pdf", ADOPTION_MANAGE, html=False),
    Page("/admin/", ADMIN),
    Page("/admin/audit.csv", ADMIN, html=False),
    Page("/admin/users", ADMIN),
    Page("/admin/users/{user}", ADMIN),
    Page("/healthz", ANYONE, html=False),
    Page("/password/forgot", ANYONE),
    Page("/password/reset/not-a-token", {role: 404 for role in ROLES}),
    Page("/login", VISITORS),
    Page("/help", ANYONE),
    Page("/privacy", ANYONE),
    Page("/accessibility", ANYONE),
    Page("/public/", ANYONE, language="en"),
    Page("/public/en/", ANYONE, language="en"),
    Page("/public/en/promise", ANYONE, language="en"),
    Page("/public/en/code-of-conduct", ANYONE, language="en"),
    Page("/public/fr/", ANYONE, language="fr"),
    Page("/public/fr/promise", ANYONE, language="fr"),
    Page("/public/fr/code-of-conduct", ANYONE, language="fr"),
    Page("/public/en/privacy", ANYONE, language="en"),
    Page("/public/fr/accessibility", ANYONE, language="fr"),
]

NOT_PAGES = {"static": "files, not pages"}


def html_pages_for(role: str, language: str | None = None) -> list[Page]:
    """The HTML pages a person in this role opens with success; with a language, those that can be in it."""
    return [page for page in PAGES if page.html and page.access[role] == 200
            and (language is None or page.language in (None, language))]
