"""Certificates: issued once, rendered once, verifiable by code, and limited lookups."""
import io
import re

import pytest

from portal.extensions import db
from portal.learning import codes
from portal.learning.models import Certificate, CertificateFile
from tests.conftest import page, post_form, sign_in, take_quiz


def test_passing_issues_one_certificate_with_its_pdf_kept(app, factory, content):
    person = factory.user(name="Amira Tremblay", language="fr")
    quiz = take_quiz(app, person.id, "service-promise", "right")
    with app.app_context():
        (certificate,) = db.session.scalars(db.select(Certificate)).all()
        assert (certificate.user_id, certificate.score, certificate.language) == (person.id, 100, "fr")
        stored = db.session.scalars(db.select(CertificateFile)).all()
    assert [(kept.certificate_id, kept.language) for kept in stored] == [(certificate.id, "fr")]
    assert stored[0].pdf.startswith(b"%PDF") and quiz.code == certificate.code


def test_a_download_is_served_without_rendering_again(app, client, factory, content, monkeypatch):
    person = factory.user()
    quiz = take_quiz(app, person.id, "service-promise", "right")

    def refuse(*_args, **_kwargs):
        raise AssertionError("the certificate was rendered again")

    monkeypatch.setattr("portal.learning.operations.render_certificate", refuse)
    sign_in(client, person)
    response = client.get(f"/certificates/{quiz.certificate_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with app.app_context():
        assert response.data == db.session.get(CertificateFile, (quiz.certificate_id, "en")).pdf


def test_the_pdf_is_tagged_and_in_the_learners_language(app, factory, content):
    from pypdf import PdfReader
    import io

    quiz = take_quiz(app, factory.user(name="Élise Gagnon", language="fr").id, "service-promise", "right")
    with app.app_context():
        pdf = db.session.get(CertificateFile, (quiz.certificate_id, "fr")).pdf
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Élise Gagnon" in text and quiz.code in text and "Certificat" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "fr"


def test_only_the_owner_downloads_a_certificate(app, client, factory, content):
    quiz = take_quiz(app, factory.user().id, "service-promise", "right")
    sign_in(client, factory.user())
    assert client.get(f"/certificates/{quiz.certificate_id}.pdf").status_code == 403
    assert client.get("/certificates/99999.pdf").status_code == 404


def test_a_certificate_loaded_in_bulk_is_rendered_on_first_download_and_kept(app, client, factory, content):
    person = factory.user()
    quiz = take_quiz(app, person.id, "service-promise", "right")
    with app.app_context():
        db.session.execute(db.delete(CertificateFile))
        db.session.commit()
    sign_in(client, person)
    first = client.get(f"/certificates/{quiz.certificate_id}.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    with app.app_context():
        assert db.session.get(CertificateFile, (quiz.certificate_id, "en")).pdf == first.data


def pdf_text(pdf: bytes) -> tuple[str, str]:
    """The first page's text, and the document's language."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages[0].extract_text(), reader.trailer["/Root"]["/Lang"]


def test_the_download_follows_the_readers_language_and_each_is_rendered_once(app, client, factory, content,
                                                                               monkeypatch):
    person = factory.user(name="Élise Gagnon")
    quiz = take_quiz(app, person.id, "service-promise", "right")
    sign_in(client, person)
    address = f"/certificates/{quiz.certificate_id}.pdf"
    english = client.get(address)
    assert pdf_text(english.data)[1] == "en" and "Certificate of completion" in pdf_text(english.data)[0]
    post_form(client, "/language", {"language": "fr", "next": "/certificates/"}, token_from="/certificates/")
    french = client.get(address)
    assert french.status_code == 200 and french.headers["Content-Disposition"].endswith(f'-{quiz.code}-fr.pdf"')
    text, language = pdf_text(french.data)
    assert language == "fr" and "Certificat de réussite" in text and "Élise Gagnon" in text and quiz.code in text

    def refuse(*_args, **_kwargs):
        raise AssertionError("the certificate was rendered again")

    monkeypatch.setattr("portal.learning.operations.render_certificate", refuse)
    assert client.get(address).data == french.data
    post_form(client, "/language", {"language": "en", "next": "/certificates/"}, token_from="/certificates/")
    assert client.get(address).data == english.data
    with app.app_context():
        certificate = db.session.get(Certificate, quiz.certificate_id)
        kept = {row.language: row.pdf for row in db.session.scalars(
            db.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))}
    assert kept == {"en": english.data, "fr": french.data}


def test_the_pdf_prints_the_full_verification_address_on_the_portals_host_name(app, client, factory, content,
                                                                               monkeypatch):
    """Built from SERVER_NAME, whatever host name the request that renders it came in by."""
    person = factory.user(language="fr")
    quiz = take_quiz(app, person.id, "service-promise", "right")
    sign_in(client, person)
    post_form(client, "/language", {"language": "en", "next": "/certificates/"}, token_from="/certificates/")
    monkeypatch.setitem(app.config, "SERVER_NAME", "portal.example.org")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["portal.example.org", "localhost"])
    response = client.get(f"/certificates/{quiz.certificate_id}.pdf", base_url="http://localhost")
    text, language = pdf_text(response.data)
    assert language == "en" and "Anyone can check that this certificate is genuine" in text
    assert f"https://portal.example.org/certificates/verify/{quiz.code}" in "".join(text.split())


def test_verify_says_who_and_what_for_a_genuine_code(app, client, factory, content):
    quiz = take_quiz(app, factory.user(name="Kwame Okafor").id, "service-promise", "right")
    sign_in(client, factory.user())
    typed = quiz.code.lower().replace("-", " ")
    response = client.get("/certificates/verify", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificates/verify/{quiz.code}")
    soup = page(client.get(f"/certificates/verify/{quiz.code}"))
    verdict = soup.select_one(".verdict-box").get_text(" ", strip=True)
    assert "genuine" in verdict and "Kwame Okafor" in verdict and "The Service Promise" in verdict
    assert "Score" not in verdict and "100" not in verdict


def test_verify_says_clearly_when_a_code_is_not_genuine(client, factory, content):
    sign_in(client, factory.user(language="fr"))
    response = client.get("/certificates/verify/ABCD-EFGH-JKMN-PQRS")
    assert response.status_code == 404
    assert "Aucun certificat" in page(response).select_one(".verdict-box").get_text() or \
        "aucun" in page(response).select_one(".verdict-box").get_text().lower()
    malformed = client.get("/certificates/verify", query_string={"code": "12"})
    assert malformed.status_code == 422 and page(malformed).select_one(".error-summary")


def test_anyone_can_check_a_certificate_without_signing_in(app, client, factory, content):
    quiz = take_quiz(app, factory.user(name="Kwame Okafor").id, "service-promise", "right")
    typed = client.get("/certificates/verify", query_string={"code": quiz.code.lower()})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/certificates/verify/{quiz.code}")
    response = client.get(f"/certificates/verify/{quiz.code}")
    assert response.status_code == 200
    verdict = page(response).select_one(".verdict-box")
    assert verdict.h2.get_text(strip=True) == "This certificate is genuine"
    facts = {term.get_text(strip=True): term.find_next_sibling("dd").get_text(" ", strip=True)
             for term in verdict.select("dt")}
    assert list(facts) == ["Issued to", "Module", "Version", "Passed on"]
    assert facts["Issued to"] == "Kwame Okafor" and facts["Module"] == "The Service Promise"
    assert facts["Version"] == "1.0" and re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", facts["Passed on"])
    assert "%" not in page(response).select_one("main").get_text() and "Score" not in verdict.get_text()
    assert client.get("/certificates/verify/ABCD-EFGH-JKMN-PQRS").status_code == 404


def test_lookups_are_rate_limited_per_client_address(app, factory, content, monkeypatch):
    """Signed in or not, lookups from one address share its allowance; another address has its own."""
    monkeypatch.setitem(app.config, "CERTIFICATE_LOOKUP_LIMIT", "3 per minute")
    visitor, member, elsewhere = (app.test_client() for _ in range(3))
    for client, address in ((visitor, "10.0.0.1"), (member, "10.0.0.1"), (elsewhere, "10.0.0.2")):
        client.environ_base["REMOTE_ADDR"] = address
    sign_in(member, factory.user())
    codes_tried = iter(f"ABCD-EFGH-JKMN-PQR{char}" for char in "STVWXYZ")
    statuses = [visitor.get(f"/certificates/verify/{next(codes_tried)}").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert member.get(f"/certificates/verify/{next(codes_tried)}").status_code == 429
    assert member.get("/learning/").status_code == 200
    assert elsewhere.get(f"/certificates/verify/{next(codes_tried)}").status_code == 404


def test_codes_are_long_random_and_read_back_in_any_form():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", code) for code in made)
    assert not set("01OIL") & set("".join(made))
    code = next(iter(made))
    assert codes.normalise_code(f"  {code.lower().replace('-', '')} ") == code
    assert codes.normalise_code("ABCD-EFGH") is None and codes.normalise_code("0000-0000-0000-0000") is None


def test_my_certificates_lists_mine_only(app, client, factory, content):
    mine = factory.user()
    take_quiz(app, mine.id, "service-promise", "right")
    take_quiz(app, factory.user().id, "code-of-conduct", "right")
    sign_in(client, mine)
    rows = page(client.get("/certificates/")).select("tbody tr")
    assert [row.th.get_text(" ", strip=True) for row in rows] == ["The Service Promise 1.0"]


@pytest.mark.parametrize("language, expected", [("en", "You have no certificate yet"),
                                                ("fr", "aucun certificat")])
def test_no_certificate_yet_is_explained(client, factory, content, language, expected):
    sign_in(client, factory.user(language=language))
    assert expected.lower() in page(client.get("/certificates/")).get_text(" ").lower()


def test_a_certificate_issued_by_a_command_without_server_name_is_rendered_on_first_download(app, client, factory,
                                                                                              content):
    """Outside a request the verification address can be built only from SERVER_NAME; without it (the demo in
    development) the certificate is issued at once and its PDF made when it is first downloaded."""
    import random

    from portal.auth.models import User
    from portal.learning.grading import right_keys
    from portal.learning.operations import start_attempt, submit_attempt
    from portal.learning.queries import current_modules

    person = factory.user()
    assert app.config["SERVER_NAME"] is None
    with app.app_context():
        user = db.session.get(User, person.id)
        module = current_modules()["service-promise"]
        attempt = start_attempt(user, module, random.Random(1))
        submit_attempt(user, attempt, module, {drawn.position: sorted(right_keys(module, drawn))
                                               for drawn in attempt.questions}, "en")
        db.session.commit()
        certificate = db.session.scalars(db.select(Certificate)).one()
        assert db.session.get(CertificateFile, (certificate.id, certificate.language)) is None
        certificate_id, code = certificate.id, certificate.code
    sign_in(client, person)
    response = client.get(f"/certificates/{certificate_id}.pdf")
    assert response.status_code == 200 and f"/certificates/verify/{code}" in "".join(pdf_text(response.data)[0].split())
