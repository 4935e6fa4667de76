"""The signed-in account read as one plain row and made into the session's User."""
from portal.auth.operations import set_roles
from portal.auth.session import signed_in_user
from portal.extensions import db
from portal.security import Role


def test_the_account_comes_with_its_roles_and_loads_its_division_when_asked(app, factory):
    person = factory.user(roles=("staff", "lead"), division="CXD")
    with app.app_context():
        user = signed_in_user(person.id)
        assert user.roles == {Role.STAFF, Role.LEAD}
        assert user in db.session and signed_in_user(person.id) is user
        assert user.division.code == "CXD"
        assert signed_in_user(person.id + 1000) is None


def test_a_change_of_roles_shows_in_the_same_request_and_after_its_commit(app, factory):
    person = factory.user(roles=("staff", "admin"))
    with app.app_context():
        user = signed_in_user(person.id)
        assert user.can("users.manage")
        set_roles(user, {Role.STAFF}, actor_id=user.id)
        assert not user.can("users.manage")
        db.session.commit()
        assert user.roles == {Role.STAFF}


def test_a_change_to_the_account_is_written_like_any_other(app, factory):
    person = factory.user(name="Before Rename")
    with app.app_context():
        signed_in_user(person.id).full_name = "After Rename"
        db.session.commit()
    with app.app_context():
        assert signed_in_user(person.id).full_name == "After Rename"


def test_roles_given_through_the_rows_show_after_the_commit(app, factory):
    from portal.auth.models import UserRole

    person = factory.user(roles=("staff",))
    with app.app_context():
        user = signed_in_user(person.id)
        user.role_rows.append(UserRole(role=Role.STEWARD))
        db.session.commit()
        assert user.can("attestation.report_all")
