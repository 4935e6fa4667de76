"""Charts drawn on the server as inline SVG, for pages and PDFs alike.

Presentation attributes only (the CSP allows no style attribute or element, and WeasyPrint draws the same markup),
figures in the reader's locale, a <title> as the accessible name and a <desc> that states every figure, since
role="img" hides the drawing from screen readers. Leather projects the values and draws the lines; the layout
around them (wrapped titles, labels above bars, legends that show each dash) is drawn here."""
import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import leather
from flask_babel import gettext
from markupsafe import Markup

from .formatting import number, reader_language

PALETTE = ("#1f4e79", "#b35900", "#2e6b30", "#5b3a8c", "#555555")
DASHES = ("none", "9 4", "2 3", "12 3 3 3", "5 5")
INK, MUTED, GRID = "#1d1d1d", "#555555", "#d0d0d0"
FONT = "DejaVu Sans, Segoe UI, Arial, sans-serif"
TITLE_SIZE, TEXT_SIZE, TICK_SIZE = 19, 16, 15
BOLD = 1.1
PAD = 12
ROW, BAR = 36, 12
WIDTH, PHONE_WIDTH = 640, 360
NBSP = "\u00a0"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECIMAL = re.compile(r"-?\d+\.\d+")
_NARROW, _WIDE = frozenset("fijlrtI.,:;'!|()[] -"), frozenset("mwMW@%…")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart; a value of None is not available and is drawn as no bar, never as zero."""

    label: str
    value: float | None


@dataclass(frozen=True)
class Line:
    """One series of a line chart: (x label, value) pairs in order; None breaks the line."""

    name: str
    points: tuple[tuple[str, float | None], ...]


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _clean(text: str) -> str:
    """The text without the characters XML cannot carry."""
    return _NOT_XML.sub("", str(text))


def _width(text: str, size: float) -> float:
    """A generous estimate of the text's width in DejaVu Sans, the widest of the fonts in FONT."""
    return size * sum(0.4 if char in _NARROW else 1.0 if char in _WIDE else 0.72 if char.isupper() else 0.64
                      for char in text)


def _shorten(text: str, room: float, size: float) -> str:
    """The text, or as much of it as fits in `room` followed by an ellipsis."""
    if _width(text, size) <= room:
        return text
    while len(text) > 1 and _width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    """A child element; font_size=14 is written font-size="14", class_ is written class."""
    element = ET.SubElement(parent, tag, {name.rstrip("_").replace("_", "-"):
                                          value if isinstance(value, str) else f"{float(value):.6g}"
                                          for name, value in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _places(ticks: list[Decimal]) -> int:
    """How many decimals values show: one more than the ticks need."""
    return 1 + max(-min(0, tick.normalize().as_tuple().exponent) for tick in ticks)


def _figure(value: float | Decimal | None, unit: str, places: int = 3) -> str:
    """50% in English, « 50 % » (with a no-break space) in French; any other unit after a no-break space."""
    if not _known(value):
        return gettext("Not available")
    rounded = round(float(value), places)
    text = number(int(rounded) if rounded.is_integer() else rounded)
    if not unit:
        return text
    return f"{text}{'' if unit == '%' and reader_language() == 'en' else NBSP}{unit}"


def _statement(label: str, figure: str) -> str:
    return gettext("%(label)s: %(figure)s", label=_clean(label), figure=figure)


def _label(parent: ET.Element, text: str, x: float, y: float, room: float) -> str:
    """A label cut with an ellipsis when longer than `room`, keeping the full text in its <title>."""
    text = _clean(text)
    shown = _shorten(text, room, TEXT_SIZE)
    element = _el(parent, "text", shown, x=x, y=y, font_size=TEXT_SIZE)
    if shown != text:
        _el(element, "title", text)
    return shown


def _heading(parent: ET.Element, title: str, width: int) -> float:
    """The title wrapped to the width; returns where the chart goes on under it."""
    room, lines = (width - 2 * PAD) / BOLD, [""]
    for word in _clean(title).split():
        joined = f"{lines[-1]} {word}".strip()
        if lines[-1] and _width(joined, TITLE_SIZE) > room:
            lines.append(word)
        else:
            lines[-1] = joined
    text = _el(parent, "text", x=PAD, y=PAD + TITLE_SIZE, font_size=TITLE_SIZE, font_weight="bold")
    for index, line in enumerate(lines):
        _el(text, "tspan", _shorten(line, room, TITLE_SIZE), x=PAD, dy="1.3em" if index else "0")
    return PAD + TITLE_SIZE * 1.3 * len(lines) + 6


def _svg(key: tuple, title: str, summary: str, width: int, height: float, drawing: ET.Element) -> Markup:
    """The complete <svg>, scaled to its container through its viewBox; its ids come from what it shows."""
    ident = "chart-" + hashlib.blake2s(repr(key).encode(), digest_size=6).hexdigest()
    root = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "role": "img", "aria-labelledby": f"{ident}-title",
        "aria-describedby": f"{ident}-desc", "viewBox": f"0 0 {width} {math.ceil(height)}", "width": "100%",
        "preserveAspectRatio": "xMinYMin meet", "focusable": "false", "font-family": FONT, "fill": INK})
    _el(root, "title", title, id=f"{ident}-title")
    _el(root, "desc", summary, id=f"{ident}-desc")
    root.append(drawing)
    return Markup(ET.tostring(root, encoding="unicode"))


