"""The Service Promise and the Code of Conduct for the public: open pages in both languages, cacheable by anyone,
and the same pages exported as static files."""
import pytest
from bs4 import BeautifulSoup

from portal.content import load_information_page
from tests.conftest import page, sign_in

DOCUMENTS = [
    ("en", "promise", "City-wide Service Promise", "2.0", "July 1, 2024"),
    ("fr", "promise", "Engagement de service à l'échelle de la Ville", "2.0", "1er juillet 2024"),
    ("en", "code-of-conduct", "Service User Code of Conduct", "1.0", "July 1, 2024"),
    ("fr", "code-of-conduct", "Code de conduite des usagers des services", "1.0", "1er juillet 2024"),
]


def nothing_about_staff(soup: BeautifulSoup) -> None:
    assert soup.find("form") is None and soup.find("nav") is None
    assert soup.find("input", attrs={"name": "csrf_token"}) is None


@pytest.mark.parametrize("lang, slug, title, version, effective", DOCUMENTS)
def test_documents_are_open_to_everyone_in_both_languages(client, content, lang, slug, title, version, effective):
    response = client.get(f"/public/{lang}/{slug}")
    assert response.status_code == 200
    soup = page(response)
    assert soup.html["lang"] == lang
    assert soup.h1.get_text(strip=True) == title
    assert soup.title.get_text().startswith(title)
    meta = soup.select_one(".document-meta").get_text(" ", strip=True)
    assert version in meta and effective in meta
    assert soup.select_one("article.document-body p")
    nothing_about_staff(soup)
    other = "fr" if lang == "en" else "en"
    switch = soup.find("a", attrs={"hreflang": other})
    assert switch["href"] == f"/public/{other}/{slug}" and switch["lang"] == other


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_language_lists_both_documents(client, content, lang):
    soup = page(client.get(f"/public/{lang}/"))
    assert soup.html["lang"] == lang
    links = [link["href"] for link in soup.select("main h2 a")]
    assert links == [f"/public/{lang}/promise", f"/public/{lang}/code-of-conduct"]
    nothing_about_staff(soup)


def test_the_language_chooser_offers_both(client, content):
    soup = page(client.get("/public/"))
    assert [(link["href"], link["hreflang"]) for link in soup.select("main a")] == [
        ("/public/en/", "en"), ("/public/fr/", "fr")]
    nothing_about_staff(soup)


def test_the_url_language_wins_over_the_readers_own(client, factory, content):
    sign_in(client, factory.user(language="en"))
    soup = page(client.get("/public/fr/promise"))
    assert soup.html["lang"] == "fr"
    assert soup.select_one(".skip-link").get_text() == "Passer au contenu principal"


def test_a_signed_in_reader_gets_the_same_shareable_page(client, factory, content):
    user = factory.user(name="Zoë Quillfeather", email="zoe.quillfeather@example.org")
    sign_in(client, user)
    response = client.get("/public/en/promise")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Quillfeather" not in text and "zoe.quillfeather" not in text
    assert "Set-Cookie" not in response.headers
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert not response.cache_control.no_store
    assert "cookie" not in response.headers.get("Vary", "").lower()
    nothing_about_staff(page(response))
    assert client.get("/promise").headers["Cache-Control"] == "no-store"


