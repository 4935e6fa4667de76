"""Hostile input on every route: no answer is a server error, and every client-error answer is the portal's own page.

One test per role (and one for an anonymous visitor). In each, Hypothesis builds requests for every rule of
`app.url_map` except `static`, for each of its methods among GET and POST (POST with a valid, a missing or a
forged CSRF token), with hostile path segments, query values, form values and headers. Before the search, every
route is requested once with values that reach its view, noting the query and form names the view reads; then
again with each of `²`, `٣`, 5,000 digits and negative numbers in every one of those names (NUMBER_PROBES). A
fixed list of known nasty requests is always tried (`@example`).

A bad answer does not stop the search: each distinct cause (exception and the place in the code it came from, or
a missing security header) is collected with the routes and the requests that show it, and all of them are reported
at the end, with the exception the server logged.

The search is repeatable: `derandomize=True` and a fixed seed per role, no example database.
"""
import logging
import os
import re
import traceback
import zlib
from collections import defaultdict
from dataclasses import dataclass, replace
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from flask.testing import EnvironBuilder
from hypothesis import HealthCheck, Phase, example, given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from portal.extensions import db
from portal.security import Role
from tests.conftest import (PASSWORD, PASSWORD_HASH, adoption_ids, csrf_token, learning_ids, recognition_ids,
                            sign_in)

ROLES = ["anonymous", *(role.value for role in Role)]
EXAMPLES_PER_ROLE = int(os.environ.get("HOSTILE_EXAMPLES_PER_ROLE", "150"))  # more for a deeper local search
METHODS = ("GET", "POST")
TARGET_EMAIL = "hostile.target@example.org"
NEWLINE_NEXT = "/\r\nSet-Cookie: x=1"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options")
PORTAL_PAGE_MARK = "/static/css/portal.css"

# ---------------------------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------------------------

HUGE_NUMBERS = ["99999999999999999999", "9223372036854775808", "9223372036854775807", "18446744073709551616",
                "2147483648", "-1", "-9223372036854775809", "0", "00", "-0", "1e9", "1.5", "0x1F", "+1", " 1", "1 ",
                "1_000", "NaN", "Infinity"]
UNICODE_DIGITS = ["²", "①", "٣", "１", "１２", "৪", "𝟚", "Ⅻ", "½", "2²", "١٠"]
CONTROL = ["\r\n", "\r\nSet-Cookie: x=1", NEWLINE_NEXT, "/\rx", "/\nx", "\x00", "/\x00", "\t", "/\t/evil.example",
           "/\x7f", "\x1b[2J", "\x0b", "\u2028", "\x85"]
PLACES = ["..", "../..", "./", "//evil.example", "///evil.example", "https://evil.example", "/\\evil.example",
          "\\\\evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
          "/%2F%2Fevil.example", "/..;/admin", "http:/evil.example", "/ /evil.example"]
MARKUP = ["<script>alert(1)</script>", "\"'><svg onload=alert(1)>", "{{ 7*7 }}", "{% raw %}", "${7*7}",
          "' OR '1'='1", "1; DROP TABLE users", "%s%s%s%n", "{0}{1}", "null", "[]", "{}"]
SCRIPTS = ["😀", "👩‍👩‍👧‍👦", "\u202eevil", "\u200f", "\u200b", "\ufeff", "e\u0301", "İ", "ß", "ﬃ", "\U0010ffff", "𝕏",
           "中文", "עברית"]
LONG = ["x" * 10_000, "9" * 10_000, "é" * 4_000, "/" + "a/" * 3_000, "😀" * 2_500]
# Already percent-encoded: sent as they are, so the server decodes them (NUL, CR/LF, invalid UTF-8, ...).
PRE_ENCODED = ["%00", "%0d%0a", "%0D%0ASet-Cookie:%20x=1", "%ff", "%fe%ff", "%", "%zz", "%2e%2e", "%2e%2e%2f", "%2F",
               "%c0%ae", "%ef%bc%91", "%u0031", "%25"]
HOSTILE = [*HUGE_NUMBERS, *UNICODE_DIGITS, *CONTROL, *PLACES, *MARKUP, *SCRIPTS, *LONG, *PRE_ENCODED, "", " "]

