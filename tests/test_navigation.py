"""The site navigation is kept per kind of page, set of permissions and language; each reader still sees their own
name, links and form token."""
from tests.conftest import page, sign_in


def _navigation(client, path: str):
    nav = page(client.get(path)).find("nav", class_="site-nav")
    current = [link.get_text(strip=True) for link in nav.find_all("a", attrs={"aria-current": "page"})]
    links = [link.get_text(strip=True) for link in nav.find("ul").find_all("a")]
    return nav.find("span").get_text(), links, current, nav.find("input", attrs={"name": "csrf_token"})["value"]


def test_each_reader_sees_their_own_name_links_and_token(app, factory, content):
    steward = factory.user(roles=("staff", "steward", "admin"), name="Rosa <b>Roy</b> & Co")
    staff = factory.user(name="Omar Patel", language="fr")
    first, second = app.test_client(), app.test_client()
    sign_in(first, steward)
    sign_in(second, staff)
    name, links, current, token = _navigation(first, "/promise")
    assert name == "Rosa <b>Roy</b> & Co" and "Administration" in links and current == ["Service Promise"]
    other_name, other_links, _current, other_token = _navigation(second, "/promise")
    assert other_name == "Omar Patel" and "Administration" not in other_links and token != other_token
    assert "À faire" in other_links
    assert _navigation(first, "/")[2] == ["To do"]
    assert _navigation(first, "/standards")[2] == ["Service Standards"]
    signed_out = first.post("/logout", data={"csrf_token": _navigation(first, "/")[3]})
    assert signed_out.status_code == 302 and first.get("/").status_code == 302


def test_readers_who_share_a_kept_navigation_each_see_their_own_name_and_token(app, factory, content):
    """Same roles, language and page, so the same kept part: only the name and the token differ."""
    readers = [factory.user(name="Léa Lavoie"), factory.user(name="form-token-goes-here reader-name-goes-here")]
    seen = []
    for reader in readers:
        client = app.test_client()
        sign_in(client, reader)
        name, links, current, token = _navigation(client, "/promise")
        seen.append((name, token))
        assert current == ["Service Promise"] and "Administration" not in links
    assert [name for name, _token in seen] == ["Léa Lavoie", "form-token-goes-here reader-name-goes-here"]
    assert seen[0][1] != seen[1][1] and "goes-here" not in seen[0][1] + seen[1][1]