def _empty(key: tuple, title: str, width: int) -> Markup:
    drawing = ET.Element("g")
    top = _heading(drawing, title, width)
    message = gettext("No figures yet")
    _el(drawing, "text", message, x=PAD, y=top + TEXT_SIZE, font_size=TEXT_SIZE, fill=MUTED)
    return _svg(key, title, message, width, top + TEXT_SIZE + 2 * PAD, drawing)


def _scale(values: list[float], highest: float) -> leather.Linear:
    return leather.Linear(min(0, *values), max(highest, *values))


def bar_chart(title: str, bars: Sequence[Bar], *, highest: float = 100, unit: str = "%", width: int = WIDTH) -> Markup:
    """Horizontal bars, one row per label with the label above its bar, so long names keep the full width."""
    key = ("bar", title, tuple(bars), highest, unit, width, reader_language())
    known = [bar.value for bar in bars if _known(bar.value)]
    if not known:
        return _empty(key, title, width)
    scale = _scale(known, highest)
    ticks, places = scale.ticks(), _places(scale.ticks())
    figures = [_figure(value, unit, places) for value in known] + [_figure(tick, unit) for tick in ticks]
    left, right = PAD + 10, width - PAD - max(_width(figure, TEXT_SIZE) for figure in figures) - 8
    drawing = ET.Element("g")
    top = _heading(drawing, title, width) + TICK_SIZE
    grid, axis = (_el(drawing, "path", stroke=colour, fill="none") for colour in (GRID, MUTED))
    zero, grid_lines = scale.project(0, left, right), [(scale.project(tick, left, right), tick) for tick in ticks]
    for x, tick in grid_lines:
        _el(drawing, "text", _figure(tick, unit), x=x, y=top, font_size=TICK_SIZE, text_anchor="middle")
    bands = []
    for index, bar in enumerate(bars):
        y = top + 8 + index * ROW
        _label(drawing, bar.label, left, y + TEXT_SIZE + 2, width - PAD - left)
        bar_top, baseline = y + TEXT_SIZE + 8, y + TEXT_SIZE + 8 + BAR - 3
        bands.append(bar_top - 3)
        if _known(bar.value):
            end = scale.project(bar.value, left, right)
            _el(drawing, "rect", x=min(zero, end), y=bar_top, width=abs(end - zero), height=BAR, fill=PALETTE[0],
                class_="bar")
            _el(drawing, "text", _figure(bar.value, unit, places), x=max(zero, end) + 6, y=baseline,
                font_size=TEXT_SIZE)
        else:
            _el(drawing, "text", gettext("Not available"), x=zero + 6, y=baseline, font_size=TEXT_SIZE,
                font_style="italic", fill=MUTED, class_="missing")
    for path, chosen in ((grid, lambda tick: tick != 0), (axis, lambda tick: tick == 0)):
        path.set("d", " ".join(f"M{x:.1f} {band:.1f}v{BAR + 6}" for x, tick in grid_lines if chosen(tick)
                               for band in bands))
    summary = "; ".join(_statement(bar.label, _figure(bar.value, unit, places)) for bar in bars)
    return _svg(key, title, summary, width, top + 8 + len(bars) * ROW + PAD, drawing)


def for_column_and_phone(draw: Callable[[int], Markup]) -> Markup:
    """The chart drawn for a column (WIDTH units) and for a phone (PHONE_WIDTH units); the stylesheet shows the one
    that fits, so that its text is never shown smaller than 12 px."""
    return Markup('<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>').format(
        draw(WIDTH), draw(PHONE_WIDTH))


def _rounded(drawn: ET.Element) -> ET.Element:
    """What leather drew, its coordinates rounded to a tenth (it writes them with 28 digits)."""
    for element in drawn.iter():
        for name in ("d", "cx", "cy"):
            if name in element.attrib:
                element.set(name, _DECIMAL.sub(lambda match: f"{float(match[0]):.1f}", element.get(name)))
    return drawn


