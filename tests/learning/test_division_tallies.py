"""Division learning tallies: kept with every change, they always equal a count from the rows themselves."""
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from portal.auth.models import Division, User, UserRole
from portal.extensions import db
from portal.learning import division_tallies
from portal.learning.models import LearningDue, LearningTally
from portal.learning.queries import current_modules
from portal.security import Role
from tests.conftest import take_quiz

TODAY = date.today()


def _division_ids() -> list[int]:
    return list(db.session.scalars(select(Division.id).order_by(Division.id)))


def _from_rows(modules, ids, today) -> dict[int, dict[str, int]]:
    """What the report would show if it counted from the rows, in the shape read_divisions gives."""
    due_names = [division_tallies.module_key(module) for module in modules.values()]
    due_names.append(division_tallies.anyone_due_name(modules))
    return {division_id: dict(counted.figures, **{f"overdue:{name}": counted.overdue(name, today) for name in due_names})
            for division_id, counted in division_tallies.count_divisions(modules, ids).items()}


def assert_tallies_match_rows(app, *days: date) -> None:
    with app.app_context():
        modules, ids = current_modules(), _division_ids()
        assert db.session.scalar(select(LearningTally.count).limit(1)) is not None, "nothing was tallied"
        for today in days or (TODAY,):
            assert division_tallies.read_divisions(modules, ids, today) == _from_rows(modules, ids, today)


def test_tallies_follow_quizzes_roles_moves_and_departures(app, factory, content):
    long_ago, recently = TODAY - timedelta(days=200), TODAY - timedelta(days=5)
    passer = factory.user(division="CXD", start_date=long_ago)
    failer = factory.user(division="CXD", start_date=long_ago)
    newcomer = factory.user(division="PFR", start_date=recently)
    lead = factory.user(roles=("staff", "lead"), division="PFR", start_date=long_ago)
    joiner = factory.user(roles=("lead",), division="PFR", start_date=long_ago)
    take_quiz(app, passer.id, "service-promise", "right")
    take_quiz(app, failer.id, "service-promise", "wrong")
    take_quiz(app, newcomer.id, "service-standards", "none")
    assert_tallies_match_rows(app, TODAY, TODAY + timedelta(days=30), TODAY + timedelta(days=400))

    with app.app_context():
        cxd = db.session.scalar(select(Division.id).where(Division.code == "CXD"))
        figures = division_tallies.read_divisions(current_modules(), [cxd], TODAY)[cxd]
        promise = division_tallies.module_key(current_modules()["service-promise"])
        assert (figures[f"staff:{promise}"], figures[f"completed:{promise}"], figures[f"overdue:{promise}"]) == (2, 1, 1)
        assert (figures[f"submitted:{promise}"], figures[f"passed:{promise}"], figures[f"first_passed:{promise}"]) == (2, 1, 1)

        moved = db.session.get(User, failer.id)
        moved.division_id = db.session.scalar(select(Division.id).where(Division.code == "PFR"))
        db.session.get(User, lead.id).role_rows = [UserRole(role=Role.LEAD)]
        db.session.commit()
    assert_tallies_match_rows(app, TODAY)
    with app.app_context():
        joining = db.session.get(User, joiner.id)
        joining.role_rows.append(UserRole(role=Role.STAFF))
        db.session.commit()
    assert_tallies_match_rows(app, TODAY)
    with app.app_context():
        db.session.get(User, newcomer.id).start_date = long_ago
        db.session.commit()
    assert_tallies_match_rows(app, TODAY, TODAY + timedelta(days=30))

    take_quiz(app, failer.id, "service-promise", "right", seed=2)
    with app.app_context():
        db.session.get(User, passer.id).active = False
        db.session.commit()
    assert_tallies_match_rows(app, TODAY, TODAY + timedelta(days=30))


def test_days_already_past_are_kept_as_one_row_and_still_count_later(app, factory, content):
    for days_ago in (400, 300, 200, 100, 20, 1):
        factory.user(division="CXD", start_date=TODAY - timedelta(days=days_ago))
    with app.app_context():
        past = db.session.scalars(select(LearningDue.due_on).where(LearningDue.due_on < TODAY)).all()
        assert past and set(past) == {TODAY - timedelta(days=1)}
    assert_tallies_match_rows(app, TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=90))


def test_reports_read_the_kept_figures_and_count_a_division_never_tallied(app, factory, content):
    factory.user(division="CXD", start_date=TODAY - timedelta(days=100))
    with app.app_context():
        modules, ids = current_modules(), _division_ids()
        counted = division_tallies.read_divisions(modules, ids, TODAY)
        promise = division_tallies.module_key(modules["service-promise"])
        db.session.execute(update(LearningTally).where(LearningTally.name == f"staff:{promise}").values(count=999))
        db.session.execute(update(LearningDue).where(LearningDue.name == promise).values(count=77))
        kept = division_tallies.read_divisions(modules, ids, TODAY)
        cxd = db.session.scalar(select(Division.id).where(Division.code == "CXD"))
        assert (kept[cxd][f"staff:{promise}"], kept[cxd][f"overdue:{promise}"]) == (999, 77)
        db.session.execute(delete(LearningTally))
        db.session.execute(delete(LearningDue))
        assert division_tallies.read_divisions(modules, ids, TODAY) == counted
        db.session.rollback()