QUERY_NAMES = ["page", "next", "action", "sort", "q", "from", "to", "format", "lang", "language", "kind", "person",
               "start", "end"]
# Sent in every query value and form field that a route's view reads, on every route.
NUMBER_PROBES = ["²", "٣", "9" * 5_000, "-1", "-" + "9" * 5_000]
RAW_QUERIES = ["page=%C2%B2", "page=%E2%91%A0", "page=%D9%A3", "page=%EF%BC%91", "page=%ff", "page=1&page=%C2%B2",
               "next=/%0d%0aSet-Cookie:%20x=1", "next=%2F%00", "%ff=%ff", "a=%", "&&==&&", "page",
               "next=" + "%2F" * 3_000]

FORM_FIELDS = ["email", "password", "next", "language", "confirm", "roles", "current", "csrf_token"]
FORM_VALUES = [TARGET_EMAIL, PASSWORD, "en", "fr", "y", "staff", "admin", "/promise"]

HOSTS = ["evil..example", "a b", "[::1", "[::1]", "a" * 300, "a" * 63 + "." + "b" * 250, "localhost:99999",
         "localhost:-1", "localhost:port", "localhost:", ":80", "", " ", "bücher.example", "localhost\x00.evil",
         "evil.example", "localhost@evil.example", "localhost.", ".", "..", "localhost, evil.example", "LOCALHOST",
         "127.0.0.1:0", "[::ffff:127.0.0.1]:80", "[zz]", "localhost:80:80"]
HEADER_VALUES = {
    "Host": HOSTS,
    "X-Forwarded-Host": HOSTS,
    "Accept-Language": ["*", "fr;q=abc", "fr;q=99999999999999999999", "en;q=-1", "en;q=NaN", ";;;,,,", "x" * 10_000,
                        "fr-CA," * 2_000, "zz-ZZ-ZZ", "\x00", "ü", "fr;q=0.9;q=0.8"],
    "X-Forwarded-For": ["1.2.3.4, evil", "not-an-address", "999.999.999.999", "::ffff:", ",,,", "unknown",
                        "127.0.0.1" + ", 10.0.0.1" * 500],
    "X-Forwarded-Proto": ["https", "gopher", "", "https, http", "HTTPS", "javascript"],
    "Referer": ["https://evil.example/", "http://[::1", "http://[::1]:99999/", "//evil.example", "javascript:alert(1)",
                "http://localhost:99999/", "http://localhost/\x00", "not a url", "http://" + "a" * 300 + "/"],
    "Origin": ["null", "https://evil.example", "http://[::1", "http://localhost:99999"],
    "User-Agent": ["", "\x00", "x" * 10_000],
    "Accept": ["*/*;q=abc", "text/html;q=99999999999999999999", "application/json"],
}
COOKIES = ["portal_session=forged", "portal_session=.eJyrVkosLckIzs8pLUlVslJKzs8rLk9NUqoFAGTHCBs.forged.signature",
           "portal_session=", "portal_session=\"unterminated", "=", ";;;", "a" * 5_000 + "=1",
           "portal_session=a; portal_session=b", "session=1", "remember_token=1|forged", "lang=xx"]
CONTENT_TYPES = ["garbage", "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=zz",
                 "application/json", "application/x-www-form-urlencoded; charset=ebcdic-cp-be",
                 "application/x-www-form-urlencoded; charset=unknown-8bit", "text/plain; charset=utf-7", "", ";;;",
                 "a/b/c"]


# ---------------------------------------------------------------------------------------------------------------
# A request, how it is sent, and what counts as a bad answer
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hostile:
    method: str
    rule: str                      # the rule of url_map the request aims at, for the report
    path: str                      # percent-encoded, as sent
    query: str = ""                # encoded, as sent
    headers: tuple = ()            # (name, value) pairs
    cookie: str | None = None      # extra Cookie text sent with the session cookie
    cookie_first: bool = False     # ... before it (so a forged portal_session wins) or after it
    form: tuple = ()               # (name, value) pairs, POST only
    csrf: str = "missing"          # valid | missing | forged
    content_type: str | None = None
    scheme: str = "http"


def known(method: str, rule: str, path: str | None = None, **fields) -> Hostile:
    return Hostile(method=method, rule=rule, path=path or rule, **fields)


