import shutil

import pytest

from portal.audit import AuditEntry
from portal.extensions import db
from portal.promise.models import Attestation, DocumentVersion
from portal.promise.operations import sync_content
from tests.conftest import messages, page, post_form, sign_in


def attest(client, slug="promise"):
    return post_form(client, f"/{slug}/attest", {"confirm": "y"}, token_from=f"/{slug}")


def publish(app, tmp_path, slug, version, change):
    copy = tmp_path / "content"
    if not copy.exists():
        shutil.copytree(app.config["CONTENT_DIR"], copy)
    for language in ("en", "fr"):
        path = copy / slug / f"{language}.md"
        text = path.read_text(encoding="utf-8")
        current = text.split('version: "', 1)[1].split('"', 1)[0]
        text = text.replace(f'version: "{current}"', f'version: "{version}"', 1)
        text = text.replace("change: major", f"change: {change}", 1).replace("change: minor", f"change: {change}", 1)
        path.write_text(text + f"\nRevised for {version}.\n", encoding="utf-8")
    with app.app_context():
        sync_content(copy)
        db.session.commit()


def test_document_page_shows_version_date_and_change_summary(client, factory, content):
    sign_in(client, factory.user())
    soup = page(client.get("/promise"))
    assert soup.h1.get_text() == "City-wide Service Promise"
    meta = soup.select_one(".document-meta").get_text(" ", strip=True)
    assert "2.0" in meta and "July 1, 2024" in meta and "consultation with staff in 40 divisions" in meta
    assert len(soup.select(".document-body ol li")) == 6


def test_french_reader_sees_the_french_text_and_dates(client, factory, content):
    sign_in(client, factory.user(language="fr"))
    soup = page(client.get("/standards"))
    assert soup.html["lang"] == "fr"
    assert soup.h1.get_text() == "Normes de service à l'échelle de la Ville"
    assert "1 juillet 2024" in soup.select_one(".document-meta").get_text() or \
        "1er juillet 2024" in soup.select_one(".document-meta").get_text()


def test_attestation_records_user_version_language_and_time(app, client, factory, content):
    user = factory.user(language="fr")
    sign_in(client, user)
    response = attest(client, "code-of-conduct")
    assert response.status_code == 302
    assert "Merci" in messages(client.get("/code-of-conduct"))[0]
    with app.app_context():
        (record,) = db.session.scalars(db.select(Attestation)).all()
        assert (record.user_id, record.version.document.slug, record.version.label, record.language) == \
            (user.id, "code-of-conduct", "1.0", "fr")
        assert record.attested_at is not None
        audit = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "attestation.create")).one()
        assert audit.subject == "document:code-of-conduct@1.0" and audit.actor_id == user.id


def test_attesting_requires_the_confirmation_and_changes_nothing_without_it(app, client, factory, content):
    sign_in(client, factory.user())
    response = post_form(client, "/promise/attest", {}, token_from="/promise")
    assert response.status_code == 422
    assert "Tick the box to confirm that you have read the document." in messages(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attestation.id))) == 0


def test_attesting_twice_keeps_one_record_and_answers_normally(app, client, factory, content):
    sign_in(client, factory.user())
    first = attest(client)
    second = attest(client)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attestation.id))) == 1


def test_home_lists_what_is_left_to_do(client, factory, content):
    sign_in(client, factory.user())
    tasks = [link.get_text() for link in page(client.get("/")).select(".task-list a")]
    assert len(tasks) == 3 and "Service Promise" in tasks[0]
    modules = [link.get_text() for link in page(client.get("/")).select(".module-tasks a")]
    assert modules == ["The Service Promise", "The Service Standards in practice", "The Code of Conduct and staff safety"]
    for slug in ("promise", "standards", "code-of-conduct"):
        attest(client, slug)
    soup = page(client.get("/"))
    assert soup.select(".task-list a") == []
    assert "You are up to date" in soup.get_text()


def test_a_major_version_asks_again_and_a_minor_one_does_not(app, client, factory, content, tmp_path):
    sign_in(client, factory.user())
    attest(client, "promise")
    publish(app, tmp_path, "promise", "2.1", "minor")
    assert "You attested to version 2.0" in page(client.get("/promise")).get_text()
    assert not any("Service Promise" in a.get_text() for a in page(client.get("/")).select(".task-list a"))
    publish(app, tmp_path, "promise", "3.0", "major")
    soup = page(client.get("/promise"))
    assert soup.select_one("form[action='/promise/attest']") is not None
    assert any("version 3.0" in a.get_text() for a in page(client.get("/")).select(".task-list a"))


