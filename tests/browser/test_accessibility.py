"""Every page, in English and French: axe finds no WCAG 2.1 A/AA violation, nothing scrolls sideways on a
390 px phone, and keyboard use works."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import sign_in_browser
from tests.conftest import adoption_sample, learning_ids, recognition_ids
from tests.pages import PAGES, ROLES, html_pages_for

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
axe = Axe()
WIDE_ELEMENTS = """limit => [...document.querySelectorAll('body *')]
    .filter(element => element.getBoundingClientRect().right > limit && !element.closest('.table-region'))
    .slice(0, 5).map(element => `${element.tagName.toLowerCase()}.${element.className}`)"""


def problems(page) -> list[str]:
    """What axe finds on the page as it is, and whether the page is wider than a phone at 390 px."""
    results = axe.run(page, options=WCAG)
    found = [f"{item['id']}: {[node['target'] for node in item['nodes']]}" for item in results.response["violations"]]
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(WIDE_ELEMENTS, PHONE["width"])
        found.append(f"{width} px wide at {PHONE['width']} px: {wide}")
    page.set_viewport_size(DESKTOP)
    return found


def scan(page, base: str, paths: list[str], language: str) -> dict[str, list[str]]:
    """Visits each page, checks its language and status, and returns what is wrong with it."""
    found = {}
    for path in paths:
        response = page.goto(base + path)
        assert response.status in (200, 404, 422), path
        assert page.locator("html").get_attribute("lang") == language
        found[path] = problems(page)
    return found


def choose_french(page) -> None:
    page.click("form.language-switch button")
    page.wait_for_selector("html[lang=fr]")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_for_visitors(app, live_server, browser_page, factory, content, language):
    from portal.auth.models import User
    from portal.auth.operations import reset_token
    from portal.extensions import db

    person = factory.user()
    with app.test_request_context():
        token = reset_token(db.session.get(User, person.id))
    ids = learning_ids(app, person.id)
    page = browser_page
    page.goto(f"{live_server}/login")
    if language == "fr":
        choose_french(page)
    paths = [item.url(ids) for item in html_pages_for("anonymous", language)]
    paths += ["/no-such-page", "/certificates/verify/ABCD-EFGH-JKMN-PQRS", "/certificates/verify?code=xyz",
              f"/password/reset/{token}"]
    found = scan(page, live_server, paths, language)
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["/password/reset/<token> (errors)"] = problems(page)
    page.goto(f"{live_server}/login")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["/login (errors)"] = problems(page)
    assert found == {path: [] for path in found}


BAD_LOG = b"received_at,acknowledged_at,channel,around_the_clock\n2026-13-01 09:00,,phone,no\n"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_for_signed_in_staff(app, live_server, browser_page, factory, content, language, monkeypatch):
    """One row per page, so the pagination of every listing is on the page as well."""
    everyone = factory.user(roles=ROLES[1:], division="CXD", language=language)
    factory.user(division="CXD", name="Not Yet Attested")
    page = browser_page
    sign_in_browser(page, live_server, everyone)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    ids = {"user": everyone.id, **learning_ids(app, everyone.id)}
    ids.update(recognition_ids(app, everyone.id, factory.user(division="PFR", name="Colette Côté").id))
    ids.update(adoption_sample(app, factory, lead=everyone, steward=everyone))
    paths = sorted({item.url(ids) for role in ROLES[1:] for item in html_pages_for(role, language)})
    paths += ["/certificates/verify/ABCD-EFGH-JKMN-PQRS", "/certificates/verify?code=xyz",
              "/reply-by?received_on=2026-02-30&received_at=10:00",
              "/reply-by?received_on=2026-10-31&received_at=22:00&around_the_clock=y"]
    found = scan(page, live_server, paths, language)
    page.goto(f"{live_server}/learning/attempts/{ids['attempt']}")
    page.click("form.quiz button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["quiz (errors)"] = problems(page)
    page.goto(f"{live_server}/recognition/nominations/{ids['nomination']}")
    page.fill("#citation", "mot " * 320)
    assert "320" in page.inner_text("#citation-count")
    page.click("button[value=submit]")
    page.wait_for_selector(".error-summary")
    found["nomination form (errors)"] = problems(page)
    page.goto(f"{live_server}/recognition/nominations/{ids['others_nomination']}")
    page.click("form[action$='/scores'] button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["review scoring (errors)"] = problems(page)
    page.goto(f"{live_server}/adoption/reports/{ids['adoption_period']}/CXD")
    page.fill("#value-staff-briefings-held", "-4")
    page.click("button[value=submit]")
    page.wait_for_selector(".error-summary")
    found["adoption report form (errors)"] = problems(page)
    page.goto(f"{live_server}/adoption/divisions/CXD/inquiries")
    page.set_input_files("#log", files=[{"name": "log.csv", "mimeType": "text/csv", "buffer": BAD_LOG}])
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["inquiry log (refused)"] = problems(page)
    page.goto(f"{live_server}/admin/users")
    assert page.locator("nav.pagination").count() == 1
    page.goto(f"{live_server}/standards")
    page.click(".attestation button[type=submit]")
    page.wait_for_selector(".error-summary")
    found["/standards (attestation error)"] = problems(page)
    assert found == {path: [] for path in found}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_for_everyone(live_server, browser_page, content, language):
    """The public pages: axe finds nothing, nothing scrolls sideways, and the other language is one tap away."""
    page = browser_page
    paths = [item.url({}) for item in PAGES if item.language == language and item.path.startswith("/public/")]
    found = scan(page, live_server, paths, language)
    other = "fr" if language == "en" else "en"
    page.goto(f"{live_server}/public/{language}/promise")
    page.set_viewport_size(PHONE)
    switch = page.locator(f"header a[hreflang={other}]")
    assert switch.is_visible()
    switch.click()
    page.wait_for_selector(f"html[lang={other}]")
    assert page.url == f"{live_server}/public/{other}/promise"
    page.set_viewport_size(DESKTOP)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert found == {path: [] for path in found}


def test_keyboard_user_can_skip_to_content_and_attest(live_server, browser_page, factory, content):
    user = factory.user()
    page = browser_page
    sign_in_browser(page, live_server, user)
    page.goto(f"{live_server}/promise")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.focus("#confirm")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    assert "Thank you" in page.inner_text(".flashes")


def test_styles_and_pages_load_under_the_content_security_policy(live_server, browser_page):
    page = browser_page
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{live_server}/login")
    color = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert color == "rgb(11, 79, 138)"
    assert blocked == []


def test_printing_a_document_gives_the_document_not_the_navigation(live_server, browser_page, factory, content):
    page = browser_page
    sign_in_browser(page, live_server, factory.user())
    page.goto(f"{live_server}/standards")
    page.emulate_media(media="print")
    assert page.locator(".document-meta").is_visible() and page.locator(".document-body").is_visible()
    for hidden in (".site-nav", ".language-switch", ".attestation", ".site-footer", ".actions"):
        assert not page.locator(hidden).is_visible(), hidden


def test_the_error_summary_takes_focus_and_its_link_moves_to_the_field(live_server, browser_page, factory, content):
    page = browser_page
    sign_in_browser(page, live_server, factory.user())
    page.goto(f"{live_server}/promise")
    page.click(".attestation button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.evaluate("document.querySelector('.error-summary').getBoundingClientRect().top") < 900
    page.click(".error-summary a")
    assert page.evaluate("document.activeElement.id") == "confirm"
    assert page.get_attribute("#confirm", "aria-invalid") == "true"


def test_keyboard_user_completes_a_quiz(app, live_server, browser_page, factory, content):
    """Tab to each question, choose with the arrow keys or the space bar, and submit with Enter."""
    user = factory.user()
    page = browser_page
    sign_in_browser(page, live_server, user)
    page.goto(f"{live_server}/learning/code-of-conduct")
    page.focus("main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("form.quiz")
    questions = page.locator("fieldset.question").count()
    page.focus("fieldset.question input")
    for number in range(questions):
        kind = page.evaluate("document.activeElement.type")
        page.keyboard.press("Space")
        if kind == "checkbox":
            boxes = page.locator(f"fieldset.question >> nth={number} >> input").count()
            for _ in range(boxes):
                page.keyboard.press("Tab")
        else:
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector(".result-summary")
    assert "%" in page.inner_text(".result-summary")
    assert page.locator(".results > li").count() == questions
