"""Deny by default: every route declares who may use it, and each role gets what it should."""
import pytest

from portal.security import PUBLIC, UnknownPermission, requires
from tests.conftest import sign_in


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
                      "home.healthz", "static"]


ROLES = ["anonymous", "staff", "lead", "steward", "committee", "admin"]
SIGNED_IN = {"anonymous": 302, "staff": 200, "lead": 200, "steward": 200, "committee": 200, "admin": 200}
REPORT = {"anonymous": 302, "staff": 403, "lead": 200, "steward": 200, "committee": 403, "admin": 403}
ADMIN = {"anonymous": 302, "staff": 403, "lead": 403, "steward": 403, "committee": 403, "admin": 200}
ANYONE = dict.fromkeys(ROLES, 200)

EXPECTED = {
    "/": SIGNED_IN,
    "/promise": SIGNED_IN,
    "/standards": SIGNED_IN,
    "/code-of-conduct": SIGNED_IN,
    "/promise/history": SIGNED_IN,
    "/standards/versions/2.0": SIGNED_IN,
    "/code-of-conduct/pdf": SIGNED_IN,
    "/account/password": SIGNED_IN,
    "/attestation/": REPORT,
    "/attestation/CXD": REPORT,
    "/admin/": ADMIN,
    "/admin/users": ADMIN,
    "/healthz": ANYONE,
    "/password/forgot": ANYONE,
    "/login": {**dict.fromkeys(ROLES, 302), "anonymous": 200},
}


@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(client, factory, content, role):
    if role != "anonymous":
        sign_in(client, factory.user(roles=(role,), division="CXD"))
    statuses = {path: client.get(path).status_code for path in EXPECTED}
    assert statuses == {path: expected[role] for path, expected in EXPECTED.items()}


def test_admin_user_page_by_role(app, factory):
    target = factory.user()
    for role, expected in ADMIN.items():
        fresh = app.test_client()
        if role != "anonymous":
            sign_in(fresh, factory.user(roles=(role,)))
        assert fresh.get(f"/admin/users/{target.id}").status_code == expected, role
