"""Parts of report pages rendered once for what they show and kept in each process.

A part is kept under a key made of everything it shows (counts, names, ids, the sort order), never a time or a
version number, so a kept part cannot show a figure that has since changed: new figures make a new key. Each
template keeps its own parts, the least recently used going first, so parts that are seldom shown again (a quiz
in progress, a report's fields) never push out a report's tables. Nothing personal to the reader, such as a
form's token, goes in a part."""
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import render_template
from markupsafe import Markup

from .formatting import reader_language
from .kept import kept

LIMIT_PER_TEMPLATE = 256
_kept: dict[str, OrderedDict[tuple, Markup]] = kept({})
_lock = Lock()


def render_part(template: str, key: tuple, **context) -> Markup:
    """The template rendered with `context`, or the copy kept for the same key and language."""
    return render_part_made(template, key, lambda: context)


def render_part_made(template: str, key: tuple, make_context: Callable[[], dict]) -> Markup:
    """As render_part, for a part whose context is worth making only when no copy is kept."""
    full_key = (reader_language(), key)
    with _lock:
        parts = _kept.setdefault(template, OrderedDict())
        html = parts.get(full_key)
        if html is not None:
            parts.move_to_end(full_key)
            return html
    html = Markup(render_template(template, **make_context()))
    with _lock:
        parts = _kept.setdefault(template, OrderedDict())
        parts[full_key] = html
        while len(parts) > LIMIT_PER_TEMPLATE:
            parts.popitem(last=False)
    return html
