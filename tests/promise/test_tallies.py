"""The counts the attestation reports read are kept with every change and always equal a fresh count."""
import threading

from portal.auth.models import User
from portal.extensions import db
from portal.promise.models import DivisionTally, DocumentKind
from portal.promise.operations import attest
from portal.promise.queries import count_division_attestations, current_versions, division_summary
from tests.promise.test_attestation import publish


def kept_and_counted(app):
    with app.app_context():
        versions = current_versions()
        return division_summary(versions), count_division_attestations(versions)


def tallies(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(DivisionTally))


def attest_as(app, user_id: int, kinds=tuple(DocumentKind)) -> None:
    with app.test_request_context(method="POST"):
        user = db.session.get(User, user_id)
        versions = current_versions()
        for kind in kinds:
            attest(user, versions[kind], "en")
        db.session.commit()


def test_attesting_keeps_the_counts(app, factory, content):
    people = [factory.user(division="CXD") for _ in range(3)]
    attest_as(app, people[0].id)
    attest_as(app, people[1].id, [DocumentKind.PROMISE])
    kept, counted = kept_and_counted(app)
    assert tallies(app) > 0
    assert kept == counted
    (cxd,) = [summary for summary in kept if summary.division.code == "CXD"]
    assert (cxd.staff, cxd.attested[DocumentKind.PROMISE], cxd.attested_all) == (3, 2, 1)


def test_leaving_moving_and_joining_keep_the_counts(app, factory, content):
    pfr = factory.division("PFR")
    people = [factory.user(division="CXD") for _ in range(3)]
    for person in people:
        attest_as(app, person.id)
    with app.app_context():
        first, second = db.session.get(User, people[0].id), db.session.get(User, people[1].id)
        first.active = False
        second.division_id = pfr
        db.session.commit()
    factory.user(division="PFR")
    kept, counted = kept_and_counted(app)
    assert kept == counted
    by_code = {summary.division.code: (summary.staff, summary.attested_all) for summary in kept}
    assert by_code == {"CXD": (1, 1), "PFR": (2, 1)}


def test_a_major_version_starts_the_counts_again(app, factory, content, tmp_path):
    person = factory.user(division="CXD")
    attest_as(app, person.id)
    publish(app, tmp_path, "promise", "3.0", "major")
    kept, counted = kept_and_counted(app)
    assert kept == counted
    assert kept[0].attested[DocumentKind.PROMISE] == 0 and kept[0].attested_all == 0
    publish(app, tmp_path, "standards", "2.1", "minor")
    kept, counted = kept_and_counted(app)
    assert kept == counted and kept[0].attested[DocumentKind.STANDARDS] == 1


def test_attestations_at_the_same_moment_in_one_division_are_all_counted(app, factory, content):
    people = [factory.user(division="CXD") for _ in range(8)]
    errors = []

    def attest_everything(user_id):
        try:
            attest_as(app, user_id)
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=attest_everything, args=(person.id,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kept, counted = kept_and_counted(app)
    assert kept == counted
    assert kept[0].attested_all == 8


def test_the_report_reads_kept_counts_in_two_statements(app, factory, content, count_statements):
    for index in range(5):
        factory.user(division=("CXD", "PFR")[index % 2])
    with app.app_context():
        versions = current_versions()
        with count_statements() as counted:
            division_summary(versions)
    assert counted.count == 2
