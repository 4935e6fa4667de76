"""Deny by default: every route declares who may use it, and each role gets what it should."""
import pytest

from portal.security import PUBLIC, UnknownPermission, requires
from tests.conftest import adoption_sample, learning_ids, recognition_ids, sign_in
from tests.pages import NOT_PAGES, PAGES, ROLES


def declared_permissions(view):
    while view is not None:
        if hasattr(view, "permissions"):
            return view.permissions
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_route_declares_who_may_use_it(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules()
                  if not declared_permissions(app.view_functions[rule.endpoint])]
    assert undeclared == []


def test_an_unknown_permission_name_is_an_error():
    with pytest.raises(UnknownPermission):
        requires("content.raed")


def test_a_route_must_name_a_permission():
    with pytest.raises(UnknownPermission):
        requires()


def test_public_routes_are_the_expected_few(app):
    public = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                    if PUBLIC in declared_permissions(app.view_functions[rule.endpoint]))
    assert public == ["auth.forgot_password", "auth.login", "auth.reset_password", "auth.set_language",
                      "home.healthz", "learning.verify", "learning.verify_code", "pages.accessibility", "pages.help_page", "pages.privacy", "public.document",
                      "public.index", "public.information", "public.languages", "static"]


def test_every_get_route_has_a_row_in_the_page_table(app):
    """A new page cannot be forgotten by the role table, the accessibility scan or the French check."""
    adapter = app.url_map.bind("localhost")
    sample = {"user": 1, "attempt": 1, "result": 2, "certificate": 3, "code": "K7QM-3XPA-R2VW-9HTC", "open_cycle": 1,
              "closed_cycle": 2, "nomination": 1, "others_nomination": 2, "adoption_period": 1, "adoption_report": 1}
    listed = {adapter.match(page.url(sample).partition("?")[0])[0] for page in PAGES}
    missing = sorted(rule.rule for rule in app.url_map.iter_rules()
                     if "GET" in rule.methods and rule.endpoint not in listed and rule.endpoint not in NOT_PAGES)
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(app, client, factory, content, role):
    ids = {"user": factory.user(division="PFR").id}
    person = factory.user(roles=sorted({role, "staff"} - {"anonymous"}), division="CXD")
    ids.update(learning_ids(app, person.id))
    ids.update(recognition_ids(app, person.id, ids["user"]))
    ids.update(adoption_sample(app, factory))
    if role != "anonymous":
        sign_in(client, person)
    statuses = {page.path: client.get(page.url(ids)).status_code for page in PAGES}
    assert statuses == {page.path: page.access[role] for page in PAGES}