def encode(text: str) -> str:
    return quote(text, safe="")


def header_text(value: str) -> str:
    """What a real server hands the application: no line breaks (refused before the application), bytes as latin-1."""
    return value.replace("\r", "").replace("\n", "").encode("utf-8").decode("latin-1")


ARGUMENT = re.compile(r"<(?:[^<>:]+:)?(\w+)>")


def fill(rule: str, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda match: values[match.group(1)], rule)


@dataclass
class Identity:
    """Who sends the requests: a session cookie and a CSRF token that goes with it."""

    role: str
    user: SimpleNamespace | None
    cookie: str = ""
    csrf: str = ""

    def establish(self, app) -> None:
        from portal.auth.models import User

        client = app.test_client()
        if self.user is not None:
            with app.app_context():
                account = db.session.get(User, self.user.id)
                account.password_hash, account.active = PASSWORD_HASH, True
                db.session.commit()
            sign_in(client, self.user)
        self.csrf = csrf_token(client, "/account/password" if self.user else "/login")
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        self.cookie = f"{cookie.key}={cookie.value}"

    def still_signed_in(self, app) -> bool:
        response = app.test_client(use_cookies=False).get("/account/password", headers={"Cookie": self.cookie})
        return response.status_code == 200


def send(app, identity: Identity, spec: Hostile):
    """Sends the request as `identity` without a cookie jar, so no request changes the next one."""
    headers = [(name, header_text(value)) for name, value in spec.headers]
    cookies = [identity.cookie] if identity.cookie else []
    if spec.cookie is not None:
        cookies.insert(0 if spec.cookie_first else len(cookies), header_text(spec.cookie))
    if cookies:
        headers.append(("Cookie", "; ".join(cookies)))
    options = {"path": spec.path, "method": spec.method, "base_url": f"{spec.scheme}://localhost/",
               "query_string": spec.query, "headers": headers}
    if spec.method == "POST":
        form = list(spec.form)
        if spec.csrf == "valid":
            form.insert(0, ("csrf_token", identity.csrf))
        elif spec.csrf == "forged":
            form.insert(0, ("csrf_token", identity.csrf[::-1]))
        if spec.content_type is None:
            options["data"] = MultiDict(form)
        else:
            options["data"] = urlencode(form, quote_via=quote).encode("ascii")
            options["content_type"] = header_text(spec.content_type)
    builder = EnvironBuilder(app, **options)
    try:
        builder.get_environ()  # a request the test client cannot even build is a mistake in this test
        return app.test_client(use_cookies=False).open(builder)
    finally:
        builder.close()


class ServerLog(logging.Handler):
    """The errors the portal logs, with their exceptions."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def place(frame: traceback.FrameSummary) -> str:
    name = frame.filename
    if "/portal/" in name:
        name = "portal/" + name.rsplit("/portal/", 1)[1]
    elif "/site-packages/" in name:
        name = name.split("/site-packages/", 1)[1]
    elif "/lib/python3." in name:
        name = name.split("/lib/python3.", 1)[1].split("/", 1)[1]
    return f"{name}:{frame.lineno} in {frame.name}"


def where(error: BaseException) -> str:
    """The innermost place in the portal (if any), then the library frame below it, then the innermost frame."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    ours = [index for index, frame in enumerate(frames) if "/portal/" in frame.filename]
    below = frames[ours[-1] + 1:] if ours else frames
    chosen = [frames[ours[-1]]] if ours else []
    chosen += [frame for frame in below if "/site-packages/" in frame.filename][-1:] + frames[-1:]
    places = []
    for frame in chosen:
        if place(frame) not in places:
            places.append(place(frame))
    return " -> ".join(places)


def cause_of(error: BaseException) -> tuple[str, str]:
    """(key, text): the key groups the same bug whatever hostile value triggered it."""
    location = where(error)
    return f"{type(error).__name__} at {location}", f"{type(error).__name__}: {str(error)[:200]} (at {location})"


