"""Charts as inline SVG: well-formed, allowed by the CSP, labelled for screen readers, in the reader's locale,
and drawn in PDFs."""
import re
import xml.etree.ElementTree as ET
import zlib

import pytest
from flask_babel import force_locale

from portal.charts import PALETTE, Bar, Line, bar_chart, line_chart
from portal.formatting import number
from portal.pdf import render_pdf

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = tuple(f"{year} Q{quarter}" for year in (2025, 2026) for quarter in range(1, 5))
HOSTILE = ('<script>alert("x")</script>', "R&D", "Say \"hi\" & 'bye' </svg>", "Tab\x00\x1bcontrol")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    """What each <text> shows, tspans included, leaving out the <title> of a cut label."""
    return ["".join([element.text or "", *(span.text or "" for span in element.iter(f"{SVG}tspan"))])
            for element in root.iter(f"{SVG}text")]


def all_charts() -> list[str]:
    lines = [Line("Phone", tuple((quarter, 40 + index) for index, quarter in enumerate(QUARTERS))),
             Line(HOSTILE[0], (("2025 Q1", None), ("2025 Q2", 30.5)))]
    return [bar_chart("By division", [Bar("Customer Experience", 72.5), Bar(HOSTILE[1], None)]),
            bar_chart(HOSTILE[0], [Bar(label, 10 * index) for index, label in enumerate(HOSTILE)]),
            line_chart("By channel", lines), bar_chart("Nothing", []), line_chart("Nothing", []),
            line_chart("All unknown", [Line("Phone", (("2025 Q1", None),))])]


def test_charts_are_well_formed_and_need_nothing_the_csp_forbids(app):
    with app.test_request_context():
        charts = all_charts()
    for chart in charts:
        root = parse(chart)
        assert root.tag == f"{SVG}svg"
        for element in root.iter():
            assert element.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image")
            assert "style" not in element.attrib
            assert not [name for name in element.attrib if name.lower().startswith("on") or "href" in name]
        assert "url(" not in chart and "javascript:" not in chart


def test_each_chart_is_an_image_named_by_its_title_and_ids_do_not_clash(app):
    with app.test_request_context():
        first = bar_chart("Promises kept", [Bar("Planning", 40)])
        second = bar_chart("Promises kept", [Bar("Planning", 41)])
        third = line_chart("Promises kept", [Line("Planning", (("2026 Q1", 40),))])
    page = parse(f'<div xmlns="http://www.w3.org/2000/svg">{first}{second}{third}</div>')
    ids = [element.get("id") for element in page.iter() if element.get("id")]
    assert len(ids) == len(set(ids)) == 6
    for svg in page:
        assert svg.get("role") == "img" and svg.get("focusable") == "false"
        assert svg.get("width") == "100%" and "style" not in svg.attrib
        assert svg.get("preserveAspectRatio") == "xMinYMin meet"
        assert [float(part) for part in svg.get("viewBox").split()][:3] == [0, 0, 640]
        title = svg.find(f"{SVG}title")
        assert title.get("id") == svg.get("aria-labelledby") and title.text == "Promises kept"
        assert svg.find(f"{SVG}desc").get("id") == svg.get("aria-describedby")
    assert "Planning: 40%" in page[0].find(f"{SVG}desc").text


def test_hostile_labels_come_out_escaped(app):
    with app.test_request_context():
        bars = bar_chart(HOSTILE[0], [Bar(label, 50) for label in HOSTILE])
        lines = line_chart("Trend", [Line(label, (("2026 Q1", 50), (label, 60))) for label in HOSTILE])
    for chart in (bars, lines):
        assert "<script" not in chart and "&lt;script&gt;" in chart and "R&amp;D" in chart
        shown = texts(parse(chart))
        assert HOSTILE[0] in shown and "R&D" in shown and "Tabcontrol" in shown


def test_unknown_values_draw_no_bar_and_are_not_zero(app):
    with app.test_request_context():
        root = parse(bar_chart("Share", [Bar("Known", 60), Bar("Unknown", None), Bar("Zero", 0)]))
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert len(bars) == 2 and float(bars[0].get("width")) > 0 and float(bars[1].get("width")) == 0
    missing = [text for text in root.iter(f"{SVG}text") if text.get("class") == "missing"]
    assert [text.text for text in missing] == ["Not available"]
    assert texts(root).count("0%") == 2
    assert "Unknown: Not available" in root.find(f"{SVG}desc").text


def test_unknown_values_break_the_line(app):
    points = (("2026 Q1", 10), ("2026 Q2", 20), ("2026 Q3", None), ("2026 Q4", 30), ("2027 Q1", 40))
    with app.test_request_context():
        root = parse(line_chart("Trend", [Line("Phone", points)]))
    paths = [path for path in root.iter(f"{SVG}path") if path.get("stroke") == "#1f4e79"]
    assert [path.get("d").count("L") for path in paths] == [1, 1]
    assert len(list(root.iter(f"{SVG}circle"))) == 4 + 1


