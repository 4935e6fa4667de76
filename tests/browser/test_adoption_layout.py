"""The steward's dashboard and the learning heat map as a reader sees them: at 1280 px and on a 390 px phone, in
English and French, nothing a reader needs is hidden, no chart text is smaller than 12 px, and divisions come in the
order of their names in the reader's language."""
import pytest

from portal.collation import sort_key
from tests.adoption.test_dashboard import hand_in, quarters, whole_city
from tests.browser.conftest import sign_in_browser
from tests.conftest import adoption_ids, take_quiz

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The size at which each chart's text is shown: its font size times the scale of the drawing on the screen.
CHART_TEXT = """() => [...document.querySelectorAll('figure.chart svg')].filter(svg => svg.getClientRects().length)
    .flatMap(svg => [...svg.querySelectorAll('text')].map(text =>
        parseFloat(text.getAttribute('font-size')) * svg.getScreenCTM().a))"""
SCROLLS = "selector => { const region = document.querySelector(selector); return region.scrollWidth - region.clientWidth; }"


def choose(page, base: str, language: str) -> None:
    page.goto(f"{base}/")
    if page.locator("html").get_attribute("lang") != language:
        page.click("form.language-switch button")
        page.wait_for_selector(f"html[lang={language}]")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_keeps_its_phase_table_whole_and_its_charts_legible_on_a_phone(
        app, live_server, browser_page, factory, content, language):
    lead = factory.user(roles=("staff", "lead"), division="CXD")
    other = factory.user(roles=("staff", "lead"), division="PFR")
    steward = factory.user(roles=("staff", "steward"), division="CMO", language=language)
    ids = adoption_ids(app, lead.id, other.id, steward.id)
    *_earlier, due, _current = quarters(app, steward.id, ids["period"], back=4)
    whole_city(app, factory, due, with_figures=40)
    hand_in(app, due, ("PE", "TS", "SPEC"), factory)
    page = browser_page
    sign_in_browser(page, live_server, steward)
    choose(page, live_server, language)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server}/adoption/")
        sizes = page.evaluate(CHART_TEXT)
        assert len(sizes) > 100 and min(sizes) >= 12, (viewport, min(sizes))
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        region = "#phases-title ~ .table-region"
        assert page.evaluate(SCROLLS, region) <= 0, viewport
        last = page.locator(f"{region} thead th").last.bounding_box()
        assert last["x"] + last["width"] <= viewport["width"] - 16


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_heat_map_fits_at_1280_px_and_scrolls_in_its_own_region_on_a_phone(
        app, live_server, browser_page, factory, content, language):
    for seed, code in enumerate(("CXD", "PFR", "SPEC", "TS"), 1):
        staff = factory.user(division=code)
        take_quiz(app, staff.id, "service-promise", "right", seed=seed)
        take_quiz(app, staff.id, "service-standards", "wrong", seed=seed)
    steward = factory.user(roles=("staff", "steward"), division="CMO", language=language)
    whole_city(app, factory, None, with_figures=0)
    page = browser_page
    sign_in_browser(page, live_server, steward)
    choose(page, live_server, language)
    page.goto(f"{live_server}/learning/analysis/")
    headings = page.locator("table.heat-map thead th")
    assert headings.count() == 11
    region = ".table-region:has(table.heat-map)"
    assert page.evaluate(SCROLLS, region) <= 0
    divisions = page.locator("table.heat-map tbody th").all_inner_texts()
    assert len(divisions) == 40 and divisions == sorted(divisions, key=sort_key)
    names = page.locator("table.heat-map thead th .visually-hidden").all_inner_texts()
    assert names[0].startswith("Commitment 1: " if language == "en" else "Engagement 1\u202f: ")
    assert page.evaluate(SCROLLS, ".table-region:has(table.tag-totals)") <= 0
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(SCROLLS, ".table-region:has(table.tag-totals)") <= 0
    assert page.evaluate(SCROLLS, region) > 0
    assert page.locator(region).get_attribute("tabindex") == "0"
