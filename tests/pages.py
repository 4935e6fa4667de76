"""Every page of the portal, once: who may open it, and whether it is an HTML page that people read.

The route × role table, the accessibility scan, the phone-width check and the French check all read this
list, and tests/test_routes.py fails when a GET route of the application has no entry here."""
from dataclasses import dataclass, field

ROLES = ("anonymous", "staff", "lead", "steward", "committee", "admin")

SIGNED_IN = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}
ANYONE = dict.fromkeys(ROLES, 200)
VISITORS = {**dict.fromkeys(ROLES, 302), "anonymous": 200}
ATTESTATION_REPORT = {"anonymous": 302, "staff": 403, "lead": 200, "steward": 200, "committee": 403, "admin": 403}
ADMIN = {"anonymous": 302, "staff": 403, "lead": 403, "steward": 403, "committee": 403, "admin": 200}


@dataclass(frozen=True)
class Page:
    path: str
    access: dict[str, int]
    html: bool = True
    ids: tuple[str, ...] = field(default=())

    def url(self, ids: dict[str, int]) -> str:
        """The address, with `{name}` placeholders filled from the ids of the sample data."""
        return self.path.format(**ids)


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
]

NOT_PAGES = {"static": "files, not pages"}


def html_pages_for(role: str) -> list[Page]:
    """The HTML pages a person in this role opens with success."""
    return [page for page in PAGES if page.html and page.access[role] == 200]