def _style(index: int) -> tuple[str, str]:
    """Colour and dash of a series; past five series the dashes shift so no two series look alike."""
    return PALETTE[index % len(PALETTE)], DASHES[(index + index // len(PALETTE)) % len(DASHES)]


def _legend(parent: ET.Element, lines: Sequence[Line], top: float, width: int) -> float:
    """Each series' line sample, dash and dot included, then its name; wraps onto as many rows as needed."""
    x, y = PAD, top + TEXT_SIZE
    for index, line in enumerate(lines):
        colour, dash = _style(index)
        if x > PAD and x + 36 + _width(_clean(line.name), TEXT_SIZE) > width - PAD:
            x, y = PAD, y + TEXT_SIZE * 1.7
        _el(parent, "line", x1=x, y1=y - 5, x2=x + 30, y2=y - 5, stroke=colour, stroke_width=2.5,
            stroke_dasharray=dash)
        _el(parent, "circle", cx=x + 15, cy=y - 5, r=3.5, fill=colour)
        shown = _label(parent, line.name, x + 36, y, width - PAD - x - 36)
        x += 36 + _width(shown, TEXT_SIZE) + 20
    return y + 14


def _axis_labels(labels: list[str], slot: float) -> tuple[list[list[str]], int]:
    """Each x label on one line, or on two when one is too wide for its slot, and every how many slots a label
    can be shown without overlapping the next."""
    def widest(split):
        return max(_width(part, TICK_SIZE) for parts in split for part in parts) + 6

    split = [[label] for label in labels]
    if widest(split) > slot:
        split = [label.split(" ", 1) for label in labels]
    return split, math.ceil(widest(split) / slot)


def line_chart(title: str, lines: Sequence[Line], *, highest: float = 100, unit: str = "%", width: int = WIDTH,
               height: int = 300) -> Markup:
    """Trends across ordinal x labels (quarters such as "2026 Q1"), one line per series, with a legend."""
    key = ("line", title, tuple(lines), highest, unit, width, height, reader_language())
    labels = [_clean(label) for label in dict.fromkeys(x for line in lines for x, _value in line.points)]
    known = [value for line in lines for _x, value in line.points if _known(value)]
    if not known:
        return _empty(key, title, width)
    scale = _scale(known, highest)
    ticks = [(tick, _figure(tick, unit)) for tick in scale.ticks()]
    left = PAD + max(_width(text, TICK_SIZE) for _tick, text in ticks) + 8
    right = width - PAD - 4
    slot = (right - left) / len(labels)
    split, step = _axis_labels(labels, slot)
    label_room = max(map(len, split)) * TICK_SIZE * 1.2 + 12
    drawing = ET.Element("g")
    plot_top = _legend(drawing, lines, _heading(drawing, title, width), width) + 8
    total = max(height, plot_top + 140 + label_room + PAD)
    plot_bottom = total - PAD - label_room
    for tick, text in ticks:
        y = scale.project(tick, plot_bottom, plot_top)
        _el(drawing, "line", x1=left, y1=y, x2=right, y2=y, stroke=MUTED if tick == 0 else GRID)
        _el(drawing, "text", text, x=left - 6, y=y, dy="0.32em", font_size=TICK_SIZE, text_anchor="end")
    for index, parts in enumerate(split):
        x = left + slot * (index + 0.5)
        _el(drawing, "line", x1=x, y1=plot_bottom, x2=x, y2=plot_bottom + 5, stroke=MUTED)
        if index % step == 0:
            text = _el(drawing, "text", x=x, y=plot_bottom + 8 + TICK_SIZE, font_size=TICK_SIZE,
                       text_anchor="middle")
            for row, part in enumerate(parts):
                _el(text, "tspan", part, x=x, dy="1.2em" if row else "0")
    plot = _el(drawing, "g", transform=f"translate({left:.6g} {plot_top:.6g})")
    x_scale = leather.Ordinal(list(range(len(labels))))
    plot_width, plot_height = right - left, plot_bottom - plot_top
    for index, line in enumerate(lines):
        values = {_clean(x): value for x, value in line.points}
        data = [(n, values.get(label) if _known(values.get(label)) else None) for n, label in enumerate(labels)]
        if any(value is not None for _n, value in data):
            colour, dash = _style(index)
            series = leather.Series(data)
            for shape in (leather.Line(colour, 2.5, dash), leather.Dots(colour, 3.5)):
                plot.append(_rounded(shape.to_svg(plot_width, plot_height, x_scale, scale, series, None)))
    places = _places([tick for tick, _text in ticks])
    summary = "; ".join(_statement(line.name, ", ".join(f"{_clean(x)} {_figure(value, unit, places)}"
                                                         for x, value in line.points)) for line in lines)
    return _svg(key, title, summary, width, total, drawing)
