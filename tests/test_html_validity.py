"""Every page is valid HTML: the Nu Html Checker (vnu) finds no error on any page of the page table, as every role
that opens it, in English and in French, nor on the pages that its forms give back when they are sent empty or with
values that are not what they ask for.

The pages are written to files and checked in one start of the checker. `make test` installs it (the npm package
vnu-jar, run on the system Java); elsewhere the test is skipped when it is missing, in CI (CI=true) it fails."""
import json
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from portal.config import BASE_DIR
from tests.conftest import adoption_sample, learning_ids, page, post_form, recognition_ids, sign_in
from tests.pages import ROLES, html_pages_for

VNU_JAR = Path(os.environ.get("VNU_JAR") or Path(BASE_DIR) / ".tools/node_modules/vnu-jar/build/dist/vnu.jar")
# A value that is not a date, a time, a number nor an e-mail address, as a hand-edited address or an old browser
# may send.
NOT_WHAT_IS_ASKED = "2026-02-30"
BAD_LOG = b"received_at,acknowledged_at,channel,around_the_clock\n2026-13-01 09:00,,phone,no\n"
# Forms that end the session or do nothing but redirect.
NOT_SENT = ("/logout", "/language")


def checker() -> list[str]:
    """The command that runs the checker, or the reason the test cannot run."""
    java = shutil.which("java")
    if java and VNU_JAR.is_file():
        # The checker needs a deep stack; the quick compiler alone halves a run of a few hundred pages.
        return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR), "--format", "json", "--stdout",
                "--no-langdetect"]
    message = f"the Nu Html Checker needs java and {VNU_JAR} (make test installs both)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def check(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """The checker's errors on each page, by the page's name: one start of the checker for all of them."""
    command = checker()
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run([*command, *(str(folder / file) for file in files)], capture_output=True, text=True,
                            timeout=600)
    assert result.stdout.startswith("{"), result.stdout[-1000:] + result.stderr[-2000:]
    found = {}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] == "info":
            continue
        address = message.get("url", "?")
        name = files.get(address.rpartition("/")[2], address)
        found.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']} "
                                          f"[{message.get('extract', '').strip()}]")
    return found


def html_of(response) -> str | None:
    if response.mimetype != "text/html" or response.location:
        return None
    return response.get_data(as_text=True)


def forms_on(html: str, address: str) -> list[dict]:
    """Each form of the page: where it goes, how, its hidden values, its other fields and its first button."""
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        action = urlsplit(form.get("action") or address)
        target = action.path or urlsplit(address).path
        if target.endswith(NOT_SENT):
            continue
        hidden, visible, files = {}, {}, []
        for control in form.find_all(["input", "select", "textarea"]):
            name, kind = control.get("name"), (control.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "reset", "image"):
                continue
            if kind == "hidden":
                hidden[name] = control.get("value", "")
            elif kind == "file":
                files.append(name)
            else:
                visible[name] = kind
        button = form.find(["button", "input"], attrs={"type": "submit"}) or form.find("button")
        pressed = {button["name"]: button.get("value", "")} if button is not None and button.get("name") else {}
        found.append({"method": (form.get("method") or "get").lower(), "action": target, "hidden": hidden,
                      "visible": visible, "files": files, "pressed": pressed})
    return found


def wrong_values(form: dict) -> dict:
    """Every field the reader fills in, given what it does not ask for."""
    return {name: "no-such-choice" if kind in ("checkbox", "radio", "select") else NOT_WHAT_IS_ASKED
            for name, kind in form["visible"].items()}


def send(client, form: dict, data: dict):
    if form["method"] == "get":
        return client.get(form["action"], query_string=data)
    return client.post(form["action"], data=data, content_type="multipart/form-data" if form["files"] else None)


def sent_back(client, form: dict, token: str) -> dict[str, object]:
    """The form sent empty (the form token alone), and with its hidden values and every field wrong."""
    answers = {}
    empty = {} if form["method"] == "get" else {"csrf_token": token}
    answers["empty"] = send(client, form, empty)
    if form["visible"] or form["files"]:
        data = {**form["hidden"], **wrong_values(form), **form["pressed"]}
        for name in form["files"]:
            data[name] = (BytesIO(BAD_LOG), "log.csv")
        answers["wrong"] = send(client, form, data)
    return answers


def every_page(app, factory) -> dict[str, str]:
    """Each HTML page of the page table as each role that opens it, in each language, then what each of its forms
    gives back."""
    shown: dict[str, str] = {}
    colleague = factory.user(division="PFR", name="Colette Côté")
    ids = {"user": colleague.id, **learning_ids(app, colleague.id), **adoption_sample(app, factory)}
    visits = []
    for language in ("en", "fr"):
        for role in ROLES:
            client = app.test_client()
            if role == "anonymous":
                post_form(client, "/language", {"language": language, "next": "/login"})
                role_ids = ids
            else:
                person = factory.user(roles=sorted({role, "staff"}), division="CXD", language=language)
                role_ids = {**ids, **learning_ids(app, person.id), **recognition_ids(app, person.id, colleague.id)}
                sign_in(client, person)
            for item in html_pages_for(role, language):
                address = item.url(role_ids)
                response = client.get(address)
                assert response.status_code == 200, (language, role, address)
                name = f"{language} {role} {address}"
                shown[name] = response.get_data(as_text=True)
                visits.append((f"{language} {role}", client, address, shown[name]))
    sent = set()
    for reader, client, address, html in visits:
        for form in forms_on(html, address):
            key = (reader, form["method"], form["action"], tuple(sorted(form["visible"])))
            if key in sent:
                continue
            sent.add(key)
            token = page_token(html)
            for state, response in sent_back(client, form, token).items():
                if (answer := html_of(response)) is not None:
                    shown[f"{reader} {form['method'].upper()} {form['action']} ({state}, {response.status_code})"] = \
                        answer
    return shown


def page_token(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    return field["value"] if field is not None else ""


def test_every_page_and_every_form_error_is_valid_html(app, factory, content, tmp_path):
    checker()
    shown = every_page(app, factory)
    assert len(shown) > 300
    found = check(shown, tmp_path)
    report = [f"{name}\n    " + "\n    ".join(errors) for name, errors in found.items()]
    assert not found, f"{sum(map(len, found.values()))} errors on {len(found)} pages:\n" + "\n".join(report)


def test_a_date_or_time_that_is_not_one_is_not_echoed_into_its_field_but_named_in_its_error(client, factory):
    sign_in(client, factory.user())
    response = client.get("/reply-by?received_on=2026-02-30&received_at=25:61")
    assert response.status_code == 422
    soup = page(response)
    assert soup.find("input", id="received_on").get("value", "") == ""
    assert soup.find("input", id="received_at").get("value", "") == ""
    assert "You typed “2026-02-30”." in soup.find(id="received_on-error").get_text()
    assert "You typed “25:61”." in soup.find(id="received_at-error").get_text()
    soup = page(client.get("/reply-by?received_on=2026-7-31&received_at=9:05"))
    assert soup.find("input", id="received_on")["value"] == "2026-07-31"
    assert soup.find("input", id="received_at")["value"] == "09:05"


LANDMARK_ELEMENTS = {"nav": "navigation", "aside": "complementary", "main": "main", "search": "search"}


def repeated_landmarks(html: str) -> list[tuple[str, str]]:
    """Landmarks of the same kind with the same name, which a screen reader's list of landmarks cannot tell apart
    (axe's landmark-unique)."""
    soup = BeautifulSoup(html, "html.parser")

    def name(element) -> str:
        if element.get("aria-labelledby"):
            return " ".join(soup.find(id=ref).get_text(" ", strip=True) for ref in element["aria-labelledby"].split())
        return element.get("aria-label", "").strip()

    seen, repeated = set(), []
    for element in soup.find_all(True):
        kind = element.get("role") or LANDMARK_ELEMENTS.get(element.name)
        if element.name in ("section", "form") and not element.get("role") and name(element):
            kind = "region" if element.name == "section" else "form"
        if kind not in ("navigation", "complementary", "main", "search", "region", "form"):
            continue
        if (kind, name(element)) in seen:
            repeated.append((kind, name(element)))
        seen.add((kind, name(element)))
    return repeated


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_two_landmarks_of_the_home_page_or_a_division_page_share_a_name(app, client, factory, content, language):
    lead = factory.user(roles=("staff", "lead"), language=language)
    sign_in(client, lead)
    adoption_sample(app, factory, lead=lead)
    for address in ("/", "/adoption/divisions/CXD"):
        response = client.get(address)
        assert response.status_code == 200
        assert repeated_landmarks(response.get_data(as_text=True)) == [], address