def test_history_lists_every_version_and_each_can_be_read(app, client, factory, content, tmp_path):
    publish(app, tmp_path, "standards", "2.1", "minor")
    sign_in(client, factory.user())
    rows = page(client.get("/standards/history")).select("tbody tr")
    assert [row.th.a.get_text() for row in rows] == ["2.1", "2.0"]
    old = page(client.get("/standards/versions/2.0"))
    assert "Revised for 2.1" not in old.get_text()
    assert client.get("/standards/versions/7.7").status_code == 404


@pytest.fixture
def city(factory, content):
    """Two divisions: CXD with three staff, PFR with two; one CXD person attested to everything."""
    people = {
        "cxd": [factory.user(division="CXD", name=f"CXD {i}") for i in range(3)],
        "pfr": [factory.user(division="PFR", name=f"PFR {i}") for i in range(2)],
        "lead": factory.user(roles=("staff", "lead"), division="CXD", name="CXD Lead"),
        "steward": factory.user(roles=("staff", "steward"), division=None, name="Steward"),
    }
    return people


def test_steward_sees_percent_attested_in_every_division(app, client, city):
    done = app.test_client()
    sign_in(done, city["cxd"][0])
    for slug in ("promise", "standards", "code-of-conduct"):
        attest(done, slug)
    sign_in(client, city["steward"])
    rows = {row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page(client.get("/attestation/")).select("tbody tr")}
    assert rows["Division CXD"] == ["4", "25 % (1/4)", "25 % (1/4)", "25 % (1/4)", "25 % (1/4)"]
    assert rows["Division PFR"] == ["2", "0 % (0/2)", "0 % (0/2)", "0 % (0/2)", "0 % (0/2)"]


def test_lead_sees_only_their_own_division(client, city):
    sign_in(client, city["lead"])
    rows = page(client.get("/attestation/")).select("tbody tr th")
    assert [row.get_text(strip=True) for row in rows] == ["Division CXD"]
    assert client.get("/attestation/PFR").status_code == 403
    assert client.get("/attestation/NOPE").status_code == 404
    names = [row.th.get_text() for row in page(client.get("/attestation/CXD")).select("tbody tr")]
    assert names == ["CXD 0", "CXD 1", "CXD 2", "CXD Lead"]


def test_outstanding_list_is_paged(app, client, factory, content, monkeypatch):
    for i in range(7):
        factory.user(division="CXD", name=f"Person {i:02d}")
    sign_in(client, factory.user(roles=("steward",), division="PFR"))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    first = page(client.get("/attestation/CXD"))
    third = page(client.get("/attestation/CXD?page=3"))
    assert [row.th.get_text() for row in first.select("tbody tr")] == ["Person 00", "Person 01", "Person 02"]
    assert [row.th.get_text() for row in third.select("tbody tr")] == ["Person 06"]
    assert "Page 3 of 3" in third.get_text()


def statements_per_page(client, count_statements, paths) -> dict[str, int]:
    counts = {}
    for path in paths:
        with count_statements() as counted:
            assert client.get(path).status_code == 200
        counts[path] = counted.count
    return counts


def test_report_pages_do_a_fixed_number_of_queries(app, client, factory, content, count_statements):
    steward = factory.user(roles=("steward",), division="PFR")
    sign_in(client, steward)
    factory.user(division="CXD")
    paths = ("/attestation/", "/attestation/CXD", "/")
    small = statements_per_page(client, count_statements, paths)
    for i in range(40):
        factory.user(division=("CXD", "PFR", "TW")[i % 3])
    assert statements_per_page(client, count_statements, paths) == small


def report_rows(client) -> dict[str, list[str]]:
    return {row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page(client.get("/attestation/")).select("tbody tr")}


def test_inactive_staff_are_not_counted(app, client, factory, content):
    factory.user(division="CXD", active=False)
    factory.user(division="CXD")
    sign_in(client, factory.user(roles=("steward",), division="PFR"))
    assert report_rows(client)["Division CXD"][0] == "1"


def test_all_documents_means_every_document(app, client, factory, content):
    person = factory.user(division="CXD")
    sign_in(client, factory.user(roles=("steward",), division="PFR"))
    other = app.test_client()
    sign_in(other, person)
    attest(other, "promise")
    attest(other, "standards")
    assert report_rows(client)["Division CXD"][-1] == "0 % (0/1)"
    attest(other, "code-of-conduct")
    assert report_rows(client)["Division CXD"][-1] == "100 % (1/1)"


