"""What every page with a form shares."""
from flask import render_template


def render_form(template: str, form, **context):
    """The page with its form; 422 when the form came back with errors, so nothing was changed."""
    return render_template(template, form=form, **context), 422 if form.errors else 200
