"""Parts of report pages rendered once for what they show and kept in each process.

A part is kept under a key made of everything it shows (counts, names, ids, the sort order), never a time or a
version number, so a kept part cannot show a figure that has since changed: new figures make a new key. The
least recently used parts go first. Nothing personal to the reader, such as a form's token, goes in a part."""
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import render_template
from markupsafe import Markup

from .formatting import reader_language
from .kept import kept

LIMIT = 256
_kept: OrderedDict[tuple, Markup] = kept(OrderedDict())
_lock = Lock()


def render_part(template: str, key: tuple, **context) -> Markup:
    """The template rendered with `context`, or the copy kept for the same key and language."""
    return render_part_made(template, key, lambda: context)


def render_part_made(template: str, key: tuple, make_context: Callable[[], dict]) -> Markup:
    """As render_part, for a part whose context is worth making only when no copy is kept."""
    full_key = (template, reader_language(), key)
    with _lock:
        html = _kept.get(full_key)
        if html is not None:
            _kept.move_to_end(full_key)
            return html
    html = Markup(render_template(template, **make_context()))
    with _lock:
        _kept[full_key] = html
        while len(_kept) > LIMIT:
            _kept.popitem(last=False)
    return html
