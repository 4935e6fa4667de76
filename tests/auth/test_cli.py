import pytest

from portal.audit import AuditEntry
from portal.auth.models import Division, User
from portal.demo import CITY_SIZE
from portal.extensions import db
from portal.security import Role


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_import_divisions_from_csv(app, cli, tmp_path):
    source = tmp_path / "divisions.csv"
    source.write_text("code,name_en,name_fr\nCXD,Customer Experience,Expérience client\nTW,Toronto Water,Eau\n",
                      encoding="utf-8")
    result = cli("divisions", "import", str(source))
    assert result.exit_code == 0 and "2 created, 0 updated" in result.output
    source.write_text("code,name_en,name_fr\nCXD,Customer Experience Division,Expérience client\n", encoding="utf-8")
    assert "0 created, 1 updated" in cli("divisions", "import", str(source)).output


@pytest.mark.parametrize("text, problem", [
    ("code,name\nCXD,Customer\n", "header must name the columns"),
    ("code,name_en,name_fr\nCXD,,Expérience\n", "line 2: code, name_en and name_fr are all required"),
    ("code,name_en,name_fr\nCXD,A,B\nCXD,C,D\n", "line 3: division code CXD appears twice"),
])
def test_bad_division_file_imports_nothing(app, cli, tmp_path, text, problem):
    source = tmp_path / "divisions.csv"
    source.write_text(text, encoding="utf-8")
    result = cli("divisions", "import", str(source))
    assert result.exit_code != 0 and problem in result.output and "nothing was imported" in result.output
    assert count(app, Division) == 0


def test_missing_division_file_is_reported(app, cli, tmp_path):
    result = cli("divisions", "import", str(tmp_path / "absent.csv"))
    assert result.exit_code != 0 and "cannot be read" in result.output


def test_create_user_with_roles_and_division(app, cli, factory):
    factory.division("CXD")
    result = cli("users", "create", "--email", "Lead@Example.org", "--name", "Lee Lead", "--roles",
                 "staff,lead", "--division", "CXD", "--start-date", "2026-01-05", "--language", "fr",
                 input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        assert (user.email, user.roles, user.division.code, user.language) == (
            "lead@example.org", {Role.STAFF, Role.LEAD}, "CXD", "fr")
        assert db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
            "users.create", "roles.change"]


@pytest.mark.parametrize("options, problem", [
    (["--roles", "staff,wizard"], "unknown role(s): wizard"),
    (["--division", "NOPE"], "there is no division with code NOPE"),
    (["--start-date", "05/01/2026"], "is not a date"),
    (["--email", "not-an-address"], "is not an e-mail address"),
])
def test_create_user_refuses_bad_input(app, cli, options, problem):
    base = {"--email": "someone@example.org", "--name": "Someone"}
    for flag, value in zip(options[::2], options[1::2]):
        base[flag] = value
    args = [item for pair in base.items() for item in pair]
    result = cli("users", "create", *args, input="a long enough password\na long enough password\n")
    assert result.exit_code != 0 and problem in result.output
    assert count(app, User) == 0


def test_create_user_refuses_a_short_password_and_a_duplicate(app, cli, factory):
    short = cli("users", "create", "--email", "a@example.org", "--name", "A", input="short\nshort\n")
    assert short.exit_code != 0 and "Use at least 12 characters." in short.output
    existing = factory.user()
    dup = cli("users", "create", "--email", existing.email, "--name", "B",
              input="a long enough password\na long enough password\n")
    assert dup.exit_code != 0 and "already exists" in dup.output


def test_set_roles_from_the_command_line(app, cli, factory):
    user = factory.user()
    result = cli("users", "roles", user.email, "steward,staff")
    assert result.exit_code == 0 and "staff, steward" in result.output
    assert "unknown role" in cli("users", "roles", user.email, "emperor").output
    assert "there is no account" in cli("users", "roles", "nobody@example.org", "staff").output


def test_demo_load_twice_keeps_existing_data(app, cli):
    first = cli("demo", "load")
    assert first.exit_code == 0 and "steward@example.org" in first.output
    users, divisions = count(app, User), count(app, Division)
    assert cli("demo", "load").exit_code == 0
    assert (count(app, User), count(app, Division)) == (users, divisions) == (6 + CITY_SIZE, 40)


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_demo_load_is_refused_outside_development_and_test(app, database_url, environment):
    from tests.conftest import settings_for_tests
    from portal import create_app

    live = create_app(settings_for_tests(database_url, ENVIRONMENT=environment))
    result = live.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1] == (
        f"Error: the demo accounts (an administrator among them, with a published password) are loaded only with "
        f"PORTAL_ENV=development or test, not {environment}; nothing was loaded")
    assert (count(app, User), count(app, Division)) == (0, 0)
