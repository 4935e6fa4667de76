"""Kept parts of reports: used again only for the same figures in the same language, never out of date."""
from flask_babel import force_locale

from portal import fragments


def test_a_part_is_rendered_again_for_new_figures_or_another_language(app, monkeypatch):
    rendered = []

    def render(template, **context):
        rendered.append(context["figure"])
        return f"<p>{context['figure']}</p>"

    monkeypatch.setattr(fragments, "render_template", render)
    with app.test_request_context():
        assert fragments.render_part("part.html", (1,), figure=1) == "<p>1</p>"
        assert fragments.render_part("part.html", (1,), figure=1) == "<p>1</p>"
        assert fragments.render_part("part.html", (2,), figure=2) == "<p>2</p>"
        with force_locale("fr_CA"):
            fragments.render_part("part.html", (2,), figure=2)
    assert rendered == [1, 2, 2]


def test_the_oldest_parts_of_a_template_go_first_and_leave_other_templates_alone(app, monkeypatch):
    monkeypatch.setattr(fragments, "render_template", lambda template, **context: str(context["n"]))
    monkeypatch.setattr(fragments, "LIMIT_PER_TEMPLATE", 3)
    monkeypatch.setattr(fragments, "_stores", {})
    with app.test_request_context():
        fragments.render_part("report.html", ("table",), n=0)
        for n in range(5):
            fragments.render_part("part.html", (n,), n=n)
    assert [key[1] for key in fragments._stores["part.html"].values] == [(2,), (3,), (4,)]
    assert [key[1] for key in fragments._stores["report.html"].values] == [("table",)]
