"""The French check (tests/test_i18n.py) catches English on a French page: proved on the attestation report by
putting an English heading on it."""
import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext

from tests.conftest import sign_in
from tests.test_i18n import data_on_pages, marked_catalogue, untranslated_words  # noqa: F401  (the fixture)


def english_heading(app, how: str) -> str:
    """The report's heading as a page that lost its language would show it: typed in, or through the catalogue
    while the locale is English."""
    if how == "typed":
        return "Attestation report"
    with app.test_request_context(), force_locale("en"):
        return gettext("Attestation report")


@pytest.mark.parametrize("how", ["typed", "through the catalogue"])
def test_an_english_heading_on_the_french_attestation_report_fails_the_french_check(app, client, factory, content,
                                                                                     marked_catalogue, how):
    sign_in(client, factory.user(roles=("staff", "steward"), division="CXD", language="fr"))
    response = client.get("/attestation/")
    assert response.status_code == 200
    known = data_on_pages(app)
    html = response.get_data(as_text=True)
    assert untranslated_words(html, known) == []
    soup = BeautifulSoup(html, "html.parser")
    soup.h1.string = english_heading(app, how)
    assert "report" in untranslated_words(str(soup), known)


def test_a_divisions_english_name_as_the_heading_of_its_french_report_fails_the_french_check(
        app, client, factory, content, marked_catalogue):
    """A division's name is data in both languages, but only its French name belongs on a French page."""
    factory.division("CXD", name_en="Customer Experience", name_fr="Expérience client")
    sign_in(client, factory.user(roles=("staff", "steward"), division="CXD", language="fr"))
    response = client.get("/attestation/CXD")
    assert response.status_code == 200
    known = data_on_pages(app)
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "Expérience client" and untranslated_words(html, known) == []
    soup.h1.string = "Customer Experience"
    assert untranslated_words(str(soup), known) == ["Customer", "Experience"]
