import pytest

from portal.audit import AuditEntry
from portal.auth.models import User
from portal.database import ImmutableRowError
from portal.extensions import db
from portal.security import Role
from tests.conftest import messages, page, post_form, sign_in


def actions(app) -> list[str]:
    with app.app_context():
        return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_administrator_reads_the_audit_log(app, client, factory, content):
    admin = factory.user(roles=("admin",))
    post_form(app.test_client(), "/login", {"email": admin.email, "password": "wrong password 1"})
    sign_in(client, admin)
    soup = page(client.get("/admin/"))
    rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in soup.select("tbody tr")]
    assert [row[2] for row in rows][:2] == ["auth.sign_in", "auth.sign_in_failed"]
    assert rows[0][1] == admin.email
    filtered = page(client.get("/admin/?action=auth.sign_in_failed")).select("tbody tr")
    assert len(filtered) == 1


def test_unknown_filter_shows_everything_with_a_message(client, factory):
    sign_in(client, factory.user(roles=("admin",)))
    response = client.get("/admin/?action=no.such.thing")
    assert response.status_code == 200
    assert "There is no entry of that kind; showing every entry." in messages(response)


def test_audit_entries_cannot_be_changed_or_deleted(app, factory):
    factory.user()
    with app.test_request_context():
        from portal.audit import record

        entry = record("test.entry", "subject")
        db.session.commit()
        entry.action = "rewritten"
        with pytest.raises(ImmutableRowError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(ImmutableRowError):
            db.session.flush()
        db.session.rollback()


def test_role_change_through_the_page_is_audited(app, client, factory):
    admin = factory.user(roles=("admin",))
    target = factory.user(roles=("staff",))
    sign_in(client, admin)
    path = f"/admin/users/{target.id}"
    response = post_form(client, path, {"roles": ["staff", "lead"]}, token_from=path)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, target.id).roles == {Role.STAFF, Role.LEAD}
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "roles.change")).one()
        assert entry.actor_id == admin.id and entry.details == {
            "email": target.email, "before": ["staff"], "after": ["lead", "staff"]}


@pytest.mark.parametrize("roles, error", [([], "Choose at least one role."), (["wizard"], "is not a valid choice")])
def test_bad_role_change_is_refused(app, client, factory, roles, error):
    sign_in(client, factory.user(roles=("admin",)))
    target = factory.user(roles=("staff",))
    path = f"/admin/users/{target.id}"
    response = post_form(client, path, {"roles": roles}, token_from=path)
    assert response.status_code == 422
    assert any(error in text for text in messages(response))
    with app.app_context():
        assert db.session.get(User, target.id).roles == {Role.STAFF}


def test_administrator_cannot_remove_their_own_admin_role(app, client, factory):
    admin = factory.user(roles=("admin",))
    sign_in(client, admin)
    path = f"/admin/users/{admin.id}"
    response = post_form(client, path, {"roles": ["staff"]}, token_from=path)
    assert "You cannot remove your own administrator role." in messages(response)
    assert client.get("/admin/").status_code == 200


def test_unknown_account_is_not_found(client, factory):
    sign_in(client, factory.user(roles=("admin",)))
    assert client.get("/admin/users/999999").status_code == 404
