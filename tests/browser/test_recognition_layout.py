"""The committee's ranked list as a reviewer sees it on a 390 px phone, in English and French: rank, name, combined
score with its reviewers and the reader's own part all in view, without scrolling the table."""
import pytest

from tests.browser.conftest import sign_in_browser
from tests.conftest import PASSWORD
from tests.recognition.test_review import RUBRIC, committee, score, signed_in  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCROLLS = "selector => { const region = document.querySelector(selector); return region.scrollWidth - region.clientWidth; }"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_review_list_shows_its_key_columns_on_a_phone(app, live_server, browser_page, committee, language):
    from types import SimpleNamespace

    from portal.auth.models import User
    from portal.extensions import db

    score(signed_in(app, committee.people.remy), committee.single, dict(zip(RUBRIC, (4, 4, 4, 4))))
    with app.app_context():
        db.session.get(User, committee.people.rae.id).language = language
        db.session.commit()
    page = browser_page
    sign_in_browser(page, live_server, SimpleNamespace(email=committee.people.rae.email, password=PASSWORD))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/recognition/review/{committee.cycle}")
    assert page.locator("html").get_attribute("lang") == language
    region = ".table-region:has(table.review)"
    assert page.evaluate(SCROLLS, region) <= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for cell in ("thead th", "tbody tr td"):
        last = page.locator(f"table.review {cell}").last.bounding_box()
        assert last["x"] + last["width"] <= PHONE["width"] - 8, (cell, last)
    cells = page.locator("table.review tbody tr").first.locator("td").all_inner_texts()
    assert cells[1].split() == ["80", "1", {"en": "reviewer", "fr": "évaluation"}[language]], cells
    assert cells[2] == {"en": "to score", "fr": "à noter"}[language]
