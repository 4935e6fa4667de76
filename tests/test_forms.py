"""The quicker attribute writer gives exactly what WTForms' own does."""
import pytest
from markupsafe import Markup

from portal.forms import ORIGINAL_HTML_PARAMS, html_params


@pytest.mark.parametrize("attributes", [
    {},
    {"name": "value-staff", "id": "value-staff", "value": ""},
    {"class_": "short", "for_": "x", "data_kind": "count", "aria_describedby": "a-hint a-error"},
    {"checked": True, "disabled": False, "required": True, "rows": 4},
    {"value": '"><script>alert(1)</script>&amp;', "title": "l'équipe « A »"},
    {"value": Markup("<b>kept</b>"), "placeholder": 12.5, "maxlength": 40},
    {"value": Markup('a "quoted" word'), "title": Markup("x\" onmouseover=\"y")},
])
def test_same_output_as_wtforms(attributes):
    assert html_params(**attributes) == ORIGINAL_HTML_PARAMS(**attributes)
    assert isinstance(html_params(**attributes), Markup)


def test_a_quote_inside_trusted_markup_cannot_end_the_attribute():
    assert html_params(title=Markup('x" onmouseover="y')) == 'title="x&quot; onmouseover=&quot;y"'


def test_the_portal_forms_use_it(app):
    from wtforms.widgets import core
    assert core.html_params is html_params and core.Input.html_params is html_params