def judge(response, records) -> tuple[str, str] | None:
    """What is wrong with an answer, or None."""
    status = response.status_code
    if status >= 500:
        logged = [record.exc_info[1] for record in records if record.exc_info and record.exc_info[1]]
        if logged:
            key, text = cause_of(logged[-1])
            return f"{status}: {key}", f"{status}, server log: {text}"
        messages = "; ".join(record.getMessage()[:200] for record in records) or "nothing in the server log"
        return f"{status} ({messages})", f"{status} ({messages})"
    if 400 <= status < 500:
        if response.mimetype != "text/html":
            return f"{status} as {response.mimetype}", f"{status} answered as {response.mimetype}, not the portal's"
        missing = [name for name in SECURITY_HEADERS if name not in response.headers]
        if missing:
            return f"{status} without {', '.join(missing)}", f"{status} page without {', '.join(missing)}"
        if PORTAL_PAGE_MARK not in response.get_data(as_text=True):
            return f"{status} not the portal's page", f"{status} answer is not the portal's own page"
    return None


def shorten(value: str, limit: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…' ({len(value)} chars)"


def describe(spec: Hostile) -> str:
    parts = [f"{spec.method} {shorten(spec.path + ('?' + spec.query if spec.query else ''), 160)}"]
    if spec.scheme != "http":
        parts.append(f"over {spec.scheme}")
    if spec.headers:
        parts.append("headers " + ", ".join(f"{name}: {shorten(value)}" for name, value in spec.headers))
    if spec.cookie is not None:
        parts.append(f"cookie {shorten(spec.cookie)} {'before' if spec.cookie_first else 'after'} the session")
    if spec.method == "POST":
        parts.append(f"CSRF token {spec.csrf}")
        if spec.content_type is not None:
            parts.append(f"Content-Type {shorten(spec.content_type)}")
        if spec.form:
            parts.append("form " + ", ".join(f"{name}={shorten(value)}" for name, value in spec.form))
    return "; ".join(parts)


@dataclass
class Findings:
    role: str
    requests: int = 0

    def __post_init__(self):
        self.causes: dict[str, dict] = {}
        self.requested: set[tuple[str, str]] = set()

    def add(self, key: str, text: str, spec: Hostile) -> None:
        found = self.causes.setdefault(key, {"text": text, "routes": defaultdict(list)})
        examples = found["routes"][(spec.method, spec.rule)]
        example_text = describe(spec)
        if example_text not in examples:
            examples.append(example_text)
            examples.sort(key=len)
            del examples[3:]

    def report(self) -> str:
        lines = [f"{len(self.causes)} distinct bad answers as {self.role} ({self.requests} requests):"]
        for number, found in enumerate(self.causes.values(), 1):
            lines.append(f"{number}. {found['text']}")
            for (method, rule), examples in sorted(found["routes"].items()):
                lines.append(f"   {method} {rule}")
                lines.extend(f"      e.g. {example_text}" for example_text in examples)
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------------------

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# `next` is only followed when it is a local path: a leading slash, then something nasty.
next_value = st.one_of(st.sampled_from([*CONTROL, *PLACES]),
                       st.tuples(st.sampled_from(["/", "/promise", "/admin/?page=1"]), st.sampled_from(CONTROL),
                                 st.text(max_size=10)).map("".join),
                       st.text(max_size=40).map(lambda text: "/" + text), hostile_text)
page_value = st.one_of(st.sampled_from([*HUGE_NUMBERS, *UNICODE_DIGITS]), hostile_text)
query_value = st.one_of(hostile_text, next_value, st.sampled_from(["1", "2", "/promise", "auth.sign_in"]))
query_name = st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=12), st.sampled_from(HOSTILE))
form_name = st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=12))
form_value = st.one_of(st.sampled_from(FORM_VALUES), hostile_text, next_value)
language_value = st.one_of(st.sampled_from(["en", "fr"]), hostile_text)


def chance(draw, one_in: int) -> bool:
    return draw(st.integers(0, one_in - 1)) == 0


def segment(valid: list[str]) -> st.SearchStrategy[str]:
    """A path segment as sent: a value that routes, one with hostile text after it, or a hostile one."""
    hostile = [st.sampled_from(HOSTILE).map(encode), st.text().map(encode), st.sampled_from(PRE_ENCODED)]
    if not valid:
        return st.one_of(hostile)
    routes = st.sampled_from(valid)
    spoiled = st.tuples(routes, st.sampled_from(HOSTILE)).map("".join).map(encode)
    return st.one_of(routes, routes, routes, spoiled, *hostile)


