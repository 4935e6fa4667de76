"""Help, the privacy notice and the accessibility statement: open to all, in both languages, linked everywhere."""
import pytest

from portal.content import ContentError, check_information_pages
from tests.conftest import page, post_form


@pytest.mark.parametrize("path, english, french", [
    ("/help", "Help", "Aide"),
    ("/privacy", "Privacy notice", "Avis de confidentialité"),
    ("/accessibility", "Accessibility statement", "Déclaration d'accessibilité"),
])
def test_each_page_reads_in_both_languages_without_signing_in(app, path, english, french):
    visitor = app.test_client()
    assert english in page(visitor.get(path)).h1.get_text()
    post_form(visitor, "/language", {"language": "fr", "next": path})
    soup = page(visitor.get(path))
    assert soup.html["lang"] == "fr" and french in soup.h1.get_text()


def test_the_privacy_notice_says_what_the_law_asks(client):
    text = " ".join(page(client.get("/privacy")).get_text(" ").split())
    for needed in ("Municipal Freedom of Information and Protection of Privacy Act", "retention", "416-555"):
        assert needed in text


@pytest.mark.parametrize("path", ["/login", "/no-such-page"])
def test_every_page_links_to_them_in_its_footer(client, path):
    links = [link["href"] for link in page(client.get(path)).select("footer a")]
    assert links == ["/help", "/privacy", "/accessibility"]


def test_a_broken_page_is_refused_by_the_sync(app, tmp_path):
    import shutil

    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    (copy / "pages" / "help" / "fr.md").write_text("---\ntitle: Aide\n---\n", encoding="utf-8")
    with pytest.raises(ContentError, match="help/fr.md"):
        check_information_pages(copy)
