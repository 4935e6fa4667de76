"""What every page with a form shares."""
from flask import render_template
from markupsafe import Markup, escape
from wtforms import Field, widgets
from wtforms.widgets import core

from .numbers import LARGEST_ID, NumberRefused, parse_number

ORIGINAL_HTML_PARAMS = core.html_params
QUOTE, ESCAPED_QUOTE = Markup('"'), Markup("&quot;")


def render_form(template: str, form, **context):
    """The page with its form; 422 when the form came back with errors, so nothing was changed."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def html_params(**attributes) -> Markup:
    """WTForms' attribute writer with the same output, joined as plain text instead of one Markup.format per
    attribute: on a report form of forty fields that formatting was a fifth of the page's time."""
    written = []
    for key, value in sorted(attributes.items()):
        if value is False:
            continue
        name = escape(core.clean_key(key))
        written.append(name if value is True else f'{name}="{escape(value).replace(QUOTE, ESCAPED_QUOTE)}"')
    return Markup(" ".join(written))


def write_attributes_quickly() -> None:
    """Puts html_params wherever WTForms' widgets and labels look it up."""
    core.html_params = widgets.html_params = html_params
    core.Input.html_params = core.Button.html_params = staticmethod(html_params)


class BoundedNumberField(Field):
    """A number in a form, read by `parse_number` between `lowest` and `highest` (with `places` decimals); anything
    else is an error next to the field, in the reader's language. A `unit` typed after the number (%) is left out;
    `messages` replaces the usual message for a reason ("not_a_number", "too_small", "too_large"). Blank is None:
    InputRequired or Optional decide about it."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, lowest: int = 0, highest: int = LARGEST_ID, places: int = 0,
                 grouped: bool = False, unit: str = "", messages: dict | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.lowest, self.highest, self.places, self.grouped, self.unit = lowest, highest, places, grouped, unit
        self.messages = messages or {}

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0] if valuelist else None
        if text is None or not text.strip():
            self.data = None
            return
        if self.unit:
            text = text.strip().removesuffix(self.unit)
        try:
            self.data = parse_number(text, self.lowest, self.highest, self.places, self.grouped)
        except NumberRefused as refusal:
            self.data = None
            raise ValueError(str(self.messages.get(refusal.reason) or refusal.message)) from None


def number_choice(value) -> int:
    """`coerce` for a choice sent as a number (an id): ASCII digits only, within what a table holds."""
    if isinstance(value, int):
        return value
    return parse_number(value, 0, LARGEST_ID)
