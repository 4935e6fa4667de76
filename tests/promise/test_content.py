import shutil

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.content import ContentError, render_markdown
from portal.database import ImmutableRowError
from portal.extensions import db
from portal.promise.models import DocumentVersion
from portal.promise.operations import sync_content
from portal.promise.queries import current_versions


@pytest.fixture
def content_dir(app, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    return copy


def sync(app, content_dir):
    with app.app_context():
        outcomes = sync_content(content_dir)
        db.session.commit()
        return [(outcome.slug, outcome.label, outcome.published) for outcome in outcomes]


def edit(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def revise_promise(content_dir, version: str, change: str, new_words: str) -> None:
    """Gives the Promise a new version number and kind of change in both languages, and edits its text."""
    for language in ("en", "fr"):
        edit(content_dir / "promise" / f"{language}.md", 'version: "2.0"', f'version: "{version}"')
        edit(content_dir / "promise" / f"{language}.md", "change: major", f"change: {change}")
    edit(content_dir / "promise" / "en.md", "simple and convenient", new_words)


def version_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(DocumentVersion.id)))


def test_sync_loads_every_document_in_both_languages(app, content_dir):
    assert sync(app, content_dir) == [("promise", "2.0", True), ("standards", "2.0", True),
                                      ("code-of-conduct", "1.0", True)]
    with app.app_context():
        promise = current_versions()["promise"]
        assert {text.language for text in promise.texts} == {"en", "fr"}
        assert "Treat you fairly, with dignity and respect." in promise.text("en").body_html
        assert "Vous traiter équitablement" in promise.text("fr").body_html


def test_sync_is_idempotent(app, content_dir):
    sync(app, content_dir)
    assert sync(app, content_dir) == [("promise", "2.0", False), ("standards", "2.0", False),
                                      ("code-of-conduct", "1.0", False)]
    assert version_count(app) == 3


def test_a_changed_file_with_a_new_version_becomes_a_new_version(app, content_dir):
    sync(app, content_dir)
    revise_promise(content_dir, "2.1", "minor", "simple and easy")
    assert ("promise", "2.1", True) in sync(app, content_dir)
    with app.app_context():
        assert current_versions()["promise"].label == "2.1"
        assert "simple and easy" in current_versions()["promise"].text("en").body_html


@pytest.mark.parametrize("mangle, problem", [
    (lambda d: edit(d / "promise" / "en.md", "simple and convenient", "simpler"), "raise the version"),
    (lambda d: edit(d / "promise" / "fr.md", 'version: "2.0"', 'version: "2.1"'), "must be the same"),
    (lambda d: edit(d / "standards" / "en.md", 'version: "2.0"', 'version: "two"'), "major.minor"),
    (lambda d: edit(d / "standards" / "en.md", "effective_date: 2024-07-01", "effective_date: soon"),
     "effective_date"),
    (lambda d: edit(d / "standards" / "fr.md", "change: major", "change: huge"), "'major' or 'minor'"),
    (lambda d: edit(d / "code-of-conduct" / "en.md", "title: Service User Code of Conduct\n", ""), "lacks title"),
    (lambda d: (d / "code-of-conduct" / "fr.md").unlink(), "file is missing"),
    (lambda d: (d / "promise" / "en.md").write_text("---\ntitle: [unclosed\n---\nBody\n"), "not valid YAML"),
    (lambda d: (d / "promise" / "en.md").write_bytes(b"\xff\xfe not text"), "not UTF-8"),
])
def test_malformed_content_is_refused_and_changes_nothing(app, content_dir, mangle, problem):
    sync(app, content_dir)
    mangle(content_dir)
    with pytest.raises(ContentError) as refused:
        sync(app, content_dir)
    assert problem in str(refused.value)
    assert version_count(app) == 3


def test_a_major_change_must_raise_the_major_number(app, content_dir):
    sync(app, content_dir)
    revise_promise(content_dir, "2.1", "major", "simpler")
    with pytest.raises(ContentError, match="a major change must raise the major number"):
        sync(app, content_dir)


def test_a_minor_change_that_raises_the_major_number_is_refused(app, content_dir):
    sync(app, content_dir)
    revise_promise(content_dir, "3.0", "minor", "simpler")
    with pytest.raises(ContentError, match="a minor change keeps the major number"):
        sync(app, content_dir)
    assert version_count(app) == 3


def test_published_versions_cannot_be_changed(app, content_dir):
    sync(app, content_dir)
    with app.app_context():
        version = db.session.get(DocumentVersion, current_versions()["promise"].id)
        version.minor = 9
        with pytest.raises(ImmutableRowError):
            db.session.flush()
        db.session.rollback()


def test_cli_sync_reports_and_refuses_bad_content(app, content_dir, cli, monkeypatch):
    monkeypatch.setitem(app.config, "CONTENT_DIR", content_dir)
    first = cli("content", "sync")
    assert first.exit_code == 0 and "promise 2.0: published" in first.output
    edit(content_dir / "promise" / "en.md", "simple and convenient", "simpler")
    refused = cli("content", "sync")
    assert refused.exit_code != 0 and "nothing was changed" in refused.output


def active_parts(html: str) -> list[str]:
    """Elements, attributes and links in rendered HTML that could run code or load something."""
    soup = BeautifulSoup(html, "html.parser")
    found = [tag.name for tag in soup.find_all(["script", "iframe", "img", "object", "embed", "style", "form"])]
    for tag in soup.find_all(True):
        found += [name for name in tag.attrs if name.startswith("on") or name in ("style", "src")]
        href = tag.get("href", "")
        if href and not href.startswith(("http://", "https://", "mailto:")):
            found.append(href)
    return found


def test_markdown_drops_raw_html_and_script_links():
    html = render_markdown('<script>alert(1)</script>\n\n[click](javascript:alert(1)) '
                           '[ok](https://www.toronto.ca/) <img src=x onerror=alert(1)>')
    assert active_parts(html) == []
    assert '<a href="https://www.toronto.ca/"' in html


def test_markdown_drops_images_and_telephone_links():
    html = render_markdown("![City logo](https://www.toronto.ca/logo.png) [Call us](tel:+14165550100) "
                           "[Write](mailto:help@example.org)")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img") is None and "logo.png" not in html
    assert [link.get("href") for link in soup.find_all("a")] == [None, "mailto:help@example.org"]
    assert "Call us" in soup.get_text()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", '"', "'", "=", ":", "/", "(", ")", "[", "]", "!", "*", "_", "#", "`",
                                 " ", "\n", "script", "javascript", "onload", "img", "iframe", "a href", "data",
                                 "x", "&#106;", "%6a", "src"]), max_size=60).map("".join))
def test_rendered_markdown_never_carries_active_content(source):
    assert active_parts(render_markdown(source)) == []