def slots(draw, fixed: dict, others) -> list[tuple[str, str]]:
    """The fields the portal reads, each present half the time with a hostile value, then random others."""
    pairs = [(name, draw(values)) for name, values in fixed.items() if draw(st.booleans())]
    return pairs + draw(st.lists(others, max_size=3))


def hostile_requests(targets: list, valid: dict[str, list[str]]) -> st.SearchStrategy[Hostile]:
    @st.composite
    def build(draw) -> Hostile:
        rule, method = draw(st.sampled_from(targets))
        values = {name: draw(segment(valid.get(name, []))) for name in sorted(rule.arguments)}
        query = urlencode(slots(draw, {"page": page_value, "next": next_value},
                                st.tuples(query_name, query_value)), quote_via=quote)
        if chance(draw, 4):
            query = "&".join(part for part in (query, draw(st.sampled_from(RAW_QUERIES))) if part)
        names = draw(st.lists(st.sampled_from(sorted(HEADER_VALUES)), unique=True, max_size=3))
        headers = tuple((name, draw(st.one_of(st.sampled_from(HEADER_VALUES[name]), hostile_text))) for name in names)
        cookie = draw(st.one_of(st.sampled_from(COOKIES), st.text(max_size=50))) if chance(draw, 3) else None
        scheme = "https" if chance(draw, 4) else "http"
        if scheme == "https" and "Referer" not in names and not chance(draw, 4):
            headers += (("Referer", "https://localhost/"),)  # what a browser sends; without it CSRF fails first
        spec = Hostile(method=method, rule=rule.rule, path=fill(rule.rule, values), query=query, headers=headers,
                       cookie=cookie, cookie_first=draw(st.booleans()), scheme=scheme)
        if method != "POST":
            return spec
        form = slots(draw, {"next": next_value, "language": language_value}, st.tuples(form_name, form_value))
        if chance(draw, 3):
            form += [("email", TARGET_EMAIL), ("password", PASSWORD)]
        content_type = draw(st.one_of(st.sampled_from(CONTENT_TYPES), st.text(max_size=30))) if chance(draw, 4) \
            else None
        return replace(spec, form=tuple(form), content_type=content_type,
                       csrf=draw(st.sampled_from(["valid", "valid", "missing", "forged"])))

    return build()


# ---------------------------------------------------------------------------------------------------------------
# Known nasty requests, always tried for every role
# ---------------------------------------------------------------------------------------------------------------

VERSION = "/<document:kind>/versions/<int:major>.<int:minor>"
USER = "/admin/users/<int:user_id>"
PAGINATED = [("/admin/", "/admin/"), ("/admin/users", "/admin/users"), ("/attestation/<code>", "/attestation/CXD")]
PAGE_VALUES = ["²", "①", "٣", "１", "99999999999999999999", "-1", "0", "1e9", "\r\n"]
SIGN_IN_AS_TARGET = (("email", TARGET_EMAIL), ("password", PASSWORD))