def test_an_unchanged_page_is_not_sent_again(client, content):
    first = client.get("/public/fr/code-of-conduct")
    tag = first.headers["ETag"]
    again = client.get("/public/fr/code-of-conduct", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag and again.cache_control.public
    assert client.get("/public/en/code-of-conduct").headers["ETag"] != tag


@pytest.mark.parametrize("path", ["/public/de/promise", "/public/de/", "/public/en/standards", "/public/EN/promise"])
def test_unknown_language_or_document_is_not_found(client, content, path):
    assert client.get(path).status_code == 404


def test_before_anything_is_published_the_page_says_so(client):
    response = client.get("/public/fr/promise")
    assert response.status_code == 404
    soup = page(response)
    assert soup.html["lang"] == "fr" and soup.h1.get_text(strip=True)
    assert not response.cache_control.public
    nothing_about_staff(soup)
    assert client.get("/public/en/").status_code == 404


def test_export_writes_static_bilingual_pages(cli, content, tmp_path):
    target = tmp_path / "public"
    result = cli("content", "export-public", target)
    assert result.exit_code == 0, result.output
    expected = {"index.html", "static/css/portal.css"} | {
        f"{lang}/{name}.html" for lang in ("en", "fr")
        for name in ("index", "promise", "code-of-conduct", "help", "privacy", "accessibility")}
    assert {str(path.relative_to(target)) for path in target.rglob("*") if path.is_file()} == expected
    assert all(name in result.output for name in expected)

    soup = BeautifulSoup((target / "fr/promise.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html["lang"] == "fr"
    assert soup.h1.get_text(strip=True) == "Engagement de service à l'échelle de la Ville"
    assert "1er juillet 2024" in soup.select_one(".document-meta").get_text()
    assert soup.find("link", rel="stylesheet")["href"] == "../static/css/portal.css"
    assert soup.find("a", attrs={"hreflang": "en"})["href"] == "../en/promise.html"
    nothing_about_staff(soup)
    for path in target.rglob("*.html"):
        exported = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for address in [tag["href"] for tag in exported.find_all(href=True)] + [tag["src"] for tag in
                                                                                 exported.find_all(src=True)]:
            assert not address.startswith(("/", "http:", "http://localhost")), (path, address)
            if not address.startswith(("#", "data:", "mailto:", "https:")):
                assert (path.parent / address).resolve().is_file(), (path, address)


def test_export_matches_the_served_page(cli, client, content, tmp_path):
    assert cli("content", "export-public", tmp_path).exit_code == 0
    exported = BeautifulSoup((tmp_path / "en/code-of-conduct.html").read_text(encoding="utf-8"), "html.parser")
    served = page(client.get("/public/en/code-of-conduct"))
    assert exported.find("main") == served.find("main")


def test_export_refuses_a_file_in_the_way(cli, content, tmp_path):
    target = tmp_path / "public.html"
    target.write_text("keep me")
    result = cli("content", "export-public", target)
    assert result.exit_code != 0 and "not a directory" in result.output
    assert target.read_text() == "keep me"


def test_export_refuses_before_anything_is_published(cli, tmp_path):
    result = cli("content", "export-public", tmp_path / "public")
    assert result.exit_code != 0 and "not published yet" in result.output
    assert not (tmp_path / "public").exists()


INFORMATION = {"en": ["Help", "Privacy notice", "Accessibility"], "fr": ["Aide", "Avis de confidentialité",
                                                                         "Accessibilité"]}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_public_page_links_help_privacy_and_accessibility_in_its_own_language(app, client, content, lang):
    """As every page of the portal does, in the page's language, at addresses that are public and cacheable too."""
    wanted = list(zip(("help", "privacy", "accessibility"), INFORMATION[lang]))
    for address in (f"/public/{lang}/", f"/public/{lang}/promise", f"/public/{lang}/code-of-conduct",
                    f"/public/{lang}/privacy"):
        footer = page(client.get(address)).find("footer")
        links = [(link.get_text(strip=True), link["href"]) for link in footer.find_all("a")][1:]
        assert links == [(title, f"/public/{lang}/{slug}") for slug, title in wanted], address
    chooser = page(client.get("/public/")).find("footer")
    assert [(link.get_text(strip=True), link["href"]) for link in chooser.find_all("a", hreflang=lang)] == [
        (title, f"/public/{lang}/{slug}") for slug, title in wanted]
    for slug, title in wanted:
        response = client.get(f"/public/{lang}/{slug}")
        assert response.status_code == 200
        assert response.cache_control.public and "Set-Cookie" not in response.headers and response.headers["ETag"]
        soup = page(response)
        shown = load_information_page(app.config["CONTENT_DIR"], slug, lang)
        assert soup.html["lang"] == lang and soup.h1.get_text(strip=True) == shown.title
        assert soup.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == title
        assert soup.select_one("article.page-body h2")
        other = "fr" if lang == "en" else "en"
        assert soup.find("a", attrs={"hreflang": other})["href"] == f"/public/{other}/{slug}"
        nothing_about_staff(soup)


def test_a_signed_in_reader_gets_the_same_information_page(client, factory, content):
    sign_in(client, factory.user(name="Zoë Quillfeather", language="en"))
    response = client.get("/public/fr/accessibility")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "Quillfeather" not in response.get_data(as_text=True)
    assert page(response).html["lang"] == "fr"
