"""The one number reader: ASCII digits within bounds, a reason for every refusal, and the places that use it."""
import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.numbers import LARGEST_ID, NumberRefused, number_or_none, parse_number

PORTAL = Path(__file__).resolve().parent.parent / "portal"


@pytest.mark.parametrize("text, expected", [
    ("0", 0), ("12", 12), ("007", 7), ("-0", 0), (str(LARGEST_ID), LARGEST_ID), ("0" * 5_000 + "1", 1),
])
def test_ascii_digits_are_read(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", [
    "²", "٣", "１", "①", "৪", "𝟚", "Ⅻ", "½", "2²", "١٠", "", " ", "1e9", "0x1F", "+1", "1_000", "NaN", "Infinity",
    "1.5", "1,5", " 1", "1 ", "1 000", "--1", "1-", "-", "\x00", "1\n", "١",
])
def test_anything_else_is_not_a_number(text):
    with pytest.raises(NumberRefused) as refused:
        parse_number(text)
    assert refused.value.reason == "not_a_number"


@pytest.mark.parametrize("text, reason", [
    ("9" * 5_000, "too_large"), ("-" + "9" * 5_000, "too_small"), (str(LARGEST_ID + 1), "too_large"),
    ("99999999999999999999", "too_large"), ("-1", "too_small"), ("9223372036854775808", "too_large"),
])
def test_numbers_out_of_bounds_say_which_way_without_reaching_pythons_limit(text, reason):
    with pytest.raises(NumberRefused) as refused:
        parse_number(text)
    assert refused.value.reason == reason


def test_bounds_and_decimals():
    assert parse_number("-5", lowest=-10, highest=10) == -5
    assert parse_number("85,55", highest=100, places=1) == 85.6
    assert parse_number("85.549", highest=100, places=1) == 85.5
    assert parse_number("0.05", highest=100, places=1) == 0.1
    assert parse_number("100.0", highest=100, places=1) == 100.0
    with pytest.raises(NumberRefused) as refused:
        parse_number("100.04", highest=100, places=1)
    assert refused.value.reason == "too_large"
    with pytest.raises(NumberRefused):
        parse_number("1." + "9" * 5_000, highest=100, places=0)
    assert parse_number("1." + "9" * 5_000, highest=100, places=1) == 2.0


def test_numbers_typed_by_people_may_have_spaces_and_thousands_apart():
    assert parse_number(" 1 200 ", grouped=True) == 1200
    assert parse_number("1\u00a0200\u202f000", grouped=True) == 1_200_000
    assert parse_number("1 200,5", grouped=True, places=1) == 1200.5
    for text in ("1 20", "12 00", "1  200", "1\t200", "1\u2028200"):
        with pytest.raises(NumberRefused):
            parse_number(text, grouped=True)


def test_query_values_that_are_not_numbers_are_none():
    assert number_or_none(None) is None
    assert number_or_none("²") is None
    assert number_or_none("9" * 5_000) is None
    assert number_or_none("-1") is None
    assert number_or_none("3", 1, 2) is None
    assert number_or_none("2", 1, 2) == 2


@given(st.text(max_size=30))
def test_no_text_gets_anything_but_a_number_in_bounds_or_a_refusal(text):
    try:
        value = parse_number(text, lowest=-1_000, highest=1_000, places=1, grouped=True)
    except NumberRefused as refused:
        assert refused.reason in ("not_a_number", "too_small", "too_large")
    else:
        assert -1_000 <= value <= 1_000
        assert all(character.isascii() for character in text if character.isdigit())


def test_refusals_are_told_in_the_readers_language(app):
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("fr_CA"):
            messages = {reason: NumberRefused(reason, 0, 10_000_000, 0).message
                        for reason in ("not_a_number", "too_small", "too_large")}
    assert messages["too_large"] == "Entrez un nombre de 10\u00a0000\u00a0000 ou moins."
    assert "chiffres" in messages["not_a_number"]
    assert "0" in messages["too_small"]


NUMBER_READERS = {"int", "float", "Decimal"}
NUMBER_TESTS = {"isdigit", "isdecimal", "isnumeric"}
NUMBER_FIELDS = {"IntegerField", "DecimalField", "FloatField", "IntegerRangeField", "DecimalRangeField"}


def _request_modules() -> list[Path]:
    """The modules that handle requests: every view, form, URL converter and what they call to read input."""
    names = ("views.py", "forms.py", "urls.py", "pagination.py", "quiz.py", "session.py", "subjects.py")
    return sorted(path for path in PORTAL.rglob("*.py") if path.name in names)


@pytest.mark.parametrize("path", _request_modules(), ids=lambda path: str(path.relative_to(PORTAL)))
def test_modules_that_read_requests_read_numbers_only_through_the_one_reader(path):
    """No view, form or converter calls int(), float() or Decimal(), asks str.isdigit(), uses a WTForms number
    field or coerces a choice with int: numbers come through portal.numbers (BoundedNumberField, number_choice,
    number_or_none), which bounds them and takes ASCII digits only."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Name) and called.id in NUMBER_READERS | NUMBER_FIELDS:
                found.append(f"{called.id}() on line {node.lineno}")
            if isinstance(called, ast.Attribute) and called.attr in NUMBER_TESTS:
                found.append(f".{called.attr}() on line {node.lineno}")
            found += [f"{keyword.arg}=int on line {node.lineno}" for keyword in node.keywords
                      if isinstance(keyword.value, ast.Name) and keyword.value.id in NUMBER_READERS]
    assert not found, found