KNOWN = [
    *[known("GET", VERSION, f"/promise/versions/{number}") for number in
      ["99999999999999999999.0", "9223372036854775808.0", "2.9223372036854775808", "-1.0", "%C2%B2.0", "%D9%A3.0",
       "%EF%BC%91.0", "%E2%91%A0.0"]],
    *[known("GET", USER, f"/admin/users/{number}") for number in
      ["9223372036854775808", "99999999999999999999", "2147483648", "-1", "0", "%C2%B2", "%E2%91%A0", "%EF%BC%91"]],
    known("POST", USER, "/admin/users/9223372036854775808", csrf="valid", form=(("roles", "admin"),)),
    *[known("GET", rule, path, query=f"page={encode(value)}") for rule, path in PAGINATED for value in PAGE_VALUES],
    known("GET", "/admin/", query="action=" + encode("\r\nSet-Cookie: x=1")),
    *[known("GET", "/login", query=f"next={encode(value)}") for value in
      [NEWLINE_NEXT, "/\x00", "/\x7f", "/\t/evil.example", "//evil.example", "/" + "a" * 10_000]],
    known("POST", "/login", csrf="valid", form=(*SIGN_IN_AS_TARGET, ("next", NEWLINE_NEXT))),
    known("POST", "/login", csrf="valid", form=(("email", "x" * 3_000_000),)),
    known("POST", "/login", csrf="valid", content_type="multipart/form-data; boundary=", form=SIGN_IN_AS_TARGET),
    known("POST", "/language", csrf="valid", form=(("language", "fr"), ("next", NEWLINE_NEXT))),
    known("POST", "/language", csrf="valid", form=(("language", "xx"), ("next", "/\x00"))),
    known("POST", "/language", form=(("language", "en"), ("next", NEWLINE_NEXT))),
    *[known("GET", "/login", headers=(("Host", host),)) for host in
      ["evil..example", "a b", "[::1", "a" * 300, "localhost:99999", "", "bücher.example"]],
    known("GET", "/", headers=(("Host", "a" * 300),)),
    known("GET", "/attestation/<code>", "/attestation/CXD", headers=(("Host", "evil..example"),)),
    known("GET", "/login", headers=(("Accept-Language", "fr;q=abc," * 1_500),)),
    known("GET", "/", cookie=COOKIES[1], cookie_first=True),
    known("POST", "/account/password", csrf="valid", scheme="https", headers=(("Referer", "http://[::1"),)),
    known("GET", "/attestation/<code>", "/attestation/%00"),
    known("GET", "/attestation/<code>", "/attestation/.."),
    known("GET", "/attestation/<code>", "/attestation/" + "x" * 10_000),
    known("GET", "/password/reset/<token>", "/password/reset/" + "x" * 10_000),
    known("GET", "/password/reset/<token>", "/password/reset/%ff"),
]


# ---------------------------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------------------------

@pytest.fixture
def server_log(app):
    handler = ServerLog()
    app.logger.addHandler(handler)
    yield handler
    app.logger.removeHandler(handler)


def hostile_world(app, factory, role: str):
    """The visitor, a second division, a person to aim at, and the path values that reach each view."""
    from portal.auth.models import User
    from portal.auth.operations import reset_token
    from portal.promise.models import DocumentKind

    factory.division("CXD")
    factory.division("OTH")
    target = factory.user(roles=("staff",), division="OTH", email=TARGET_EMAIL)
    user = None if role == "anonymous" else factory.user(roles=(role,), division="CXD")
    with app.app_context():
        token = reset_token(db.session.get(User, target.id))
    identity = Identity(role, user)
    identity.establish(app)
    mine = learning_ids(app, (user or target).id)
    awards = recognition_ids(app, (user or target).id, target.id if user else factory.user(division="OTH").id)
    lead = user if role == "lead" else factory.user(roles=("staff", "lead"), division="CXD")
    other_lead = factory.user(roles=("staff", "lead"), division="OTH")
    steward = user if role == "steward" else factory.user(roles=("staff", "steward"), division="CXD")
    reports = adoption_ids(app, lead.id, other_lead.id, steward.id)
    valid = {"cycle_id": [str(awards["open_cycle"]), str(awards["closed_cycle"])],
             "nomination_id": [str(awards["nomination"]), str(awards["others_nomination"])],"kind": [kind.value for kind in DocumentKind], "major": ["1", "2"], "minor": ["0"],
             "code": ["CXD", "OTH", mine["code"]], "user_id": [str(target.id)] + ([str(user.id)] if user else []),
             "token": [token], "slug": ["service-promise", "service-standards", "code-of-conduct"], "number": ["1", "4"],
             "attempt_id": [str(mine["attempt"]), str(mine["result"])], "certificate_id": [str(mine["certificate"])],
             "lang": ["en", "fr"], "period_id": [str(reports["period"])], "report_id": [str(reports["report"]), str(reports["other_report"])]}
    return identity, valid


