"""What every page with a form shares."""
from flask import render_template
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.widgets import core

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