@pytest.mark.parametrize("locale, fifty, decimal", [("en_CA", "50%", "12.5%"), ("fr_CA", "50\u00a0%", "12,5\u00a0%")])
def test_figures_are_in_the_readers_locale(app, locale, fifty, decimal):
    with app.test_request_context(), force_locale(locale):
        shown = texts(parse(bar_chart("Share", [Bar("Planning", 12.5)])))
        big = texts(parse(line_chart("Calls", [Line("Phone", (("2026 Q1", 40000),))], unit="")))
        thousands = number(40000)
    assert fifty in shown and decimal in shown
    assert thousands in big and thousands != "40000"


def test_long_labels_are_kept_whole_or_cut_with_the_full_text_at_hand(app):
    sixty = "Municipal Licensing and Standards, Toronto and East York Dist"
    longer = "Division " + "of Continuous Improvement " * 6
    with app.test_request_context():
        root = parse(bar_chart("Share", [Bar(sixty, 50), Bar(longer, 60)]))
    shown = texts(root)
    assert sixty in shown
    cut = next(text for text in root.iter(f"{SVG}text") if text.find(f"{SVG}title") is not None)
    assert cut.text.endswith("…") and len(cut.text) < len(longer)
    assert cut.find(f"{SVG}title").text == longer


def test_empty_charts_say_so(app):
    with app.test_request_context():
        charts = [bar_chart("Share", []), bar_chart("Share", [Bar("Planning", None)]), line_chart("Trend", []),
                  line_chart("Trend", [Line("Phone", (("2026 Q1", None),))])]
    for chart in charts:
        root = parse(chart)
        assert texts(root)[-1] == "No figures yet" and root.find(f"{SVG}title").text in ("Share", "Trend")
        assert not list(root.iter(f"{SVG}rect"))


def pdf_page(body: str) -> str:
    return f'<!doctype html><html lang="en"><head><title>Report</title></head><body><h1>Report</h1>{body}</body></html>'


def drawing(pdf: bytes) -> str:
    """The PDF's streams inflated (WeasyPrint compresses them), to look for drawing operators in."""
    inflated = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream[1]).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(inflated)


def colour(hex_colour: str) -> str:
    """A colour as PDF operators write it: #1f4e79 is 0.121569 0.305882 0.47451."""
    return " ".join(f"{int(hex_colour[at:at + 2], 16) / 255:.6f}".rstrip("0").rstrip(".") for at in (1, 3, 5))


def test_charts_are_drawn_in_pdfs(app):
    with app.test_request_context():
        bars = bar_chart("Share", [Bar(f"Division {index}", None if index == 3 else 5 * index + 1)
                                   for index in range(12)])
        lines = line_chart("Trend", [Line(name, tuple((quarter, 30 + 5 * index + offset)
                                                      for index, quarter in enumerate(QUARTERS)))
                                     for offset, name in enumerate(("Phone", "E-mail", "Counter", "Online"))])
    bars_pdf, lines_pdf, without = (render_pdf(pdf_page(body)) for body in (bars, lines, ""))
    assert bars_pdf.startswith(b"%PDF") and len(bars_pdf) > len(without)
    filled_bars = re.findall(rf"{colour(PALETTE[0])} rg\n(?:.*\n){{0,6}}?[-\d. ]+ re\nf\n", drawing(bars_pdf))
    assert len(filled_bars) == 11
    strokes = drawing(lines_pdf)
    assert all(f"{colour(stroke)} RG" in strokes for stroke in PALETTE[:4])


def test_each_chart_comes_drawn_for_a_column_and_for_a_phone_with_text_of_12_px_or_more(app):
    """The stylesheet shows the first from a 40rem screen (a column of 608 px at least) and the second below it (a
    390 px phone leaves 358 px); both keep every text at 12 px or more."""
    from portal.charts import for_column_and_phone

    with app.test_request_context():
        drawn = for_column_and_phone(lambda width: bar_chart("Share by division, lowest first",
                                                             [Bar(f"Division {index}", index) for index in range(40)],
                                                             width=width))
    page = parse(f'<div xmlns="http://www.w3.org/2000/svg">{drawn}</div>')
    column, phone = page
    assert column.get("class") == "chart-wide" and phone.get("class") == "chart-narrow"
    for wrapper, shown_at in ((column, 608), (phone, 358)):
        svg = wrapper.find(f"{SVG}svg")
        scale = shown_at / float(svg.get("viewBox").split()[2])
        assert min(float(text.get("font-size")) for text in svg.iter(f"{SVG}text")) * scale >= 12
    names = [title.get("id") for title in page.iter(f"{SVG}title") if title.get("id")]
    assert len(set(names)) == len(names) == 2
