"""The inquiry log through the upload page: checked as a whole, imported into figures, or refused with nothing kept."""
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.conftest import adoption_ids, messages, page, post_form, sign_in


@pytest.fixture
def city(app, factory, content):
    lead = factory.user(roles=("staff", "lead"), division="CXD", name="Lee Lead")
    other = factory.user(roles=("staff", "lead"), division="PFR", name="Pat Parks")
    steward = factory.user(roles=("staff", "steward"), division="CMO", name="Stella Steward")
    return lead, adoption_ids(app, lead.id, other.id, steward.id)


def counted(app):
    from portal.adoption.models import ComplianceFigure, Inquiry, InquiryLog

    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (InquiryLog, Inquiry, ComplianceFigure))


def quarter_start() -> date:
    today = date.today()
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def upload(client, ids, data: bytes, name="log.csv", content_type="text/csv"):
    path = f"/adoption/divisions/{ids['division']}/inquiries"
    token = page(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(f"{path}/{ids['period']}/log", data={"csrf_token": token,
                                                            "log": (io.BytesIO(data), name, content_type)},
                       content_type="multipart/form-data")


def good_log() -> bytes:
    day = quarter_start()
    return (f"received_at,acknowledged_at,channel,around_the_clock\n"
            f"{day} 09:00,{day} 10:00,phone,no\n"
            f"{day} 09:30,{day} 11:00,email,no\n").encode()


def test_a_good_log_is_imported_into_figures_by_month_and_channel(app, client, city):
    lead, ids = city
    sign_in(client, lead)
    response = upload(client, ids, good_log())
    assert response.status_code == 302
    assert counted(app) == (1, 2, 2)
    shown = page(client.get(f"/adoption/divisions/{ids['division']}")).get_text(" ", strip=True)
    assert "Phone" in shown and "E-mail" in shown


@pytest.mark.parametrize("data, name, expected", [
    (b"received_at,acknowledged_at,channel,around_the_clock\n2026-13-01 09:00,,phone,no\n", "log.csv", "Line 2"),
    ("received_at,acknowledged_at,channel,around_the_clock\n2026-07-02 09:00,,téléphone,no\n".encode("latin-1"),
     "log.csv", "UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "log.csv", ""),
    (b"received_at,acknowledged_at,channel,around_the_clock\n", "log.xlsx", ".csv"),
    (b"", "log.csv", ""),
])
def test_a_bad_file_is_refused_as_a_whole_with_reasons(app, client, city, data, name, expected):
    lead, ids = city
    sign_in(client, lead)
    upload(client, ids, good_log())
    before = counted(app)
    response = upload(client, ids, data, name)
    assert response.status_code == 422
    summary = page(response).select_one(".error-summary")
    assert summary is not None and expected in summary.get_text(" ", strip=True)
    assert counted(app) == before


def test_inquiries_outside_the_quarter_are_refused(app, client, city):
    lead, ids = city
    sign_in(client, lead)
    response = upload(client, ids, b"received_at,acknowledged_at,channel,around_the_clock\n"
                                   b"2020-01-02 09:00,2020-01-02 10:00,phone,no\n")
    assert response.status_code == 422
    assert any("outside" in message for message in messages(response))
    assert counted(app) == (0, 0, 0)


def test_a_file_too_large_is_refused_before_it_is_read(app, client, city, monkeypatch):
    from portal.adoption import inquiry_log

    lead, ids = city
    monkeypatch.setattr(inquiry_log, "MAX_BYTES", 100)
    sign_in(client, lead)
    response = upload(client, ids, good_log() * 10)
    assert response.status_code == 422 and counted(app) == (0, 0, 0)


def test_a_log_larger_than_other_forms_is_taken_on_its_own_route_only(app, client, city):
    """The log route takes up to the log's own limit; every other form keeps the portal's smaller one."""
    lead, ids = city
    sign_in(client, lead)
    day, rows = quarter_start(), 60_000
    line = f"{day} 00:00,{day} 00:00,phone,no\n"
    data = b"received_at,acknowledged_at,channel,around_the_clock\n" + line.encode() * rows
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    assert upload(client, ids, data).status_code == 302
    assert counted(app)[1] == rows
    path = f"/adoption/reports/{ids['period']}/{ids['division']}"
    bulky = post_form(client, path, {"action": "save", "value-learning-needs": "x" * len(data)}, token_from=path)
    assert bulky.status_code == 413


def test_counts_are_checked_and_replace_the_quarters_figures(app, client, city):
    lead, ids = city
    sign_in(client, lead)
    upload(client, ids, good_log())
    path = f"/adoption/divisions/{ids['division']}/inquiries/{ids['period']}/counts"
    token_from = f"/adoption/divisions/{ids['division']}/inquiries"
    for fields, expected in (({"received-0-phone": "-4"}, "whole number"),
                             ({"received-0-phone": "lots"}, "whole number"),
                             ({"received-0-phone": "10", "within-0-phone": "12"}, "More inquiries acknowledged"),
                             ({}, "at least one month")):
        response = post_form(client, path, fields, token_from=token_from)
        assert response.status_code == 422
        assert any(expected in message for message in messages(response)), messages(response)
        assert counted(app) == (1, 2, 2)
    response = post_form(client, path, {"received-0-phone": "40", "within-0-phone": "36", "received-1-mail": "3"},
                         token_from=token_from)
    assert response.status_code == 302
    assert counted(app) == (2, 0, 2)


def test_staff_who_are_not_the_divisions_lead_cannot_upload(app, client, city, factory):
    _lead, ids = city
    steward = factory.user(roles=("staff", "steward"), division="CXD", name="Other Steward")
    sign_in(client, steward)
    assert client.get(f"/adoption/divisions/{ids['division']}/inquiries").status_code == 403


def test_the_division_page_shows_replaced_figures_at_once(app, client, city):
    """The division page keeps its charts and tables under a marker of reports and inquiry logs: typed counts that
    replace a log's figures, even with the same number of rows, show on the next request."""
    lead, ids = city
    sign_in(client, lead)
    path = f"/adoption/divisions/{ids['division']}/inquiries/{ids['period']}/counts"
    token_from = f"/adoption/divisions/{ids['division']}/inquiries"

    def typed(received: str, within: str) -> str:
        response = post_form(client, path, {"received-0-phone": received, "within-0-phone": within},
                             token_from=token_from)
        assert response.status_code == 302
        text = page(client.get(f"/adoption/divisions/{ids['division']}")).get_text(" ", strip=True)
        return text.replace("\u00a0", " ").replace("\u202f", " ")

    assert "Phone 40 90 %" in typed("40", "36")
    shown = typed("40", "20")
    assert counted(app)[2] == 1
    assert "Phone 40 50 %" in shown and "Phone 40 90 %" not in shown


@pytest.mark.parametrize("value, expected", [
    ("9" * 5_000, "larger than any division could count"), ("-" + "9" * 5_000, "whole number of 0 or more"),
    ("²", "whole number of 0 or more"), ("٣", "whole number of 0 or more"), ("١٠", "whole number of 0 or more"),
    ("-5", "whole number of 0 or more"), ("1e3", "whole number of 0 or more"),
], ids=["5000-digits", "minus-5000-digits", "superscript-two", "arabic-indic-three", "arabic-indic-ten",
        "negative", "exponent"])
def test_hostile_counts_are_refused_next_to_the_field_and_nothing_changes(app, client, city, value, expected):
    lead, ids = city
    sign_in(client, lead)
    path = f"/adoption/divisions/{ids['division']}/inquiries/{ids['period']}/counts"
    token_from = f"/adoption/divisions/{ids['division']}/inquiries"
    response = post_form(client, path, {"received-0-phone": value, "within-0-phone": "1", "received-1-email": "3",
                                        "within-1-email": value}, token_from=token_from)
    assert response.status_code == 422
    shown = page(response)
    for name in ("received-0-phone", "within-1-email"):
        assert expected in shown.select_one(f"#{name}-error").get_text(" ", strip=True)
    assert "Exceeds the limit" not in shown.get_text(" ", strip=True)
    assert counted(app) == (0, 0, 0)


def test_counts_typed_with_thousands_apart_are_read(app, client, city):
    lead, ids = city
    sign_in(client, lead)
    path = f"/adoption/divisions/{ids['division']}/inquiries/{ids['period']}/counts"
    token_from = f"/adoption/divisions/{ids['division']}/inquiries"
    response = post_form(client, path, {"received-0-phone": "1 200", "within-0-phone": "1\u00a0100"},
                         token_from=token_from)
    assert response.status_code == 302
    shown = page(client.get(f"/adoption/divisions/{ids['division']}")).get_text(" ", strip=True)
    assert "91.7 %" in shown.replace("\u00a0", " ")


@pytest.mark.parametrize("query", ["period=%C2%B2", "period=" + "9" * 5_000, "period=-1", "period=%D9%A3"])
def test_the_upload_page_chosen_by_a_hostile_period_shows_the_newest(app, client, city, query):
    lead, ids = city
    sign_in(client, lead)
    response = client.get(f"/adoption/divisions/{ids['division']}/inquiries?{query}")
    assert response.status_code == 200
    assert page(response).select_one("#period option[selected]")["value"] == str(ids["period"])


PENDING_LOG = b"""received_at,acknowledged_at,channel,around_the_clock
2025-03-03 09:00,2025-03-03 10:00,phone,no
2025-03-04 09:00,2025-03-04 11:00,email,no
2025-03-05 09:00,2025-03-12 09:00,phone,no
2025-03-06 09:00,,phone,no
2025-03-27 14:00,,email,no
2025-03-30 14:00,,phone,yes
"""


def test_inquiries_not_yet_due_are_left_out_of_compliance_and_overdue_ones_count_as_missed(app, client, city,
                                                                                           monkeypatch):
    """Uploaded on Monday 31 March 2025 at noon in Toronto: two inquiries acknowledged in time, one late, one never
    acknowledged and long overdue, and two not acknowledged yet but not due yet (an ordinary one due at 14:00 that
    day, two business days after Thursday 14:00; a 24-hour one due 48 hours after Sunday 14:00). The figure is
    2 in time out of the 4 whose time has come: 50 %, not 2 of 6, and not 2 of 5 as it would be if the upload
    were measured hours late."""
    from datetime import datetime

    from portal.adoption import views
    from portal.adoption.models import ReportingPeriod
    from portal.adoption.operations import computed_for, open_period
    from portal.auth.models import Division, User

    lead, ids = city
    with app.test_request_context():
        steward = db.session.scalar(select(User).where(User.full_name == "Stella Steward"))
        period_id = open_period(2025, 1, date(2025, 4, 15), steward).id
        db.session.commit()
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2025, 3, 31, 16, 0))
    sign_in(client, lead)
    path = f"/adoption/divisions/{ids['division']}/inquiries"
    token = page(client.get(path)).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(f"{path}/{period_id}/log", data={"csrf_token": token,
                                                            "log": (io.BytesIO(PENDING_LOG), "march.csv", "text/csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.test_request_context():
        division_id = db.session.scalar(select(Division.id).where(Division.code == ids["division"]))
        figure = computed_for(db.session.get(ReportingPeriod, period_id), [division_id])[division_id]
    assert figure["acknowledged-within-standard"] == 50.0
    report = page(client.get(f"/adoption/reports/{period_id}/{ids['division']}"))
    shown = next(block.get_text(" ", strip=True) for block in report.select(".computed") if "within" in block.get_text())
    assert "50 %" in shown.replace("\u00a0", " ")
    rows = [" ".join(row.get_text(" ", strip=True).split()).replace("\u00a0", " ")
            for row in page(client.get(f"/adoption/divisions/{ids['division']}")).find(
                id="standard-title").find_next("table").tbody("tr")]
    assert rows == ["March 2025 Phone 4 33.3 % 20 h 30 min", "March 2025 E-mail 2 100 % 2 h 00 min"]


def test_a_lead_who_is_also_a_steward_uploads_for_their_own_division_and_no_other(app, client, city, factory):
    """The rules: uploading is the division's lead's (adoption.submit, for their own division); being a steward
    too lets them see every division, not upload for it. Their log goes to their own division."""
    from portal.adoption.models import InquiryLog
    from portal.auth.models import Division

    _lead, ids = city
    both = factory.user(roles=("staff", "lead", "steward"), division="PFR", name="Bo Both")
    sign_in(client, both)
    own, other = f"/adoption/divisions/{ids['other_division']}", f"/adoption/divisions/{ids['division']}"
    token = page(client.get(f"{own}/inquiries")).find("input", attrs={"name": "csrf_token"})["value"]
    sent = client.post(f"{own}/inquiries/{ids['period']}/log", content_type="multipart/form-data",
                       data={"csrf_token": token, "log": (io.BytesIO(good_log()), "pfr.csv", "text/csv")})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(own)
    with app.app_context():
        logs = [(log.division_id, log.uploaded_by_id, log.rows) for log in db.session.scalars(select(InquiryLog))]
        pfr = db.session.scalar(select(Division.id).where(Division.code == ids["other_division"]))
    assert logs == [(pfr, both.id, 2)]

    assert client.get(other).status_code == 200
    assert client.get(f"{other}/inquiries").status_code == 403
    refused = client.post(f"{other}/inquiries/{ids['period']}/log", content_type="multipart/form-data",
                          data={"csrf_token": token, "log": (io.BytesIO(good_log()), "cxd.csv", "text/csv")})
    assert refused.status_code == 403
    assert post_form(client, f"{other}/inquiries/{ids['period']}/counts", {"received-0-phone": "9"},
                     token_from=f"{own}/inquiries").status_code == 403
    assert counted(app) == (1, 2, 2)
    assert client.get("/adoption/").status_code == 200