def test_the_page_count_is_right_for_an_exact_multiple_of_the_page_size(app, client, factory, content,
                                                                         monkeypatch):
    from portal.pagination import page_count

    assert [page_count(total, 3) for total in (0, 1, 3, 6, 7)] == [1, 1, 1, 2, 3]
    for i in range(5):
        factory.user(division="CXD", name=f"Person {i:02d}")
    sign_in(client, factory.user(roles=("steward",), division="PFR"))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    last = page(client.get("/attestation/CXD?page=2"))
    assert "Page 2 of 2" in last.get_text()
    assert last.select_one("a[rel=next]") is None


def test_a_lead_without_a_division_sees_no_division(client, factory, content):
    factory.user(division="CXD")
    sign_in(client, factory.user(roles=("staff", "lead"), division=None))
    assert report_rows(client) == {}
    assert "There is no division to show" in page(client.get("/attestation/")).get_text()
    assert client.get("/attestation/CXD").status_code == 403


def test_the_city_report_has_a_total_row_and_sorts_by_rate(app, client, factory, content):
    done = factory.user(division="CXD")
    factory.user(division="CXD")
    factory.user(division="PFR")
    factory.division("EMPTY")
    sign_in(client, factory.user(roles=("steward",), division=None))
    other = app.test_client()
    sign_in(other, done)
    for slug in ("promise", "standards", "code-of-conduct"):
        attest(other, slug)
    soup = page(client.get("/attestation/"))
    total = soup.select_one("tfoot tr")
    assert total.th.get_text(strip=True) == "City-wide"
    assert [cell.get_text(" ", strip=True) for cell in total.find_all("td")][-1] == "33 % (1/3)"
    assert report_rows(client)["Division EMPTY"][1:] == ["no active staff"] * 4
    lowest = [row.th.get_text(strip=True) for row in page(client.get("/attestation/?sort=lowest")).select("tbody tr")]
    highest = [row.th.get_text(strip=True) for row in page(client.get("/attestation/?sort=highest")).select("tbody tr")]
    assert lowest == ["Division PFR", "Division CXD", "Division EMPTY"]
    assert highest == ["Division CXD", "Division PFR", "Division EMPTY"]


def test_a_division_without_active_staff_says_so(client, factory, content):
    factory.user(division="EMPTY", active=False)
    sign_in(client, factory.user(roles=("steward",), division=None))
    text = page(client.get("/attestation/EMPTY")).get_text(" ", strip=True)
    assert "This division has no active staff" in text
    assert "Everyone in this division has attested" not in text and "0 of 0" not in text