def baseline(targets: list, valid: dict[str, list[str]]) -> list[Hostile]:
    """Every route once with values that reach its view, hostile query, valid CSRF token and hostile form."""
    query = urlencode([("page", "²"), ("next", NEWLINE_NEXT), ("action", "①")], quote_via=quote)
    form = (("next", NEWLINE_NEXT), ("email", "²"), ("password", "x" * 200), ("confirm", "①"), ("roles", "²"),
            ("language", "\x00"), ("current", "\r\n"), ("q1", "²"),
            ("q2", "-1"), ("person", "99999999999"), ("revision", "-1"), ("category", "<x>"), ("citation", "\u00a0" * 50),
            ("outcome", "²"), ("reason", "x" * 900), ("agree", "maybe"), ("opens_on", "2026-02-30"), ("members", "x"),
            ("chair", "²"), ("programme", "-1"), ("division", "1e9"), ("criterion_impact", "9"),
            ("value-staff-briefings-held", "-1"), ("value-managers-trained", "1e400"), ("decision", "²"),
            ("comment", "\x00"), ("year", "99999999999"), ("quarter", "9"), ("due_on", "2026-02-30"), ("phase", "<x>"),
            ("status", "²"), ("received-0-phone", "-5"), ("within-0-phone", "١٠"), ("log", "not a file"))
    return [Hostile(method=method, rule=rule.rule, query=query,
                    path=fill(rule.rule, {name: valid[name][0] for name in rule.arguments}),
                    form=form if method == "POST" else (), csrf="valid" if method == "POST" else "missing")
            for rule, method in targets]


class ReadNames(ImmutableMultiDict):
    """Query and form values that note every name the portal asks them for."""

    asked: set[str] = set()

    def __contains__(self, key) -> bool:
        ReadNames.asked.add(key)
        return super().__contains__(key)

    def __getitem__(self, key):
        ReadNames.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002
        ReadNames.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        ReadNames.asked.add(key)
        return super().getlist(key, type)


def names_read(app, send_each, specs: list[Hostile]) -> dict[tuple[str, str], set[str]]:
    """Sends each request with `send_each` and notes the query and form names its route's view asked for."""
    class Recording(app.request_class):
        parameter_storage_class = ReadNames

    original, app.request_class = app.request_class, Recording
    read = {}
    try:
        for spec in specs:
            ReadNames.asked = set()
            send_each(spec)
            read[(spec.method, spec.rule)] = ReadNames.asked - {"csrf_token"}
    finally:
        app.request_class = original
    return read


def number_probes(specs: list[Hostile], read: dict[tuple[str, str], set[str]]) -> list[Hostile]:
    """Each request again with each of NUMBER_PROBES in every query value and form field its view read, and in the
    usual query names (QUERY_NAMES)."""
    probes = []
    for spec in specs:
        names = sorted(read.get((spec.method, spec.rule), set()) | set(QUERY_NAMES))
        for value in NUMBER_PROBES:
            pairs = tuple((name, value) for name in names)
            probes.append(replace(spec, query=urlencode(pairs, quote_via=quote),
                                  form=pairs if spec.method == "POST" else ()))
    return probes


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_request_gets_a_server_error(app, factory, content, server_log, role):
    identity, valid = hostile_world(app, factory, role)
    targets = [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
               for method in METHODS if method in rule.methods]
    findings = Findings(role)

    def attempt(spec: Hostile) -> None:
        server_log.records.clear()
        findings.requests += 1
        findings.requested.add((spec.method, spec.rule))
        try:
            response = send(app, identity, spec)
        except Exception as error:  # escaped every error handler: the server would answer a bare 500
            key, text = cause_of(error)
            findings.add(f"escaped: {key}", f"exception escaped the error handlers (bare 500): {text}", spec)
        else:
            problem = judge(response, server_log.records)
            if problem:
                findings.add(*problem, spec)
            if (identity.user and spec.method == "POST" and spec.csrf == "valid" and response.status_code < 400
                    and not identity.still_signed_in(app)):
                identity.establish(app)  # signed out or password changed by the request itself

    plain = [replace(spec, query="", form=()) for spec in baseline(targets, valid)]
    for spec in number_probes(plain, names_read(app, attempt, plain)):
        attempt(spec)
    for spec in [*KNOWN, *baseline(targets, valid)]:
        attempt = example(spec=spec)(attempt)
    search = settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate], print_blob=False,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                             HealthCheck.large_base_example, HealthCheck.filter_too_much])
    seed(zlib.crc32(role.encode()))(search(given(spec=hostile_requests(targets, valid))(attempt)))()

    if findings.causes:
        pytest.fail(findings.report(), pytrace=False)
    missed = {(method, rule.rule) for rule, method in targets} - findings.requested
    assert not missed, f"routes never requested: {sorted(missed)}"
    assert identity.user is None or identity.still_signed_in(app), "the search ended signed out"
