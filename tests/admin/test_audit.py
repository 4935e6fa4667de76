import re
from datetime import datetime

import pytest

from portal.audit import AuditEntry, record
from portal.auth.models import User
from portal.database import ImmutableRowError
from portal.extensions import db
from portal.security import Role
from tests.conftest import messages, page, post_form, sign_in


def actions(app) -> list[str]:
    with app.app_context():
        return [entry.action for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def log_rows(response) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page(response).select("tbody tr")]


def test_administrator_reads_the_audit_log_in_words(app, client, factory, content):
    admin = factory.user(roles=("admin",), name="Ada Admin")
    target = factory.user(name="Tess Target")
    post_form(app.test_client(), "/login", {"email": admin.email, "password": "wrong password 1"})
    sign_in(client, admin)
    path = f"/admin/users/{target.id}"
    post_form(client, path, {"roles": ["staff", "lead"]}, token_from=path)
    response = client.get("/admin/")
    rows = log_rows(response)
    actions = [row[2] for row in rows]
    assert actions[:4] == ["Roles changed", "Signed in", "Sign-in failed", "Indicators loaded"]
    assert "Award programme loaded" in actions
    indicators = next(row for row in rows if row[2] == "Indicators loaded")
    assert indicators[3] == "Adoption indicators"
    assert "Module version published" in actions
    modules = {row[3] for row in rows if row[2] == "Module version published"}
    assert "The Code of Conduct and staff safety, version 1.0" in modules
    assert "Document version published" in [row[2] for row in rows]
    assert rows[0][1] == f"Ada Admin {admin.email}"
    assert rows[0][3] == f"Tess Target ({target.email})"
    assert page(response).select("tbody tr")[0].find_all("td")[3].a["href"] == path
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, 20\d\d, \d{1,2}:\d\d [ap]\.m\. E[SD]T", rows[0][0])


def test_programmes_cycles_and_nominations_are_named_in_words(app, client, factory):
    admin = factory.user(roles=("admin",), name="Ada Admin")
    sign_in(client, admin)
    with app.app_context():
        from portal.recognition.operations import sync_programmes
        from portal.recognition.source import load_programmes

        sync_programmes(load_programmes(app.config["CONTENT_DIR"]))
        record("recognition.cycle_open", "cycle:3")
        record("recognition.nomination_start", "nomination:12")
        db.session.commit()
    rows = log_rows(client.get("/admin/"))
    subjects = [row[3] for row in rows]
    assert subjects[:2] == ["Nomination 12", "Award cycle 3"]
    assert "City Manager's Award for Service Excellence" in subjects
    assert not any(subject.startswith(("programme:", "cycle:", "nomination:")) for subject in subjects)
    link = page(client.get("/admin/")).select("tbody tr")[0].find_all("td")[3].a
    assert link["href"] == "/recognition/nominations/12"


@pytest.mark.parametrize("subject", ["nomination:\u00b2", "user:\u0661\u0662", "report:99999999999999999999",
                                     "cycle:2147483648", "user:12\r\n"])
def test_a_subject_with_a_number_no_table_holds_is_shown_as_recorded(app, client, factory, subject):
    sign_in(client, factory.user(roles=("admin",)))
    with app.app_context():
        record("roles.change", subject)
        db.session.commit()
    response = client.get("/admin/")
    assert response.status_code == 200
    assert log_rows(response)[0][3] == subject.strip()


def test_the_log_shows_people_as_they_are_named_now(app, client, factory):
    """The table of a page is kept, but under the names it shows: renaming the actor or the person an entry is
    about shows the new names at once."""
    admin = factory.user(roles=("admin",), name="Ada Admin")
    target = factory.user(name="Tess Target")
    sign_in(client, admin)
    with app.app_context():
        record("roles.change", f"user:{target.id}", actor_id=admin.id)
        db.session.commit()
    assert log_rows(client.get("/admin/"))[0][1:4] == [f"Ada Admin {admin.email}", "Roles changed",
                                                       f"Tess Target ({target.email})"]
    with app.app_context():
        db.session.get(User, target.id).full_name = "Tess Renamed"
        db.session.commit()
    assert log_rows(client.get("/admin/"))[0][3] == f"Tess Renamed ({target.email})"
    with app.app_context():
        db.session.get(User, admin.id).full_name = "Ada Renamed"
        db.session.commit()
    assert log_rows(client.get("/admin/"))[0][1] == f"Ada Renamed {admin.email}"


def test_the_log_filters_by_kind_person_and_dates(app, client, factory):
    admin = factory.user(roles=("admin",), name="Ada Admin")
    other = factory.user(name="Olga Other")
    sign_in(app.test_client(), other)
    sign_in(client, admin)
    with app.app_context():
        db.session.add(AuditEntry(action="auth.sign_in", subject="old@example.org",
                                  occurred_at=datetime(2025, 3, 10, 15, 0)))
        db.session.commit()
    kinds = [row[2] for row in log_rows(client.get("/admin/?action=auth.sign_in"))]
    assert kinds == ["Signed in"] * 3
    assert [row[1] for row in log_rows(client.get("/admin/?person=olga"))] == [f"Olga Other {other.email}"]
    with app.app_context():
        record("roles.change", f"user:{other.id}", actor_id=admin.id)
        db.session.commit()
    about_olga = log_rows(client.get("/admin/?person=olga"))
    assert [row[2] for row in about_olga] == ["Roles changed", "Signed in"]
    dated = log_rows(client.get("/admin/?start=2025-03-10&end=2025-03-10"))
    assert [row[3] for row in dated] == ["old@example.org"]
    empty = client.get("/admin/?start=2024-01-01&end=2024-01-02")
    assert "No entry matches these filters." in page(empty).get_text()


@pytest.mark.parametrize("query, error", [
    ("action=no.such.thing", "There is no entry of that kind."),
    ("start=2025-13-45", "Not a valid date value."),
    ("start=2025-05-02&end=2025-05-01", "The end date must be on or after the start date."),
    ("start=0001-01-01", "Enter a date between 2000 and 2100."),
])
def test_a_bad_filter_is_explained_and_everything_is_shown(client, factory, query, error):
    sign_in(client, factory.user(roles=("admin",)))
    response = client.get(f"/admin/?{query}")
    assert response.status_code == 422
    assert any(error in text for text in messages(response))
    assert log_rows(response)


def test_the_log_exports_as_csv_with_the_same_filters(app, client, factory):
    admin = factory.user(roles=("admin",), name="=HYPERLINK(\"http://evil.example\")")
    sign_in(client, admin)
    sign_in(app.test_client(), factory.user(name="Someone Else"))
    response = client.get("/admin/audit.csv?person=hyperlink")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("When (UTC),Who,E-mail address,What")
    assert len(lines) == 2 and "'=HYPERLINK" in lines[1] and "Signed in" in lines[1]


def test_an_empty_log_says_so(app, client, factory):
    sign_in(client, factory.user(roles=("admin",)))
    with app.app_context():
        db.session.execute(db.delete(AuditEntry).execution_options(synchronize_session=False))
        db.session.commit()
    assert "The audit log is empty." in page(client.get("/admin/")).get_text()


def test_audit_entries_cannot_be_changed_or_deleted(app, factory):
    factory.user()
    with app.test_request_context():
        from portal.audit import record

        entry = db.session.get(AuditEntry, record("test.entry", "subject"))
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
