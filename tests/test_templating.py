"""The portal's template translation functions give what Jinja's own new-style wrappers give."""
import pytest
from flask import render_template_string
from flask_babel import force_locale, get_translations
from jinja2 import Environment

TEMPLATES = [
    '{{ _("Sign out") }}',
    '{{ _("100%% of the staff") }}',
    '{{ _("%(title)s, version %(version)s", title="<Code & Conduct>", version="1.0") }}',
    '{{ ngettext("%(num)d person", "%(num)d people", 3) }}',
    '{{ ngettext("%(num)d person", "%(num)d people", 1) }}',
    '{% trans count=2 %}{{ count }} entry{% pluralize %}{{ count }} entries{% endtrans %}',
    '{% trans who="<b>" %}Signed in as {{ who }}{% endtrans %}',
    '{{ pgettext("phase", "Walk") }}',
    '{{ npgettext("reports", "%(num)d late", "%(num)d late", 4) }}',
]


def _jinja_own(template: str) -> str:
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    environment.install_gettext_translations(get_translations(), newstyle=True)
    return environment.from_string(template).render()


@pytest.mark.parametrize("language", ["en_CA", "fr_CA"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_same_output_as_jinjas_new_style(app, template, language):
    with app.test_request_context(), force_locale(language):
        assert render_template_string(template) == _jinja_own(template)


def test_a_message_and_its_arguments_are_escaped(app):
    with app.test_request_context():
        assert render_template_string('{{ _("a %(name)s", name="<i>") }}|{{ _("50%%") }}') == "a &lt;i&gt;|50%"