def test_both_reports_export_as_csv(app, client, factory, content):
    factory.user(division="CXD", name="=cmd|' /C calc'!A0")
    sign_in(client, factory.user(roles=("steward",), division="PFR"))
    city = client.get("/attestation/export.csv")
    assert city.mimetype == "text/csv" and "attachment" in city.headers["Content-Disposition"]
    lines = city.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Division code,Division,Active staff")
    assert any(line.startswith("CXD,Division CXD,1,0,0,") for line in lines)
    division = client.get("/attestation/CXD/export.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert division[0] == "Name,E-mail address,Start date,Documents not attested"
    assert any(line.startswith("'=cmd|' /C calc'!A0,") for line in division)


def test_a_lead_cannot_export_another_division(client, factory, content):
    factory.division("PFR")
    sign_in(client, factory.user(roles=("staff", "lead"), division="CXD"))
    assert client.get("/attestation/PFR/export.csv").status_code == 403
    lines = client.get("/attestation/export.csv").get_data(as_text=True).splitlines()
    assert len(lines) == 2 and "PFR" not in lines[1]


def test_the_history_says_when_there_is_no_earlier_version(client, factory, content):
    sign_in(client, factory.user())
    assert "There is no earlier version" in page(client.get("/code-of-conduct/history")).get_text()


def test_the_first_version_is_not_called_a_change(app, client, factory, content, tmp_path):
    """Version 2.0 of the Standards is the first the portal published: nothing came before for it to change."""
    publish(app, tmp_path, "standards", "2.1", "minor")
    sign_in(client, factory.user())
    rows = page(client.get("/standards/history")).select("tbody tr")
    assert [row.select("td")[1].get_text(strip=True) for row in rows] == ["Minor change", "First version"]
    for address, shown in (("/standards/versions/2.0", "2.0 (first version)"), ("/standards", "2.1 (Minor change)"),
                           ("/code-of-conduct", "1.0 (first version)")):
        meta = page(client.get(address)).select_one(".document-meta").get_text(" ", strip=True)
        assert shown in meta and "Major change" not in meta, address


def test_after_attesting_the_next_document_is_offered(client, factory, content):
    sign_in(client, factory.user())
    response = attest(client, "promise")
    assert response.headers["Location"].endswith("/promise#attestation")
    nudge = page(client.get("/promise")).select_one(".next-step a")
    assert nudge["href"] == "/standards"
    attest(client, "standards")
    attest(client, "code-of-conduct")
    assert "You have attested to every current document" in page(client.get("/promise")).get_text()


def shares_by_row(client, path: str) -> dict[str, list[str]]:
    return {row.th.get_text(strip=True): [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in page(client.get(path)).select("main tbody tr")}


def test_reports_show_each_new_attestation_at_once(app, client, city):
    sign_in(client, city["steward"])
    before = shares_by_row(client, "/attestation/")["Division CXD"]
    listed = shares_by_row(client, "/attestation/CXD")
    attesting = app.test_client()
    sign_in(attesting, city["cxd"][0])
    for slug in ("promise", "standards", "code-of-conduct"):
        attest(attesting, slug)
    assert before == ["4", "0 % (0/4)", "0 % (0/4)", "0 % (0/4)", "0 % (0/4)"]
    assert shares_by_row(client, "/attestation/")["Division CXD"] == ["4", "25 % (1/4)", "25 % (1/4)", "25 % (1/4)", "25 % (1/4)"]
    assert "CXD 0" in listed and "CXD 0" not in shares_by_row(client, "/attestation/CXD")


def test_the_outstanding_list_counts_two_minor_versions_of_one_document_once(app, client, factory, content,
                                                                              tmp_path):
    """Attesting to 2.0 and then 2.1 of the Promise is one document done, not two: the list still asks for the
    others and never takes the Promise's two attestations for another document's one."""
    sign_in(client, factory.user(name="Twice Promised"))
    attest(client, "promise")
    publish(app, tmp_path, "promise", "2.1", "minor")
    with app.app_context():
        person = db.session.scalar(db.select(Attestation.user_id))
        newest = db.session.scalar(db.select(db.func.max(DocumentVersion.id)))
        db.session.add(Attestation(user_id=person, version_id=newest, language="en"))
        db.session.commit()
    steward = app.test_client()
    sign_in(steward, factory.user(roles=("steward",), division="PFR"))
    rows = {row.th.get_text(): row.select("td")[-1].get_text(" ", strip=True)
            for row in page(steward.get("/attestation/CXD")).select("tbody tr")}
    assert "Twice Promised" in rows
    assert "Service Promise" not in rows["Twice Promised"]
    assert "Service Standards" in rows["Twice Promised"]
    assert "Code of Conduct" in rows["Twice Promised"]


def test_the_city_report_shows_a_change_of_staff_at_once(app, client, city):
    """The city report's table is kept under the attestation tallies' mark: a person who leaves or moves division
    changes the counts on the next request."""
    from portal.auth.models import User

    sign_in(client, city["steward"])
    assert shares_by_row(client, "/attestation/")["Division CXD"][0] == "4"
    with app.app_context():
        db.session.get(User, city["cxd"][0].id).active = False
        db.session.commit()
    assert shares_by_row(client, "/attestation/")["Division CXD"][0] == "3"
    with app.app_context():
        db.session.get(User, city["cxd"][1].id).division_id = db.session.get(User, city["pfr"][0].id).division_id
        db.session.commit()
    rows = shares_by_row(client, "/attestation/")
    assert (rows["Division CXD"][0], rows["Division PFR"][0]) == ("2", "3")


def test_the_division_report_shows_each_change_to_its_list_at_once(app, client, city):
    """The division report is kept under the attestation tallies' mark: an attestation, a rename, a new e-mail
    address, a person leaving or joining shows on the next request."""
    from portal.auth.models import User

    def listed():
        return {row.th.get_text(): row.td.get_text() for row in page(client.get("/attestation/CXD")).select("tbody tr")}

    sign_in(client, city["steward"])
    assert set(listed()) == {"CXD 0", "CXD 1", "CXD 2", "CXD Lead"}
    done = app.test_client()
    sign_in(done, city["cxd"][0])
    for slug in ("promise", "standards", "code-of-conduct"):
        attest(done, slug)
    assert set(listed()) == {"CXD 1", "CXD 2", "CXD Lead"}
    with app.app_context():
        person = db.session.get(User, city["cxd"][1].id)
        person.full_name, person.email = "CXD One Renamed", "renamed@example.org"
        db.session.commit()
    assert listed()["CXD One Renamed"] == "renamed@example.org"
    with app.app_context():
        db.session.get(User, city["cxd"][2].id).active = False
        db.session.get(User, city["pfr"][0].id).division_id = db.session.get(User, city["cxd"][0].id).division_id
        db.session.commit()
    assert set(listed()) == {"CXD One Renamed", "CXD Lead", "PFR 0"}
